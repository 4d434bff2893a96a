import gemmAF32Wgsl from '../../shaders/gemm_a_f32.wgsl?raw';
import gemmAVec4Wgsl from '../../shaders/gemm_a_vec4.wgsl?raw';
import gemmBlockWgsl from '../../shaders/gemm_block.wgsl?raw';
import gemmCommonWgsl from '../../shaders/gemm_common.wgsl?raw';
import gemmSplitKReduceWgsl from '../../shaders/gemm_splitk_reduce.wgsl?raw';
import gemmStorePartialWgsl from '../../shaders/gemm_store_partial.wgsl?raw';
import gemmStoreScalarWgsl from '../../shaders/gemm_store_scalar.wgsl?raw';
import gemmStoreVec4Wgsl from '../../shaders/gemm_store_vec4.wgsl?raw';
import gemmTiledWgsl from '../../shaders/gemm_tiled.wgsl?raw';
import weightsPackWgsl from '../../shaders/weights_pack.wgsl?raw';
import type { ConvParams } from '../params';
import { type BlockKernel, blockBLoads, blockColumns, blockFma, fillBlockKernel } from './block-code';
import { gemmWindowSource, kShortRunQuads, type RowWindows, type WindowBlock, windowBlock, windowBlockName } from './gemm-window';
import { activationCode, elementwiseWorkgroups, kElementwiseWorkgroup, type Pass, type WorkspaceBuffer } from './types';

type Strides3 = readonly [number, number, number];

export const roundUp4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * A GEMM kernel: 'block' keeps a TM × 4·TN4 block per invocation in registers and uses no
 * workgroup memory (fast on CPU-like adapters); 'tiled' stages (4·wg)² tiles of A and B in
 * workgroup memory, 4 × 4 outputs per invocation (the usual design for GPUs). A tiled kernel with
 * splitK = S > 1 also splits the reduction into S slices summed by a second pass: S times the
 * invocations, for layers whose output alone leaves most of a GPU idle (cv12: 49 × 512 outputs
 * are 1,568 invocations at 4 × 4 each, on an H100 that runs 270,000 at once), at the cost of S
 * partial outputs of workspace. A block kernel with shareB = true lets each four lanes of a
 * subgroup load one of B's four rows per quad of k and broadcast it to the others (the device
 * needs 'subgroups', with subgroups of at least 4): a quarter of the B loads, which on SwiftShader
 * are gathers (a 16 × 32 block: 1024² × 4096 GEMM 6.8 → 9.1 GFLOP/s, measured). On MEC's
 * Solution B a block kernel by default lets adjacent output rows share the runs of L they read
 * (gemm_window.wgsl) where that saves work; rowWindows = false reads every row's window apart.
 */
export type GemmKernel = { family: 'block'; tm: number; tn4: number; shareB?: boolean; rowWindows?: boolean } | { family: 'tiled'; wg: number; tileK: number; splitK?: number };

/**
 * The default before any tuning: a 16 × 8 block. The autotuner prefers 16 × 16 on 12 of the 13 GEMM
 * layers of the full-size bench on SwiftShader (bench-results/), about 10 % faster, but it compiles
 * in 1.2 s against 0.5 s, and an untuned first call pays that; large blocks amortise gathers.
 */
export const kDefaultGemmKernel: GemmKernel = { family: 'block', tm: 16, tn4: 2 };
/** Kernels the planner tries and the tests run. */
export const kGemmKernels: readonly GemmKernel[] = [
  { family: 'block', tm: 4, tn4: 1 },
  { family: 'block', tm: 8, tn4: 2 },
  { family: 'block', tm: 16, tn4: 2 },
  { family: 'block', tm: 4, tn4: 4 },
  { family: 'block', tm: 16, tn4: 4 },
  // 512 outputs per invocation: on SwiftShader 10–20 % faster than 16 × 16 on the largest layers
  // (cv4, cv5, cv8), no faster on small ones; the autotuner tries it where the block family wins.
  // 32 × 16 was as fast but compiled in 7 s against 2.4 s: not offered.
  { family: 'block', tm: 16, tn4: 8 },
  // With B shared in subgroups (where the device has them): 16 × 32 was the fastest of 4 × 32 to
  // 32 × 32 on SwiftShader; blocks with 8 or fewer columns gained nothing (few B loads to share).
  { family: 'block', tm: 16, tn4: 8, shareB: true },
  { family: 'block', tm: 32, tn4: 4, shareB: true },
  { family: 'tiled', wg: 8, tileK: 16 },
  { family: 'tiled', wg: 16, tileK: 16 },
  { family: 'tiled', wg: 8, tileK: 16, splitK: 4 },
  { family: 'tiled', wg: 8, tileK: 16, splitK: 16 },
];

