import type { ConvEngine } from '../engine';
import type { ConvOptions } from '../params';

/** MEC's workspace against im2col's for one convolution, as the engine allocates it. */
export interface WorkspaceComparison {
  /** Solution B: L only. */
  mecBBytes: number;
  /** Solution A: L only (its GEMMs write the output layout directly, no intermediate). */
  mecABytes: number;
  im2colBytes: number;
  /** im2colBytes / mecBBytes, from what the plans allocate. */
  ratio: number;
  /** o_h·k_h / i_h, i_h the padded input height (MEC.md, "Workspace"): the paper's ratio, for comparison with `ratio`. */
  formulaRatio: number;
}

/** Workspace bytes per algorithm from the engine's plans; records nothing on the GPU. */
export function compareWorkspace(
  engine: Pick<ConvEngine, 'plan' | 'workspaceBytes'>,
  xShape: readonly number[],
  wShape: readonly number[],
  options: ConvOptions = {},
): WorkspaceComparison {
  const mecBBytes = engine.workspaceBytes('mec-b', xShape, wShape, options);
  const mecABytes = engine.workspaceBytes('mec-a', xShape, wShape, options);
  const im2colBytes = engine.workspaceBytes('im2col', xShape, wShape, options);
  const p = engine.plan(xShape, wShape, { ...options, algorithm: 'mec-b' }).params;
  return { mecBBytes, mecABytes, im2colBytes, ratio: im2colBytes / mecBBytes, formulaRatio: (p.outH * p.kH) / p.paddedH };
}
