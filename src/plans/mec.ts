import mecLowerWgsl from '../../shaders/mec_lower.wgsl?raw';
import lowerInputWgsl from '../../shaders/lower_input.wgsl?raw';
import type { ConvParams } from '../params';
import { type GemmKernel, gemmPasses, outputStrides, packedWeightsWorkspace, packWeightsPass, roundUp4, splitKWorkspace, weightsLayout } from './gemm';
import { type AlgorithmPlan, channelQuads, type ConvBuffers, elementwiseWorkgroups, kElementwiseWorkgroup, kLoweringSegment, loweringInvocations, type Pass, type WorkspaceBuffer } from './types';

/** Length of one row run of L: k_w · i_c/g values, padded to a multiple of 4 for vec4 reads. */
/** Built once: a new string per call would be hashed and collected on every call. */
const kMecLowerSource = `${lowerInputWgsl}\n${mecLowerWgsl}`;

export const mecRowPad = (p: ConvParams) => roundUp4(p.kW * p.inCPerGroup);

/**
 * Elements of MEC's L for all images: i_n · o_w · i_h · k_w · i_c (MEC.md, "Workspace"), i_h the
 * padded height; exactly that when k_w · i_c/g is a multiple of 4, else each run is padded to one.
 */
export function mecLoweredElements(p: ConvParams): number {
  return p.groups * p.batch * p.outW * p.paddedH * mecRowPad(p);
}

const mecWeights = (p: ConvParams) => weightsLayout(p, p.kH, p.kW * p.inCPerGroup);

function lowerPass(p: ConvParams, x: GPUBuffer, l: GPUBuffer): Pass {
  // One invocation per segment of a run of L (mec_lower.wgsl).
  const total = loweringInvocations(mecLoweredElements(p) / mecRowPad(p), mecRowPad(p));
  return {
    name: 'Mec.lower',
    code: kMecLowerSource,
    constants: { WORKGROUP_SIZE: kElementwiseWorkgroup, SEGMENT: kLoweringSegment, INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0, CHANNEL_QUADS: channelQuads(p) ? 1 : 0 },
    bindings: [x, l],
    struct: 'Lower',
    uniforms: {
      total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, inCPerGroup: p.inCPerGroup, kW: p.kW, outW: p.outW,
      paddedH: p.paddedH, strideW: p.strideW, dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft, rowPad: mecRowPad(p),
    },
    workgroups: elementwiseWorkgroups(total),
  };
}

/**
 * The GEMM view of L shared by both solutions. L is laid out [group][image][o_w][i_h][row run]:
 * one row of L per output column, so output row h reads from column h·s_h·run on (leading
 * dimension i_h·run), and dilated kernel rows step d_h·run inside the row.
 */
function lView(p: ConvParams) {
  const run = mecRowPad(p);
  const lda = p.paddedH * run;
  return { lda, run, hStride: p.strideH * run, imageStride: p.outW * lda, groupStride: p.batch * p.outW * lda, K: p.kH * run };
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
        M: p.outH * p.outW, N: p.outCPerGroup, K: v.K,
        batch: [p.batch, 1, p.groups],
        a: l, aStrides: [v.imageStride, 0, v.groupStride], lda: v.lda, aKInner: v.run, aKOuter: p.dilationH * v.run,
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
        M: p.batch * p.outW, N: p.outCPerGroup, K: v.K,
        batch: [p.outH, 1, p.groups],
        a: l, aStrides: [v.hStride, 0, v.groupStride], lda: v.lda, aKInner: v.run, aKOuter: p.dilationH * v.run,
        b, bStrides: [0, 0, layout.groupStride], ldb: layout.ldb,
        bias: io.bias, biasGroupStride: p.outCPerGroup,
        c: io.y, cStrides: [out.row, 0, out.group], cStrideM: out.m, cStrideN: out.n, cMInner: p.outW, cSMOuter: out.image,
      }, kernel, io.workspace.at(-1)),
    );
    return passes;
  },
};
