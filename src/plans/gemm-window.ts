import gemmWindowWgsl from '../../shaders/gemm_window.wgsl?raw';
import { type BlockKernel, blockBLoads, blockColumns, blockFma, fillBlockKernel } from './block-code';
import { fillTemplate } from './template';

/** How the output rows of one column of MEC's GEMM overlap in L: o_h rows, output row h reading runs h·s_h + s·d_h, s < k_h. */
export interface RowWindows {
  outH: number;
  strideH: number;
  dilationH: number;
  kH: number;
}

/** A block of tw × th ≤ TM GEMM rows: tw output columns by th adjacent output rows; shortRun: L's runs are at most kShortRunQuads quads long. */
export interface WindowBlock {
  tw: number;
  th: number;
  shortRun?: boolean;
}

/**
 * Runs of at most this many quads of k are looped with the test at the bottom (loop, break if):
 * on SwiftShader VGG conv1_1's GEMM, runs of 3 quads, took 34 against 38 ms that way; runs of 6
 * were even, and from 12 on it was slower (27 against 24 ms), so longer runs keep the for loop.
 */
export const kShortRunQuads = 4;

/** The runs of a strip that th adjacent rows read, from the first row's first run: th·s_h + s·d_h. */
export function windowRuns(th: number, w: RowWindows): number[] {
  const runs = new Set<number>();
  for (let i = 0; i < th; i++) for (let s = 0; s < w.kH; s++) runs.add(i * w.strideH + s * w.dilationH);
  return [...runs].sort((a, b) => a - b);
}

/**
 * One storage-buffer load against one vec4 fma, on SwiftShader: a load is a gather, 16 scalar
 * loads for a SIMD group of 4 lanes, where an fma is 4 vector instructions (PERF-NOTES).
 */
const kLoadCost = 8;
/**
 * The largest body written out, in vec4 fma statements (3 × the plain 16 × 32 block's 512, which
 * compiles in about 2.4 s on SwiftShader): 16 × 32 blocks on 3 × 3 layers (1536), 16 × 8 up to 7 × 7.
 */
const kMaxFmas = 1536;
/**
 * The tallest windows shared: the estimate favours 11 × 11 windows at stride 4 too, but there a
 * 16 × 8 block ran slower than reading every row's window apart (Chromium/SwiftShader, AlexNet
 * conv1: 66 against 50 ms GEMM), where 7 × 7 at stride 2 (ResNet conv1) gained (53 against 61).
 */
const kMaxWindowRows = 7;

/** Loads and fmas of one invocation of `rows` rows per quad of a run, times the invocations. */
function cost(kernel: BlockKernel, blocks: number, rows: number, aLoads: number, kH: number): number {
  const bLoads = kH * kernel.tn4 * (kernel.shareB ? 1 : 4);
  return blocks * (kLoadCost * (aLoads + bLoads) + 4 * rows * kH * kernel.tn4);
}

/**
 * The block shape for a tm-row kernel over o_h × o_w outputs, or undefined where the plain block
 * kernel is cheaper (one output row, or windows that share nothing): th ≤ min(tm, o_h) rows by
 * tw = ⌊tm / th⌋ columns (7 × 2 fits cv12's 7 × 7 outputs where 4 × 4 pads them to 8 × 8), the
 * one with the least estimated work once blocks are padded to whole columns and rows.
 */
export function windowBlock(kernel: BlockKernel, w: RowWindows, outW: number): WindowBlock | undefined {
  const best = bestWindow(kernel, w, outW);
  return best && { tw: best.tw, th: best.th };
}

/**
 * The window kernel's estimated work against the plain block kernel's on the same runs, 1 where
 * it does not apply: how much cheaper padded runs become when adjacent rows share them (mecLayout).
 */
export function windowWorkRatio(kernel: BlockKernel, w: RowWindows, outW: number): number {
  const best = bestWindow(kernel, w, outW);
  return best ? best.cost / best.plain : 1;
}

