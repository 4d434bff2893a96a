// ONNX Conv through onnxConvOptions / onnxConv: the examples published with the operator
// specification (onnx/docs/Operators.md#Conv) and hand-computed group, dilation and auto_pad
// cases, exact on every algorithm (sums of small integers are exact in float32), plus the
// attribute checks.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Algorithm, ConvArgumentError, type ConvEngine, conv2dReference, createConvEngine } from '../src/index';
import { type OnnxConvAttributes, onnxConv, onnxConvOptions } from '../src/onnx';

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const ones = (n: number) => new Float32Array(n).fill(1);

interface OnnxCase {
  name: string;
  xShape: [number, number, number, number];
  x: Float32Array;
  wShape: [number, number, number, number];
  w: Float32Array;
  b?: Float32Array;
  attributes: OnnxConvAttributes;
  yShape: number[];
  y: number[];
}

const k3x3 = { kernel_shape: [3, 3] };
const kCases: OnnxCase[] = [
  // The specification's Conv examples: x = 0..24 (1,1,5,5) or 0..34 (1,1,7,5), W = ones (1,1,3,3).
  {
    name: 'conv_with_padding', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { ...k3x3, pads: [1, 1, 1, 1] }, yShape: [1, 1, 5, 5],
    y: [12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84],
  },
  {
    name: 'conv_without_padding', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { ...k3x3, pads: [0, 0, 0, 0] }, yShape: [1, 1, 3, 3], y: [54, 63, 72, 99, 108, 117, 144, 153, 162],
  },
  {
    name: 'conv_with_strides_padding', xShape: [1, 1, 7, 5], x: ramp(35), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { ...k3x3, pads: [1, 1, 1, 1], strides: [2, 2] }, yShape: [1, 1, 4, 3],
    y: [12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124],
  },
  {
    name: 'conv_with_strides_no_padding', xShape: [1, 1, 7, 5], x: ramp(35), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { ...k3x3, pads: [0, 0, 0, 0], strides: [2, 2] }, yShape: [1, 1, 3, 2], y: [54, 72, 144, 162, 234, 252],
  },
  {
    // pads [1, 0, 1, 0] = [H_begin, W_begin, H_end, W_end]: one row above and below, no columns.
    name: 'conv_with_strides_and_asymmetric_padding', xShape: [1, 1, 7, 5], x: ramp(35), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { ...k3x3, pads: [1, 0, 1, 0], strides: [2, 2] }, yShape: [1, 1, 4, 2], y: [21, 33, 99, 117, 189, 207, 171, 183],
  },
  {
    // The specification's conv_with_autopad_same: 5 / stride 2 → 3 outputs, 2 pixels of padding split 1 + 1.
    name: 'conv_with_autopad_same (SAME_LOWER)', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { ...k3x3, auto_pad: 'SAME_LOWER', strides: [2, 2] }, yShape: [1, 1, 3, 3], y: [12, 27, 24, 63, 108, 81, 72, 117, 84],
  },
  {
    name: 'conv_with_autopad_same (SAME_UPPER)', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { ...k3x3, auto_pad: 'SAME_UPPER', strides: [2, 2] }, yShape: [1, 1, 3, 3], y: [12, 27, 24, 63, 108, 81, 72, 117, 84],
  },
  {
    // x = 0..15 (4×4), stride 2: 2 outputs, (2−1)·2 + 3 − 4 = 1 pixel of padding, at the end.
    // Windows rows/cols {0..2, 2..4}, row/col 4 padding: 0+1+2+4+5+6+8+9+10 = 45; 2+3+6+7+10+11 = 39;
    // 8+9+10+12+13+14 = 66; 10+11+14+15 = 50.
    name: 'autopad SAME_UPPER, odd padding at the end', xShape: [1, 1, 4, 4], x: ramp(16), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { auto_pad: 'SAME_UPPER', strides: [2, 2] }, yShape: [1, 1, 2, 2], y: [45, 39, 66, 50],
  },
  {
    // The same with the pixel at the start: windows {−1..1, 1..3}: 0+1+4+5 = 10; 1+2+3+5+6+7 = 24;
    // 4+5+8+9+12+13 = 51; 5+6+7+9+10+11+13+14+15 = 90.
    name: 'autopad SAME_LOWER, odd padding at the start', xShape: [1, 1, 4, 4], x: ramp(16), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { auto_pad: 'SAME_LOWER', strides: [2, 2] }, yShape: [1, 1, 2, 2], y: [10, 24, 51, 90],
  },
  {
    name: 'autopad VALID', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 3, 3], w: ones(9),
    attributes: { auto_pad: 'VALID' }, yShape: [1, 1, 3, 3], y: [54, 63, 72, 99, 108, 117, 144, 153, 162],
  },
  {
    // group 2 on x = 0..17 (1,2,3,3), 2×2 kernels: channel 0 = [[0,1,2],[3,4,5],[6,7,8]] ⊛ ones gives
    // 0+1+3+4 = 8, +4 per column, +12 per row: 8 12 20 24; channel 1 = [[9,10,11],[12,13,14],[15,16,17]]
    // ⊛ [[1,2],[3,4]] gives 9·1+10·2+12·3+13·4 = 117, +(1+2+3+4) per column, +3·10 per row: 117 127 147 157.
    // Bias [1, −2]: 9 13 21 25 | 115 125 145 155.
    name: 'group 2 (depthwise) with bias', xShape: [1, 2, 3, 3], x: ramp(18), wShape: [2, 1, 2, 2], w: Float32Array.from([1, 1, 1, 1, 1, 2, 3, 4]),
    b: Float32Array.from([1, -2]), attributes: { group: 2, kernel_shape: [2, 2] }, yShape: [1, 2, 2, 2], y: [9, 13, 21, 25, 115, 125, 145, 155],
  },
  {
    // group 2 on x = 0..17 (1,2,3,3) with 1×1 kernels and 2 outputs per group (channel multiplier 2):
    // outputs 0,1 = channel 0 × 1 and × −1; outputs 2,3 = channel 1 × 2 and × 0.
    name: 'group 2, two outputs per group, 1x1', xShape: [1, 2, 3, 3], x: ramp(18), wShape: [4, 1, 1, 1], w: Float32Array.from([1, -1, 2, 0]),
    attributes: { group: 2 }, yShape: [1, 4, 3, 3],
    y: [...ramp(9)].concat([...ramp(9)].map((v) => 0 - v), [...ramp(18).slice(9)].map((v) => 2 * v), new Array(9).fill(0)),
  },
  {
    // group 2 on 4 channels: x channel c = c + 1 everywhere (1,4,2,2), W = ones (2,2,1,1) → output g = sum of
    // its group's channels: (1 + 2) = 3 and (3 + 4) = 7 in every pixel.
    name: 'group 2, two channels per group', xShape: [1, 4, 2, 2], x: Float32Array.from({ length: 16 }, (_, i) => Math.floor(i / 4) + 1),
    wShape: [2, 2, 1, 1], w: ones(4), attributes: { group: 2 }, yShape: [1, 2, 2, 2], y: [3, 3, 3, 3, 7, 7, 7, 7],
  },
  {
    // dilations [2, 2], 2×2 ones on x = 0..24 (x[r][c] = 5r + c): taps (0,0),(0,2),(2,0),(2,2), so
    // y[h][w] = 4(5h + w) + (2 + 10 + 12) = 20h + 4w + 24.
    name: 'dilations 2x2', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 2, 2], w: ones(4),
    attributes: { dilations: [2, 2], kernel_shape: [2, 2] }, yShape: [1, 1, 3, 3], y: [24, 28, 32, 44, 48, 52, 64, 68, 72],
  },
  {
    // dilations [1, 3]: taps (0,0),(0,3),(1,0),(1,3), effective kernel 2×4, output 4×2,
    // y[h][w] = 4(5h + w) + (3 + 5 + 8) = 20h + 4w + 16.
    name: 'dilations 1x3', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 2, 2], w: ones(4),
    attributes: { dilations: [1, 3] }, yShape: [1, 1, 4, 2], y: [16, 20, 36, 40, 56, 60, 76, 80],
  },
  {
    // dilations 2 with pads [1, 1, 1, 1] and strides 2 on x = 0..24: effective 3×3 kernel over the 7×7
    // padded input, output 3×3; taps at rows/cols {2h−1, 2h+1} × {2w−1, 2w+1}, outside taps are 0:
    // (0,0): x[1][1] = 6; (0,1): x[1][1] + x[1][3] = 6 + 8 = 14; (0,2): x[1][3] = 8;
    // (1,0): x[1][1] + x[3][1] = 6 + 16 = 22; (1,1): 6 + 8 + 16 + 18 = 48; (1,2): 8 + 18 = 26;
    // (2,0): x[3][1] = 16; (2,1): 16 + 18 = 34; (2,2): 18.
    name: 'dilations 2, strides 2, pads 1', xShape: [1, 1, 5, 5], x: ramp(25), wShape: [1, 1, 2, 2], w: ones(4),
    attributes: { dilations: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1] }, yShape: [1, 1, 3, 3], y: [6, 14, 8, 22, 48, 26, 16, 34, 18],
  },
];

