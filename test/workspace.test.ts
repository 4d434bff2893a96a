// workspaceBytes is exact: it equals MEC.md's formulas and the bytes the code really creates,
// counted by a wrapper around GPUDevice.createBuffer.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ConcreteAlgorithm, type ConvEngine, createConvEngine, requestDevice } from '../src/index';
import { cachedPipelineCount } from '../src/gpu/pipelines';
import { normalizeConvParams } from '../src/params';
import { kDefaultGemmKernel } from '../src/plans/gemm';
import { mecLayout } from '../src/plans/mec';
import { gridCases, seededData, wShapeOf, xShapeOf } from './grid';

interface Created {
  label: string;
  size: number;
  destroyed: boolean;
}

let device: GPUDevice;
let engine: ConvEngine;
const created: Created[] = [];

beforeAll(async () => {
  device = await requestDevice();
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = createBuffer(descriptor);
    const record = { label: descriptor.label ?? '', size: descriptor.size, destroyed: false };
    created.push(record);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      record.destroyed = true;
      destroy();
    };
    return buffer;
  };
  engine = await createConvEngine({ device });
});
afterAll(() => {
  engine.destroy();
  device.destroy();
});

const up4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * MEC.md, "Workspace, exactly", in f32 elements (i_h the padded height), with the documented
 * extensions: MEC's L holds runs of k_w·i_c/g values `run` apart in strips of `rows` runs
 * (mecLayout: the formula itself for unpadded runs, rounded up to whole vec4s; Solution B's
 * for its block kernel, here the default one, whose rows may share padded runs), im2col's rows of
 * k_h·k_w·i_c/g values are padded to a multiple of 4, and weights that are OIHW or not
 * vec4-aligned are packed into a padded copy.
 */
function formulaElements(algorithm: ConcreteAlgorithm, xShape: number[], wShape: number[], options: Parameters<typeof normalizeConvParams>[2]) {
  const p = normalizeConvParams(xShape, wShape, options);
  const g = p.groups;
  const mecRun = p.kW * p.inCPerGroup;
  const colsRun = p.kH * p.kW * p.inCPerGroup;
  const packedLayout = p.layout === 'NCHW' || p.outC % 4 !== 0 || p.outCPerGroup % 4 !== 0;
  const { run, rows } = mecLayout(p, algorithm === 'mec-b' ? kDefaultGemmKernel : undefined);
  const mec = up4(g * p.batch * p.outW * rows * run);
  // B: k_h segments of k_w·i_c/g rows, `run` apart, then zero rows up to a multiple of 4.
  const mecWeights = packedLayout || run !== mecRun || (p.kH * run) % 4 !== 0 ? g * up4(p.kH * run) * up4(p.outCPerGroup) : 0;
  switch (algorithm) {
    case 'mec-b':
      return mec + mecWeights;
    case 'mec-a':
      // No intermediate: Solution A's GEMMs write the output layout directly.
      return mec + mecWeights;
    case 'im2col':
      return g * p.batch * p.outH * p.outW * up4(colsRun) + (packedLayout || colsRun % 4 !== 0 ? g * up4(colsRun) * up4(p.outCPerGroup) : 0);
    default:
      return 0;
  }
}

test('aligned layers use exactly MEC.md\'s workspace: i_n·o_w·i_h·k_w·i_c and i_n·o_h·o_w·k_h·k_w·i_c floats', () => {
  const xShape = [2, 10, 9, 8];
  const wShape = [3, 3, 8, 16];
  const options = { padding: [1, 1, 1, 1] as const, strides: 2 };
  const p = normalizeConvParams(xShape, wShape, options);
  expect(engine.workspaceBytes('mec-b', xShape, wShape, options)).toBe(4 * p.batch * p.outW * p.paddedH * p.kW * p.inC);
  expect(engine.workspaceBytes('im2col', xShape, wShape, options)).toBe(4 * p.batch * p.outH * p.outW * p.kH * p.kW * p.inC);
  expect(engine.workspaceBytes('mec-a', xShape, wShape, options)).toBe(4 * p.batch * p.outW * p.paddedH * p.kW * p.inC);
  expect(engine.workspaceBytes('direct', xShape, wShape, options)).toBe(0);
});