/** What a device offers the GEMM kernels beyond core WebGPU. */
export interface GemmCaps {
  /** 'subgroups' is enabled and every subgroup has at least 4 lanes: the block kernels can share B. */
  shareB: boolean;
}

export function gemmCapsOf(device: GPUDevice): GemmCaps {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo & { subgroupMinSize?: number } }).adapterInfo;
  return { shareB: device.features.has('subgroups' as GPUFeatureName) && (info?.subgroupMinSize ?? 0) >= 4 };
}

export const gemmKernelRuns = (k: GemmKernel, caps: GemmCaps) => k.family !== 'block' || !k.shareB || caps.shareB;

export const splitKOf = (k: GemmKernel) => (k.family === 'tiled' ? (k.splitK ?? 1) : 1);

export const gemmKernelName = (k: GemmKernel) =>
  k.family === 'block' ? `block${k.tm}x${4 * k.tn4}${k.shareB ? 'sg' : ''}${k.rowWindows === false ? '-nowindows' : ''}` : `tiled${4 * k.wg}k${k.tileK}${splitKOf(k) > 1 ? `s${splitKOf(k)}` : ''}`;

/**
 * The partial sums of a split-K kernel: S slices of the convolution's GEMM output, every group's
 * columns padded to 4 (each output is computed by exactly one GEMM row in every algorithm).
 */
export function splitKWorkspace(p: ConvParams, kernel: GemmKernel): WorkspaceBuffer[] {
  const s = splitKOf(kernel);
  return s > 1 ? [{ name: 'gemm.partials', elements: s * p.batch * p.outH * p.outW * p.groups * roundUp4(p.outCPerGroup) }] : [];
}

const kInvocationsPerWorkgroup = 64;

/** A batched GEMM over strided views; batch index z = (z2·dim1 + z1)·dim0 + z0. Offsets in f32 elements, all multiples of 4. */
export interface GemmView {
  label: string;
  M: number;
  N: number;
  /** Reduction length including the zero padding of each run of A (a multiple of aKInner). */
  K: number;
  /**
   * The reduction's real length when A is one window of K = roundUp4(kValid) per row (aKInner = K)
   * whose last quad runs past the window: k ≥ kValid is masked to zero (MEC's windows of short runs). Default K.
   */
  kValid?: number;
  /** A's rows and offsets need not be multiples of 4: A is read as f32s (MEC's unpadded runs). Default: vec4s. */
  aF32?: boolean;
  /** Sizes of the batch components z0, z1, z2 (z2 is the group). */
  batch: Strides3;
  a: GPUBuffer;
  /** A[m][k] = a[Σ zi·aStrides[i] + m·lda + (k / aKInner)·aKOuter + k % aKInner] (see gemm_block.wgsl). */
  aStrides: Strides3;
  lda: number;
  aKInner: number;
  aKOuter: number;
  /** Rows of A come in runs of aMInner, aSMOuter apart (default: one run of M). */
  aMInner?: number;
  aSMOuter?: number;
  b: GPUBuffer;
  bStrides: Strides3;
  ldb: number;
  /** bias[z2·biasGroupStride + n]. */
  biasGroupStride: number;
  bias: GPUBuffer;
  c: GPUBuffer;
  cStrides: Strides3;
  cStrideM: number;
  cStrideN: number;
  /** Rows come in runs of cMInner, cSMOuter apart (default: one run of M). */
  cMInner?: number;
  cSMOuter?: number;
  /**
   * Rows m = h·o_w + w (aMInner = o_w) whose A rows are windows of runs in one strip per column w
   * (lda apart), output row h from run h·s_h on (aKInner, the run; aKOuter = d_h·run): block
   * kernels may then share runs between adjacent rows (gemm_window.wgsl). MEC's Solution B.
   */
  windows?: RowWindows;
}

