import { ConvArgumentError } from '../errors';
import { type Algorithm, type ConcreteAlgorithm, type ConvParams, isDepthwise, outputElements } from '../params';
import { depthwise, direct } from './direct';
import { im2col } from './im2col';
import { mecA, mecB, mecLoweredElements } from './mec';
import type { AlgorithmPlan } from './types';

export const kPlans: Record<ConcreteAlgorithm, AlgorithmPlan> = {
  'mec-a': mecA,
  'mec-b': mecB,
  im2col,
  direct,
  depthwise,
};

/** The paper's threshold for Solution A (MEC.md: o_w ≤ T, T ≈ 100 on its GPU); to be tuned per adapter. */
export const kSolutionAMaxOutW = 100;

/**
 * 'auto' before any tuning: depthwise layers get their own kernel; otherwise the paper's rule,
 * Solution A when o_w ≤ T and the output is smaller than L, else Solution B.
 */
export function chooseAlgorithm(p: ConvParams, algorithm: Algorithm): ConcreteAlgorithm {
  if (algorithm === 'depthwise' && !isDepthwise(p)) {
    throw new ConvArgumentError('options.algorithm', algorithm, `needs groups = input channels (${p.inC}) and one input channel per group; got groups = ${p.groups}`);
  }
  if (algorithm !== 'auto') return algorithm;
  if (isDepthwise(p)) return 'depthwise';
  if (p.outW <= kSolutionAMaxOutW && outputElements(p) < mecLoweredElements(p)) return 'mec-a';
  return 'mec-b';
}
