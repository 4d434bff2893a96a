import { type ConvOptions, type ConvParams, normalizeConvParams, outputElements } from '../params';

/**
 * Float64 CPU convolution: the oracle every test compares against. Direct loops over the
 * definition, in the caller's layout (NHWC/HWIO or NCHW/OIHW), with padding, dilation, groups,
 * bias and activation. Slow on purpose: nothing clever that could share a bug with the shaders.
 */
export function conv2dReference(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  options: ConvOptions & { bias?: ArrayLike<number> } = {},
): Float64Array {
  const p = normalizeConvParams(xShape, wShape, options, options.bias !== undefined);
  return conv2dReferenceParams(x, w, options.bias, p);
}

export function conv2dReferenceParams(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvParams): Float64Array {
  const nhwc = p.layout === 'NHWC';
  const xAt = nhwc
    ? (n: number, h: number, ww: number, c: number) => x[((n * p.inH + h) * p.inW + ww) * p.inC + c]
    : (n: number, h: number, ww: number, c: number) => x[((n * p.inC + c) * p.inH + h) * p.inW + ww];
  const wAt = nhwc
    ? (r: number, s: number, ci: number, o: number) => w[((r * p.kW + s) * p.inCPerGroup + ci) * p.outC + o]
    : (r: number, s: number, ci: number, o: number) => w[((o * p.inCPerGroup + ci) * p.kH + r) * p.kW + s];
  const outIndex = nhwc
    ? (n: number, h: number, ww: number, o: number) => ((n * p.outH + h) * p.outW + ww) * p.outC + o
    : (n: number, h: number, ww: number, o: number) => ((n * p.outC + o) * p.outH + h) * p.outW + ww;
  const out = new Float64Array(outputElements(p));
  for (let n = 0; n < p.batch; n++) {
    for (let oh = 0; oh < p.outH; oh++) {
      for (let ow = 0; ow < p.outW; ow++) {
        for (let o = 0; o < p.outC; o++) {
          const g = Math.floor(o / p.outCPerGroup);
          let acc = bias ? Number(bias[o]) : 0;
          for (let r = 0; r < p.kH; r++) {
            const ih = oh * p.strideH + r * p.dilationH - p.padTop;
            if (ih < 0 || ih >= p.inH) continue;
            for (let s = 0; s < p.kW; s++) {
              const iw = ow * p.strideW + s * p.dilationW - p.padLeft;
              if (iw < 0 || iw >= p.inW) continue;
              for (let ci = 0; ci < p.inCPerGroup; ci++) {
                acc += Number(xAt(n, ih, iw, g * p.inCPerGroup + ci)) * Number(wAt(r, s, ci, o));
              }
            }
          }
          if (p.activation === 'relu') acc = Math.max(acc, 0);
          else if (p.activation === 'relu6') acc = Math.min(Math.max(acc, 0), 6);
          out[outIndex(n, oh, ow, o)] = acc;
        }
      }
    }
  }
  return out;
}
