import type { ConcreteAlgorithm, ConvParams } from '../params';
import type { GemmKernel } from './gemm';

/** One workspace buffer a plan needs: its name (for labels and reports) and its size in f32 elements. */
export interface WorkspaceBuffer {
  name: string;
  elements: number;
}

/** One dispatch: which shader, its specialisation, its bindings in order, its uniforms. */
export interface Pass {
  name: string;
  code: string;
  constants: Record<string, number>;
  /** Storage bindings 0..n-1 in the shader's order (undefined: not used by this shader); the uniform buffer is bound last. */
  bindings: (GPUBuffer | undefined)[];
  struct: string;
  uniforms: Record<string, number>;
  /** Workgroups to launch, as a 1-D count; the engine folds it into the grid limits. */
  workgroups: number;
}

/** The buffers one convolution reads and writes, all on the engine's device. */
export interface ConvBuffers {
  x: GPUBuffer;
  w: GPUBuffer;
  /** Any buffer when there is no bias: the shaders never read it then. */
  bias: GPUBuffer;
  y: GPUBuffer;
  /** One per WorkspaceBuffer of the plan, in the same order. */
  workspace: GPUBuffer[];
}

/** What every algorithm answers: how much memory it needs, and what it records. */
export interface AlgorithmPlan {
  algorithm: ConcreteAlgorithm;
  /** Temporary buffers, in the order passes() finds them in ConvBuffers.workspace. */
  workspace(p: ConvParams, kernel: GemmKernel): WorkspaceBuffer[];
  /** The GEMM kernel for the algorithms that have a GEMM; depthwise takes its family (block or tiled kernel); direct ignores it. */
  passes(p: ConvParams, io: ConvBuffers, kernel: GemmKernel): Pass[];
}

export const kElementwiseWorkgroup = 64;
/** vec4s one invocation of a lowering writes (its SEGMENT): the divisions that locate a value are paid once per segment. */
export const kLoweringSegment = 8;
/** Invocations of a lowering of `rows` rows of rowPad values each, a segment apiece. */
export const loweringInvocations = (rows: number, rowPad: number) => rows * Math.ceil(rowPad / 4 / kLoweringSegment);
export const elementwiseWorkgroups = (total: number) => Math.ceil(total / kElementwiseWorkgroup);
export const activationCode = (p: ConvParams) => ({ none: 0, relu: 1, relu6: 2 })[p.activation];
export const workspaceElements = (buffers: WorkspaceBuffer[]) => buffers.reduce((s, b) => s + b.elements, 0);
/** NHWC input with i_c/g in fours: each vec4 of a lowered row is four adjacent channels of one pixel. */
export const channelQuads = (p: ConvParams) => p.layout === 'NHWC' && p.inCPerGroup % 4 === 0;

/**
 * A lowering's two builds, made once (a new string per call would be hashed and collected on
 * every call): the input read as f32s, or as vec4s where the channels come in quads. The pass
 * name keys the pipeline cache, so it names the build.
 */
export function loweringShader(name: string, common: string, inputF32: string, inputQuads: string, body: string) {
  const f32 = `${common}\n${inputF32}\n${body}`;
  const quads = `${common}\n${inputQuads}\n${body}`;
  return (p: ConvParams) => (channelQuads(p) ? { name: `${name}.quads`, code: quads, quads: true } : { name, code: f32, quads: false });
}
