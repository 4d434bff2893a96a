// Bad inputs, CTS style: one test body, a table of cases, each named after what it exercises.
// Every case checks the error's exact class, that its message names the argument and the value
// or rule, that the call left no GPU buffer alive, and that the caller's inputs are unchanged.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { kUsage } from '../src/gpu/buffers';
import {
  type Conv2dOptions,
  ConvArgumentError,
  type ConvEngine,
  conv2dReference,
  createConvEngine,
  DeviceLostError,
  type EngineOptions,
  GpuTensor,
  LimitError,
  MecError,
  requestDevice,
  type TensorData,
} from '../src/index';
import { compareToReference, seededData } from './grid';

type ErrorClass = typeof MecError | typeof ConvArgumentError | typeof LimitError | typeof DeviceLostError;

interface Expected {
  error: ErrorClass;
  /** ConvArgumentError.argument, exactly. */
  argument?: string;
  /** Fragments the message must contain: the argument's name, then the value or the rule. */
  message: readonly (string | RegExp)[];
}

/** Test-made objects a case needs, made before counting starts and freed after the case. */
interface Fixtures {
  engine: ConvEngine;
  other: ConvEngine;
  tensor(on: ConvEngine, data: Float32Array, shape: readonly number[]): GpuTensor;
  buffer(size: number, usage: number): GPUBuffer;
  newEngine(options?: EngineOptions): Promise<ConvEngine>;
}

interface Call {
  act: () => unknown;
  /** What the caller passed: compared before and after the call. */
  inputs: unknown[];
  /** Whose stats() must show no new live buffer; default the shared engine. */
  engine?: ConvEngine;
}

interface BadInputCase {
  name: string;
  arrange: (fx: Fixtures) => Call | Promise<Call>;
  expected: Expected | ((fx: Fixtures) => Expected);
}

// The valid layer every conv2d case starts from: NHWC 5×5×4 → 3×3×6 with a 3×3 kernel.
const kXShape = [1, 5, 5, 4];
const kWShape = [3, 3, 4, 6];
const kX = seededData(100, 1);
const kW = seededData(216, 2);
const kBias = seededData(6, 3);
const kNoStorage = kUsage.COPY_SRC | kUsage.COPY_DST;
const kStorage = kUsage.STORAGE | kUsage.COPY_DST;
const kMaxElements = 2 ** 31 - 1;

const arg = (argument: string, value: string, rule: string | RegExp): Expected => ({
  error: ConvArgumentError,
  argument,
  message: [`${argument} = ${value}`, rule],
});

interface ConvArgs {
  engine: ConvEngine;
  x: unknown;
  xShape: unknown;
  w: unknown;
  wShape: unknown;
  options: unknown;
}

/** A conv2d call on the base layer with some arguments replaced; fresh copies of the data each time. */
function conv(over: Partial<ConvArgs> | ((fx: Fixtures) => Partial<ConvArgs> | Promise<Partial<ConvArgs>>) = {}) {
  return async (fx: Fixtures): Promise<Call> => {
    const a: ConvArgs = {
      engine: fx.engine,
      x: kX.slice(),
      xShape: [...kXShape],
      w: kW.slice(),
      wShape: [...kWShape],
      options: {},
      ...(typeof over === 'function' ? await over(fx) : over),
    };
    return {
      act: () => a.engine.conv2d(a.x as TensorData, a.xShape as number[], a.w as TensorData, a.wShape as number[], a.options as Conv2dOptions),
      inputs: [a.x, a.xShape, a.w, a.wShape, a.options],
      engine: a.engine,
    };
  };
}

const withBias = (bias: unknown, options: object = {}) => ({ options: { ...options, bias } });

