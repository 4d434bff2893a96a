// Random valid convolutions from a seed: case i of seed S is drawn from its own generator, so any
// case replays alone from (S, i) or from its JSON. Shared by scripts/fuzz.ts and test/fuzz.test.ts.
import type { ConvEngine } from '../src/engine';
import { ConvArgumentError } from '../src/errors';
import { type Activation, type Algorithm, type Layout, normalizeConvParams, outputShape, type Padding } from '../src/params';
import { conv2dReference } from '../src/reference/conv2d';
import { type CaseResult, type ConvCase, compareToReference, convTolerance, maxAbsDiff, seededData, wShapeOf, xShapeOf } from './grid';

export interface FuzzCase extends ConvCase {
  /** Seeds the case's x, w and bias (seededData with dataSeed, +1, +2). */
  dataSeed: number;
}

/** Multiply-adds above which a draw is redrawn: keeps SwiftShader and the float64 reference at milliseconds per case. */
export const kMaxFuzzMacs = 400_000;
/** Draws per case before giving up (never reached in practice: most draws are valid). */
const kMaxDraws = 1000;
const kActivations: readonly Activation[] = ['none', 'relu', 'relu6'];
const kLayouts: readonly Layout[] = ['NHWC', 'NCHW'];
const kGemmAlgorithms: readonly Algorithm[] = ['auto', 'mec-a', 'mec-b', 'im2col', 'direct'];

/** mulberry32, as seededData uses: a small, fast, well-mixed 32-bit generator. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator seed of case `index` under `seed`: a hash, so neighbouring cases are unrelated. */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0xc2b2ae35) ^ Math.imul(index + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
/** Channel counts up to 20 with a divisor other than 1 and themselves: the truly grouped layers. */
const kComposite = Array.from({ length: 20 }, (_, i) => i + 1).filter((n) => divisors(n).length > 2);

function paddingName(p: Padding): string {
  return Array.isArray(p) ? `p${p.join('-')}` : `p${p}`;
}

/** A name that says what the case exercises, grid style, prefixed by its index. */
export function fuzzCaseName(c: Omit<FuzzCase, 'name' | 'dataSeed'>, index: number): string {
  const groups = c.groups === 1 ? 'g1' : c.groups === c.inC ? `dw${c.groups}x${c.outC / c.groups}` : `g${c.groups}`;
  return [
    `#${index}`, `k${c.kH}x${c.kW}`, `s${c.strides.join('x')}`, paddingName(c.padding), `d${c.dilations.join('x')}`, groups,
    `n${c.batch}`, `${c.inH}x${c.inW}x${c.inC}-${c.outC}`, c.layout, c.bias ? `bias-${c.activation}` : c.activation,
  ].join('_') + `/${c.algorithm}`;
}

/** Multiply-adds of a case (its cost on the GPU and in the reference). */
export function fuzzCaseMacs(c: ConvCase): number {
  const p = normalizeConvParams(xShapeOf(c), wShapeOf(c), optionsOf(c), c.bias);
  return p.batch * p.outH * p.outW * p.outC * p.kH * p.kW * p.inCPerGroup;
}

export const optionsOf = (c: ConvCase) => ({
  strides: c.strides, dilations: c.dilations, padding: c.padding, groups: c.groups, layout: c.layout, activation: c.activation,
});

/** One draw, not yet validated: every knob of the brief, in ranges that stay small. */
function draw(r: () => number): Omit<FuzzCase, 'name' | 'dataSeed'> {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;

  // Channel structure: dense, grouped (1 < g < C_in), depthwise, depthwise with a channel multiplier.
  const structure = pick(['dense', 'dense', 'grouped', 'depthwise', 'multiplier'] as const);
  const inC = structure === 'grouped' ? pick(kComposite) : int(1, 20);
  let groups = 1;
  let outC = int(1, 20);
  if (structure === 'grouped') {
    groups = pick(divisors(inC).filter((d) => d > 1 && d < inC));
    outC = groups * int(1, Math.max(1, Math.floor(24 / groups)));
  } else if (structure === 'depthwise') {
    groups = inC;
    outC = inC;
  } else if (structure === 'multiplier') {
    groups = inC;
    outC = inC * int(2, 3);
  }
  const kH = int(1, 5);
  const kW = chance(0.6) ? kH : int(1, 5);
  const sH = int(1, 4);
  const strides: [number, number] = [sH, chance(0.6) ? sH : int(1, 4)];
  const dH = chance(0.5) ? 1 : int(1, 3);
  const dilations: [number, number] = [dH, chance(0.7) ? dH : int(1, 3)];
  const padKind = pick(['valid', 'same', 'same-lower', 'explicit', 'symmetric'] as const);
  let padding: Padding;
  if (padKind === 'explicit') padding = [int(0, 3), int(0, 3), int(0, 3), int(0, 3)];
  else if (padKind === 'symmetric') {
    const ph = int(0, 2);
    const pw = int(0, 2);
    padding = [ph, ph, pw, pw];
  } else padding = padKind;
  const depthwise = groups === inC;
  const algorithms = depthwise ? [...kGemmAlgorithms, 'depthwise' as const] : kGemmAlgorithms;
  return {
    algorithm: pick(algorithms),
    batch: pick([1, 1, 2, 3]),
    inH: int(1, 14),
    inW: int(1, 14),
    inC, kH, kW, outC, strides, dilations, padding, groups,
    layout: pick(kLayouts),
    bias: chance(0.5),
    activation: pick(kActivations),
  };
}

/**
 * Case `index` of the stream `seed`: draws until normalizeConvParams accepts the draw (a dilated
 * kernel larger than the padded input is the usual reject) and it is cheap enough.
 */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const s = caseSeed(seed, index);
  const r = rng(s);
  for (let attempt = 0; attempt < kMaxDraws; attempt++) {
    const c = draw(r);
    let macs: number;
    try {
      macs = fuzzCaseMacs({ ...c, name: '' });
    } catch (e) {
      if (e instanceof ConvArgumentError) continue;
      throw e;
    }
    if (macs > kMaxFuzzMacs) continue;
    return { ...c, name: fuzzCaseName(c, index), dataSeed: s };
  }
  throw new Error(`fuzzCase(${seed}, ${index}): no valid case in ${kMaxDraws} draws`);
}

