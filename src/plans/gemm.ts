import gemmWgsl from '../../shaders/gemm.wgsl?raw';
import gemmVec4Wgsl from '../../shaders/gemm_vec4.wgsl?raw';
import weightsHwioWgsl from '../../shaders/weights_hwio.wgsl?raw';
import type { ConvParams } from '../params';
import { activationCode, elementwiseWorkgroups, kElementwiseWorkgroup, type Pass, type WorkspaceBuffer } from './types';

/** Invocations per workgroup along N and M, and outputs per invocation (TM×TN in gemm.wgsl). */
export const kGemmWorkgroup = { x: 8, y: 8 } as const;
export const kGemmBlock = { m: 4, n: 4 } as const;

type Strides3 = readonly [number, number, number];

/** A batched GEMM over strided views; batch index z = (z2·dim1 + z1)·dim0 + z0. */
export interface GemmView {
  label: string;
  M: number;
  N: number;
  K: number;
  /** Sizes of the batch components z0, z1, z2. */
  batch: Strides3;
  a: GPUBuffer;
  /** Offsets of A per batch component, leading dimension, and the k-split (see gemm.wgsl). */
  aStrides: Strides3;
  lda: number;
  aKInner: number;
  aKOuter: number;
  b: GPUBuffer;
  bStrides: Strides3;
  ldb: number;
  /** Bias offset per unit of z2 (the group): bias[z2·biasGroupStride + n]. */
  biasGroupStride: number;
  bias: GPUBuffer;
  c: GPUBuffer;
  cStrides: Strides3;
  cStrideM: number;
  cStrideN: number;
}

/** The vec4 kernel reads A along k and B along n four at a time: every offset must be a multiple of 4. */
export function isVec4Aligned(v: GemmView): boolean {
  const values = [v.lda, v.aKInner, v.aKOuter, ...v.aStrides, v.ldb, ...v.bStrides];
  return values.every((x) => x % 4 === 0);
}

export function gemmPass(p: ConvParams, v: GemmView, withEpilogue = true): Pass {
  const tileM = kGemmWorkgroup.y * kGemmBlock.m;
  const tileN = kGemmWorkgroup.x * kGemmBlock.n;
  const tilesM = Math.ceil(v.M / tileM);
  const tilesN = Math.ceil(v.N / tileN);
  const batchCount = v.batch[0] * v.batch[1] * v.batch[2];
  if (v.K % v.aKInner !== 0) throw new Error(`gemm ${v.label}: K ${v.K} is not a multiple of aKInner ${v.aKInner}`);
  const vec4 = isVec4Aligned(v);
  return {
    name: vec4 ? `${v.label}.vec4` : v.label,
    code: vec4 ? gemmVec4Wgsl : gemmWgsl,
    constants: {
      WG_X: kGemmWorkgroup.x,
      WG_Y: kGemmWorkgroup.y,
      ACTIVATION: withEpilogue ? activationCode(p) : 0,
      HAS_BIAS: withEpilogue && p.hasBias ? 1 : 0,
    },
    bindings: [v.a, v.b, v.bias, v.c],
    struct: 'Gemm',
    uniforms: {
      M: v.M, N: v.N, K: v.K, batchCount, tilesM, tilesN, dim0: v.batch[0], dim1: v.batch[1],
      aBase: 0, aS0: v.aStrides[0], aS1: v.aStrides[1], aS2: v.aStrides[2],
      lda: v.lda, aKInner: v.aKInner, aKOuter: v.aKOuter, aKCount: v.K / v.aKInner,
      bBase: 0, bS0: v.bStrides[0], bS1: v.bStrides[1], bS2: v.bStrides[2],
      ldb: v.ldb, biasS2: v.biasGroupStride, cStrideM: v.cStrideM, cStrideN: v.cStrideN,
      cBase: 0, cS0: v.cStrides[0], cS1: v.cStrides[1], cS2: v.cStrides[2],
    },
    workgroups: tilesM * tilesN * batchCount,
  };
}

/** GEMM algorithms read K' as HWIO; OIHW weights are reordered once into this workspace buffer. */
export function weightsWorkspace(p: ConvParams): WorkspaceBuffer[] {
  return p.layout === 'NCHW' ? [{ name: 'weights.hwio', elements: p.kH * p.kW * p.inCPerGroup * p.outC }] : [];
}

export function weightsHwioPass(p: ConvParams, src: GPUBuffer, dst: GPUBuffer): Pass {
  const total = p.kH * p.kW * p.inCPerGroup * p.outC;
  return {
    name: 'Weights.oihwToHwio',
    code: weightsHwioWgsl,
    constants: { WORKGROUP_SIZE: kElementwiseWorkgroup },
    bindings: [src, dst],
    struct: 'Reorder',
    uniforms: { total, kH: p.kH, kW: p.kW, inCPerGroup: p.inCPerGroup, outC: p.outC },
    workgroups: elementwiseWorkgroups(total),
  };
}

/** Where output element (row m, column n) of partition z lands in the caller's layout. */
export function outputStrides(p: ConvParams): { group: number; image: number; row: number; m: number; n: number } {
  const hw = p.outH * p.outW;
  return p.layout === 'NHWC'
    ? { group: p.outCPerGroup, image: hw * p.outC, row: p.outW * p.outC, m: p.outC, n: 1 }
    : { group: p.outCPerGroup * hw, image: p.outC * hw, row: p.outW, m: 1, n: hw };
}