function bestWindow(kernel: BlockKernel, w: RowWindows, outW: number): (WindowBlock & { cost: number; plain: number }) | undefined {
  if (w.kH > kMaxWindowRows || 4 * kernel.tm * w.kH * kernel.tn4 > kMaxFmas) return undefined;
  const plain = cost(kernel, Math.ceil((w.outH * outW) / kernel.tm), kernel.tm, kernel.tm * w.kH, w.kH);
  let best: (WindowBlock & { cost: number; plain: number }) | undefined;
  for (let th = 2; th <= Math.min(kernel.tm, w.outH); th++) {
    const tw = Math.floor(kernel.tm / th);
    const runs = windowRuns(th, w).length;
    if (runs === th * w.kH) continue; // these rows' windows share no run (s_h ≥ k_h, or d_h > 1 and th ≤ d_h)
    const blocks = Math.ceil(w.outH / th) * Math.ceil(outW / tw);
    const c = cost(kernel, blocks, tw * th, tw * runs, w.kH);
    if (c < plain && (!best || c < best.cost)) best = { tw, th, cost: c, plain };
  }
  return best;
}

/** Pipeline-key suffix naming a window block's geometry. */
export const windowBlockName = (b: WindowBlock, w: RowWindows) => `w${b.tw}x${b.th}k${w.kH}s${w.strideH}d${w.dilationH}${b.shortRun ? 'r' : ''}`;

/** The kernel's WGSL: gemm_window.wgsl with its block written out for tw × th × tn4 and the windows' k_h, s_h, d_h. */
export function gemmWindowSource(kernel: BlockKernel, block: WindowBlock, w: RowWindows, prelude: string): string {
  const { tn4 } = kernel;
  const shareB = kernel.shareB === true;
  const { tw, th } = block;
  const runs = windowRuns(th, w);
  const columns = [...Array(tw).keys()];
  const rows = [...Array(th).keys()];
  const cols = [...Array(tn4).keys()];
  const segments = [...Array(w.kH).keys()];
  const decl = [
    // A strip per output column, clamped to the last column (read, never stored); vec4 offsets.
    ...columns.map((c) => `let aS${c} = (aOffset + min(w0 + ${c}u, outW - 1u) * u.lda + h0 * ${w.strideH}u * u.aKInner) / 4u;`),
    ...runs.filter((r) => r > 0).map((r) => `let r${r} = ${r}u * run4;`),
    // B's rows of segment s start at s·run.
    ...segments.filter((s) => s > 0).map((s) => `let bSeg${s} = ${s}u * u.aKInner * ldb;`),
    ...blockColumns(tn4),
    ...columns.flatMap((c) => rows.flatMap((i) => cols.map((j) => `var acc${c}_${i}_${j} = bias${j};`))),
  ];
  // Every segment's quad of B rows, b<s>_<kk>_<j>.
  const bLoads = segments.flatMap((s) => blockBLoads(tn4, shareB, `${s}_`, s > 0 ? ` + bSeg${s}` : ''));
  // Which (row, segment) pairs read run r: row i, segment s with i·s_h + s·d_h = r.
  const users = (r: number) => rows.flatMap((i) => segments.filter((s) => i * w.strideH + s * w.dilationH === r).map((s) => [i, s] as const));
  const body = [
    ...bLoads,
    ...columns.flatMap((c) =>
      runs.flatMap((r) => [
        `let a${c}_${r} = a[aS${c}${r > 0 ? ` + r${r}` : ''} + k];`,
        ...users(r).flatMap(([i, s]) => cols.map((j) => blockFma(`acc${c}_${i}_${j}`, `a${c}_${r}`, `${s}_`, j))),
      ]),
    ),
  ];
  const stores = columns.flatMap((c) =>
    rows.flatMap((i) => [
      `let h${c}_${i} = h0 + ${i}u;`,
      `let m${c}_${i} = h${c}_${i} * outW + w0 + ${c}u;`,
      // Rows before the block's own (it was shifted up) belong to the block above; columns past o_w to none.
      `let row${c}_${i} = select(u.M, m${c}_${i}, h${c}_${i} >= hOwn && w0 + ${c}u < outW);`,
      ...cols.map((j) => `store(row${c}_${i}, m${c}_${i} * u.cStrideM, n0 + ${4 * j}u, acc${c}_${i}_${j}, p);`),
    ]),
  );
  const constants = [`const TW = ${tw}u;`, `const TH = ${th}u;`, `const TN4 = ${tn4}u;`];
  const code = fillBlockKernel(gemmWindowWgsl, 'gemm_window.wgsl', prelude, shareB, { constants, declarations: decl, body, stores });
  const loop = block.shortRun ? ['loop {'] : ['for (; k < run4; k++) {'];
  const next = block.shortRun ? ['continuing {', '  k++;', '  break if k >= run4;', '}'] : [];
  return fillTemplate(fillTemplate(code, 'loop', loop, 'gemm_window.wgsl'), 'next', next, 'gemm_window.wgsl');
}