const kAlgorithms: Algorithm[] = ['auto', 'mec-a', 'mec-b', 'im2col', 'direct'];
const algorithmsFor = (c: OnnxCase): Algorithm[] => {
  const group = c.attributes.group ?? 1;
  return group === c.xShape[1] ? [...kAlgorithms, 'depthwise'] : kAlgorithms;
};

describe('ONNX Conv: attributes to options', () => {
  test('pads [x1_begin, x2_begin, x1_end, x2_end] become [top, bottom, left, right]', () => {
    expect(onnxConvOptions([1, 1, 9, 9], [1, 1, 3, 3], { pads: [1, 2, 3, 4] })).toEqual({
      layout: 'NCHW', strides: [1, 1], dilations: [1, 1], padding: [1, 3, 2, 4], groups: 1,
    });
  });

  test('auto_pad maps to padding; defaults are 1s, valid, group 1', () => {
    const padding = (auto_pad: OnnxConvAttributes['auto_pad']) => onnxConvOptions([1, 1, 5, 5], [1, 1, 3, 3], { auto_pad }).padding;
    expect(padding('SAME_UPPER')).toBe('same');
    expect(padding('SAME_LOWER')).toBe('same-lower');
    expect(padding('VALID')).toBe('valid');
    expect(padding('NOTSET')).toBe('valid');
    expect(onnxConvOptions([2, 6, 8, 7], [4, 3, 2, 1], { strides: [2, 3], dilations: [3, 1], group: 2 })).toEqual({
      layout: 'NCHW', strides: [2, 3], dilations: [3, 1], padding: 'valid', groups: 2,
    });
  });

  test.each(kCases.map((c) => [c.name, c] as const))('%s: the float64 reference agrees', (_n, c) => {
    const options = onnxConvOptions(c.xShape, c.wShape, c.attributes);
    expect(Array.from(conv2dReference(c.x, c.xShape, c.w, c.wShape, { ...options, bias: c.b }))).toEqual(c.y);
  });
});

