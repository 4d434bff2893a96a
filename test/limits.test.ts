// Convolutions larger than a binding are split into chunks transparently: runs of images, or
// rows of one image, each checked against the float64 reference. WebGPU never grants limits
// below its defaults, so the engine is asked to plan with small ones (options.limits).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ConcreteAlgorithm, type ConvEngine, createConvEngine, conv2dReference, LimitError, requestDevice } from '../src/index';
import { compareToReference, convTolerance, seededData } from './grid';

let device: GPUDevice;
let big: ConvEngine;
beforeAll(async () => {
  device = await requestDevice();
  big = await createConvEngine({ device });
});
afterAll(() => {
  big.destroy();
  device.destroy();
});

const algorithms: ConcreteAlgorithm[] = ['mec-a', 'mec-b', 'im2col', 'direct'];
const kLimit = 4096; // bytes per binding: 1024 floats

interface Shape {
  name: string;
  xShape: number[];
  wShape: number[];
  options: Record<string, unknown>;
  /** 'images' when whole images fit a binding, 'rows' when one image must be cut (for 'direct'). */
  split: 'images' | 'rows';
}

const shapes: Shape[] = [
  { name: 'batch 6 of small images, NHWC', xShape: [6, 9, 8, 4], wShape: [3, 3, 4, 8], options: { padding: 'same' }, split: 'images' },
  { name: 'batch 3, NCHW, stride 2, bias relu', xShape: [3, 4, 12, 10], wShape: [8, 4, 3, 3], options: { layout: 'NCHW', strides: 2, padding: 'same', activation: 'relu' }, split: 'images' },
  { name: 'one tall image, NHWC, padding and dilation', xShape: [1, 40, 9, 4], wShape: [3, 3, 4, 8], options: { padding: [2, 1, 1, 1], dilations: [2, 1] }, split: 'rows' },
  { name: 'two tall images, NCHW, stride 2', xShape: [2, 3, 45, 8], wShape: [4, 3, 5, 3], options: { layout: 'NCHW', strides: [2, 1], padding: 'same' }, split: 'rows' },
  { name: 'grouped, rows', xShape: [1, 30, 10, 4], wShape: [3, 3, 2, 6], options: { groups: 2, padding: 'valid' }, split: 'rows' },
  // MEC's windows of short runs (mecLayout): unpadded runs of 9, and runs of 9 padded to 10 for s_h = 2.
  { name: 'one tall 3-channel image, unpadded runs', xShape: [1, 40, 9, 3], wShape: [3, 3, 3, 4], options: { padding: 'same' }, split: 'rows' },
  { name: 'one tall 3-channel image, stride 2, part-padded runs', xShape: [1, 41, 9, 3], wShape: [3, 3, 3, 4], options: { strides: 2, padding: 'same' }, split: 'rows' },
];

describe(`chunked to maxStorageBufferBindingSize = ${kLimit} bytes`, () => {
  test.each(shapes.flatMap((s) => algorithms.map((a) => [`${s.name}/${a}`, s, a] as const)))('%s', async (_n, s, algorithm) => {
    const small = await createConvEngine({ device, limits: { maxStorageBufferBindingSize: kLimit, maxComputeWorkgroupsPerDimension: 7 } });
    try {
      const x = seededData(s.xShape.reduce((a, b) => a * b), 21);
      const w = seededData(s.wShape.reduce((a, b) => a * b), 22);
      const bias = s.options.activation ? seededData(s.options.layout === 'NCHW' ? s.wShape[0] : s.wShape[3], 23) : undefined;
      const plan = small.plan(s.xShape, s.wShape, { ...s.options, algorithm, bias });
      expect(plan.chunks, 'the plan splits').toBeDefined();
      const chunks = plan.chunks!.chunks;
      expect(chunks.length).toBeGreaterThan(1);
      // Without workspace the input and output decide: whole images here, rows there. (With a
      // workspace, one image's L or columns may already be too big, and rows it is.)
      if (algorithm === 'direct') expect(chunks.every((c) => (s.split === 'images' ? c.params.outH === plan.params.outH : c.params.batch === 1))).toBe(true);
      for (const b of plan.workspace) expect(b.elements * 4).toBeLessThanOrEqual(kLimit);
      const y = await small.conv2d(x, s.xShape, w, s.wShape, { ...s.options, algorithm, bias });
      const want = conv2dReference(x, s.xShape, w, s.wShape, { ...(s.options as object), bias });
      const p = plan.params;
      expect(compareToReference(await y.read(), want, convTolerance(p))).toBeUndefined();
      y.destroy();
    } finally {
      small.destroy();
    }
  });

  test('a layer whose single output row cannot fit is refused with a LimitError naming the bytes and the limit', async () => {
    const small = await createConvEngine({ device, limits: { maxStorageBufferBindingSize: kLimit } });
    try {
      expect(() => small.plan([1, 8, 300, 4], [3, 3, 4, 4], { algorithm: 'mec-b' })).toThrow(LimitError);
      expect(() => small.plan([1, 8, 8, 64], [3, 3, 64, 8], { algorithm: 'direct' })).toThrow(/w \(18432 bytes\).*maxStorageBufferBindingSize = 4096/);
    } finally {
      small.destroy();
    }
  });
});