/**
 * Workgroup shape of the block family: x invocations along N, y along M, powers of two with
 * y ≤ 8 and 4 ≤ x·y ≤ 64, the one that launches the fewest invocations once the blocks are padded
 * to whole workgroups; of those, the largest workgroup, then the tallest. At least 4 invocations:
 * SwiftShader runs them as one 4-wide SIMD group (PERF-NOTES), and a lane past the edge still
 * computes (M = 144 in 16-row blocks takes y = 1: 144 rows, not 256, which halved cv6's GEMM; N = 32
 * in 16-column blocks takes x = 2, y = 2, not x = 4 with two idle lanes).
 */
export function blockWorkgroup(M: number, N: number, kernel: { tm: number; tn4: number; shareB?: boolean }): { x: number; y: number } {
  const blocksM = Math.ceil(M / kernel.tm);
  const blocksN = Math.ceil(N / (4 * kernel.tn4));
  const padded = (count: number, per: number) => Math.ceil(count / per) * per;
  let best = { x: 64, y: 1, cost: Infinity };
  // Shared B: one column of invocations, so every subgroup's lanes have the same columns of B.
  const maxY = kernel.shareB ? kInvocationsPerWorkgroup : 8;
  for (let y = kernel.shareB ? 4 : 1; y <= maxY; y *= 2) {
    for (let x = Math.max(1, 4 / y); x * y <= kInvocationsPerWorkgroup && (!kernel.shareB || x === 1); x *= 2) {
      const cost = padded(blocksM, y) * padded(blocksN, x);
      const better = cost < best.cost || (cost === best.cost && (x * y > best.x * best.y || (x * y === best.x * best.y && y > best.y)));
      if (better) best = { x, y, cost };
    }
  }
  return { x: best.x, y: best.y };
}

/** How the GEMM reads A: aligned vec4s, the same with the quad past kValid masked, or four f32s (masked too). */
type ALoad = 'vec4' | 'vec4Masked' | 'f32';

/** The kernel's WGSL: the template with its register block written out for TM × TN4. */
export function gemmBlockSource(kernel: BlockKernel, prelude: string, aLoad: ALoad = 'vec4'): string {
  const { tm, tn4 } = kernel;
  const shareB = kernel.shareB === true;
  const f32 = aLoad === 'f32';
  const masked = aLoad !== 'vec4';
  const rows = [...Array(tm).keys()];
  const cols = [...Array(tn4).keys()];
  const decl = [
    // Row offsets of A and C step from m0's: two divisions per invocation, not two per row and
    // per store (u32 division is scalar and slow on CPU adapters: 40 % of a k = 36 GEMM, measured).
    'var aQ = min(m0, lastRow) / u.aMInner;',
    'var aW = min(m0, lastRow) % u.aMInner;',
    'var cQ = m0 / u.cMInner;',
    'var cW = m0 % u.cMInner;',
    ...rows.flatMap((i) => [
      ...(i === 0 ? [] : [
        // Past the last row A stays on it (a valid read, never stored); C rows past it are skipped.
        `aW += select(0u, 1u, m0 + ${i}u <= lastRow);`,
        'aQ += select(0u, 1u, aW == u.aMInner);',
        'aW = select(aW, 0u, aW == u.aMInner);',
        'cW += 1u;',
        'cQ += select(0u, 1u, cW == u.cMInner);',
        'cW = select(cW, 0u, cW == u.cMInner);',
      ]),
      // In vec4s, or in f32s when A is read as f32s.
      `let aR${i} = ${f32 ? 'aOffset + aQ * u.aSMOuter + aW * u.lda' : '(aOffset + aQ * u.aSMOuter + aW * u.lda) / 4u'};`,
      `let cR${i} = cQ * u.cSMOuter + cW * u.cStrideM;`,
    ]),
    ...blockColumns(tn4),
    ...rows.flatMap((i) => cols.map((j) => `var acc${i}_${j} = bias${j};`)),
  ];
  const load = (i: number) => (f32 ? `vec4f(a[aR${i} + k4], a[aR${i} + k4 + 1u], a[aR${i} + k4 + 2u], a[aR${i} + k4 + 3u])` : `a[aR${i} + k]`);
  const loadRow = (i: number) => `let a${i} = ${masked ? `select(vec4f(0.0), ${load(i)}, kMask)` : load(i)};`;
  const body = [
    ...blockBLoads(tn4, shareB),
    // One mask per quad of k, shared by the TM rows; A is one run, so k4 is also its offset.
    ...(masked ? ['let k4 = 4u * k;', 'let kMask = kInside(k4);'] : []),
    ...rows.flatMap((i) => [
      loadRow(i),
      ...cols.map((j) => blockFma(`acc${i}_${j}`, `a${i}`, '', j)),
    ]),
  ];
  const stores = rows.flatMap((i) => cols.map((j) => `store(m0 + ${i}u, cR${i}, n0 + ${4 * j}u, acc${i}_${j}, p);`));
  return fillBlockKernel(gemmBlockWgsl, 'gemm_block.wgsl', prelude, shareB, { constants: [`const TM = ${tm}u;`, `const TN4 = ${tn4}u;`], declarations: decl, body, stores });
}

