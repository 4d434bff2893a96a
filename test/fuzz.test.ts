// 300 random valid convolutions from a fixed seed (test/fuzz.ts), one test per case, against the
// float64 reference. A failure's name replays it: npx vite-node scripts/fuzz.ts -- --seed 20240611 --index I
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ConvEngine, createConvEngine } from '../src/index';
import { normalizeConvParams } from '../src/params';
import { fuzzCase, fuzzCases, kMaxFuzzMacs, fuzzCaseMacs, optionsOf, runFuzzCase } from './fuzz';
import { wShapeOf, xShapeOf } from './grid';

const kSeed = 20240611;
const kCases = 300;
const cases = fuzzCases(kSeed, kCases);

describe('fuzz generator', () => {
  test('a case depends only on (seed, index)', () => {
    expect(fuzzCase(kSeed, 123)).toEqual(cases[123]);
    expect(fuzzCase(kSeed + 1, 123)).not.toEqual(cases[123]);
  });

  test('every case is valid, small, and names its algorithm', () => {
    for (const c of cases) {
      expect(() => normalizeConvParams(xShapeOf(c), wShapeOf(c), optionsOf(c), c.bias)).not.toThrow();
      expect(fuzzCaseMacs(c)).toBeLessThanOrEqual(kMaxFuzzMacs);
      expect(c.name.endsWith(`/${c.algorithm}`)).toBe(true);
      if (c.algorithm === 'depthwise') expect(c.groups).toBe(c.inC);
    }
  });

  test(`${kCases} cases cover every knob`, () => {
    const has = (f: (c: (typeof cases)[number]) => boolean) => cases.some(f);
    for (const a of ['auto', 'mec-a', 'mec-b', 'im2col', 'direct', 'depthwise']) expect(has((c) => c.algorithm === a)).toBe(true);
    for (const p of ['valid', 'same', 'same-lower']) expect(has((c) => c.padding === p)).toBe(true);
    expect(has((c) => Array.isArray(c.padding) && new Set(c.padding).size > 1)).toBe(true);
    expect(has((c) => c.layout === 'NCHW') && has((c) => c.layout === 'NHWC')).toBe(true);
    expect(has((c) => c.groups > 1 && c.groups < c.inC)).toBe(true); // grouped
    expect(has((c) => c.groups === c.inC && c.outC === c.inC && c.inC > 1)).toBe(true); // depthwise
    expect(has((c) => c.groups === c.inC && c.outC > c.inC)).toBe(true); // channel multiplier
    expect(has((c) => c.kH !== c.kW)).toBe(true);
    expect(has((c) => c.strides[0] !== c.strides[1]) && has((c) => c.strides[0] === 4)).toBe(true);
    expect(has((c) => c.dilations[0] !== c.dilations[1]) && has((c) => c.dilations[0] === 3)).toBe(true);
    for (const n of [1, 2, 3]) expect(has((c) => c.batch === n)).toBe(true);
    for (const a of ['none', 'relu', 'relu6']) expect(has((c) => c.activation === a)).toBe(true);
    expect(has((c) => c.bias) && has((c) => !c.bias)).toBe(true);
  });
});

describe(`fuzz: ${kCases} cases of seed ${kSeed}`, () => {
  let engine: ConvEngine;
  const uncaptured: string[] = [];
  beforeAll(async () => {
    engine = await createConvEngine();
    engine.device.addEventListener('uncapturederror', (event) => {
      uncaptured.push((event as GPUUncapturedErrorEvent).error.message);
    });
  });
  afterAll(() => engine.destroy());

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await runFuzzCase(engine, c);
    expect(result.error).toBeUndefined();
    expect(uncaptured.splice(0)).toEqual([]);
  });
});
