import mecLowerWgsl from '../../shaders/mec_lower.wgsl?raw';
import lowerInputWgsl from '../../shaders/lower_input.wgsl?raw';
import type { ConvParams } from '../params';
import { type GemmKernel, gemmPasses, outputStrides, packedWeightsWorkspace, packWeightsPass, roundUp4, splitKWorkspace, weightsLayout } from './gemm';
import { type AlgorithmPlan, channelQuads, type ConvBuffers, elementwiseWorkgroups, kElementwiseWorkgroup, kLoweringSegment, loweringInvocations, type Pass, type WorkspaceBuffer } from './types';

/** Built once: a new string per call would be hashed and collected on every call. */
const kMecLowerSource = `${lowerInputWgsl}\n${mecLowerWgsl}`;

/** One run of L: the k_w · i_c/g values of one input row under one output column. */
const mecRun = (p: ConvParams) => p.kW * p.inCPerGroup;

/**
 * Whether L keeps its runs unpadded. Padding each run to a multiple of 4 lets the GEMM read A as
 * aligned vec4s, but where runs are short it adds reduction work (3-channel 3×3 layers: k_h runs
 * of 9 become 36 values against 28). With adjacent kernel rows (d_h = 1) one output row's window
 * of L is a single run of k_h·k_w·i_c/g values (MEC.md, "The GEMMs"), so L can stay exactly
 * MEC.md's size and the GEMM reads that window as f32s, padded once, to roundUp4(k_h·k_w·i_c/g).
 */
export const mecFlatRuns = (p: ConvParams) => p.dilationH === 1 && p.kH * roundUp4(mecRun(p)) > roundUp4(p.kH * mecRun(p));

/** Values from one run of L to the next: k_w · i_c/g, padded to a multiple of 4 unless the runs are flat. */
const mecRunStride = (p: ConvParams) => (mecFlatRuns(p) ? mecRun(p) : roundUp4(mecRun(p)));

/**
 * Elements of MEC's L for all images: i_n · o_w · i_h · k_w · i_c (MEC.md, "Workspace"), i_h the
 * padded height; exactly that when k_w · i_c/g is a multiple of 4 or the runs are flat (then
 * rounded up to whole vec4s, at most 3 more), else each run is padded to a multiple of 4.
 */
export function mecLoweredElements(p: ConvParams): number {
  const elements = p.groups * p.batch * p.outW * p.paddedH * mecRunStride(p);
  return mecFlatRuns(p) ? roundUp4(elements) : elements;
}

/** The weights as B: one segment of k_h·k_w·i_c/g rows for flat runs, else k_h segments of one run each. */
const mecWeights = (p: ConvParams) => (mecFlatRuns(p) ? weightsLayout(p, 1, p.kH * mecRun(p)) : weightsLayout(p, p.kH, mecRun(p)));

function lowerPass(p: ConvParams, x: GPUBuffer, l: GPUBuffer): Pass {
  // One invocation per segment of a run of L, or of the flat L (mec_lower.wgsl).
  const flat = mecFlatRuns(p);
  const stride = mecRunStride(p);
  const elements = mecLoweredElements(p);
  const total = flat ? Math.ceil(elements / 4 / kLoweringSegment) : loweringInvocations(elements / stride, stride);
  return {
    name: 'Mec.lower',
    code: kMecLowerSource,
    constants: {
      WORKGROUP_SIZE: kElementwiseWorkgroup, SEGMENT: kLoweringSegment, INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0,
      CHANNEL_QUADS: channelQuads(p) ? 1 : 0, FLAT_RUNS: flat ? 1 : 0,
    },
    bindings: [x, l],
    struct: 'Lower',
    uniforms: {
      total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, inCPerGroup: p.inCPerGroup, kW: p.kW, outW: p.outW,
      paddedH: p.paddedH, strideW: p.strideW, dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft, rowPad: stride,
      elements: p.groups * p.batch * p.outW * p.paddedH * stride,
    },
    workgroups: elementwiseWorkgroups(total),
  };
}

/**
 * The GEMM view of L shared by both solutions. L is laid out [group][image][o_w][i_h][run]: one
 * row of L per output column, so output row h reads from column h·s_h·run on (leading dimension
 * i_h·run). Padded runs are read as vec4s, k_h runs of one each (dilated kernel rows step d_h·run
 * inside the row); flat runs as one window of k_h·run f32s.
 */
