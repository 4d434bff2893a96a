import { ConvArgumentError } from './errors';

export type Layout = 'NHWC' | 'NCHW';
export type Activation = 'none' | 'relu' | 'relu6';
export type Algorithm = 'mec-a' | 'mec-b' | 'im2col' | 'direct' | 'depthwise' | 'auto';
/** A concrete algorithm: what 'auto' resolves to. */
export type ConcreteAlgorithm = Exclude<Algorithm, 'auto'>;
/** 'same' is TF's SAME / ONNX's SAME_UPPER (extra padding at the end), 'same-lower' is ONNX's SAME_LOWER. */
export type Padding = 'valid' | 'same' | 'same-lower' | readonly [top: number, bottom: number, left: number, right: number];
export type Shape4 = readonly [number, number, number, number];

export const kLayouts: readonly Layout[] = ['NHWC', 'NCHW'];
export const kActivations: readonly Activation[] = ['none', 'relu', 'relu6'];
export const kAlgorithms: readonly Algorithm[] = ['mec-a', 'mec-b', 'im2col', 'direct', 'depthwise', 'auto'];
/** Index arithmetic in the shaders is u32; every tensor and workspace must stay below this many elements. */
export const kMaxElements = 2 ** 31 - 1;

/** Options shared by the engine and the CPU reference. */
export interface ConvOptions {
  /** [s_h, s_w] or one value for both; default 1. */
  strides?: number | readonly [number, number];
  /** default 'valid'. */
  padding?: Padding;
  /** [d_h, d_w] or one value for both; default 1. */
  dilations?: number | readonly [number, number];
  /** default 1; groups = input channels is depthwise. */
  groups?: number;
  activation?: Activation;
  /** NHWC input with HWIO weights (default), or NCHW input with OIHW weights. */
  layout?: Layout;
}

/** Everything a plan needs, normalised and validated. Dimensions use MEC.md's names. */
export interface ConvParams {
  readonly layout: Layout;
  readonly batch: number; // i_n
  readonly inH: number; // i_h (unpadded)
  readonly inW: number;
  readonly inC: number; // i_c
  readonly kH: number; // k_h
  readonly kW: number;
  readonly outC: number; // k_c
  readonly groups: number;
  readonly inCPerGroup: number;
  readonly outCPerGroup: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly paddedH: number; // the i_h of MEC.md's formulas: padding is part of the input
  readonly paddedW: number;
  readonly outH: number; // o_h
  readonly outW: number; // o_w
  readonly activation: Activation;
  readonly hasBias: boolean;
}

export function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function checkShape(name: string, shape: unknown, axes: string): Shape4 {
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw new ConvArgumentError(name, shape, `must be an array of 4 dimensions [${axes}]`);
  }
  shape.forEach((d, i) => {
    if (!isPositiveInteger(d)) {
      throw new ConvArgumentError(`${name}[${i}]`, d, `dimension ${axes.split(',')[i]} must be a positive integer`);
    }
  });
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size > kMaxElements) {
    throw new ConvArgumentError(name, shape, `has ${size} elements, above the limit of ${kMaxElements} (32-bit indices)`);
  }
  return shape as unknown as Shape4;
}

function pair(name: string, v: number | readonly [number, number] | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2) throw new ConvArgumentError(name, v, 'must be a positive integer or a pair [h, w] of them');
  p.forEach((x, i) => {
    if (!isPositiveInteger(x)) throw new ConvArgumentError(`${name}[${i}]`, x, 'must be a positive integer');
  });
  return [p[0], p[1]];
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw new ConvArgumentError(name, v, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return v as T;
}

/** SAME padding along one axis: output = ceil(in / stride), the total split as TF/ONNX do. */
function samePads(inSize: number, k: number, stride: number, dilation: number, lower: boolean): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - inSize, 0);
  const small = Math.floor(total / 2);
  return lower ? [total - small, small] : [small, total - small];
}

/**
 * Normalise and validate user options into ConvParams. Throws ConvArgumentError naming the first
 * bad argument; never touches the GPU.
 */
