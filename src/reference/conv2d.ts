import { type ConvOptions, type ConvParams, normalizeConvParams, outputElements } from '../params';

/**
 * Float64 CPU convolution: the oracle every test compares against. Direct loops over the
 * definition, in the caller's layout (NHWC/HWIO or NCHW/OIHW), with padding, dilation, groups,
 * bias and activation. Plain on purpose: nothing clever that could share a bug with the shaders.
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
  const { batch, inH, inW, inC, kH, kW, inCPerGroup, outC, outCPerGroup, outH, outW } = p;
  // Both layouts are copied to float64 NHWC input and HWIO weights, so one plain loop nest serves both.
  const xs = new Float64Array(batch * inH * inW * inC);
  for (let n = 0; n < batch; n++)
    for (let h = 0; h < inH; h++)
      for (let ww = 0; ww < inW; ww++)
        for (let c = 0; c < inC; c++) {
          xs[((n * inH + h) * inW + ww) * inC + c] = Number(nhwc ? x[((n * inH + h) * inW + ww) * inC + c] : x[((n * inC + c) * inH + h) * inW + ww]);
        }
  const ws = new Float64Array(kH * kW * inCPerGroup * outC);
  for (let r = 0; r < kH; r++)
    for (let s = 0; s < kW; s++)
      for (let ci = 0; ci < inCPerGroup; ci++)
        for (let o = 0; o < outC; o++) {
          ws[((r * kW + s) * inCPerGroup + ci) * outC + o] = Number(nhwc ? w[((r * kW + s) * inCPerGroup + ci) * outC + o] : w[((o * inCPerGroup + ci) * kH + r) * kW + s]);
        }
  const out = new Float64Array(outputElements(p));
  // One accumulator per output channel of the pixel: the weights are then read along o, contiguous
  // in HWIO, and each input value is loaded once per tap. Each output is the same sum, in tap order.
  const acc = new Float64Array(outC);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let o = 0; o < outC; o++) acc[o] = bias ? Number(bias[o]) : 0;
        for (let r = 0; r < kH; r++) {
          const ih = oh * p.strideH + r * p.dilationH - p.padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let s = 0; s < kW; s++) {
            const iw = ow * p.strideW + s * p.dilationW - p.padLeft;
            if (iw < 0 || iw >= inW) continue;
            const xBase = ((n * inH + ih) * inW + iw) * inC;
            for (let g = 0; g < p.groups; g++) {
              const o0 = g * outCPerGroup;
              for (let ci = 0; ci < inCPerGroup; ci++) {
                const xv = xs[xBase + g * inCPerGroup + ci];
                const wBase = ((r * kW + s) * inCPerGroup + ci) * outC;
                for (let o = o0; o < o0 + outCPerGroup; o++) acc[o] += xv * ws[wBase + o];
              }
            }
          }
        }
        for (let o = 0; o < outC; o++) {
          let v = acc[o];
          if (p.activation === 'relu') v = Math.max(v, 0);
          else if (p.activation === 'relu6') v = Math.min(Math.max(v, 0), 6);
          out[nhwc ? ((n * outH + oh) * outW + ow) * outC + o : ((n * outC + o) * outH + oh) * outW + ow] = v;
        }
      }
    }
  }
  return out;
}
