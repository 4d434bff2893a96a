import { ConvArgumentError } from '../errors';
import { type Algorithm, type ConcreteAlgorithm, type ConvParams, isDepthwise } from '../params';
import { depthwise, direct } from './direct';
import { im2col } from './im2col';
import { mecA, mecB } from './mec';
import type { AlgorithmPlan } from './types';

export const kPlans: Record<ConcreteAlgorithm, AlgorithmPlan> = {
  'mec-a': mecA,
  'mec-b': mecB,
  im2col,
  direct,
  depthwise,
};

/**
 * 'auto' before any tuning: depthwise layers get their own kernel; otherwise the MEC solution
 * with the taller GEMMs. The paper picks A when o_w ≤ T (T ≈ 100 for its BLAS on a P100), and when
 * the output is smaller than L, because its A pays a transpose and an output-sized buffer. Here both
 * solutions are one dispatch with the same workspace (A stores straight into the output), so the
 * only difference is the GEMM shape: A's o_h GEMMs have i_n·o_w rows, B's i_n GEMMs have o_h·o_w.
 * The autotuner replaces this guess with a measurement.
 */
export function chooseAlgorithm(p: ConvParams, algorithm: Algorithm): ConcreteAlgorithm {
  if (algorithm === 'depthwise' && !isDepthwise(p)) {
    throw new ConvArgumentError('options.algorithm', algorithm, `needs groups = input channels (${p.inC}) and one input channel per group; got groups = ${p.groups}`);
  }
  if (algorithm !== 'auto') return algorithm;
  if (isDepthwise(p)) return 'depthwise';
  return p.batch > p.outH ? 'mec-a' : 'mec-b';
}
