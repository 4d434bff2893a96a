// Known data: the Conv examples published with the ONNX operator specification (NCHW, a
// ramp input and an all-ones 3×3 kernel), checked on the CPU reference and on every algorithm.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ConvEngine, type Padding, createConvEngine, conv2dReference } from '../src/index';

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const ones = new Float32Array(9).fill(1);

const kExamples: { name: string; h: number; w: number; strides: number; padding: Padding; outShape: number[]; y: number[] }[] = [
  {
    name: 'conv_with_padding', h: 5, w: 5, strides: 1, padding: [1, 1, 1, 1], outShape: [1, 1, 5, 5],
    y: [12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84],
  },
  { name: 'conv_without_padding', h: 5, w: 5, strides: 1, padding: 'valid', outShape: [1, 1, 3, 3], y: [54, 63, 72, 99, 108, 117, 144, 153, 162] },
  {
    name: 'conv_with_strides_padding', h: 7, w: 5, strides: 2, padding: [1, 1, 1, 1], outShape: [1, 1, 4, 3],
    y: [12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124],
  },
  { name: 'conv_with_strides_no_padding', h: 7, w: 5, strides: 2, padding: 'valid', outShape: [1, 1, 3, 2], y: [54, 72, 144, 162, 234, 252] },
  // ONNX pads [1, 0, 1, 0] are (H begin, W begin, H end, W end): here [top, bottom, left, right] = [1, 1, 0, 0].
  {
    name: 'conv_with_strides_and_asymmetric_padding', h: 7, w: 5, strides: 2, padding: [1, 1, 0, 0], outShape: [1, 1, 4, 2],
    y: [21, 33, 99, 117, 189, 207, 171, 183],
  },
];

let engine: ConvEngine;
beforeAll(async () => {
  engine = await createConvEngine();
});
afterAll(() => engine.destroy());

describe('ONNX Conv examples', () => {
  test.each(kExamples.map((e) => [e.name, e] as const))('%s: float64 reference', (_n, e) => {
    const got = conv2dReference(ramp(e.h * e.w), [1, 1, e.h, e.w], ones, [1, 1, 3, 3], { layout: 'NCHW', strides: e.strides, padding: e.padding });
    expect(Array.from(got)).toEqual(e.y);
  });

  const algorithms = ['mec-a', 'mec-b', 'im2col', 'direct', 'depthwise'] as const;
  test.each(kExamples.flatMap((e) => algorithms.map((a) => [`${e.name}/${a}`, e, a] as const)))('%s', async (_n, e, algorithm) => {
    const y = await engine.conv2d(ramp(e.h * e.w), [1, 1, e.h, e.w], ones, [1, 1, 3, 3], { layout: 'NCHW', strides: e.strides, padding: e.padding, algorithm });
    expect([...y.shape]).toEqual(e.outShape);
    // Sums of at most 9 small integers are exact in float32.
    expect(Array.from(await y.read())).toEqual(e.y);
    y.destroy();
  });
});

test('SAME padding puts the odd pixel at the end (TF / ONNX SAME_UPPER) or the start (same-lower)', () => {
  // 1×4 input, 1×2 kernel [1, 10], stride 1: one pixel of padding in total.
  const x = Float32Array.from([1, 2, 3, 4]);
  const w = Float32Array.from([1, 10]);
  expect(Array.from(conv2dReference(x, [1, 1, 4, 1], w, [1, 2, 1, 1], { padding: 'same' }))).toEqual([21, 32, 43, 4]);
  expect(Array.from(conv2dReference(x, [1, 1, 4, 1], w, [1, 2, 1, 1], { padding: 'same-lower' }))).toEqual([10, 21, 32, 43]);
});
