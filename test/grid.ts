// The correctness grid, CTS style: one case body, cases generated from combinations of
// kernel × stride × padding × dilation × groups × batch × channels × layout × epilogue, each
// named after what it exercises. Shared by the Node suite and the headless-Chrome suite.
import type { ConvEngine } from '../src/engine';
import type { Activation, Algorithm, Layout, Padding } from '../src/params';
import { type GemmKernel, gemmKernelName, kGemmKernels } from '../src/plans/gemm';
import { type ConvParams, normalizeConvParams } from '../src/params';
import { conv2dReference } from '../src/reference/conv2d';

export interface ConvCase {
  name: string;
  algorithm: Algorithm;
  /** NHWC-style logical sizes; converted to the case's layout by xShape/wShape below. */
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outC: number;
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  groups: number;
  layout: Layout;
  bias: boolean;
  activation: Activation;
  /** The GEMM kernel, for the algorithms that have one. */
  gemmKernel?: GemmKernel;
}

type Layer = Omit<ConvCase, 'name' | 'algorithm' | 'gemmKernel'>;

const kGemmAlgorithms: Algorithm[] = ['mec-a', 'mec-b', 'im2col', 'direct', 'auto'];

const base: Layer = {
  batch: 1, inH: 9, inW: 8, inC: 3, kH: 3, kW: 3, outC: 4, strides: [1, 1], dilations: [1, 1],
  padding: 'valid', groups: 1, layout: 'NHWC', bias: false, activation: 'none',
};