const sources = new Map<string, string>();
const kStores = { vec4: gemmStoreVec4Wgsl, scalar: gemmStoreScalarWgsl, partial: gemmStorePartialWgsl };
const kALoads = { vec4: gemmAVec4Wgsl, vec4Masked: gemmAVec4Wgsl, f32: gemmAF32Wgsl };
const kALoadSuffix = { vec4: '', vec4Masked: '.masked', f32: '.a32' };
const kSplitKSumSources = {
  vec4: `${gemmCommonWgsl}\n${gemmAVec4Wgsl}\n${gemmStoreVec4Wgsl}\n${gemmSplitKReduceWgsl}`,
  scalar: `${gemmCommonWgsl}\n${gemmAVec4Wgsl}\n${gemmStoreScalarWgsl}\n${gemmSplitKReduceWgsl}`,
};
/** The kernel's WGSL: the shared views and epilogue, how A is read, the output store (scalar or vec4), the kernel. */
function gemmSource(kernel: GemmKernel, store: 'vec4' | 'scalar' | 'partial', aLoad: ALoad, rowWindows?: { block: WindowBlock; windows: RowWindows }): string {
  const key = `${gemmKernelName(kernel)}/${store}/${aLoad}${rowWindows ? `/${windowBlockName(rowWindows.block, rowWindows.windows)}` : ''}`;
  let code = sources.get(key);
  if (!code) {
    const prelude = `${gemmCommonWgsl}\n${kALoads[aLoad]}\n${kStores[store]}`;
    code = kernel.family === 'tiled'
      ? `${prelude}\n${gemmTiledWgsl}`
      : rowWindows ? gemmWindowSource(kernel, rowWindows.block, rowWindows.windows, prelude) : gemmBlockSource(kernel, prelude, aLoad);
    sources.set(key, code);
  }
  return code;
}

/** Four adjacent output columns are adjacent in memory, and every output offset is a multiple of 4. */
const canStoreVec4 = (v: GemmView) =>
  v.cStrideN === 1 && v.N % 4 === 0 && [v.cStrideM, v.cSMOuter ?? 0, ...v.cStrides].every((s) => s % 4 === 0);

/**
 * The dispatches of one batched GEMM: one, or for a split-K kernel the slices into `partials` (a
 * splitKWorkspace buffer) and the pass that sums them with the epilogue.
 */
