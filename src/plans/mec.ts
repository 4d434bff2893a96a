import mecLowerFlatWgsl from '../../shaders/mec_lower_flat.wgsl?raw';
import mecLowerFlatF32Wgsl from '../../shaders/mec_lower_flat_f32.wgsl?raw';
import mecLowerFlatVec4Wgsl from '../../shaders/mec_lower_flat_vec4.wgsl?raw';
import mecLowerWgsl from '../../shaders/mec_lower.wgsl?raw';
import lowerInputWgsl from '../../shaders/lower_input.wgsl?raw';
import lowerXF32Wgsl from '../../shaders/lower_x_f32.wgsl?raw';
import lowerXQuadsWgsl from '../../shaders/lower_x_quads.wgsl?raw';
import type { ConvParams } from '../params';
import { windowWorkRatio } from './gemm-window';
import { type GemmKernel, gemmPasses, outputStrides, packedWeightsWorkspace, packWeightsPass, roundUp4, splitKWorkspace, weightsLayout } from './gemm';
import { type AlgorithmPlan, type ConvBuffers, elementwiseWorkgroups, kElementwiseWorkgroup, kLoweringSegment, loweringInvocations, loweringShader, type Pass, type WorkspaceBuffer } from './types';

const mecLowerShader = loweringShader('Mec.lower', lowerInputWgsl, lowerXF32Wgsl, lowerXQuadsWgsl, mecLowerWgsl);

/** One run of L: the k_w · i_c/g values of one input row under one output column. */
const mecRun = (p: ConvParams) => p.kW * p.inCPerGroup;

/**
 * Reduction work of A read as f32s against aligned vec4s, per k: four loads, each bounds-checked,
 * in place of one (Chromium on SwiftShader, cv1's K = 364: 52–57 ms against 45 for im2col's GEMM).
 */
const kF32ReadCost = 1.2;

/** How L is stored and how the GEMM reads it. */
export interface MecLayout {
  /** Values from one run of L to the next: the run, then zeros. */
  run: number;
  /** Runs per strip of L (one strip per output column): the padded height i_h, plus zero rows in 'window-vec4'. */
  rows: number;
  /**
   * 'runs': each run padded to a multiple of 4, read as k_h runs of vec4s (any dilation).
   * 'window-vec4': runs padded only as far as s_h·run % 4 = 0, so every output row's window of k_h
   * adjacent runs (d_h = 1) starts aligned and is read as vec4s.
   * 'window-f32': unpadded runs, MEC.md's size exactly; windows start anywhere and are read as f32s.
   */
  kind: 'runs' | 'window-vec4' | 'window-f32';
}

const leastFrom = (start: number, ok: (n: number) => boolean) => {
  let n = start;
  while (!ok(n)) n++;
  return n;
};

/**
 * The layout that needs the least reduction work. Padding each run to a multiple of 4 gives
 * aligned vec4 reads, but on short runs it lengthens the reduction (3-channel 3×3 layers: k_h runs
 * of 9 become 36 values against 28). With adjacent kernel rows (d_h = 1) an output row's window
 * of L is one contiguous stretch of k_h runs (MEC.md, "The GEMMs"), padded once, at its end, to a
 * multiple of 4 and masked there; for s_h = 2 or 4 a smaller pad per run aligns every window.
 * Given Solution B's block kernel, padded runs are weighed at the work left once adjacent output
 * rows share them (gemm_window.wgsl): cv7 with 16 × 8 blocks, runs of 12 with 16 rows sharing
 * them ran 74 ms against 90 for windows of f32s (Chromium/SwiftShader).
 */