describe('ONNX Conv on the GPU', () => {
  let engine: ConvEngine;
  beforeAll(async () => {
    engine = await createConvEngine();
  });
  afterAll(() => engine.destroy());

  test.each(kCases.flatMap((c) => algorithmsFor(c).map((a) => [`${c.name}/${a}`, c, a] as const)))('%s', async (_n, c, algorithm) => {
    const y = await onnxConv(engine, c.x, c.xShape, c.w, c.wShape, c.b, c.attributes, { algorithm });
    try {
      expect([...y.shape]).toEqual(c.yShape);
      expect(Array.from(await y.read())).toEqual(c.y);
    } finally {
      y.destroy();
    }
  });

  test('onnxConv rejects bad attributes as a promise, before any GPU work', async () => {
    const before = engine.stats().liveBuffers;
    await expect(onnxConv(engine, ramp(25), [1, 1, 5, 5], ones(9), [1, 1, 3, 3], undefined, { pads: [1, 1, 1] })).rejects.toThrow(ConvArgumentError);
    expect(engine.stats().liveBuffers).toBe(before);
  });

  test('a bias of the wrong length is named', async () => {
    await expect(onnxConv(engine, ramp(25), [1, 1, 5, 5], ones(9), [1, 1, 3, 3], ones(2))).rejects.toMatchObject({ argument: 'options.bias' });
  });
});