export function normalizeConvParams(xShape: unknown, wShape: unknown, options: ConvOptions = {}, hasBias = false): ConvParams {
  if (options === null || typeof options !== 'object') throw new ConvArgumentError('options', options, 'must be an object');
  const layout = oneOf('options.layout', options.layout, kLayouts, 'NHWC');
  const activation = oneOf('options.activation', options.activation, kActivations, 'none');
  const nhwc = layout === 'NHWC';
  const x = checkShape('xShape', xShape, nhwc ? 'N,H,W,C' : 'N,C,H,W');
  const w = checkShape('wShape', wShape, nhwc ? 'kH,kW,Cin/groups,Cout (HWIO)' : 'Cout,Cin/groups,kH,kW (OIHW)');
  const [batch, inH, inW, inC] = nhwc ? x : [x[0], x[2], x[3], x[1]];
  const [kH, kW, inCPerGroup, outC] = nhwc ? w : [w[2], w[3], w[1], w[0]];
  const groups = options.groups ?? 1;
  if (!isPositiveInteger(groups)) throw new ConvArgumentError('options.groups', groups, 'must be a positive integer');
  if (inC % groups !== 0) throw new ConvArgumentError('options.groups', groups, `must divide the input channels (${inC})`);
  if (outC % groups !== 0) throw new ConvArgumentError('options.groups', groups, `must divide the output channels (${outC})`);
  if (inCPerGroup !== inC / groups) {
    throw new ConvArgumentError(
      nhwc ? 'wShape[2]' : 'wShape[1]',
      inCPerGroup,
      `must equal input channels / groups = ${inC} / ${groups} = ${inC / groups}`,
    );
  }
  const [strideH, strideW] = pair('options.strides', options.strides);
  const [dilationH, dilationW] = pair('options.dilations', options.dilations);
  const padding = options.padding ?? 'valid';
  let pads: [number, number, number, number];
  if (padding === 'valid') pads = [0, 0, 0, 0];
  else if (padding === 'same' || padding === 'same-lower') {
    const lower = padding === 'same-lower';
    pads = [...samePads(inH, kH, strideH, dilationH, lower), ...samePads(inW, kW, strideW, dilationW, lower)];
  } else if (Array.isArray(padding) && padding.length === 4) {
    padding.forEach((v, i) => {
      if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
        throw new ConvArgumentError(`options.padding[${i}]`, v, 'must be a non-negative integer');
      }
    });
    pads = [padding[0], padding[1], padding[2], padding[3]];
  } else {
    throw new ConvArgumentError('options.padding', padding, "must be 'valid', 'same', 'same-lower' or [top, bottom, left, right]");
  }
  const [padTop, padBottom, padLeft, padRight] = pads;
  const paddedH = inH + padTop + padBottom;
  const paddedW = inW + padLeft + padRight;
  const effKH = (kH - 1) * dilationH + 1;
  const effKW = (kW - 1) * dilationW + 1;
  if (effKH > paddedH) {
    throw new ConvArgumentError('wShape', wShape, `dilated kernel height ${effKH} is larger than the padded input height ${paddedH}`);
  }
  if (effKW > paddedW) {
    throw new ConvArgumentError('wShape', wShape, `dilated kernel width ${effKW} is larger than the padded input width ${paddedW}`);
  }
  const outH = Math.floor((paddedH - effKH) / strideH) + 1;
  const outW = Math.floor((paddedW - effKW) / strideW) + 1;
  const outSize = batch * outH * outW * outC;
  if (outSize > kMaxElements) {
    throw new ConvArgumentError('xShape', xShape, `output has ${outSize} elements, above the limit of ${kMaxElements} (32-bit indices)`);
  }
  return {
    layout, batch, inH, inW, inC, kH, kW, outC, groups, inCPerGroup, outCPerGroup: outC / groups,
    strideH, strideW, dilationH, dilationW, padTop, padBottom, padLeft, padRight, paddedH, paddedW,
    outH, outW, activation, hasBias,
  };
}

export const inputElements = (p: ConvParams) => p.batch * p.inH * p.inW * p.inC;
export const weightElements = (p: ConvParams) => p.kH * p.kW * p.inCPerGroup * p.outC;
export const outputElements = (p: ConvParams) => p.batch * p.outH * p.outW * p.outC;
/** Output shape in the caller's layout. */
export const outputShape = (p: ConvParams): Shape4 =>
  p.layout === 'NHWC' ? [p.batch, p.outH, p.outW, p.outC] : [p.batch, p.outC, p.outH, p.outW];
/** MEC.md's workspace of MEC in floats: i_n · o_w · i_h · k_w · i_c, i_h the padded height (before any vec4 padding). */
export const mecFormulaElements = (p: ConvParams) => p.batch * p.outW * p.paddedH * p.kW * p.inC;
/** MEC.md's workspace of im2col in floats: i_n · o_h · o_w · k_h · k_w · i_c. */
export const im2colFormulaElements = (p: ConvParams) => p.batch * p.outH * p.outW * p.kH * p.kW * p.inC;
/** Multiply-adds of the convolution, times two. */
export const convFlops = (p: ConvParams) => 2 * outputElements(p) * p.kH * p.kW * p.inCPerGroup;
export const isDepthwise = (p: ConvParams) => p.groups === p.inC && p.inCPerGroup === 1;