export function mecLayout(p: ConvParams, windowKernel?: GemmKernel): MecLayout {
  const r = mecRun(p);
  const runs: MecLayout = { kind: 'runs', run: roundUp4(r), rows: p.paddedH };
  if (p.dilationH !== 1 || r % 4 === 0) return runs;
  const shared = windowKernel?.family === 'block' && windowKernel.rowWindows !== false
    ? windowWorkRatio(windowKernel, { outH: p.outH, strideH: p.strideH, dilationH: p.dilationH, kH: p.kH }, p.outW)
    : 1;
  const aligned = leastFrom(r, (n) => (p.strideH * n) % 4 === 0);
  const candidates: [MecLayout, number][] = [
    [runs, shared * p.kH * runs.run],
    ...(aligned % 4 !== 0 ? [[{ kind: 'window-vec4', run: aligned, rows: leastFrom(p.paddedH, (h) => (h * aligned) % 4 === 0) }, roundUp4(p.kH * aligned)] as [MecLayout, number]] : []),
    [{ kind: 'window-f32', run: r, rows: p.paddedH }, kF32ReadCost * roundUp4(p.kH * r)],
  ];
  return candidates.reduce((best, c) => (c[1] < best[1] ? c : best))[0];
}

/**
 * Elements of MEC's L for all images: i_n · o_w · i_h · k_w · i_c (MEC.md, "Workspace"), i_h the
 * padded height; exactly that when k_w · i_c/g is a multiple of 4 or the runs are unpadded (then
 * rounded up to whole vec4s, at most 3 more); otherwise runs are padded as mecLayout says (for
 * Solution B's block kernel `windowKernel`, where given).
 */
export function mecLoweredElements(p: ConvParams, windowKernel?: GemmKernel): number {
  return roundUp4(layoutValues(p, mecLayout(p, windowKernel)));
}

/** L's values, padding included, before rounding up to whole vec4s. */
const layoutValues = (p: ConvParams, layout: MecLayout) => p.groups * p.batch * p.outW * layout.rows * layout.run;

/** The weights as B: k_h segments of k_w·i_c/g rows, one per run of a window. */
const mecWeights = (p: ConvParams, layout: MecLayout) => weightsLayout(p, p.kH, mecRun(p), layout.run);

/** L, the packed weights where needed, split-K partials; L laid out for `windowKernel` (Solution B's GEMM kernel) where given. */
function mecWorkspace(p: ConvParams, kernel: GemmKernel, windowKernel?: GemmKernel): WorkspaceBuffer[] {
  const layout = mecLayout(p, windowKernel);
  return [
    { name: 'mec.L', elements: roundUp4(layoutValues(p, layout)) },
    ...packedWeightsWorkspace(p, mecWeights(p, layout)),
    ...splitKWorkspace(p, kernel),
  ];
}

/** Runs of a strip per invocation of the flat lowering, located once: 8 beat 1, 4 and 16 on cv1, cv3 and cv7 (SwiftShader). */
const kFlatRuns = 8;

function lowerPass(p: ConvParams, layout: MecLayout, x: GPUBuffer, l: GPUBuffer): Pass {
  const elements = layoutValues(p, layout);
  const runs = elements / layout.run;
  if (layout.kind !== 'runs' || mecRun(p) % 4 !== 0) {
    // The flat L of short runs, unpadded, part-padded or padded to quads (the vec4 lowering would
    // locate each short run apart: VGG conv1_1's runs of 12, 8.9 against 6.8 ms; AlexNet conv1's
    // of 36, 7.3 against 4.8): one invocation per kFlatRuns runs of a strip (mec_lower_flat.wgsl).
    const total = (runs / layout.rows) * Math.ceil(layout.rows / kFlatRuns);
    // Runs padded to quads are stored a vec4 at a time (VGG conv1_1, runs of 12: 6.6 against 6.1 ms).
    const quads = layout.run % 4 === 0;
    return {
      name: quads ? 'Mec.lowerFlat.vec4' : 'Mec.lowerFlat',
      code: `${mecLowerFlatWgsl}\n${quads ? mecLowerFlatVec4Wgsl : mecLowerFlatF32Wgsl}`,
      constants: { WORKGROUP_SIZE: kElementwiseWorkgroup, INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0, RUNS: kFlatRuns },
      bindings: [x, l],
      struct: 'LowerFlat',
      uniforms: {
        total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, inCPerGroup: p.inCPerGroup, kW: p.kW, outW: p.outW,
        rows: layout.rows, strideW: p.strideW, dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft, rowPad: layout.run, elements,
      },
      workgroups: elementwiseWorkgroups(total),
    };
  }
  // One invocation per segment of a run of L (mec_lower.wgsl).
  const total = loweringInvocations(runs, layout.run);
  const shader = mecLowerShader(p);
  return {
    name: shader.name,
    code: shader.code,
    constants: { WORKGROUP_SIZE: kElementwiseWorkgroup, SEGMENT: kLoweringSegment, INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0, CHANNEL_QUADS: shader.quads ? 1 : 0 },
    bindings: [x, l],
    struct: 'Lower',
    uniforms: {
      total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, inCPerGroup: p.inCPerGroup, kW: p.kW, outW: p.outW,
      paddedH: layout.rows, strideW: p.strideW, dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft, rowPad: layout.run,
    },
    workgroups: elementwiseWorkgroups(total),
  };
}