describe('ONNX Conv: attribute validation', () => {
  const x55: [number, number, number, number] = [1, 1, 5, 5];
  const w33: [number, number, number, number] = [1, 1, 3, 3];
  const bad: [string, readonly number[], readonly number[], unknown, string][] = [
    ['pads of length 2', x55, w33, { pads: [1, 1] }, 'attributes.pads'],
    ['pads of length 6 (3-D)', x55, w33, { pads: [1, 1, 1, 1, 1, 1] }, 'attributes.pads'],
    ['negative pads', x55, w33, { pads: [0, -1, 0, 0] }, 'attributes.pads[1]'],
    ['fractional pads', x55, w33, { pads: [0, 0, 0.5, 0] }, 'attributes.pads[2]'],
    ['pads not a list', x55, w33, { pads: 1 }, 'attributes.pads'],
    ['pads with SAME_UPPER', x55, w33, { auto_pad: 'SAME_UPPER', pads: [1, 1, 1, 1] }, 'attributes.pads'],
    ['pads with SAME_LOWER', x55, w33, { auto_pad: 'SAME_LOWER', pads: [0, 0, 0, 0] }, 'attributes.pads'],
    ['pads with VALID', x55, w33, { auto_pad: 'VALID', pads: [0, 0, 0, 0] }, 'attributes.pads'],
    ['unknown auto_pad', x55, w33, { auto_pad: 'SAME' }, 'attributes.auto_pad'],
    ['lower-case auto_pad', x55, w33, { auto_pad: 'same_upper' }, 'attributes.auto_pad'],
    ['kernel_shape height differs from W', x55, w33, { kernel_shape: [2, 3] }, 'attributes.kernel_shape[0]'],
    ['kernel_shape width differs from W', x55, w33, { kernel_shape: [3, 1] }, 'attributes.kernel_shape[1]'],
    ['kernel_shape of length 1', x55, w33, { kernel_shape: [3] }, 'attributes.kernel_shape'],
    ['strides of length 3', x55, w33, { strides: [1, 1, 1] }, 'attributes.strides'],
    ['zero stride', x55, w33, { strides: [1, 0] }, 'attributes.strides[1]'],
    ['zero dilation', x55, w33, { dilations: [0, 1] }, 'attributes.dilations[0]'],
    ['dilations of length 1', x55, w33, { dilations: [2] }, 'attributes.dilations'],
    ['group 0', x55, w33, { group: 0 }, 'attributes.group'],
    ['fractional group', x55, w33, { group: 1.5 }, 'attributes.group'],
    ['group not dividing C', [1, 3, 5, 5], [2, 1, 3, 3], { group: 2 }, 'attributes.group'],
    ['group not dividing M', [1, 4, 5, 5], [3, 2, 3, 3], { group: 2 }, 'attributes.group'],
    ['W channels not C / group', [1, 4, 5, 5], [2, 4, 3, 3], { group: 2 }, 'wShape[1]'],
    ['unknown attribute', x55, w33, { stride: [2, 2] }, 'attributes.stride'],
    ['attributes not an object', x55, w33, 'SAME_UPPER', 'attributes'],
    ['1-D input (N, C, W)', [1, 1, 5], [1, 1, 3], {}, 'xShape'],
    ['3-D input (N, C, D, H, W)', [1, 1, 5, 5, 5], [1, 1, 3, 3, 3], {}, 'xShape'],
    ['3-D weights on 2-D input', x55, [1, 1, 3, 3, 3], {}, 'wShape'],
    ['kernel larger than the padded input', [1, 1, 2, 2], w33, { pads: [0, 0, 0, 0] }, 'wShape'],
  ];
  test.each(bad.map(([name, xShape, wShape, attributes, argument]) => ({ name, xShape, wShape, attributes, argument })))(
    '$name → ConvArgumentError naming $argument',
    ({ xShape, wShape, attributes, argument }) => {
    let error: unknown;
    try {
      onnxConvOptions(xShape, wShape, attributes as OnnxConvAttributes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvArgumentError);
    expect((error as ConvArgumentError).argument).toBe(argument);
    expect((error as Error).message).toContain(argument);
    },
  );
});
