import im2colLowerWgsl from '../../shaders/im2col_lower.wgsl?raw';
import lowerInputWgsl from '../../shaders/lower_input.wgsl?raw';
import lowerXF32Wgsl from '../../shaders/lower_x_f32.wgsl?raw';
import lowerXQuadsWgsl from '../../shaders/lower_x_quads.wgsl?raw';
import type { ConvParams } from '../params';
import { type GemmKernel, gemmPasses, outputStrides, packedWeightsWorkspace, packWeightsPass, roundUp4, splitKWorkspace, weightsLayout } from './gemm';
import { type AlgorithmPlan, elementwiseWorkgroups, kElementwiseWorkgroup, kLoweringSegment, loweringInvocations, loweringShader, type Pass } from './types';

/** Length of one im2col row: k_h · k_w · i_c/g values, padded to a multiple of 4 for vec4 reads. */
export const im2colRowPad = (p: ConvParams) => roundUp4(p.kH * p.kW * p.inCPerGroup);

/**
 * Elements of the im2col matrix: i_n · o_h · o_w · k_h · k_w · i_c (MEC.md, "Workspace"); exactly
 * that when k_h · k_w · i_c/g is a multiple of 4, else each row is padded to one.
 */
export function im2colLoweredElements(p: ConvParams): number {
  return p.groups * p.batch * p.outH * p.outW * im2colRowPad(p);
}

const im2colLowerShader = loweringShader('Im2col.lower', lowerInputWgsl, lowerXF32Wgsl, lowerXQuadsWgsl, im2colLowerWgsl);

const im2colWeights = (p: ConvParams) => weightsLayout(p, 1, p.kH * p.kW * p.inCPerGroup);

/** im2col + the same GEMM as MEC: per (group, image) one (o_h·o_w) × (k_h·k_w·i_c/g) × k_c/g GEMM. */
export const im2col: AlgorithmPlan = {
  algorithm: 'im2col',
  workspace: (p, kernel) => [{ name: 'im2col.cols', elements: im2colLoweredElements(p) }, ...packedWeightsWorkspace(p, im2colWeights(p)), ...splitKWorkspace(p, kernel)],
  passes(p, io, kernel: GemmKernel) {
    const [cols] = io.workspace;
    // One invocation per segment of a row of the matrix (im2col_lower.wgsl).
    const K = im2colRowPad(p);
    const total = loweringInvocations(im2colLoweredElements(p) / K, K);
    const shader = im2colLowerShader(p);
    const passes: Pass[] = [
      {
        name: shader.name,
        code: shader.code,
        constants: { WORKGROUP_SIZE: kElementwiseWorkgroup, SEGMENT: kLoweringSegment, INPUT_NCHW: p.layout === 'NCHW' ? 1 : 0, CHANNEL_QUADS: shader.quads ? 1 : 0 },
        bindings: [io.x, cols],
        struct: 'Lower',
        uniforms: {
          total, batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, inCPerGroup: p.inCPerGroup, kH: p.kH, kW: p.kW,
          outH: p.outH, outW: p.outW, strideH: p.strideH, strideW: p.strideW, dilationH: p.dilationH,
          dilationW: p.dilationW, padTop: p.padTop, padLeft: p.padLeft, rowPad: K,
        },
        workgroups: elementwiseWorkgroups(total),
      },
    ];
    const layout = im2colWeights(p);
    let b = io.w;
    if (layout.packed) {
      b = io.workspace[1];
      passes.push(packWeightsPass(p, layout, io.w, b));
    }
    const rows = p.outH * p.outW;
    const out = outputStrides(p);
    passes.push(
      ...gemmPasses(p, {
        label: 'Im2col.gemm',
        M: rows, N: p.outCPerGroup, K,
        batch: [p.batch, 1, p.groups],
        a: cols, aStrides: [rows * K, 0, p.batch * rows * K], lda: K, aKInner: K, aKOuter: K,
        b, bStrides: [0, 0, layout.groupStride], ldb: layout.ldb,
        bias: io.bias, biasGroupStride: p.outCPerGroup,
        c: io.y, cStrides: [out.image, 0, out.group], cStrideM: out.m, cStrideN: out.n,
      }, kernel, io.workspace.at(-1)),
    );
    return passes;
  },
};