/**
 * The GEMM view of L shared by both solutions. L is laid out [group][image][o_w][rows][run]: one
 * strip of L per output column, so output row h reads from column h·s_h·run on (leading dimension
 * rows·run). 'runs' are read as k_h runs of vec4s (dilated kernel rows step d_h·run inside the
 * strip); windows as one stretch of k_h·run values, its last quad masked.
 */
function lView(p: ConvParams, layout: MecLayout) {
  const { run } = layout;
  const lda = layout.rows * run;
  const imageStride = p.outW * lda;
  const view = { lda, hStride: p.strideH * run, imageStride, groupStride: p.batch * imageStride };
  if (layout.kind === 'runs') return { ...view, K: p.kH * run, aKInner: run, aKOuter: p.dilationH * run, kValid: undefined, aF32: false };
  const K = roundUp4(p.kH * run);
  return { ...view, K, aKInner: K, aKOuter: K, kValid: p.kH * run, aF32: layout.kind === 'window-f32' };
}

/** The B operand: the caller's HWIO weights, or a packed copy made by a pass added here. */
function weightsOperand(p: ConvParams, l: MecLayout, io: ConvBuffers, passes: Pass[]) {
  const layout = mecWeights(p, l);
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
  workspace: (p, kernel) => mecWorkspace(p, kernel, kernel),
  passes(p, io, kernel: GemmKernel) {
    const [l] = io.workspace;
    const lLayout = mecLayout(p, kernel);
    const passes: Pass[] = [lowerPass(p, lLayout, io.x, l)];
    const { b, layout } = weightsOperand(p, lLayout, io, passes);
    const v = lView(p, lLayout);
    const out = outputStrides(p);
    passes.push(
      ...gemmPasses(p, {
        label: 'Mec.gemmB',
        M: p.outH * p.outW, N: p.outCPerGroup, K: v.K, kValid: v.kValid, aF32: v.aF32,
        batch: [p.batch, 1, p.groups],
        a: l, aStrides: [v.imageStride, 0, v.groupStride], lda: v.lda, aKInner: v.aKInner, aKOuter: v.aKOuter,
        aMInner: p.outW, aSMOuter: v.hStride,
        // Runs of L, read once for every output row whose window holds them (gemm_window.wgsl).
        windows: lLayout.kind === 'runs' ? { outH: p.outH, strideH: p.strideH, dilationH: p.dilationH, kH: p.kH } : undefined,
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
  workspace: (p, kernel) => mecWorkspace(p, kernel),
  passes(p, io, kernel: GemmKernel) {
    const [l] = io.workspace;
    const lLayout = mecLayout(p);
    const passes: Pass[] = [lowerPass(p, lLayout, io.x, l)];
    const { b, layout } = weightsOperand(p, lLayout, io, passes);
    const v = lView(p, lLayout);
    const out = outputStrides(p);
    passes.push(
      ...gemmPasses(p, {
        label: 'Mec.gemmA',
        M: p.batch * p.outW, N: p.outCPerGroup, K: v.K, kValid: v.kValid, aF32: v.aF32,
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