/** A value as ConvArgumentError's message writes it (NaN stays NaN, unlike JSON). */
const valueText = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(valueText).join(', ')}]` : String(v);

/** Resolves when the engine has seen its device's loss, or after two seconds. */
const lossSeen = (e: ConvEngine) => Promise.race([e.lost, new Promise((r) => setTimeout(r, 2000))]);

// Shape dimensions: every bad value on each shape, the axis rotating so each axis is hit.
const kBadDims: unknown[] = [2.5, 0, -4, NaN, Infinity, '5'];
const kXAxes = ['N', 'H', 'W', 'C'];
const kWAxes = ['kH', 'kW', 'Cin/groups', 'Cout (HWIO)'];
const dimCases: BadInputCase[] = kBadDims.flatMap((bad, i): BadInputCase[] => {
  const xi = (i + 1) % 4;
  const wi = i % 4;
  const xShape = kXShape.map((d, j) => (j === xi ? bad : d));
  const wShape = kWShape.map((d, j) => (j === wi ? bad : d));
  return [
    {
      name: `xShape[${xi}] = ${valueText(bad)}`,
      arrange: conv({ xShape }),
      expected: arg(`xShape[${xi}]`, valueText(bad), `dimension ${kXAxes[xi]} must be a positive integer`),
    },
    {
      name: `wShape[${wi}] = ${valueText(bad)}`,
      arrange: conv({ wShape }),
      expected: arg(`wShape[${wi}]`, valueText(bad), `dimension ${kWAxes[wi]} must be a positive integer`),
    },
  ];
});

// Strides and dilations share one rule: a positive integer or a pair of them.
const pairCases: BadInputCase[] = (['strides', 'dilations'] as const).flatMap((key): BadInputCase[] => {
  const name = `options.${key}`;
  const bad: [unknown, string, string, string][] = [
    [0, `${name}[0]`, '0', 'must be a positive integer'],
    [-1, `${name}[0]`, '-1', 'must be a positive integer'],
    [1.5, `${name}[0]`, '1.5', 'must be a positive integer'],
    [NaN, `${name}[0]`, 'NaN', 'must be a positive integer'],
    [[1, 0], `${name}[1]`, '0', 'must be a positive integer'],
    [[2.5, 1], `${name}[0]`, '2.5', 'must be a positive integer'],
    [[1], name, '[1]', 'must be a positive integer or a pair [h, w] of them'],
    [[1, 1, 1], name, '[1, 1, 1]', 'must be a positive integer or a pair [h, w] of them'],
    ['2', name, '"2"', 'must be a positive integer or a pair [h, w] of them'],
  ];
  return bad.map(([value, argument, text, rule]) => ({
    name: `${name} = ${valueText(value)}`,
    arrange: conv({ options: { [key]: value } }),
    expected: arg(argument, text, rule),
  }));
});

// x, w and bias of a type the engine does not take.
const kWrongTypes: [string, (n: number) => unknown, string | RegExp][] = [
  ['number[]', (n) => Array.from({ length: n }, (_, i) => i / n), '['],
  ['Float64Array', (n) => new Float64Array(n), 'Float64Array(length '],
  ['string', () => 'abc', '"abc"'],
  ['null', () => null, 'null'],
];
const kDataArgs: [string, number, (v: unknown) => Partial<ConvArgs>][] = [
  ['x', 100, (x) => ({ x })],
  ['w', 216, (w) => ({ w })],
  ['options.bias', 6, (bias) => withBias(bias)],
];
const typeCases: BadInputCase[] = [
  ...kDataArgs.flatMap(([argument, n, place]) =>
    kWrongTypes.map(([kind, make, text]): BadInputCase => ({
      name: `${argument} is ${kind}`,
      arrange: conv(place(make(n))),
      expected: arg(argument, String(text), 'must be a Float32Array, a GPUBuffer or a GpuTensor'),
    })),
  ),
  ...['x', 'w'].map((argument): BadInputCase => ({
    name: `${argument} is undefined`,
    arrange: conv({ [argument]: undefined }),
    expected: arg(argument, 'undefined', 'must be a Float32Array, a GPUBuffer or a GpuTensor'),
  })),
];

// GPU data the engine must refuse before binding it: wrong usage, too small, foreign, destroyed.
const gpuCases: BadInputCase[] = kDataArgs.flatMap(([argument, n, place]): BadInputCase[] => [
  {
    name: `${argument} is a GPUBuffer without STORAGE usage`,
    arrange: conv((fx) => place(fx.buffer(n * 4, kNoStorage))),
    expected: arg(argument, `GPUBuffer(size ${n * 4}, usage 0x${kNoStorage.toString(16)})`, 'needs GPUBufferUsage.STORAGE'),
  },
  {
    name: `${argument} is a GPUBuffer 4 bytes too small`,
    arrange: conv((fx) => place(fx.buffer(n * 4 - 4, kStorage))),
    expected: arg(argument, `GPUBuffer(size ${n * 4 - 4}`, `has ${n * 4 - 4} bytes, needs at least ${n * 4}`),
  },
  {
    name: `${argument} is a GpuTensor from another engine`,
    arrange: conv((fx) => place(fx.tensor(fx.other, seededData(n, 4), [1, 1, 1, n]))),
    expected: arg(argument, 'GpuTensor', "belongs to another device than this engine's"),
  },
  {
    name: `${argument} is a destroyed GpuTensor`,
    arrange: conv((fx) => {
      const t = fx.tensor(fx.engine, seededData(n, 5), [1, 1, 1, n]);
      t.destroy();
      return place(t);
    }),
    expected: arg(argument, 'GpuTensor', 'was destroyed'),
  },
  {
    name: `${argument} is a GpuTensor with one element too few`,
    arrange: conv((fx) => place(fx.tensor(fx.engine, seededData(n - 1, 6), [1, 1, 1, n - 1]))),
    expected: arg(argument, 'GpuTensor', `has ${n - 1} elements, needs ${n}`),
  },
]);

const kCases: BadInputCase[] = [
  // Shapes that are not arrays of four.
  ...([
    ['xShape', [1, 5, 5], '[1, 5, 5]', 'N,H,W,C'],
    ['xShape', [1, 5, 5, 4, 1], '[1, 5, 5, 4, 1]', 'N,H,W,C'],
    ['xShape', null, 'null', 'N,H,W,C'],
    ['xShape', 100, '100', 'N,H,W,C'],
    ['xShape', '1,5,5,4', '"1,5,5,4"', 'N,H,W,C'],
    ['xShape', { length: 4, 0: 1, 1: 5, 2: 5, 3: 4 }, 'Object', 'N,H,W,C'],
    ['wShape', [3, 3, 4], '[3, 3, 4]', 'kH,kW,Cin/groups,Cout (HWIO)'],
    ['wShape', [], '[]', 'kH,kW,Cin/groups,Cout (HWIO)'],
    ['wShape', undefined, 'undefined', 'kH,kW,Cin/groups,Cout (HWIO)'],
  ] as const).map(([argument, shape, text, axes]): BadInputCase => ({
    name: `${argument} = ${text}`,
    arrange: conv({ [argument]: shape }),
    expected: arg(argument, text, `must be an array of 4 dimensions [${axes}]`),
  })),
  ...dimCases,
  // Element counts past 32-bit indices.
  {
    name: 'xShape with exactly 2^31 elements',
    arrange: conv({ xShape: [2, 1024, 1024, 1024], wShape: [3, 3, 1024, 6] }),
    expected: arg('xShape', '[2, 1024, 1024, 1024]', `has ${2 ** 31} elements, above the limit of ${kMaxElements}`),
  },
  {
    name: 'xShape with 2^32 elements',
    arrange: conv({ xShape: [1, 65536, 65536, 1], wShape: [3, 3, 1, 6] }),
    expected: arg('xShape', '[1, 65536, 65536, 1]', `has ${2 ** 32} elements, above the limit of ${kMaxElements}`),
  },
  {
    name: 'wShape with 2^32 elements',
    arrange: conv({ wShape: [1, 1, 4, 2 ** 30] }),
    expected: arg('wShape', `[1, 1, 4, ${2 ** 30}]`, `has ${2 ** 32} elements, above the limit of ${kMaxElements}`),
  },
  {
    name: 'output with 2^32 elements from small x and w',
    arrange: conv({ x: seededData(65536, 7), xShape: [1, 256, 256, 1], w: seededData(65536, 8), wShape: [1, 1, 1, 65536] }),
    expected: arg('xShape', '[1, 256, 256, 1]', `output has ${2 ** 32} elements, above the limit of ${kMaxElements}`),
  },
  // Data lengths that disagree with the shapes.
  { name: 'x one element short', arrange: conv({ x: kX.slice(0, 99) }), expected: arg('x', 'Float32Array(length 99)', "length must equal the shape's product 100") },
  { name: 'x one element long', arrange: conv({ x: seededData(101, 9) }), expected: arg('x', 'Float32Array(length 101)', "length must equal the shape's product 100") },
  { name: 'x empty', arrange: conv({ x: new Float32Array(0) }), expected: arg('x', 'Float32Array(length 0)', "length must equal the shape's product 100") },
  { name: 'w one element short', arrange: conv({ w: kW.slice(0, 215) }), expected: arg('w', 'Float32Array(length 215)', "length must equal the shape's product 216") },
  { name: 'bias of 5 for 6 output channels', arrange: conv(withBias(kBias.slice(0, 5))), expected: arg('options.bias', 'Float32Array(length 5)', '6') },
  { name: 'bias of 7 for 6 output channels', arrange: conv(withBias(seededData(7, 10))), expected: arg('options.bias', 'Float32Array(length 7)', '6') },
  ...typeCases,
  ...gpuCases,
  {
    name: 'x is a conv2d output of another engine',
    arrange: conv(async (fx) => {
      const y = await fx.other.conv2d(kX.slice(), kXShape, kW.slice(), kWShape);
      return { x: y, xShape: [1, 3, 3, 6], w: seededData(12, 11), wShape: [1, 1, 6, 2] };
    }),
    expected: arg('x', 'GpuTensor', "belongs to another device than this engine's"),
  },
  {
    name: 'w from another engine next to a live x tensor of this engine',
    arrange: conv((fx) => ({ x: fx.tensor(fx.engine, kX.slice(), kXShape), w: fx.tensor(fx.other, kW.slice(), kWShape) })),
    expected: arg('w', 'GpuTensor', "belongs to another device than this engine's"),
  },
  // Channels and groups.
  {
    name: 'wShape[2] (Cin) 3 for 4 input channels, NHWC',
    arrange: conv({ wShape: [3, 3, 3, 6], w: seededData(162, 12) }),
    expected: arg('wShape[2]', '3', 'must equal input channels / groups = 4 / 1 = 4'),
  },
  {
    name: 'wShape[1] (Cin) 3 for 4 input channels, NCHW',
    arrange: conv({ xShape: [1, 4, 5, 5], wShape: [6, 3, 3, 3], w: seededData(162, 13), options: { layout: 'NCHW' } }),
    expected: arg('wShape[1]', '3', 'must equal input channels / groups = 4 / 1 = 4'),
  },
  {
    name: 'wShape[2] 4 with groups 2 (needs 2)',
    arrange: conv({ options: { groups: 2 } }),
    expected: arg('wShape[2]', '4', 'must equal input channels / groups = 4 / 2 = 2'),
  },
  { name: 'groups 3 does not divide 4 input channels', arrange: conv({ options: { groups: 3 } }), expected: arg('options.groups', '3', 'must divide the input channels (4)') },
  {
    name: 'groups 4 does not divide 6 output channels',
    arrange: conv({ wShape: [3, 3, 1, 6], w: seededData(54, 14), options: { groups: 4 } }),
    expected: arg('options.groups', '4', 'must divide the output channels (6)'),
  },
  ...([0, -2, 1.5, NaN, '2'] as const).map((groups): BadInputCase => ({
    name: `groups = ${valueText(groups)}`,
    arrange: conv({ options: { groups } }),
    expected: arg('options.groups', valueText(groups), 'must be a positive integer'),
  })),
  {
    name: "algorithm 'depthwise' on a groups-1 layer",
    arrange: conv({ options: { algorithm: 'depthwise' } }),
    expected: arg('options.algorithm', '"depthwise"', 'needs groups = input channels (4)'),
  },
  {
    name: "algorithm 'depthwise' on a grouped (groups 2) layer",
    arrange: conv({ wShape: [3, 3, 2, 6], w: seededData(108, 15), options: { groups: 2, algorithm: 'depthwise' } }),
    expected: arg('options.algorithm', '"depthwise"', 'got groups = 2'),
  },
  // Kernels larger than the padded input.
  {
    name: 'kernel height 6 over input height 5',
    arrange: conv({ wShape: [6, 3, 4, 6], w: seededData(432, 16) }),
    expected: arg('wShape', '[6, 3, 4, 6]', 'dilated kernel height 6 is larger than the padded input height 5'),
  },
  {
    name: 'kernel width 6 over input width 5, NCHW',
    arrange: conv({ xShape: [1, 4, 5, 5], wShape: [6, 4, 3, 6], w: seededData(432, 17), options: { layout: 'NCHW' } }),
    expected: arg('wShape', '[6, 4, 3, 6]', 'dilated kernel width 6 is larger than the padded input width 5'),
  },
  {
    name: 'kernel 3 dilated by 3 (7) over input height 5',
    arrange: conv({ options: { dilations: [3, 1] } }),
    expected: arg('wShape', '[3, 3, 4, 6]', 'dilated kernel height 7 is larger than the padded input height 5'),
  },
  {
    name: 'kernel 3 dilated by 3 (7) over input width 5 padded by 1',
    arrange: conv({ options: { dilations: [1, 3], padding: [0, 0, 1, 0] } }),
    expected: arg('wShape', '[3, 3, 4, 6]', 'dilated kernel width 7 is larger than the padded input width 6'),
  },
  ...pairCases,
  // Padding.
  ...([
    [[-1, 0, 0, 0], 'options.padding[0]', '-1', 'must be a non-negative integer'],
    [[0, 0.5, 0, 0], 'options.padding[1]', '0.5', 'must be a non-negative integer'],
    [[0, 0, NaN, 0], 'options.padding[2]', 'NaN', 'must be a non-negative integer'],
    [[0, 0, 0, Infinity], 'options.padding[3]', 'Infinity', 'must be a non-negative integer'],
    [[1, 1, 1], 'options.padding', '[1, 1, 1]', "must be 'valid', 'same', 'same-lower' or [top, bottom, left, right]"],
    [[1, 1, 1, 1, 1], 'options.padding', '[1, 1, 1, 1, 1]', "must be 'valid', 'same', 'same-lower' or [top, bottom, left, right]"],
    ['SAME', 'options.padding', '"SAME"', "must be 'valid', 'same', 'same-lower' or [top, bottom, left, right]"],
    ['full', 'options.padding', '"full"', "must be 'valid', 'same', 'same-lower' or [top, bottom, left, right]"],
    [1, 'options.padding', '1', "must be 'valid', 'same', 'same-lower' or [top, bottom, left, right]"],
  ] as const).map(([padding, argument, text, rule]): BadInputCase => ({
    name: `padding = ${valueText(padding)}`,
    arrange: conv({ options: { padding } }),
    expected: arg(argument, text, rule),
  })),
  // Unknown names.
  ...([
    ['algorithm', 'fft', "must be one of 'mec-a', 'mec-b', 'im2col', 'direct', 'depthwise', 'auto'"],
    ['algorithm', 'MEC-A', "must be one of 'mec-a', 'mec-b', 'im2col', 'direct', 'depthwise', 'auto'"],
    ['layout', 'NWHC', "must be one of 'NHWC', 'NCHW'"],
    ['layout', 'nchw', "must be one of 'NHWC', 'NCHW'"],
    ['activation', 'sigmoid', "must be one of 'none', 'relu', 'relu6'"],
    ['activation', 'ReLU', "must be one of 'none', 'relu', 'relu6'"],
  ] as const).map(([key, value, rule]): BadInputCase => ({
    name: `${key} = '${value}'`,
    arrange: conv({ options: { [key]: value } }),
    expected: arg(`options.${key}`, `"${value}"`, rule),
  })),
  // GEMM kernels outside the generated families.
  ...([
    [{ family: 'block', tm: 0, tn4: 2 }, 'options.gemmKernel.tm', '0', 'must be an integer from 1 to 32'],
    [{ family: 'block', tm: 16, tn4: 9 }, 'options.gemmKernel.tn4', '9', 'must be an integer from 1 to 8'],
    [{ family: 'block', tm: 16, tn4: 8, shareB: 1 }, 'options.gemmKernel.shareB', '1', 'must be a boolean'],
    [{ family: 'block', tm: 16, tn4: 2, rowWindows: 0 }, 'options.gemmKernel.rowWindows', '0', 'must be a boolean'],
    [{ family: 'tiled', wg: 5, tileK: 16 }, 'options.gemmKernel.wg', '5', 'must be 4, 8 or 16'],
    [{ family: 'tiled', wg: 8, tileK: 16, splitK: 0 }, 'options.gemmKernel.splitK', '0', 'must be an integer from 1 to 64'],
    [{ family: 'winograd' }, 'options.gemmKernel.family', '"winograd"', "must be 'block' or 'tiled'"],
  ] as const).map(([gemmKernel, argument, text, rule]): BadInputCase => ({
    name: `gemmKernel = ${JSON.stringify(gemmKernel)}`,
    arrange: conv({ options: { gemmKernel } }),
    expected: arg(argument, text, rule),
  })),
  { name: 'options = null', arrange: conv({ options: null }), expected: arg('options', 'null', 'must be an object') },
  { name: 'options = 5', arrange: conv({ options: 5 }), expected: arg('options', '5', 'must be an object') },
  // plan() and workspaceBytes() validate the same way, synchronously.
  {
    name: 'plan() with groups 0',
    arrange: (fx) => {
      const options = { groups: 0 };
      return { act: () => fx.engine.plan(kXShape, kWShape, options), inputs: [kXShape, kWShape, options] };
    },
    expected: arg('options.groups', '0', 'must be a positive integer'),
  },
  {
    name: "workspaceBytes() of algorithm 'fft'",
    arrange: (fx) => ({ act: () => fx.engine.workspaceBytes('fft' as never, kXShape, kWShape), inputs: [kXShape, kWShape] }),
    expected: arg('options.algorithm', '"fft"', 'must be one of'),
  },
  // Device limits, checked before anything is allocated.
  {
    // Bigger outputs and workspaces are split into chunks; weights are never split.
    name: 'weights 4 bytes past maxStorageBufferBindingSize',
    arrange: conv((fx) => {
      const outC = Math.floor(fx.engine.device.limits.maxStorageBufferBindingSize / 4 / 64) + 1;
      return { x: seededData(64, 18), xShape: [1, 1, 1, 64], w: seededData(64, 19), wShape: [1, 1, 64, outC], options: { algorithm: 'direct' } };
    }),
    expected: (fx) => {
      const limit = fx.engine.device.limits.maxStorageBufferBindingSize;
      const bytes = (Math.floor(limit / 4 / 64) + 1) * 64 * 4;
      return { error: LimitError, message: [`w (${bytes} bytes)`, `above the device limit maxStorageBufferBindingSize = ${limit}`] };
    },
  },
  {
    name: 'output past maxBufferSize',
    arrange: conv((fx) => {
      const outC = Math.floor(fx.engine.device.limits.maxBufferSize / 4 / 4096) + 1;
      return { x: seededData(4096, 20), xShape: [1, 64, 64, 1], w: seededData(outC, 21), wShape: [1, 1, 1, outC], options: { algorithm: 'direct' } };
    }),
    expected: (fx) => {
      const limit = fx.engine.device.limits.maxBufferSize;
      return { error: LimitError, message: ['output (', `above the device limit maxBufferSize = ${limit}`] };
    },
  },
  {
    // Chunks go down to one output row; a row whose im2col workspace alone is past the limit cannot run.
    name: 'one output row of im2col past maxStorageBufferBindingSize',
    arrange: conv((fx) => {
      // One row of an 11×11 im2col over w columns holds w·121 floats: make it just too many.
      const w = Math.ceil(fx.engine.device.limits.maxStorageBufferBindingSize / 4 / 121) + 11;
      return { x: seededData(64, 22), xShape: [1, 11, w, 1], w: seededData(121, 23), wShape: [11, 11, 1, 1], options: { algorithm: 'im2col' } };
    }),
    expected: (fx) => ({
      error: LimitError,
      message: ['im2col for one output row', `above the device limit maxStorageBufferBindingSize = ${fx.engine.device.limits.maxStorageBufferBindingSize}`],
    }),
  },
  // upload().
  {
    name: 'upload() of a number[]',
    arrange: (fx) => {
      const data = [1, 2, 3, 4];
      const shape = [1, 1, 1, 4];
      return { act: () => fx.engine.upload(data as never, shape), inputs: [data, shape] };
    },
    expected: arg('data', '[1, 2, 3, 4]', 'must be a Float32Array'),
  },
  {
    name: 'upload() with a 5-dimensional shape',
    arrange: (fx) => {
      const data = seededData(4, 24);
      const shape = [1, 1, 1, 4, 1];
      return { act: () => fx.engine.upload(data, shape), inputs: [data, shape] };
    },
    expected: arg('shape', '[1, 1, 1, 4, 1]', 'must be 4 positive integers'),
  },
  {
    name: 'upload() with a zero dimension',
    arrange: (fx) => {
      const data = new Float32Array(0);
      const shape = [1, 0, 1, 4];
      return { act: () => fx.engine.upload(data, shape), inputs: [data, shape] };
    },
    expected: arg('shape', '[1, 0, 1, 4]', 'must be 4 positive integers'),
  },
  {
    name: 'upload() of 5 values for 4 elements',
    arrange: (fx) => {
      const data = seededData(5, 25);
      const shape = [1, 1, 1, 4];
      return { act: () => fx.engine.upload(data, shape), inputs: [data, shape] };
    },
    expected: arg('data', 'Float32Array(length 5)', "length must equal the shape's product 4"),
  },
  // read() of a destroyed tensor.
  {
    name: 'read() of a destroyed uploaded tensor',
    arrange: (fx) => {
      const t = fx.tensor(fx.engine, kX.slice(), kXShape);
      t.destroy();
      return { act: () => t.read(), inputs: [t] };
    },
    expected: { error: MecError, message: ['read()', 'destroyed'] },
  },
  {
    name: 'read() of a destroyed conv2d output',
    arrange: async (fx) => {
      const y = await fx.engine.conv2d(kX.slice(), kXShape, kW.slice(), kWShape);
      y.destroy();
      return { act: () => y.read(), inputs: [y] };
    },
    expected: { error: MecError, message: ['read()', 'destroyed'] },
  },
  // Calls after engine.destroy(), right away and once the device's loss has been reported.
  ...[false, true].flatMap((settled): BadInputCase[] => {
    const when = settled ? ' once device.lost has settled' : ' right after destroy()';
    const destroyed = async (fx: Fixtures) => {
      const e = await fx.newEngine();
      const t = e.upload(kX.slice(), kXShape);
      e.destroy();
      if (settled) await lossSeen(e);
      return { e, t };
    };
    const expected: Expected = { error: MecError, message: ['ConvEngine was destroyed'] };
    return [
      {
        name: `conv2d() after engine.destroy()${when}`,
        arrange: async (fx) => {
          const { e } = await destroyed(fx);
          return conv({ engine: e })(fx);
        },
        expected,
      },
      {
        name: `upload() after engine.destroy()${when}`,
        arrange: async (fx) => {
          const { e } = await destroyed(fx);
          const data = kX.slice();
          return { act: () => e.upload(data, kXShape), inputs: [data, kXShape], engine: e };
        },
        expected,
      },
      {
        name: `read() of a tensor after engine.destroy()${when}`,
        arrange: async (fx) => {
          const { e, t } = await destroyed(fx);
          return { act: () => t.read(), inputs: [], engine: e };
        },
        expected,
      },
    ];
  }),
  // The caller destroys the device under an engine that does not own it: DeviceLostError.
  ...(['conv2d', 'upload', 'read'] as const).map((op): BadInputCase => ({
    name: `${op}() after the caller destroyed the engine's device`,
    arrange: async (fx) => {
      const device = await requestDevice();
      const e = await fx.newEngine({ device });
      const t = e.upload(kX.slice(), kXShape);
      device.destroy();
      await lossSeen(e);
      if (op === 'conv2d') return conv({ engine: e })(fx);
      const data = kX.slice();
      if (op === 'upload') return { act: () => e.upload(data, kXShape), inputs: [data], engine: e };
      return { act: () => t.read(), inputs: [], engine: e };
    },
    expected: { error: DeviceLostError, message: ['GPU device lost (destroyed)'] },
  })),
  // createConvEngine() options.
  ...([-1, 0.5, NaN, Infinity] as const).map((poolBytes): BadInputCase => ({
    name: `createConvEngine() with poolBytes ${poolBytes}`,
    arrange: () => {
      const options = { poolBytes };
      return { act: () => createConvEngine(options), inputs: [options] };
    },
    expected: arg('options.poolBytes', String(poolBytes), 'must be a non-negative integer'),
  })),
];