export function gemmPasses(p: ConvParams, v: GemmView, kernel: GemmKernel, partials?: GPUBuffer): Pass[] {
  const aOffsets = v.aF32 ? [] : [v.lda, v.aKInner, v.aKOuter, v.aSMOuter ?? 0, ...v.aStrides];
  const offsets = [...aOffsets, v.K, v.ldb, ...v.bStrides];
  if (offsets.some((x) => x % 4 !== 0)) throw new Error(`gemm ${v.label}: views must be vec4-aligned, got ${offsets}`);
  if (v.K % v.aKInner !== 0) throw new Error(`gemm ${v.label}: K ${v.K} is not a multiple of aKInner ${v.aKInner}`);
  const kValid = v.kValid ?? v.K;
  const window = v.aF32 || kValid !== v.K;
  if (window && (v.aKInner !== v.K || v.K !== roundUp4(kValid))) throw new Error(`gemm ${v.label}: a masked or f32 A is one window of K = roundUp4(kValid) per row, got K ${v.K}, run ${v.aKInner}, kValid ${kValid}`);
  const aLoad: ALoad = v.aF32 ? 'f32' : window ? 'vec4Masked' : 'vec4';
  const rowWindows = kernel.family === 'block' && aLoad === 'vec4' ? windowsOf(v, kernel) : undefined;
  let wg: { x: number; y: number };
  let tile: { m: number; n: number };
  let shape: Record<string, number>;
  // Rows the kernel's blocks span: window blocks cover whole output columns and rows, padded.
  const paddedM = rowWindows?.paddedM ?? v.M;
  if (kernel.family === 'block') {
    wg = blockWorkgroup(paddedM, v.N, kernel);
    tile = { m: wg.y * kernel.tm, n: wg.x * 4 * kernel.tn4 };
    shape = { WG_X: wg.x, WG_Y: wg.y };
  } else {
    wg = { x: kernel.wg, y: kernel.wg };
    tile = { m: 4 * kernel.wg, n: 4 * kernel.wg };
    shape = { WG_X: wg.x, WG_Y: wg.y, TILE_K: kernel.tileK };
  }
  const tilesM = Math.ceil(paddedM / tile.m);
  const tilesN = Math.ceil(v.N / tile.n);
  const batchCount = v.batch[0] * v.batch[1] * v.batch[2];
  const vec4Store = canStoreVec4(v);
  const splitK = splitKOf(kernel);
  const ldPartial = roundUp4(v.N);
  const uniforms = (epilogue: boolean) => ({
    M: v.M, N: v.N, K: v.K, batchCount, tilesM, tilesN, dim0: v.batch[0], dim1: v.batch[1],
    aBase: 0, aS0: v.aStrides[0], aS1: v.aStrides[1], aS2: v.aStrides[2],
    lda: v.lda, aKInner: v.aKInner, aKOuter: v.aKOuter, aKCount: v.K / v.aKInner, aMInner: v.aMInner ?? v.M, aSMOuter: v.aSMOuter ?? 0,
    bBase: 0, bS0: v.bStrides[0], bS1: v.bStrides[1], bS2: v.bStrides[2],
    ldb: v.ldb, biasS2: v.biasGroupStride, cStrideM: v.cStrideM, cStrideN: v.cStrideN,
    cBase: 0, cS0: v.cStrides[0], cS1: v.cStrides[1], cS2: v.cStrides[2],
    cMInner: v.cMInner ?? v.M, cSMOuter: v.cSMOuter ?? 0,
    splitK, kChunk: Math.ceil(Math.ceil(v.K / splitK) / kTileOf(kernel)) * kTileOf(kernel), ldPartial,
    hasBias: epilogue && p.hasBias ? 1 : 0, kValid,
  });
  // The name keys the pipeline cache, so it names every variant of the code.
  const name = `${v.label}.${gemmKernelName(kernel)}${kALoadSuffix[aLoad]}${rowWindows ? `.${windowBlockName(rowWindows.block, rowWindows.windows)}` : ''}`;
  if (splitK === 1) {
    return [{
      name: `${name}${vec4Store ? '.store4' : ''}`,
      code: gemmSource(kernel, vec4Store ? 'vec4' : 'scalar', aLoad, rowWindows),
      constants: { ...shape, ACTIVATION: activationCode(p) },
      bindings: [v.a, v.b, v.bias, v.c],
      struct: 'Gemm',
      uniforms: uniforms(true),
      workgroups: tilesM * tilesN * batchCount,
    }];
  }
  const sliceElements = batchCount * v.M * ldPartial;
  if (!partials || partials.size < 4 * splitK * sliceElements) {
    throw new Error(`gemm ${v.label}: split-K needs ${4 * splitK * sliceElements} bytes of partials, got ${partials?.size ?? 0}`);
  }
  return [
    {
      name: `${name}.partial`,
      code: gemmSource(kernel, 'partial', aLoad),
      constants: { ...shape, ACTIVATION: 0 },
      bindings: [v.a, v.b, v.bias, partials],
      struct: 'Gemm',
      uniforms: uniforms(false),
      workgroups: tilesM * tilesN * batchCount * splitK,
    },
    {
      name: `${v.label}.splitKSum${vec4Store ? '.store4' : ''}`,
      code: kSplitKSumSources[vec4Store ? 'vec4' : 'scalar'],
      constants: { WORKGROUP_SIZE: kElementwiseWorkgroup, ACTIVATION: activationCode(p) },
      // The partials are read as A; B is not bound.
      bindings: [partials, undefined, v.bias, v.c],
      struct: 'Gemm',
      uniforms: uniforms(true),
      workgroups: elementwiseWorkgroups(sliceElements / 4),
    },
  ];
}

