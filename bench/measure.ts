// Time, memory and correctness of one contestant on one layer, the same way for every library:
// wall time from the call until the library's queue has drained (onSubmittedWorkDone), bytes from
// the patched createBuffer/destroy counter, output against a float64 CPU reference. Browser-safe.
import { conv2dReference, convFlops, inputElements, normalizeConvParams, outputElements, type PassTime, weightElements } from '../src/index';
import { median } from '../src/profile';
import type { BenchLibrary, ContestantId } from './contestants';
import { deviceMemory, resetPeak } from './gpu-memory';
import type { LayerConv } from './layers';

export interface MeasureOptions {
  /** Timed runs (≥ 1). */
  runs: number;
  /** Untimed runs before them (≥ 1); the first is the cold call, reported on its own. */
  warmup: number;
  onProgress?: (what: string) => void;
}

/** What the output is compared with. */
export interface Expected {
  values: ArrayLike<number>;
  /** 'reference' (float64 CPU) or the contestant whose output stands in for it on big layers. */
  source: string;
}

export interface ContestantResult {
  contestant: ContestantId;
  /** What 'auto' resolved to. */
  ran?: string;
  error?: string;
  timesMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  gflops: number;
  /** The first call of the layer, compilation included. */
  firstCallMs: number;
  /** Bytes the first call created (later calls reuse pools). */
  firstCallBytes: number;
  /** Bytes created by prepare(): input and weights as the library keeps them, a session. */
  setupBytes: number;
  /** Most bytes alive on the library's device during a timed call, less what was alive before this layer's setup. */
  peakBytes: number;
  /** Input + weights + output, float32: what any algorithm must hold. */
  ioBytes: number;
  /** Workspace the algorithm declares (ours, from the plan); undefined for the peers. */
  workspaceBytes?: number;
  /** Bytes created per timed call, averaged (0 once pools are warm). */
  bytesPerCall: number;
  /** Ours: GPU time per pass (timestamp queries), median of kPassTimingRuns calls, after the timed runs. */
  passes?: PassTime[];
  correctness?: Correctness;
}

export interface Correctness {
  against: string;
  maxAbsDiff: number;
  /** Elements beyond 1e-5·sqrt(k_h·k_w·i_c/g)·(1+|ref|). */
  mismatches: number;
  tolerance: number;
  ok: boolean;
}

/** Calls timed with timestamp queries per contestant of ours (one compute pass per dispatch, so apart from the timed runs). */
export const kPassTimingRuns = 3;

/** Layers with more FLOPs than this compare with our mec-b output instead of the slow CPU reference. */
export const kReferenceMaxFlops = 4e9;

export function layerFlops(conv: LayerConv): number {
  return convFlops(normalizeConvParams(conv.xShape, conv.wShape, conv.options));
}

/** Input, weights and output bytes of the layer (float32). */
export function layerIoBytes(conv: LayerConv): number {
  const p = normalizeConvParams(conv.xShape, conv.wShape, conv.options);
  return 4 * (inputElements(p) + weightElements(p) + outputElements(p));
}

/** The stated tolerance factor for the layer: 1e-5·sqrt(k_h·k_w·i_c/g). */
export function layerTolerance(conv: LayerConv): number {
  const [kH, kW, inCPerGroup] = conv.wShape;
  return 1e-5 * Math.sqrt(kH * kW * inCPerGroup);
}

export function referenceOutput(conv: LayerConv, x: Float32Array, w: Float32Array): Float64Array {
  const { bias: _none, ...options } = conv.options; // bench layers have no bias
  return conv2dReference(x, conv.xShape, w, conv.wShape, options);
}

export function checkOutput(got: ArrayLike<number>, expected: Expected, tolerance: number): Correctness {
  const want = expected.values;
  if (got.length !== want.length) return { against: expected.source, maxAbsDiff: Infinity, mismatches: want.length, tolerance, ok: false };
  let maxAbsDiff = 0;
  let mismatches = 0;
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i] - want[i]);
    if (Number.isNaN(diff)) maxAbsDiff = Infinity;
    else if (diff > maxAbsDiff) maxAbsDiff = diff;
    if (!(diff <= tolerance * (1 + Math.abs(want[i])))) mismatches++;
  }
  return { against: expected.source, maxAbsDiff, mismatches, tolerance, ok: mismatches === 0 };
}

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * Prepare the layer on the library, run it cold once, warm up, time `runs` calls, then read one
 * output for the check. Never throws: a failure is the result's `error`.
 */
