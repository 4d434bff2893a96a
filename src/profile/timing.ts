import type { Conv2dOptions, ConvEngine } from '../engine';
import { type ConcreteAlgorithm, convFlops } from '../params';
import type { GpuTensor } from '../tensor';

export interface TimeConvOptions {
  /** Timed runs; default 3. */
  runs?: number;
  /** Untimed runs first (pipeline compilation, pool warm-up); default 1. */
  warmup?: number;
  /** Called before each run, warm-up runs first. */
  onRun?: (run: { phase: 'warmup' | 'timed'; index: number; count: number }) => void;
}

export interface ConvTiming {
  /** What ran: 'auto' resolved to a concrete algorithm. */
  algorithm: ConcreteAlgorithm;
  /** Wall time of each timed run, ms, in run order. */
  timesMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** 2 · multiply-adds of the convolution. */
  flops: number;
  /** flops / median time. */
  gflops: number;
  /** Temporary GPU memory the algorithm creates for this call. */
  workspaceBytes: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Cheap deterministic data in [-1, 1) for timing: the values do not matter, only that they are finite. */
export function benchData(length: number, seed = 1): Float32Array {
  const out = new Float32Array(length);
  let s = (seed * 0x9e3779b9) >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // Numerical Recipes LCG
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Upload benchmark data of `shape` once, so timed runs measure the convolution, not the upload. */
export function uploadBenchTensor(engine: ConvEngine, shape: readonly number[], seed = 1): GpuTensor {
  return engine.upload(benchData(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/**
 * Time one convolution on tensors already on the GPU. Each run is conv2d() (planning, encoding,
 * submit) plus waiting for the queue to drain, measured with performance.now(); the output is
 * destroyed after each run so runs do not pile up memory. Errors from the engine propagate.
 */
export async function timeConv2d(
  engine: ConvEngine,
  x: GpuTensor,
  w: GpuTensor,
  options: Conv2dOptions = {},
  { runs = 3, warmup = 1, onRun }: TimeConvOptions = {},
): Promise<ConvTiming> {
  if (!(Number.isSafeInteger(runs) && runs > 0)) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  if (!(Number.isSafeInteger(warmup) && warmup >= 0)) throw new RangeError(`warmup must be a non-negative integer, got ${warmup}`);
  const plan = engine.plan(x.shape, w.shape, options);
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const y = await engine.conv2d(x, x.shape, w, w.shape, options);
    try {
      await engine.device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    } finally {
      y.destroy();
    }
  };
  for (let i = 0; i < warmup; i++) {
    onRun?.({ phase: 'warmup', index: i, count: warmup });
    await once();
  }
  const timesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    onRun?.({ phase: 'timed', index: i, count: runs });
    timesMs.push(await once());
  }
  const medianMs = median(timesMs);
  const flops = convFlops(plan.params);
  return {
    algorithm: plan.algorithm,
    timesMs,
    medianMs,
    minMs: Math.min(...timesMs),
    maxMs: Math.max(...timesMs),
    flops,
    gflops: flops / (medianMs * 1e6),
    workspaceBytes: plan.workspaceBytes,
  };
}