/** Counts buffers through wrappers on GPUDevice.prototype.createBuffer and GPUBuffer.prototype.destroy. */
class BufferCounter {
  /** Created and not yet destroyed, with the device that made each. */
  readonly alive = new Map<GPUBuffer, GPUDevice>();
  created = 0;
  private restore: (() => void) | undefined;

  install(): void {
    const deviceProto = GPUDevice.prototype;
    const createBuffer = deviceProto.createBuffer;
    const destroy = GPUBuffer.prototype.destroy;
    const counter = this;
    deviceProto.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
      const buffer = createBuffer.call(this, descriptor);
      counter.created++;
      counter.alive.set(buffer, this);
      return buffer;
    };
    GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
      counter.alive.delete(this);
      return destroy.call(this);
    };
    this.restore = () => {
      deviceProto.createBuffer = createBuffer;
      GPUBuffer.prototype.destroy = destroy;
    };
  }

  uninstall(): void {
    this.restore?.();
  }

  aliveOn(device: GPUDevice): number {
    return [...this.alive.values()].filter((d) => d === device).length;
  }
}

/** Copies what a caller passed: typed arrays by value, tensors with their destroyed flag, GPU objects by identity. */
function snapshot(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return { typed: v, copy: Array.from(v as unknown as ArrayLike<number>) };
  if (v instanceof GpuTensor) return { tensor: v, destroyed: v.isDestroyed, shape: [...v.shape] };
  if (Array.isArray(v)) return v.map(snapshot);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, snapshot(x)]));
  }
  return v;
}

