// ConvEngine.timePasses: GPU time per pass from timestamp queries, the plan's passes in order.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ConvEngine, createConvEngine, MecError } from '../src/index';
import { getGpu } from '../src/gpu/device';
import { seededData } from './grid';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await createConvEngine({ autotune: false });
});
afterAll(() => engine.destroy());

const xShape = [1, 20, 18, 4];
const wShape = [3, 3, 4, 8];

test('timePasses names each pass of the plan, in order, with a positive GPU time', async () => {
  expect(engine.device.features.has('timestamp-query')).toBe(true);
  const x = seededData(20 * 18 * 4, 1);
  const w = seededData(3 * 3 * 4 * 8, 2);
  const cases = [
    { algorithm: 'mec-b', names: [/^Mec\.lower\.quads$/, /^Mec\.gemmB\.block/] },
    { algorithm: 'im2col', names: [/^Im2col\.lower\.quads$/, /^Im2col\.gemm\.block/] },
    { algorithm: 'direct', names: [/^Direct\.conv$/] },
  ] as const;
  for (const { algorithm, names } of cases) {
    const times = await engine.timePasses(x, xShape, w, wShape, { algorithm, padding: 'same' });
    expect(times.map((t) => t.name)).toHaveLength(names.length);
    times.forEach((t, i) => {
      expect(t.name).toMatch(names[i]);
      expect(t.ms).toBeGreaterThan(0);
      expect(t.ms).toBeLessThan(10_000);
    });
  }
  // The timed output is destroyed and the staging buffers pooled: nothing else stays alive.
  engine.trim();
  expect(engine.stats().liveBuffers).toBe(0);
});

test('timePasses without the timestamp-query feature is a clear error', async () => {
  const adapter = await (await getGpu()).requestAdapter();
  const device = await adapter!.requestDevice(); // no optional features
  const plain = await createConvEngine({ device, autotune: false });
  try {
    await expect(plain.timePasses(new Float32Array(20 * 18 * 4), xShape, new Float32Array(3 * 3 * 4 * 8), wShape)).rejects.toThrow(MecError);
    await expect(plain.timePasses(new Float32Array(20 * 18 * 4), xShape, new Float32Array(3 * 3 * 4 * 8), wShape)).rejects.toThrow(/timestamp-query/);
  } finally {
    plain.destroy();
    device.destroy();
  }
});