function layers(): Layer[] {
  const out: Layer[] = [];
  const add = (l: Partial<Layer>) => out.push({ ...base, ...l });
  // Kernels, square and rectangular, with valid and same padding and both layouts.
  const kernels: [number, number][] = [[1, 1], [2, 2], [3, 3], [5, 5], [7, 7], [11, 11], [1, 3], [3, 1], [5, 2]];
  kernels.forEach(([kH, kW], i) => {
    const size = Math.max(kH, kW) + 4;
    add({ kH, kW, inH: size + 1, inW: size, padding: 'valid', layout: i % 2 ? 'NCHW' : 'NHWC' });
    add({ kH, kW, inH: size, inW: size + 2, padding: 'same', inC: 5, outC: 3, layout: i % 2 ? 'NHWC' : 'NCHW', bias: true });
  });
  // Strides 1–4, equal and unequal.
  const strides: [number, number][] = [[1, 1], [2, 2], [3, 3], [4, 4], [1, 2], [3, 1], [2, 4]];
  strides.forEach((s, i) => add({ strides: s, inH: 13, inW: 12, inC: 5, padding: i % 2 ? 'same' : 'valid', layout: i % 3 ? 'NHWC' : 'NCHW' }));
  // Padding: valid, same (upper), same-lower, asymmetric explicit, with strides.
  const paddings: Padding[] = ['valid', 'same', 'same-lower', [1, 0, 2, 1], [0, 2, 0, 3], [3, 3, 1, 0]];
  paddings.forEach((padding, i) => {
    add({ padding, strides: [2, 2], kH: 3, kW: 3, inH: 10, inW: 11 });
    add({ padding, kH: 5, kW: 2, inH: 8, inW: 9, layout: 'NCHW', activation: i % 2 ? 'relu' : 'none' });
  });
  // Dilation 1–3, equal and unequal, with padding.
  const dilations: [number, number][] = [[2, 2], [3, 3], [2, 1], [1, 3]];
  dilations.forEach((d, i) => {
    add({ dilations: d, inH: 12, inW: 13, inC: 3 });
    add({ dilations: d, kH: 2, kW: 2, inH: 9, inW: 8, padding: 'same', strides: [2, 1], layout: i % 2 ? 'NCHW' : 'NHWC' });
  });
  // Groups: 2, 4, depthwise, depthwise × 2 (channel multiplier), with stride and padding.
  add({ groups: 2, inC: 4, outC: 6 });
  add({ groups: 2, inC: 6, outC: 4, padding: 'same', strides: [2, 2], layout: 'NCHW', bias: true });
  add({ groups: 4, inC: 16, outC: 8, padding: 'same' });
  add({ groups: 4, inC: 8, outC: 12, kH: 1, kW: 1, layout: 'NCHW' });
  add({ groups: 5, inC: 5, outC: 5, padding: 'same' });
  add({ groups: 16, inC: 16, outC: 16, strides: [2, 2], padding: 'same', bias: true, activation: 'relu6' });
  add({ groups: 3, inC: 3, outC: 6, padding: [1, 1, 1, 1], layout: 'NCHW' });
  add({ groups: 5, inC: 5, outC: 10, dilations: [2, 2], padding: 'same', bias: true });
  // Depthwise NHWC with channels in fours: the vec4 depthwise kernel where it dilates or has over 25 taps.
  add({ groups: 8, inC: 8, outC: 8, dilations: [2, 1], batch: 2, padding: [1, 2, 0, 1] });
  add({ groups: 4, inC: 4, outC: 4, kH: 7, kW: 7, inH: 10, inW: 11, padding: 'same', strides: [1, 2], bias: true });
  // ... and the 4 × 8 register-block kernel otherwise: partial blocks, strides below, at and above
  // the kernel (input rows and columns skipped), 1-wide kernels, asymmetric padding, batch.
  add({ groups: 12, inC: 12, outC: 12, kH: 5, kW: 5, padding: 'same', activation: 'relu', bias: true });
  add({ groups: 8, inC: 8, outC: 8, inH: 7, inW: 21, padding: 'same', bias: true }); // three groups of 8 columns, the last partial
  add({ groups: 8, inC: 8, outC: 8, inH: 9, inW: 10, padding: 'same', batch: 2, activation: 'relu6' });
  add({ groups: 4, inC: 4, outC: 4, kH: 3, kW: 1, inH: 11, inW: 9, strides: [2, 1], padding: [0, 1, 1, 0] });
  add({ groups: 4, inC: 4, outC: 4, kH: 1, kW: 5, inH: 6, inW: 19, strides: [1, 3], padding: [0, 0, 2, 1], bias: true });
  add({ groups: 8, inC: 8, outC: 8, kH: 2, kW: 2, inH: 13, inW: 14, strides: [3, 3], padding: 'same-lower' });
  add({ groups: 4, inC: 4, outC: 4, inH: 2, inW: 3, padding: 'same', batch: 3 });
  // NHWC channels in fours: the lowerings read four channels at once; with stride, dilation, asymmetric padding, batch.
  add({ inC: 8, outC: 8, strides: [2, 1], dilations: [1, 2], padding: [1, 0, 2, 1], batch: 2, inH: 11, inW: 10 });
  add({ groups: 2, inC: 16, outC: 6, strides: [1, 3], padding: 'same', batch: 3, bias: true, activation: 'relu' });
  // Batch 1–3 with channel counts that are not multiples of 4.
  ([1, 3, 5, 16, 33] as const).forEach((inC, i) => {
    add({ inC, outC: [1, 4, 7, 16, 5][i], batch: (i % 3) + 1, padding: 'same', layout: i % 2 ? 'NCHW' : 'NHWC' });
  });
  add({ batch: 3, inC: 33, outC: 9, kH: 1, kW: 1, inH: 5, inW: 4 });
  add({ batch: 2, inC: 16, outC: 33, strides: [2, 2], padding: 'same', layout: 'NCHW', bias: true });
  // Tiny and odd inputs: output 1×1, single pixels, a 1-row image.
  add({ inH: 3, inW: 3, kH: 3, kW: 3 });
  add({ inH: 1, inW: 1, kH: 1, kW: 1, inC: 5, outC: 3, bias: true });
  add({ inH: 1, inW: 7, kH: 1, kW: 3, strides: [1, 2] });
  add({ inH: 11, inW: 11, kH: 11, kW: 11, inC: 1, outC: 2, layout: 'NCHW' });
  add({ inH: 2, inW: 3, kH: 3, kW: 3, padding: 'same', batch: 2 });
  add({ inH: 5, inW: 5, kH: 2, kW: 2, strides: [4, 4] });
  // Epilogue: bias × activation.
  (['none', 'relu', 'relu6'] as const).forEach((activation) => {
    add({ activation, bias: true, padding: 'same', inC: 16, outC: 8 });
    add({ activation, bias: false, layout: 'NCHW', inC: 5, outC: 5 });
  });
  return out;
}

