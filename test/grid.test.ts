import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ConvEngine, createConvEngine } from '../src/index';
import { gridCases, runCase } from './grid';

const cases = gridCases();

describe(`conv2d grid in Node (Dawn), ${cases.length} cases`, () => {
  let engine: ConvEngine;
  beforeAll(async () => {
    engine = await createConvEngine();
  });
  afterAll(() => engine.destroy());

  test('covers at least 300 cases over every algorithm', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    for (const a of ['mec-a', 'mec-b', 'im2col', 'direct', 'depthwise', 'auto']) expect(cases.some((c) => c.algorithm === a)).toBe(true);
  });

  test.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const result = await runCase(engine, c, i);
    expect(result.error).toBeUndefined();
  });
});