export async function measureContestant(
  library: BenchLibrary,
  contestant: ContestantId,
  conv: LayerConv,
  data: { x: Float32Array; w: Float32Array },
  expected: Expected | undefined,
  { runs, warmup, onProgress }: MeasureOptions,
): Promise<ContestantResult> {
  const result: ContestantResult = {
    contestant, timesMs: [], medianMs: NaN, minMs: NaN, maxMs: NaN, gflops: NaN, firstCallMs: NaN, firstCallBytes: NaN,
    setupBytes: NaN, peakBytes: NaN, ioBytes: layerIoBytes(conv), bytesPerCall: NaN,
  };
  const device = library.device;
  let prepared: Awaited<ReturnType<BenchLibrary['prepare']>> | undefined;
  try {
    await library.trim();
    const before = deviceMemory(device);
    prepared = await library.prepare(contestant, conv, data.x, data.w);
    result.ran = prepared.ran;
    result.workspaceBytes = prepared.workspaceBytes;
    result.setupBytes = deviceMemory(device).liveBytes - before.liveBytes;

    onProgress?.('first call');
    const created0 = deviceMemory(device).createdBytes;
    let t0 = performance.now();
    await prepared.run();
    result.firstCallMs = performance.now() - t0;
    result.firstCallBytes = deviceMemory(device).createdBytes - created0;

    for (let i = 1; i < warmup; i++) {
      onProgress?.(`warm-up ${i + 1}/${warmup}`);
      await prepared.run();
    }
    let peak = 0;
    const created1 = deviceMemory(device).createdBytes;
    for (let i = 0; i < runs; i++) {
      onProgress?.(`run ${i + 1}/${runs}`);
      resetPeak(device);
      t0 = performance.now();
      await prepared.run();
      result.timesMs.push(performance.now() - t0);
      peak = Math.max(peak, deviceMemory(device).peakBytes);
    }
    result.bytesPerCall = (deviceMemory(device).createdBytes - created1) / runs;
    if (prepared.timePasses) {
      onProgress?.('GPU time per pass');
      const samples: PassTime[][] = [];
      for (let i = 0; i < kPassTimingRuns; i++) samples.push(await prepared.timePasses());
      result.passes = samples[0].map((p, i) => ({ name: p.name, ms: median(samples.map((s) => s[i].ms)) }));
    }
    // Read back last: the staging buffer a read creates (and our engine pools) is not the convolution's.
    onProgress?.('read-back');
    const got = await prepared.runAndRead();
    if (expected) result.correctness = checkOutput(got, expected, layerTolerance(conv));
    result.peakBytes = peak - before.liveBytes;
    setTimes(result, result.timesMs, conv);
    return result;
  } catch (e) {
    result.error = errorText(e);
    return result;
  } finally {
    await prepared?.release().catch(() => undefined);
  }
}

/**
 * Time several contestants on one layer in rounds: each is prepared and warmed up once, then every
 * round calls each of them twice in a row and times the second call, starting one further along
 * each round. Drift on a shared machine (SwiftShader's cores, a GPU's clocks) then weighs on all of them alike, where timing one
 * contestant after another puts it between them. Returns the times per contestant; one that
 * fails to prepare or run is left out (its own measurement says why).
 */
export async function timeInterleaved(
  entries: { contestant: ContestantId; library: BenchLibrary }[],
  conv: LayerConv,
  data: { x: Float32Array; w: Float32Array },
  runs: number,
  onProgress?: (what: string) => void,
): Promise<Partial<Record<ContestantId, number[]>>> {
  const prepared: { contestant: ContestantId; conv: Awaited<ReturnType<BenchLibrary['prepare']>>; times: number[] }[] = [];
  try {
    for (const { contestant, library } of entries) {
      try {
        await library.trim();
        const p = await library.prepare(contestant, conv, data.x, data.w);
        prepared.push({ contestant, conv: p, times: [] });
        await p.run();
      } catch {
        // Measured on its own already; a contestant that cannot run here is simply not timed.
      }
    }
    for (let round = 0; round < runs && prepared.length; round++) {
      onProgress?.(`round ${round + 1}/${runs}`);
      for (let i = 0; i < prepared.length; i++) {
        const entry = prepared[(round + i) % prepared.length];
        // An untimed call first, so the timed one follows a call of its own: each library has its
        // own device, and on a real GPU the first call after another device's work paid up to
        // 0.8 ms more (H100, measured), which would fall on whoever runs after a peer.
        await entry.conv.run();
        const t0 = performance.now();
        await entry.conv.run();
        entry.times.push(performance.now() - t0);
      }
    }
  } finally {
    for (const p of prepared) await p.conv.release().catch(() => undefined);
  }
  return Object.fromEntries(prepared.map((p) => [p.contestant, p.times]));
}

/** Replace a result's times by the interleaved ones. */
export function applyTimes(result: ContestantResult, times: number[] | undefined, conv: LayerConv): void {
  if (times?.length && !result.error) setTimes(result, times, conv);
}

/** A result's times and the figures drawn from them. */
function setTimes(result: ContestantResult, times: number[], conv: LayerConv): void {
  result.timesMs = times;
  result.medianMs = median(times);
  result.minMs = Math.min(...times);
  result.maxMs = Math.max(...times);
  result.gflops = layerFlops(conv) / (result.medianMs * 1e6);
}