/** The first path where two snapshots differ, or undefined. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} became ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return `${path}: ${String(a)} became ${String(b)}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function checkThrown(thrown: unknown, result: unknown, e: Expected): Error | undefined {
  if (thrown === undefined) return new Error(`expected ${e.error.name}, but the call returned ${describeValue(result)}`);
  if (!(thrown instanceof Error)) return new Error(`expected ${e.error.name}, got a thrown ${String(thrown)}`);
  if (thrown.constructor !== e.error) return new Error(`expected ${e.error.name}, got ${thrown.name}: ${thrown.message}`);
  if (e.argument !== undefined && (thrown as ConvArgumentError).argument !== e.argument) {
    return new Error(`expected argument ${e.argument}, got ${(thrown as ConvArgumentError).argument} (${thrown.message})`);
  }
  for (const m of e.message) {
    const re = typeof m === 'string' ? new RegExp(escapeRegExp(m)) : m;
    if (!re.test(thrown.message)) return new Error(`message lacks ${String(m)}: ${thrown.message}`);
  }
  return undefined;
}

function describeValue(v: unknown): string {
  return v && typeof v === 'object' ? (v.constructor?.name ?? 'object') : String(v);
}

describe('bad inputs throw typed errors, free every buffer and leave inputs alone', () => {
  let engine: ConvEngine;
  let other: ConvEngine;
  const counter = new BufferCounter();

  beforeAll(async () => {
    // WebGPU raises requests below the default (128 MiB) to the default, so the limit cases read
    // the granted limit; asking low keeps them as small as this device allows.
    engine = await createConvEngine({ requiredLimits: { maxStorageBufferBindingSize: 1 << 20 } });
    other = await createConvEngine();
    counter.install();
  });
  afterAll(() => {
    counter.uninstall();
    engine?.destroy();
    other?.destroy();
  });

  test('the counter sees the engine create, pool and destroy buffers', () => {
    engine.trim();
    const created = counter.created;
    const live = engine.stats().liveBuffers;
    const t = engine.upload(kX.slice(), kXShape);
    expect(counter.created).toBe(created + 1);
    expect(counter.alive.has(t.buffer)).toBe(true);
    expect(engine.stats().liveBuffers).toBe(live + 1);
    t.destroy(); // back to the pool, for the next call's buffers
    expect(counter.alive.has(t.buffer)).toBe(true);
    expect(engine.stats().pooledBytes).toBe(t.buffer.size);
    engine.trim();
    expect(counter.alive.has(t.buffer)).toBe(false);
    expect(engine.stats().liveBuffers).toBe(live);
  });

  test.each(kCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const cleanups: (() => void)[] = [];
    const fx: Fixtures = {
      engine,
      other,
      tensor(on, data, shape) {
        const t = on.upload(data, shape);
        cleanups.push(() => t.destroy());
        return t;
      },
      buffer(size, usage) {
        const b = engine.device.createBuffer({ label: 'errors.test fixture', size, usage });
        cleanups.push(() => b.destroy());
        return b;
      },
      async newEngine(options) {
        const e = await createConvEngine(options);
        cleanups.push(() => {
          e.destroy();
          options?.device?.destroy();
        });
        return e;
      },
    };
    try {
      const call = await c.arrange(fx);
      const expected = typeof c.expected === 'function' ? c.expected(fx) : c.expected;
      const owner = call.engine ?? engine;
      const before = snapshot(call.inputs);
      const liveBefore = owner.stats().liveBuffers;
      const aliveBefore = new Set(counter.alive.keys());

      let thrown: unknown;
      let result: unknown;
      try {
        result = await call.act();
      } catch (e) {
        thrown = e;
      }
      // A call that wrongly succeeded still has its result freed, after the leak count below.
      const r = result as { destroy?: () => void } | undefined;
      if (typeof r?.destroy === 'function') cleanups.push(() => r.destroy!());

      const leaked = [...counter.alive.keys()].filter((b) => !aliveBefore.has(b));
      const liveAfter = owner.stats().liveBuffers;
      const changed = firstDifference(before, snapshot(call.inputs), 'inputs');
      const problems = [
        checkThrown(thrown, result, expected),
        leaked.length ? new Error(`${leaked.length} buffer(s) created by the call still alive: ${leaked.map((b) => b.label).join(', ')}`) : undefined,
        liveAfter !== liveBefore ? new Error(`engine.stats().liveBuffers went from ${liveBefore} to ${liveAfter}`) : undefined,
        changed ? new Error(`caller's input changed at ${changed}`) : undefined,
      ].filter((p): p is Error => p !== undefined);
      expect(problems.map((p) => p.message)).toEqual([]);
    } finally {
      for (const f of cleanups.reverse()) f();
    }
  });

  test('a valid call still works after every failure, and no buffer is left', async () => {
    const bias = kBias.slice();
    const options = { bias, padding: 'same' as const, strides: 2, activation: 'relu' as const };
    const created = counter.created;
    const y = await engine.conv2d(kX.slice(), kXShape, kW.slice(), kWShape, options);
    expect(y.shape).toEqual([1, 3, 3, 6]);
    const got = await y.read();
    const want = conv2dReference(kX, kXShape, kW, kWShape, options);
    expect(compareToReference(got, want, 1e-4)?.message).toBeUndefined();
    expect(counter.created).toBeGreaterThan(created);

    y.destroy();
    engine.trim();
    expect(engine.stats().liveBuffers).toBe(0);
    expect(counter.aliveOn(engine.device)).toBe(0);
  });
});