test('short runs are padded only as far as their windows need (3-channel layers)', () => {
  // [xShape, wShape, stride, pad, Solution A's layout, run, rows, Solution B's with 16 × 8 blocks]:
  // VGG conv1_1 (cv7) keeps runs of 9 (MEC.md's L exactly, windows read as f32s); ResNet conv1
  // (cv3, s_h = 2) pads runs of 21 to 22, not 24, so that its windows start on vec4s; AlexNet
  // conv1 (cv1, s_h = 4) keeps 33, with one zero row per strip (227 -> 228 rows) to align the
  // strips. Solution B's block kernel lets 16 adjacent output rows share each run it loads, so
  // there runs padded to a multiple of 4 cost less than the shorter windows (gemm-window.ts), up
  // to 7 × 7 windows: AlexNet's 11 × 11 are read apart, in Solution A's layout.
  const cases = [
    [[1, 224, 224, 3], [3, 3, 3, 64], 1, 1, 'window-f32', 9, 226, { kind: 'runs', run: 12, rows: 226 }],
    [[1, 224, 224, 3], [7, 7, 3, 64], 2, 3, 'window-vec4', 22, 230, { kind: 'runs', run: 24, rows: 230 }],
    [[1, 227, 227, 3], [11, 11, 3, 96], 4, 0, 'window-vec4', 33, 228, { kind: 'window-vec4', run: 33, rows: 228 }],
  ] as const;
  for (const [xShape, wShape, stride, pad, kind, run, rows, layoutB] of cases) {
    const options = { strides: stride, padding: [pad, pad, pad, pad] as const };
    const p = normalizeConvParams([...xShape], [...wShape], options);
    expect(mecLayout(p)).toEqual({ kind, run, rows });
    expect(mecLayout(p, kDefaultGemmKernel)).toEqual(layoutB);
    // Kernels whose rows read apart keep Solution A's layout.
    expect(mecLayout(p, { family: 'block', tm: 16, tn4: 2, rowWindows: false })).toEqual({ kind, run, rows });
    expect(mecLayout(p, { family: 'tiled', wg: 8, tileK: 16 })).toEqual({ kind, run, rows });
    const bytes = (l: { run: number; rows: number }) => ({
      l: 4 * up4(p.batch * p.outW * l.rows * l.run),
      weights: 4 * up4(p.kH * l.run) * p.outC, // k_h segments `run` apart, zero rows to a multiple of 4
    });
    const a = bytes({ run, rows });
    const b = bytes(layoutB);
    expect(engine.workspaceBytes('mec-a', [...xShape], [...wShape], options)).toBe(a.l + a.weights);
    expect(engine.workspaceBytes('mec-b', [...xShape], [...wShape], options)).toBe(b.l + b.weights);
    if (kind === 'window-f32') expect(a.l).toBe(4 * p.batch * p.outW * p.paddedH * p.kW * p.inC);
    // Always at most padding every run to a multiple of 4, and below im2col's workspace.
    expect(a.l).toBeLessThan(4 * p.batch * p.outW * p.paddedH * up4(p.kW * p.inC));
    expect(b.l).toBeLessThanOrEqual(4 * p.batch * p.outW * p.paddedH * up4(p.kW * p.inC));
    for (const l of [a.l, b.l]) expect(l).toBeLessThan(engine.workspaceBytes('im2col', [...xShape], [...wShape], options));
  }
});

const algorithms: ConcreteAlgorithm[] = ['mec-a', 'mec-b', 'im2col', 'direct'];
// A spread of grid layers: padding, stride, dilation, groups, batch, both layouts.
const layers = gridCases().filter((c, i) => c.algorithm === 'mec-b' && i % 9 === 0);

