// Block kernels that share B across a subgroup: offered only where the device has subgroups of at
// least 4, refused with a typed error elsewhere, and never taken from a persisted tuning there.
// Their results against the reference are in the grid (kGemmKernels).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ConvArgumentError, type ConvEngine, createConvEngine, conv2dReference, type GemmKernel, kGemmKernels, type TuneEntry } from '../src/index';
import { getGpu } from '../src/gpu/device';
import { shapeClassKey } from '../src/tune';
import { compareToReference, seededData, toleranceFor } from './grid';

const shared: GemmKernel = { family: 'block', tm: 16, tn4: 8, shareB: true };
const xShape = [1, 9, 11, 8];
const wShape = [3, 3, 8, 12];
const options = { padding: 'same' as const };
let engine: ConvEngine;

beforeAll(async () => {
  engine = await createConvEngine({ tuneCache: false });
});
afterAll(() => engine.destroy());

const hasSubgroupsOf4 = (device: GPUDevice) =>
  device.features.has('subgroups' as GPUFeatureName) && ((device as GPUDevice & { adapterInfo?: { subgroupMinSize?: number } }).adapterInfo?.subgroupMinSize ?? 0) >= 4;

test('the engine offers the shared-B kernels exactly where the device has subgroups of at least 4', () => {
  const offered = engine.gemmKernels.filter((k) => k.family === 'block' && k.shareB);
  expect(offered.length > 0).toBe(hasSubgroupsOf4(engine.device));
  expect(engine.gemmKernels.length).toBe(kGemmKernels.length - (hasSubgroupsOf4(engine.device) ? 0 : 2));
});

test('on a device with subgroups, a shared-B kernel matches the reference for every GEMM algorithm', async (ctx) => {
  if (!hasSubgroupsOf4(engine.device)) ctx.skip(); // the next test covers devices without them
  const x = seededData(9 * 11 * 8, 3);
  const w = seededData(3 * 3 * 8 * 12, 4);
  const want = conv2dReference(x, xShape, w, wShape, options);
  for (const algorithm of ['mec-a', 'mec-b', 'im2col'] as const) {
    const y = await engine.conv2d(x, xShape, w, wShape, { ...options, algorithm, gemmKernel: shared });
    expect(compareToReference(await y.read(), want, toleranceFor(3 * 3 * 8)), algorithm).toBeUndefined();
    y.destroy();
  }
});

test('a device without subgroups refuses a shared-B kernel by name and ignores one persisted for its adapter', async () => {
  const adapter = await (await getGpu()).requestAdapter();
  const device = await adapter!.requestDevice({ label: 'no subgroups' });
  expect(device.features.has('subgroups' as GPUFeatureName)).toBe(false);
  const entries: Record<string, TuneEntry> = {};
  const store = { load: async () => entries, save: async () => {} };
  const plain = await createConvEngine({ device, tuneCache: store });
  try {
    expect(plain.gemmKernels.some((k) => k.family === 'block' && k.shareB)).toBe(false);
    const call = () => plain.conv2d(seededData(9 * 11 * 8, 3), xShape, seededData(3 * 3 * 8 * 12, 4), wShape, { ...options, algorithm: 'mec-b', gemmKernel: shared });
    await expect(call()).rejects.toThrow(ConvArgumentError);
    await expect(call()).rejects.toThrow(/options\.gemmKernel\.shareB.*'subgroups'/);
    // As if another device on this adapter had tuned the shape class to a shared-B kernel.
    const key = shapeClassKey(plain.plan(xShape, wShape, options).params);
    entries[key] = { algorithm: 'mec-b', gemmKernel: shared, ms: 1, workspaceBytes: 0, candidates: {} };
    await plain.loadTuning();
    expect(plain.tuningResults[key]).toBeDefined();
    const plan = plain.plan(xShape, wShape, options);
    expect(plan.chosenBy).toBe('rules');
    expect(plan.gemmKernel.family === 'block' && plan.gemmKernel.shareB).toBeFalsy();
  } finally {
    plain.destroy();
    device.destroy();
  }
});
