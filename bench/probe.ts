// What `npm run probe` measures, browser-safe: one bench layer's convolution with chosen GEMM
// kernels against plain GEMMs of the layer's own shape, all in interleaved rounds on one engine.
// A plain GEMM of o_h·o_w × k_c × k_h·k_w·i_c is a 1×1 convolution of a 1 × M image with K
// channels into k_c (its lowering is a copy of A); the "output floor" is the same with K = 4:
// what writing the layer's output through our GEMM costs, whatever the reduction.
import { type ConcreteAlgorithm, type ConvEngine, convFlops, type GemmKernel, gemmKernelName, normalizeConvParams, type PassTime } from '../src/index';
import { roundUp4 } from '../src/plans/gemm';
import { median, timeConv2d, uploadBenchTensor } from '../src/profile';
import { type BenchLayer, layerConv } from './layers';

export interface ProbeCase {
  /** 'mec-b/block32x16sg', 'gemm/block32x16sg' (the layer's shape as a plain GEMM), 'floor/…' (K = 4). */
  name: string;
  /** Wall ms of each timed round: the call until the queue has drained. */
  timesMs: number[];
  medianMs: number;
  minMs: number;
  /** The layer's FLOPs over the median, for every case alike (a plain GEMM of the same shape does the same work). */
  gflops: number;
  firstCallMs: number;
  /** GPU time per pass, one call with timestamp queries (where the device has them). */
  passes?: PassTime[];
}

/** Time `algorithms` × `kernels` on the layer, the plain GEMM of its shape and the output floor, in `rounds` interleaved rounds. */
export async function probeLayer(engine: ConvEngine, layer: BenchLayer, algorithms: ConcreteAlgorithm[], kernels: GemmKernel[], rounds: number): Promise<ProbeCase[]> {
  const conv = layerConv(layer);
  const p = normalizeConvParams(conv.xShape, conv.wShape, conv.options);
  const flops = convFlops(p);
  const m = p.outH * p.outW;
  const k = roundUp4(p.kH * p.kW * p.inCPerGroup);
  const shapes = {
    conv: { x: conv.xShape, w: conv.wShape, options: conv.options },
    gemm: { x: [1, 1, m, k], w: [1, 1, k, p.outC], options: {} },
    floor: { x: [1, 1, m, 4], w: [1, 1, 4, p.outC], options: {} },
  };
  const tensors = Object.fromEntries(Object.entries(shapes).map(([key, s]) => [key, { x: uploadBenchTensor(engine, s.x, 1), w: uploadBenchTensor(engine, s.w, 2), options: s.options }]));
  const cases = [
    ...algorithms.flatMap((algorithm) => kernels.map((kernel) => ({ name: `${algorithm}/${gemmKernelName(kernel)}`, t: tensors.conv, options: { ...tensors.conv.options, algorithm, gemmKernel: kernel } }))),
    ...(['gemm', 'floor'] as const).flatMap((key) => kernels.map((kernel) => ({ name: `${key}/${gemmKernelName(kernel)}`, t: tensors[key], options: { algorithm: 'mec-b' as const, gemmKernel: kernel } }))),
  ];
  // One call until the queue has drained, its output destroyed (timeConv2d, as the tuner times).
  const once = async (c: (typeof cases)[number]) => (await timeConv2d(engine, c.t.x, c.t.w, c.options, { runs: 1, warmup: 0 })).minMs;
  try {
    const first = [];
    for (const c of cases) first.push(await once(c));
    const times: number[][] = cases.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (const [i, c] of cases.entries()) {
        await once(c); // the second call of a pair is timed, as in the bench's rounds
        times[i].push(await once(c));
      }
    }
    const timed = engine.device.features.has('timestamp-query');
    const out: ProbeCase[] = [];
    for (const [i, c] of cases.entries()) {
      const medianMs = median(times[i]);
      out.push({
        name: c.name, timesMs: times[i], medianMs, minMs: Math.min(...times[i]), gflops: flops / (medianMs * 1e6), firstCallMs: first[i],
        passes: timed ? await engine.timePasses(c.t.x, c.t.x.shape, c.t.w, c.t.w.shape, c.options) : undefined,
      });
    }
    return out;
  } finally {
    for (const t of Object.values(tensors)) {
      t.x.destroy();
      t.w.destroy();
    }
  }
}