describe('workspaceBytes equals the formula and the bytes actually created', () => {
  test.each(layers.flatMap((c) => algorithms.map((a) => [`${c.name.replace('/mec-b', '')}/${a}`, c, a] as const)))('%s', async (_n, c, algorithm) => {
    const xShape = xShapeOf(c);
    const wShape = wShapeOf(c);
    const options = { strides: c.strides, dilations: c.dilations, padding: c.padding, groups: c.groups, layout: c.layout };
    engine.trim(); // an empty pool: every workspace buffer of this call is created anew
    const before = created.length;
    const y = await engine.conv2d(seededData(xShape.reduce((a, b) => a * b), 1), xShape, seededData(wShape.reduce((a, b) => a * b), 2), wShape, {
      ...options,
      algorithm,
    });
    await y.read();
    const made = created.slice(before);
    const workspaceMade = made.filter((b) => b.label.endsWith('(workspace)')).reduce((s, b) => s + b.size, 0);
    const expected = engine.workspaceBytes(algorithm, xShape, wShape, options);
    expect(expected).toBe(4 * formulaElements(algorithm, xShape, wShape, options));
    expect(workspaceMade).toBe(expected);
    // Everything the call made is freed once the output is destroyed and the pool trimmed.
    y.destroy();
    engine.trim();
    expect(made.filter((b) => !b.destroyed)).toEqual([]);
    expect(engine.stats().liveBuffers).toBe(0);
  });
});

describe('the MEC/im2col memory ratio on MEC.md layers (computed, not run)', () => {
  // Ratio im2col / MEC = o_h·k_h / i_h (MEC.md), i_h the padded height.
  test.each([
    ['cv4 VGG conv1_2', [1, 224, 224, 64], [3, 3, 64, 64], 1, 1, 224, 226],
    ['cv9 ResNet conv2_x', [1, 56, 56, 64], [3, 3, 64, 64], 1, 1, 56, 58],
  ] as const)('%s', (_n, xShape, wShape, stride, pad, outH, paddedH) => {
    const options = { strides: stride, padding: [pad, pad, pad, pad] as const };
    const ratio = engine.workspaceBytes('im2col', [...xShape], [...wShape], options) / engine.workspaceBytes('mec-b', [...xShape], [...wShape], options);
    expect(ratio).toBeCloseTo((outH * wShape[0]) / paddedH, 12);
    expect(ratio).toBeGreaterThan(1);
  });
});

test('pipelines are cached per specialisation', async () => {
  const x = seededData(2 * 6 * 6 * 3, 5);
  const w = seededData(3 * 3 * 3 * 4, 6);
  const run = async () => (await engine.conv2d(x, [2, 6, 6, 3], w, [3, 3, 3, 4], { algorithm: 'mec-a', padding: 'same' })).destroy();
  await run();
  const count = cachedPipelineCount(device);
  await run();
  await run();
  expect(cachedPipelineCount(device)).toBe(count);
  // The bias is a uniform: the same pipelines.
  const bias = seededData(4, 7);
  await (await engine.conv2d(x, [2, 6, 6, 3], w, [3, 3, 3, 4], { algorithm: 'mec-a', padding: 'same', bias })).destroy();
  expect(cachedPipelineCount(device)).toBe(count);
  // The activation is the GEMM's ACTIVATION override: relu6 adds one pipeline (the GEMM's), and a second relu6 call none.
  for (let i = 0; i < 2; i++) await (await engine.conv2d(x, [2, 6, 6, 3], w, [3, 3, 3, 4], { algorithm: 'mec-a', padding: 'same', activation: 'relu6', bias })).destroy();
  expect(cachedPipelineCount(device)).toBe(count + 1);
  // Another GEMM kernel is a new specialisation: one more pipeline, nothing else.
  await (await engine.conv2d(x, [2, 6, 6, 3], w, [3, 3, 3, 4], { algorithm: 'mec-a', padding: 'same', gemmKernel: { family: 'block', tm: 4, tn4: 1 } })).destroy();
  expect(cachedPipelineCount(device)).toBe(count + 2);
});