function layerName(l: Layer): string {
  const pad = Array.isArray(l.padding) ? `p${l.padding.join('-')}` : `p${l.padding}`;
  return [
    `k${l.kH}x${l.kW}`, `s${l.strides.join('x')}`, pad, `d${l.dilations.join('x')}`, `g${l.groups}`,
    `n${l.batch}`, `${l.inH}x${l.inW}x${l.inC}-${l.outC}`, l.layout, l.bias ? `bias-${l.activation}` : l.activation,
  ].join('_');
}

/** Layers that put every GEMM kernel on its edges: thin and wide M and N, K runs of 4·j and not, groups. */
function kernelLayers(): Layer[] {
  return [
    { ...base, inH: 6, inW: 37, inC: 8, outC: 68, padding: 'same' },
    { ...base, inH: 9, inW: 5, inC: 3, outC: 5, strides: [2, 1], layout: 'NCHW', bias: true, activation: 'relu' },
    { ...base, inH: 12, inW: 70, inC: 4, outC: 8, kH: 2, kW: 3, dilations: [2, 1], batch: 2 },
    { ...base, inH: 7, inW: 7, inC: 24, outC: 12, groups: 3, padding: 'same', bias: true },
    // k_h·k_w·i_c = 256 (MEC and im2col alike): every split-K slice holds part of the reduction, none is empty.
    { ...base, inH: 5, inW: 6, inC: 64, outC: 12, kH: 2, kW: 2, batch: 2, bias: true, activation: 'relu6' },
  ];
}

const kTiledForDepthwise = kGemmKernels.find((k) => k.family === 'tiled')!;
const isGemmAlgorithm = (a: Algorithm) => a === 'mec-a' || a === 'mec-b' || a === 'im2col';

/**
 * Every case: each layer under every algorithm that applies to it, the GEMM kernels taking turns
 * over the layers; then every kernel on the edge layers under each GEMM algorithm.
 */
export function gridCases(): ConvCase[] {
  const cases: ConvCase[] = [];
  const seen = new Set<string>();
  const push = (c: Omit<ConvCase, 'name'>) => {
    const name = `${layerName(c)}/${c.algorithm}${c.gemmKernel ? `/${gemmKernelName(c.gemmKernel)}` : ''}`;
    if (seen.has(name)) return;
    seen.add(name);
    cases.push({ ...c, name });
  };
  layers().forEach((l, i) => {
    const depthwise = l.groups === l.inC;
    for (const algorithm of depthwise ? [...kGemmAlgorithms, 'depthwise' as const] : kGemmAlgorithms) {
      push({ ...l, algorithm, gemmKernel: isGemmAlgorithm(algorithm) ? kGemmKernels[i % kGemmKernels.length] : undefined });
    }
    // Depthwise with the tiled family: its other kernel (rows of 8 outputs).
    if (depthwise) push({ ...l, algorithm: 'depthwise', gemmKernel: kTiledForDepthwise });
  });
  for (const l of kernelLayers()) {
    for (const gemmKernel of kGemmKernels) {
      for (const algorithm of ['mec-a', 'mec-b', 'im2col'] as const) push({ ...l, algorithm, gemmKernel });
    }
  }
  return cases;
}

