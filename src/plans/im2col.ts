import im2colLowerWgsl from '../../shaders/im2col_lower.wgsl?raw';
import type { ConvParams } from '../params';
import { gemmPass, outputStrides, weightsHwioPass, weightsWorkspace } from './gemm';
import { type AlgorithmPlan, elementwiseWorkgroups, kElementwiseWorkgroup, type Pass } from './types';

/** Elements of the im2col matrix: i_n · o_h · o_w · k_h · k_w · i_c (MEC.md, "Workspace"). */
export function im2colLoweredElements(p: ConvParams): number {
  return p.batch * p.outH * p.outW * p.kH * p.kW * p.inC;
}

/** im2col + the same GEMM as MEC: per (group, image) one (o_h·o_w) × (k_h·k_w·i_c/g) × k_c/g GEMM. */
export const im2col: AlgorithmPlan = {
  algorithm: 'im2col',
  workspace: (p) => [{ name: 'im2col.cols', elements: im2colLoweredElements(p) }, ...weightsWorkspace(p)],
  passes(p, io) {
    const [cols] = io.workspace;
    const total = im2colLoweredElements(p);
    const passes: Pass[] = [
      {
        name: 'Im2col.lower',
        code: im2colLowerWgsl,
        constants: { WORKGROUP_SIZE: kElementwiseWorkgroup, INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0 },
        bindings: [io.x, cols],
        struct: 'Lower',
        uniforms: {
          total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, inCPerGroup: p.inCPerGroup, kH: p.kH, kW: p.kW,
          outH: p.outH, outW: p.outW, strideH: p.strideH, strideW: p.strideW, dilationH: p.dilationH,
          dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft,
        },
        workgroups: elementwiseWorkgroups(total),
      },
    ];
    let w = io.w;
    if (p.layout === 'NCHW') {
      w = io.workspace[1];
      passes.push(weightsHwioPass(p, io.w, w));
    }
    const K = p.kH * p.kW * p.inCPerGroup;
    const rows = p.outH * p.outW;
    const out = outputStrides(p);
    passes.push(
      gemmPass(p, {
        label: 'Im2col.gemm',
        M: rows, N: p.outCPerGroup, K,
        batch: [p.batch, 1, p.groups],
        a: cols, aStrides: [rows * K, 0, p.batch * rows * K], lda: K, aKInner: K, aKOuter: K,
        b: w, bStrides: [0, 0, p.outCPerGroup], ldb: p.outC,
        bias: io.bias, biasGroupStride: p.outCPerGroup,
        c: io.y, cStrides: [out.image, 0, out.group], cStrideM: out.m, cStrideN: out.n,
      }),
    );
    return passes;
  },
};
