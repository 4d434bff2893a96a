import type { Conv2dOptions, ConvEngine, ConvPlan } from './engine';
import { type ConcreteAlgorithm, type ConvParams, isDepthwise } from './params';
import { type GemmKernel, gemmKernelName, kDefaultGemmKernel } from './plans/gemm';
import { timeConv2d } from './profile/timing';
import type { TuneEntry } from './tune-cache';

/**
 * The shape class tuning results are kept for: everything that changes the work, not the
 * epilogue (bias and activation cost the same in every candidate).
 */
export function shapeClassKey(p: ConvParams): string {
  return [
    p.layout, p.batch, p.inH, p.inW, p.inC, p.kH, p.kW, p.outC, p.groups, p.strideH, p.strideW,
    p.dilationH, p.dilationW, p.padTop, p.padBottom, p.padLeft, p.padRight,
  ].join(',');
}

export interface TuneOptions {
  /** Candidates needing more temporary GPU memory are not tried. */
  memoryBudgetBytes?: number;
  /** Timed runs per candidate after one warm-up (the fastest counts); default 2. */
  runs?: number;
  /** Called before each candidate is timed. */
  onCandidate?: (name: string, index: number) => void;
}

const gemmAlgorithms: ConcreteAlgorithm[] = ['mec-a', 'mec-b', 'im2col'];
/** Candidates faster than this get kShortCallRuns more timed runs. */
const kShortCallMs = 10;
const kShortCallRuns = 8;
/** The fastest this many candidates are timed again at the end, in interleaved rounds. */
const kRecheck = 4;
/** A family whose default kernel ran within this factor of the winner has all its kernels tried. */
const kCloseFamily = 1.5;

/**
 * Time a handful of candidates on this adapter and keep the fastest: first every algorithm with
 * the default kernel of each family, then on the winning algorithm the other kernels of every
 * family that came within kCloseFamily of it, then the fastest kernel on the other GEMM
 * algorithms; last, the kRecheck fastest once more, in rounds. Nothing is decided by the adapter's name.
 */