/** `count` cases of `seed` starting at `start`. */
export function fuzzCases(seed: number, count: number, start = 0): FuzzCase[] {
  return Array.from({ length: count }, (_, i) => fuzzCase(seed, start + i));
}

/** The one-line reproducer printed for a failure: replay with `--replay '<json>'` or `--seed S --index i`. */
export function reproducer(seed: number, index: number, c: FuzzCase): string {
  return JSON.stringify({ seed, index, case: c });
}

/** Run a case on the engine and check it against the float64 reference with test/grid.ts's tolerance. */
export async function runFuzzCase(engine: ConvEngine, c: FuzzCase): Promise<CaseResult> {
  const xShape = xShapeOf(c);
  const wShape = wShapeOf(c);
  const options = optionsOf(c);
  const p = normalizeConvParams(xShape, wShape, options, c.bias);
  const x = seededData(xShape.reduce((a, b) => a * b), c.dataSeed);
  const w = seededData(wShape.reduce((a, b) => a * b), c.dataSeed + 1);
  const bias = c.bias ? seededData(c.outC, c.dataSeed + 2) : undefined;
  try {
    const y = await engine.conv2d(x, xShape, w, wShape, { ...options, bias, algorithm: c.algorithm });
    let got: Float32Array;
    try {
      const shape = outputShape(p);
      if (y.shape.join() !== shape.join()) return { name: c.name, error: `output shape [${y.shape}], expected [${shape}]` };
      got = await y.read();
    } finally {
      y.destroy();
    }
    const want = conv2dReference(x, xShape, w, wShape, { ...options, bias });
    const mismatch = compareToReference(got, want, convTolerance(p));
    return { name: c.name, error: mismatch?.message, maxAbsDiff: maxAbsDiff(got, want) };
  } catch (e) {
    return { name: c.name, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
