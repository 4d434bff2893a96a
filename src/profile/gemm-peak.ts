import type { ConvEngine } from '../engine';
import { type GemmKernel, gemmKernelName } from '../plans/gemm';
import { timeConv2d, uploadBenchTensor } from './timing';

export interface GemmPeak {
  /** M = N of the GEMM; K = 4·size. */
  size: number;
  /** Median GFLOP/s per kernel, by gemmKernelName. */
  byKernel: Record<string, number>;
  best: { kernel: GemmKernel; gflops: number };
}

/**
 * The best GEMM this engine reaches on this adapter: size × size × 4·size, run as a 1×1
 * convolution of a 1 × size image with 4·size channels into size channels (MEC Solution B, one
 * partition: its lowering is a copy, 1/(2·size) of the work), timed for every kernel. K is long, as
 * in conv layers (k_h·k_w·i_c), so the stores do not dominate. The bench prints each layer's
 * GFLOP/s as a share of this.
 */
export async function measureGemmPeak(engine: ConvEngine, size = 1024, { runs = 3, kernels = engine.gemmKernels } = {}): Promise<GemmPeak> {
  const xShape = [1, 1, size, 4 * size];
  const wShape = [1, 1, 4 * size, size];
  const x = uploadBenchTensor(engine, xShape, 1);
  const w = uploadBenchTensor(engine, wShape, 2);
  const byKernel: Record<string, number> = {};
  let best: GemmPeak['best'] | undefined;
  try {
    for (const kernel of kernels) {
      const t = await timeConv2d(engine, x, w, { algorithm: 'mec-b', gemmKernel: kernel }, { runs, warmup: 1 });
      byKernel[gemmKernelName(kernel)] = t.gflops;
      if (!best || t.gflops > best.gflops) best = { kernel, gflops: t.gflops };
    }
  } finally {
    x.destroy();
    w.destroy();
  }
  return { size, byKernel, best: best! };
}
