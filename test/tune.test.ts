// The planner: rules before tuning, measured choices after, persisted, and the memory budget.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ConvEngine, createConvEngine, conv2dReference, gemmKernelName, LimitError } from '../src/index';
import { compareToReference, seededData, toleranceFor } from './grid';

const cacheFile = join(tmpdir(), `mec-webgpu-tune-test-${process.pid}.json`);
const xShape = [1, 12, 10, 8];
const wShape = [3, 3, 8, 12];
const options = { padding: 'same' as const };
let engine: ConvEngine;

beforeAll(async () => {
  process.env.MEC_WEBGPU_TUNE_CACHE = cacheFile;
  engine = await createConvEngine();
});
afterAll(() => {
  engine.destroy();
  rmSync(cacheFile, { force: true });
});

test('before tuning, auto follows the rules; the memory budget narrows the choice', () => {
  const plan = engine.plan(xShape, wShape, options);
  expect(plan.chosenBy).toBe('rules');
  // One image of 12 output rows: B's GEMM (o_h·o_w = 120 rows) is taller than A's (i_n·o_w = 10).
  expect(plan.algorithm).toBe('mec-b');
  // Sixteen images of 12 rows: A's GEMMs (16·10 rows) are taller.
  expect(engine.plan([16, 12, 10, 8], wShape, options).algorithm).toBe('mec-a');
  const mecB = engine.workspaceBytes('mec-b', xShape, wShape, options);
  // Solution A writes the output layout directly: it needs no more than B.
  expect(engine.workspaceBytes('mec-a', xShape, wShape, options)).toBe(mecB);
  expect(engine.plan(xShape, wShape, options, { memoryBudgetBytes: mecB }).algorithm).toBe('mec-b');
  expect(engine.plan(xShape, wShape, options, { memoryBudgetBytes: mecB - 4 }).algorithm).toBe('direct');
  expect(engine.plan(xShape, wShape, options, { memoryBudgetBytes: 0 }).algorithm).toBe('direct');
  expect(() => engine.plan(xShape, wShape, { ...options, algorithm: 'im2col' }, { memoryBudgetBytes: mecB - 4 })).toThrow(LimitError);
});

test('tune times the candidates, keeps the fastest for auto and persists it', async () => {
  const names: string[] = [];
  const entry = await engine.tune(xShape, wShape, options, { runs: 1, onCandidate: (n) => names.push(n) });
  expect(names).toEqual(expect.arrayContaining(['direct', 'mec-a/block16x8', 'mec-b/block16x8', 'im2col/block16x8', 'mec-a/tiled32k16']));
  // The fastest four of the first pass are timed again side by side; the winner is the fastest of those rounds.
  const firstPass = Object.entries(entry.candidates).filter(([, ms]) => Number.isFinite(ms)).sort((a, b) => a[1] - b[1]);
  expect(Object.keys(entry.finals ?? {}).sort()).toEqual(firstPass.slice(0, 4).map(([n]) => n).sort());
  expect(entry.ms).toBe(Math.min(...Object.values(entry.finals ?? {})));
  expect(entry.finals?.[`${entry.algorithm}/${gemmKernelName(entry.gemmKernel)}`] ?? entry.finals?.[entry.algorithm]).toBe(entry.ms);
  const plan = engine.plan(xShape, wShape, options);
  expect(plan.chosenBy).toBe('tuned');
  expect([plan.algorithm, plan.gemmKernel]).toEqual([entry.algorithm, entry.gemmKernel]);
  // Epilogue options are the same shape class.
  expect(engine.plan(xShape, wShape, { ...options, activation: 'relu' }).chosenBy).toBe('tuned');

  const second = await createConvEngine();
  try {
    const again = second.plan(xShape, wShape, options);
    expect([again.chosenBy, again.algorithm, again.gemmKernel]).toEqual(['tuned', entry.algorithm, entry.gemmKernel]);
  } finally {
    second.destroy();
  }
});

test('a tuning budget leaves out candidates that need more workspace', async () => {
  const budget = engine.workspaceBytes('mec-b', [2, 9, 9, 4], [3, 3, 4, 8], {});
  const entry = await engine.tune([2, 9, 9, 4], [3, 3, 4, 8], {}, { runs: 1, memoryBudgetBytes: budget });
  expect(Object.keys(entry.candidates).some((n) => n.startsWith('im2col'))).toBe(false);
  expect(Object.keys(entry.candidates).some((n) => n.startsWith('mec-b'))).toBe(true);
  expect(entry.workspaceBytes).toBeLessThanOrEqual(budget);
});

test('autotune engines tune on the first auto call and compute correctly', async () => {
  const auto = await createConvEngine({ autotune: true, tuneCache: false });
  try {
    const x = seededData(2 * 7 * 9 * 5, 1);
    const w = seededData(2 * 3 * 5 * 6, 2);
    const y = await auto.conv2d(x, [2, 7, 9, 5], w, [2, 3, 5, 6], { strides: [1, 2], activation: 'relu' });
    expect(Object.keys(auto.tuningResults)).toHaveLength(1);
    const want = conv2dReference(x, [2, 7, 9, 5], w, [2, 3, 5, 6], { strides: [1, 2], activation: 'relu' });
    expect(compareToReference(await y.read(), want, toleranceFor(30))).toBeUndefined();
  } finally {
    auto.destroy();
  }
});