export function xShapeOf(c: ConvCase): [number, number, number, number] {
  return c.layout === 'NHWC' ? [c.batch, c.inH, c.inW, c.inC] : [c.batch, c.inC, c.inH, c.inW];
}

export function wShapeOf(c: ConvCase): [number, number, number, number] {
  const icg = c.inC / c.groups;
  return c.layout === 'NHWC' ? [c.kH, c.kW, icg, c.outC] : [c.outC, icg, c.kH, c.kW];
}

/** Deterministic data in [-1, 1): the same in Node and in Chrome. */
export function seededData(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/**
 * The stated tolerance: |got − want| ≤ tol · (1 + |want|) with tol = 1e-5 · sqrt(K), K = k_h·k_w·i_c/g
 * the reduction length (float32 sums of K products against a float64 reference).
 */
export function toleranceFor(reductionLength: number): number {
  return 1e-5 * Math.sqrt(reductionLength);
}

/** The first element out of tolerance, as an Error, or undefined when all match (CTS checker style). */
/** The stated tolerance for a convolution: its reduction length is k_h·k_w·i_c/g. */
export const convTolerance = (p: ConvParams): number => toleranceFor(p.kH * p.kW * p.inCPerGroup);

export function compareToReference(got: Float32Array, want: Float64Array, tol: number): Error | undefined {
  if (got.length !== want.length) return new Error(`length ${got.length}, expected ${want.length}`);
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 4; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol * (1 + Math.abs(want[i])))) bad.push(`[${i}] got ${got[i]}, expected ${want[i]} (|diff| ${err.toExponential(2)})`);
  }
  return bad.length ? new Error(`mismatch beyond tol ${tol.toExponential(2)}: ${bad.join('; ')}`) : undefined;
}

export function maxAbsDiff(got: Float32Array, want: Float64Array): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m;
}

export interface CaseResult {
  name: string;
  /** undefined when the case passed. */
  error?: string;
  maxAbsDiff?: number;
}

/**
 * For the scripts that run cases outside vitest: each case's error, or else the GPU errors the
 * engine's scopes missed since the previous case (they still fail the case that raised them).
 */
export function caseErrors(device: GPUDevice): (result: CaseResult) => string | undefined {
  const uncaptured: string[] = [];
  device.addEventListener('uncapturederror', (event) => uncaptured.push((event as GPUUncapturedErrorEvent).error.message));
  return (result) => {
    const error = result.error ?? (uncaptured.length ? `uncaptured GPU error: ${uncaptured.join('; ')}` : undefined);
    uncaptured.length = 0;
    return error;
  };
}

/** Run one case on the engine and check it against the float64 reference. */
export async function runCase(engine: ConvEngine, c: ConvCase, index: number): Promise<CaseResult> {
  const xShape = xShapeOf(c);
  const wShape = wShapeOf(c);
  const options = { strides: c.strides, dilations: c.dilations, padding: c.padding, groups: c.groups, layout: c.layout, activation: c.activation };
  const p = normalizeConvParams(xShape, wShape, options, c.bias);
  const x = seededData(xShape.reduce((a, b) => a * b), 1000 + index);
  const w = seededData(wShape.reduce((a, b) => a * b), 2000 + index);
  const bias = c.bias ? seededData(c.outC, 3000 + index) : undefined;
  try {
    const y = await engine.conv2d(x, xShape, w, wShape, { ...options, bias, algorithm: c.algorithm, gemmKernel: c.gemmKernel });
    const got = await y.read();
    y.destroy();
    const want = conv2dReference(x, xShape, w, wShape, { ...options, bias });
    const mismatch = compareToReference(got, want, convTolerance(p));
    return { name: c.name, error: mismatch?.message, maxAbsDiff: maxAbsDiff(got, want) };
  } catch (e) {
    return { name: c.name, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