function lView(p: ConvParams) {
  const run = mecRunStride(p);
  const lda = p.paddedH * run;
  const imageStride = p.outW * lda;
  const view = { lda, hStride: p.strideH * run, imageStride, groupStride: p.batch * imageStride };
  if (mecFlatRuns(p)) {
    const K = roundUp4(p.kH * run);
    return { ...view, K, aKInner: K, aKOuter: K, aF32: { kValid: p.kH * run } };
  }
  return { ...view, K: p.kH * run, aKInner: run, aKOuter: p.dilationH * run, aF32: undefined };
}

/** The B operand: the caller's HWIO weights, or a packed copy made by a pass added here. */
function weightsOperand(p: ConvParams, io: ConvBuffers, passes: Pass[]) {
  const layout = mecWeights(p);
  if (!layout.packed) return { b: io.w, layout };
  const packed = io.workspace[1];
  passes.push(packWeightsPass(p, layout, io.w, packed));
  return { b: packed, layout };
}

/**
 * Solution B: i_n · o_h GEMMs of o_w × (k_h·k_w·i_c) × k_c, each writing O[n, h] in place. One
 * dispatch per (image, group) tiles all o_h of them together: row m = h·o_w + w of the combined
 * GEMM reads L[w] from column h·s_h·run, and lands at output row h, column w.
 */
export const mecB: AlgorithmPlan = {
  algorithm: 'mec-b',
  workspace: (p, kernel): WorkspaceBuffer[] => [{ name: 'mec.L', elements: mecLoweredElements(p) }, ...packedWeightsWorkspace(p, mecWeights(p)), ...splitKWorkspace(p, kernel)],
  passes(p, io, kernel: GemmKernel) {
    const [l] = io.workspace;
    const passes: Pass[] = [lowerPass(p, io.x, l)];
    const { b, layout } = weightsOperand(p, io, passes);
    const v = lView(p);
    const out = outputStrides(p);
    passes.push(
      ...gemmPasses(p, {
        label: 'Mec.gemmB',
        M: p.outH * p.outW, N: p.outCPerGroup, K: v.K, aF32: v.aF32,
        batch: [p.batch, 1, p.groups],
        a: l, aStrides: [v.imageStride, 0, v.groupStride], lda: v.lda, aKInner: v.aKInner, aKOuter: v.aKOuter,
        aMInner: p.outW, aSMOuter: v.hStride,
        b, bStrides: [0, 0, layout.groupStride], ldb: layout.ldb,
        bias: io.bias, biasGroupStride: p.outCPerGroup,
        // Row m = h·o_w + w sits at m·(stride of w) in both layouts: NHWC h·o_w·k_c + w·k_c, NCHW h·o_w + w.
        c: io.y, cStrides: [out.image, 0, out.group], cStrideM: out.m, cStrideN: out.n,
      }, kernel, io.workspace.at(-1)),
    );
    return passes;
  },
};

/**
 * Solution A: o_h GEMMs, each over all i_n · o_w rows of L (images are contiguous, so the rows of
 * every image form one matrix with the same leading dimension). The paper writes an o_h × i_n ×
 * o_w × k_c intermediate and transposes it; here the GEMM's store splits row m into (image m / o_w,
 * column m % o_w) and writes the caller's layout directly, so A needs no more memory than B.
 */
export const mecA: AlgorithmPlan = {
  algorithm: 'mec-a',
  workspace: (p, kernel): WorkspaceBuffer[] => [{ name: 'mec.L', elements: mecLoweredElements(p) }, ...packedWeightsWorkspace(p, mecWeights(p)), ...splitKWorkspace(p, kernel)],
  passes(p, io, kernel: GemmKernel) {
    const [l] = io.workspace;
    const passes: Pass[] = [lowerPass(p, io.x, l)];
    const { b, layout } = weightsOperand(p, io, passes);
    const v = lView(p);
    const out = outputStrides(p);
    passes.push(
      ...gemmPasses(p, {
        label: 'Mec.gemmA',
        M: p.batch * p.outW, N: p.outCPerGroup, K: v.K, aF32: v.aF32,
        batch: [p.outH, 1, p.groups],
        a: l, aStrides: [v.hStride, 0, v.groupStride], lda: v.lda, aKInner: v.aKInner, aKOuter: v.aKOuter,
        b, bStrides: [0, 0, layout.groupStride], ldb: layout.ldb,
        bias: io.bias, biasGroupStride: p.outCPerGroup,
        c: io.y, cStrides: [out.row, 0, out.group], cStrideM: out.m, cStrideN: out.n, cMInner: p.outW, cSMOuter: out.image,
      }, kernel, io.workspace.at(-1)),
    );
    return passes;
  },
};
