// Inf and NaN in the input reach exactly the outputs whose window holds them, as in the float64
// reference, for every algorithm and GEMM family. This guards the reads past a window: MEC's
// windows of unpadded or part-padded runs (3 channels; mecLayout) let the GEMM's last quad of k
// run into the next row of L, which holds real input, so those values are masked, not multiplied
// by a zero weight (Inf · 0 = NaN).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ConvEngine, createConvEngine, conv2dReference, type GemmKernel } from '../src/index';
import { seededData, toleranceFor } from './grid';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await createConvEngine({ autotune: false });
});
afterAll(() => engine.destroy());

const xShape = [1, 9, 8, 3];
const wShape = [3, 3, 3, 4];
// Stride 1 (unpadded runs of 9, windows of 27 read as f32s): the window of output row 5 (rows 5-7)
// is followed in L by channel 0 of pixel (8, w). Stride 2 (runs of 9 padded to 10, windows of 30
// read as vec4s): the window of output row 2 (rows 4-6) is followed by channels 0 and 1 of (7, w).
const x = seededData(9 * 8 * 3, 11);
x[(8 * 8 + 0) * 3 + 0] = Infinity;
x[(8 * 8 + 5) * 3 + 0] = -Infinity;
x[(7 * 8 + 2) * 3 + 1] = Infinity;
x[(3 * 8 + 6) * 3 + 2] = NaN;
const w = seededData(3 * 3 * 3 * 4, 12);

// Solution B's block kernels read these short runs padded, shared by adjacent rows (mecLayout);
// with rowWindows: false they read the windows above, as Solution A does.
const kKernels: GemmKernel[] = [
  { family: 'block', tm: 16, tn4: 2 },
  { family: 'block', tm: 16, tn4: 2, rowWindows: false },
  { family: 'block', tm: 4, tn4: 1 },
  { family: 'tiled', wg: 8, tileK: 16 },
  { family: 'tiled', wg: 8, tileK: 16, splitK: 4 },
];
const kCases = [1, 2].flatMap((strides) => [
  ...(['mec-a', 'mec-b', 'im2col'] as const).flatMap((algorithm) => kKernels.map((gemmKernel) => ({ strides, algorithm, gemmKernel }))),
  { strides, algorithm: 'direct' as const, gemmKernel: undefined },
]);

test.each(kCases.map((c) => [`s${c.strides}/${c.algorithm}${c.gemmKernel ? `/${JSON.stringify(c.gemmKernel)}` : ''}`, c] as const))('%s', async (_n, c) => {
  const want = conv2dReference(x, xShape, w, wShape, { strides: c.strides });
  expect(want.some((v) => Number.isNaN(v))).toBe(true);
  expect(want.some((v) => Number.isFinite(v))).toBe(true);
  const y = await engine.conv2d(x, xShape, w, wShape, { strides: c.strides, algorithm: c.algorithm, gemmKernel: c.gemmKernel });
  const got = await y.read();
  y.destroy();
  const tol = toleranceFor(27);
  const wrong = [...want.keys()].filter((i) => (Number.isFinite(want[i])
    ? !(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))
    : !Object.is(got[i], want[i])));
  expect(wrong.map((i) => `[${i}] got ${got[i]}, want ${want[i]}`)).toEqual([]);
});
