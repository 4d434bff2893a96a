// ONNX Conv (opset 1–22, 2-D only) on this library: NCHW input X, OIHW weights W, optional bias B.
// The attribute rules follow the operator specification (onnx/docs/Operators.md#Conv).
import type { ConvEngine, Conv2dOptions, TensorData } from './engine';
import { ConvArgumentError } from './errors';
import { normalizeConvParams, type Padding } from './params';
import type { GpuTensor } from './tensor';

export type OnnxAutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** The attributes of an ONNX Conv node, as an ONNX loader hands them over (ints as numbers). */
export interface OnnxConvAttributes {
  /** default 'NOTSET' (use `pads`). */
  auto_pad?: OnnxAutoPad;
  /** [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right]; default all 0. */
  pads?: readonly number[];
  /** [s_h, s_w]; default 1 on each axis. */
  strides?: readonly number[];
  /** [d_h, d_w]; default 1 on each axis. */
  dilations?: readonly number[];
  /** default 1. */
  group?: number;
  /** [k_h, k_w]; optional, must equal W's spatial dims when given. */
  kernel_shape?: readonly number[];
}

/** What onnxConv passes on to conv2d besides the translated attributes. */
export type OnnxConvExtras = Pick<Conv2dOptions, 'algorithm' | 'activation' | 'gemmKernel'>;

export const kOnnxAutoPads: readonly OnnxAutoPad[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];
const kAttributeNames = ['auto_pad', 'pads', 'strides', 'dilations', 'group', 'kernel_shape'] as const;
const kSpatialAxes = 2;

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** A list of `length` integers, each ≥ `min`, named `attributes.<name>[i]` when one is bad. */
function intList(name: string, v: unknown, length: number, min: number): number[] {
  const arg = `attributes.${name}`;
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ConvArgumentError(arg, v, `must be a list of ${length} integers`);
  const list = Array.from(v as ArrayLike<number>);
  if (list.length !== length) {
    throw new ConvArgumentError(arg, list, `must have ${length} values for a 2-D convolution, got ${list.length}`);
  }
  list.forEach((x, i) => {
    if (!isInteger(x) || x < min) throw new ConvArgumentError(`${arg}[${i}]`, x, min === 0 ? 'must be a non-negative integer' : 'must be a positive integer');
  });
  return list;
}

function checkShape4(name: string, shape: unknown, axes: string): readonly number[] {
  if (!Array.isArray(shape)) throw new ConvArgumentError(name, shape, `must be an array [${axes}]`);
  if (shape.length !== 4) {
    throw new ConvArgumentError(name, shape, `must have 4 dimensions [${axes}]: only 2-D convolution is supported, got ${shape.length - 2}-D`);
  }
  return shape;
}

/**
 * Translate the attributes of an ONNX Conv node on NCHW input `xShape` and OIHW weights `wShape`
 * into conv2d options (layout 'NCHW'). Throws ConvArgumentError naming the first bad attribute
 * (`attributes.pads`, `attributes.kernel_shape[1]`, ...) or shape; never touches the GPU.
 */
export function onnxConvOptions(xShape: readonly number[], wShape: readonly number[], attributes: OnnxConvAttributes = {}): Conv2dOptions {
  checkShape4('xShape', xShape, 'N, C, H, W');
  checkShape4('wShape', wShape, 'M, C/group, kH, kW');
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    throw new ConvArgumentError('attributes', attributes, 'must be an object of ONNX Conv attributes');
  }
  for (const key of Object.keys(attributes)) {
    if (!(kAttributeNames as readonly string[]).includes(key)) {
      throw new ConvArgumentError(`attributes.${key}`, (attributes as Record<string, unknown>)[key], `is not a Conv attribute (${kAttributeNames.join(', ')})`);
    }
  }
  const a = attributes;
  const autoPad = a.auto_pad ?? 'NOTSET';
  if (!kOnnxAutoPads.includes(autoPad)) {
    throw new ConvArgumentError('attributes.auto_pad', autoPad, `must be one of ${kOnnxAutoPads.map((s) => `'${s}'`).join(', ')}`);
  }
  if (a.kernel_shape !== undefined) {
    const k = intList('kernel_shape', a.kernel_shape, kSpatialAxes, 1);
    k.forEach((v, i) => {
      if (v !== wShape[2 + i]) {
        throw new ConvArgumentError(`attributes.kernel_shape[${i}]`, v, `must equal the weights' ${i ? 'width' : 'height'} wShape[${2 + i}] = ${wShape[2 + i]}`);
      }
    });
  }
  const strides = a.strides === undefined ? [1, 1] : intList('strides', a.strides, kSpatialAxes, 1);
  const dilations = a.dilations === undefined ? [1, 1] : intList('dilations', a.dilations, kSpatialAxes, 1);
  const group = a.group ?? 1;
  if (!isInteger(group) || group < 1) throw new ConvArgumentError('attributes.group', group, 'must be a positive integer');
  const [, c] = xShape;
  const [m] = wShape;
  if (isInteger(c) && c % group !== 0) throw new ConvArgumentError('attributes.group', group, `must divide the input channels C = xShape[1] = ${c}`);
  if (isInteger(m) && m % group !== 0) throw new ConvArgumentError('attributes.group', group, `must divide the output channels M = wShape[0] = ${m}`);

  let padding: Padding;
  if (a.pads !== undefined && autoPad !== 'NOTSET') {
    throw new ConvArgumentError('attributes.pads', a.pads, `cannot be given together with auto_pad = '${autoPad}' (only with 'NOTSET')`);
  }
  if (autoPad === 'VALID') padding = 'valid';
  else if (autoPad === 'SAME_UPPER') padding = 'same';
  else if (autoPad === 'SAME_LOWER') padding = 'same-lower';
  else if (a.pads === undefined) padding = 'valid';
  else {
    // ONNX orders pads by begin/end over the axes: [H_begin, W_begin, H_end, W_end].
    const [top, left, bottom, right] = intList('pads', a.pads, 2 * kSpatialAxes, 0);
    padding = [top, bottom, left, right];
  }

  const options: Conv2dOptions = {
    layout: 'NCHW',
    strides: [strides[0], strides[1]],
    dilations: [dilations[0], dilations[1]],
    padding,
    groups: group,
  };
  // The rest (positive dims, W's channels = C / group, kernel within the padded input) is conv2d's rule.
  normalizeConvParams(xShape, wShape, options);
  return options;
}

/**
 * Run an ONNX Conv node: Y = Conv(X, W, B) with the node's attributes, X in NCHW, W in OIHW, B of
 * length M or undefined. `extras` picks the algorithm or fuses an activation. Returns Y (NCHW) on the GPU.
 */
export async function onnxConv(
  engine: ConvEngine,
  X: TensorData,
  xShape: readonly number[],
  W: TensorData,
  wShape: readonly number[],
  B: TensorData | undefined,
  attributes: OnnxConvAttributes = {},
  extras: OnnxConvExtras = {},
): Promise<GpuTensor> {
  const options = onnxConvOptions(xShape, wShape, attributes);
  return await engine.conv2d(X, xShape, W, wShape, { ...extras, ...options, ...(B === undefined ? {} : { bias: B }) });
}