export async function tuneConv(
  engine: ConvEngine,
  xShape: readonly number[],
  wShape: readonly number[],
  options: Conv2dOptions,
  plan: (algorithm: ConcreteAlgorithm, gemmKernel: GemmKernel) => ConvPlan,
  { memoryBudgetBytes = Infinity, runs = 2, onCandidate }: TuneOptions = {},
): Promise<TuneEntry> {
  const kernels = engine.gemmKernels;
  const p = plan('direct', kDefaultGemmKernel).params;
  const candidates: Record<string, number> = {};
  type Timed = { name: string; algorithm: ConcreteAlgorithm; gemmKernel: GemmKernel; ms: number; workspaceBytes: number };
  const timed: Timed[] = [];
  let best: Timed | undefined;
  // The finalists' fastest interleaved round (the last step below).
  const rechecked = new Map<Timed, number>();
  const x = engine.upload(new Float32Array(xShape.reduce((a, b) => a * b, 1)), xShape);
  const w = engine.upload(new Float32Array(wShape.reduce((a, b) => a * b, 1)), wShape);
  const bias = options.bias === undefined ? undefined : engine.upload(new Float32Array(p.outC), [1, 1, 1, p.outC]);
  let index = 0;
  const time = async (algorithm: ConcreteAlgorithm, gemmKernel: GemmKernel) => {
    const candidatePlan = plan(algorithm, gemmKernel);
    if (candidatePlan.workspaceBytes > memoryBudgetBytes) return;
    const name = gemmAlgorithms.includes(algorithm) || algorithm === 'depthwise' ? `${algorithm}/${gemmKernelName(gemmKernel)}` : algorithm;
    if (name in candidates) return;
    onCandidate?.(name, index++);
    let ms = Infinity;
    try {
      // The fastest run, not the median: on a shared CPU adapter noise only ever adds time.
      const call = { ...options, bias, algorithm, gemmKernel };
      ms = (await timeConv2d(engine, x, w, call, { runs, warmup: 1 })).minMs;
      // A call of a few ms (a real GPU) is mostly host time and jitter: more runs cost little.
      if (ms < kShortCallMs) ms = Math.min(ms, (await timeConv2d(engine, x, w, call, { runs: kShortCallRuns, warmup: 0 })).minMs);
    } catch {
      // A candidate the device cannot run (a limit, memory) is simply not chosen.
    }
    candidates[name] = ms;
    const entry = { name, algorithm, gemmKernel, ms, workspaceBytes: candidatePlan.workspaceBytes };
    timed.push(entry);
    if (!best || ms < best.ms) best = entry;
  };
  try {
    const families = [kDefaultGemmKernel, kernels.find((k) => k.family === 'tiled')!];
    // Depthwise takes the family's kernel too: a register block, or more invocations for a GPU.
    if (isDepthwise(p)) for (const k of families) await time('depthwise', k);
    await time('direct', families[0]);
    for (const algorithm of gemmAlgorithms) for (const k of families) await time(algorithm, k);
    const winner = best;
    if (winner && gemmAlgorithms.includes(winner.algorithm)) {
      // Every kernel of each family that came close on the winning algorithm (on a GPU both do).
      const close = families.filter((k) => candidates[`${winner.algorithm}/${gemmKernelName(k)}`] <= kCloseFamily * winner.ms).map((k) => k.family);
      for (const k of kernels.filter((k) => close.includes(k.family))) await time(winner.algorithm, k);
      // The best kernel on the other GEMM algorithms too: with the default kernel they are often
      // within noise of the winner (SwiftShader, cv2: the tuner put im2col first, and the bench's
      // interleaved rounds then ran its default-kernel im2col at 61 ms against mec-b's 49).
      const kernel = best!.gemmKernel;
      for (const algorithm of gemmAlgorithms) await time(algorithm, kernel);
    }
    // The closest few once more, compiled and warm by now, in interleaved rounds, each keeping only
    // these times: one lucky run among 16 candidates on a noisy 2-core adapter chose block16x16
    // for cv7 (62 ms in the bench; 16×32 shared-B ran 46 ms), and candidates timed minutes apart
    // drift apart (cv10: the tuner's pick ran 109 ms in the bench's rounds, plain mec-b 88).
    const finalists = timed.filter((t) => Number.isFinite(t.ms)).sort((a, b) => a.ms - b.ms).slice(0, kRecheck);
    const rounds = (finalists[0]?.ms ?? Infinity) < kShortCallMs ? kShortCallRuns : runs + 1;
    for (let round = 0; round < rounds && finalists.length > 1; round++) {
      for (const entry of finalists) {
        try {
          const call = { ...options, bias, algorithm: entry.algorithm, gemmKernel: entry.gemmKernel };
          const ms = (await timeConv2d(engine, x, w, call, { runs: 1, warmup: round === 0 ? 1 : 0 })).minMs;
          rechecked.set(entry, Math.min(rechecked.get(entry) ?? Infinity, ms));
        } catch {
          // A failed round is skipped; a finalist with no round left is not chosen.
        }
      }
    }
    for (const [entry, ms] of rechecked) entry.ms = ms;
    // Among the finalists by their rounds alone: the others' earlier times were not taken alongside.
    const pool = rechecked.size > 0 ? [...rechecked.keys()] : timed;
    best = pool.reduce<Timed | undefined>((b, t) => (!b || t.ms < b.ms ? t : b), undefined);
  } finally {
    x.destroy();
    w.destroy();
    bias?.destroy();
  }
  if (!best || best.ms === Infinity) throw new Error('autotune: no candidate ran');
  const { name: _name, ...choice } = best;
  const finals = rechecked.size > 0 ? { finals: Object.fromEntries([...rechecked].map(([entry, ms]) => [entry.name, ms])) } : {};
  return { ...choice, candidates, ...finals };
}