/**
 * The window block for a view with row windows, where one pays (windowBlock), and the GEMM rows
 * its blocks span (tm per block, so blockWorkgroup counts blocks); its preconditions are checked here.
 */
function windowsOf(v: GemmView, kernel: BlockKernel & { rowWindows?: boolean }) {
  const windows = v.windows;
  if (!windows || kernel.rowWindows === false) return undefined;
  const outW = v.aMInner ?? v.M;
  const ok = v.M === windows.outH * outW && v.aKOuter === windows.dilationH * v.aKInner && v.K === windows.kH * v.aKInner && (v.cMInner ?? v.M) === v.M;
  if (!ok) throw new Error(`gemm ${v.label}: row windows need M = o_h·o_w, aKOuter = d_h·run, K = k_h·run and one run of C rows`);
  const shape = windowBlock(kernel, windows, outW);
  const block = shape && { ...shape, shortRun: v.aKInner / 4 <= kShortRunQuads };
  return block && { block, windows, paddedM: Math.ceil(windows.outH / block.th) * Math.ceil(outW / block.tw) * kernel.tm };
}

/** The k-step of a kernel's loop: slices of split-K are whole steps. */
const kTileOf = (k: GemmKernel) => (k.family === 'tiled' ? k.tileK : 4);

/**
 * How the GEMM reads the weights: straight from HWIO when every row and group is already
 * vec4-aligned, else from a packed copy (OIHW, or rows/columns padded to multiples of 4).
 * `segments` runs of `segmentLength` k values each, stored `segmentPad` apart.
 */
export interface WeightsLayout {
  packed: boolean;
  segments: number;
  segmentLength: number;
  segmentPad: number;
  /** B's rows per group: the segments, then zero rows up to a multiple of 4 (the GEMM's K). */
  rows: number;
  outCPad: number;
  /** B's leading dimension and group stride. */
  ldb: number;
  groupStride: number;
}

/** `segments` runs of `segmentLength` weights rows each, `segmentPad` apart (default: the length rounded up to 4). */
export function weightsLayout(p: ConvParams, segments: number, segmentLength: number, segmentPad = roundUp4(segmentLength)): WeightsLayout {
  const rows = roundUp4(segments * segmentPad);
  const aligned = p.layout === 'NHWC' && segmentPad === segmentLength && rows === segments * segmentLength && p.outC % 4 === 0 && p.outCPerGroup % 4 === 0;
  if (aligned) return { packed: false, segments, segmentLength, segmentPad, rows, outCPad: p.outC, ldb: p.outC, groupStride: p.outCPerGroup };
  const outCPad = roundUp4(p.outCPerGroup);
  return { packed: true, segments, segmentLength, segmentPad, rows, outCPad, ldb: outCPad, groupStride: rows * outCPad };
}

export function packedWeightsWorkspace(p: ConvParams, l: WeightsLayout): WorkspaceBuffer[] {
  return l.packed ? [{ name: 'weights.packed', elements: p.groups * l.rows * l.outCPad }] : [];
}

export function packWeightsPass(p: ConvParams, l: WeightsLayout, src: GPUBuffer, dst: GPUBuffer): Pass {
  const total = p.groups * l.rows * l.outCPad;
  return {
    name: 'Weights.pack',
    code: weightsPackWgsl,
    constants: { WORKGROUP_SIZE: kElementwiseWorkgroup, SOURCE_OIHW: p.layout === 'NCHW' ? 1 : 0 },
    bindings: [src, dst],
    struct: 'Pack',
    uniforms: {
      total, kH: p.kH, kW: p.kW, inCPerGroup: p.inCPerGroup, outC: p.outC, outCPerGroup: p.outCPerGroup,
      outCPad: l.outCPad, segments: l.segments, segmentLength: l.segmentLength, segmentPad: l.segmentPad, rows: l.rows,
    },
    workgroups: elementwiseWorkgroups(total),
  };
}

/** Where output element (row m, column n) of partition z lands in the caller's layout. */
export function outputStrides(p: ConvParams): { group: number; image: number; row: number; m: number; n: number } {
  const hw = p.outH * p.outW;
  return p.layout === 'NHWC'
    ? { group: p.outCPerGroup, image: hw * p.outC, row: p.outW * p.outC, m: p.outC, n: 1 }
    : { group: p.outCPerGroup * hw, image: p.outC * hw, row: p.outW, m: 1, n: hw };
}
