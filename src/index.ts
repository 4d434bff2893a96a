export { createConvEngine, ConvEngine, type Conv2dOptions, type ConvPlan, type EngineOptions, type PassTime, type PlanOptions, type TensorData } from './engine';
export { type GemmKernel, gemmKernelName, kGemmKernels } from './plans/gemm';
export type { TuneOptions } from './tune';
export type { TuneEntry, TuneStore } from './tune-cache';
export { GpuTensor } from './tensor';
export {
  ConvArgumentError,
  DeviceLostError,
  GpuValidationError,
  LimitError,
  MecError,
  NoAdapterError,
  OutOfMemoryError,
} from './errors';
export {
  convFlops,
  im2colFormulaElements,
  inputElements,
  mecFormulaElements,
  outputElements,
  weightElements,
  normalizeConvParams,
  outputShape,
  type Activation,
  type Algorithm,
  type ConcreteAlgorithm,
  type ConvOptions,
  type ConvParams,
  type Layout,
  type Padding,
  type Shape4,
} from './params';
export { conv2dReference } from './reference/conv2d';
export { mecLoweredElements } from './plans/mec';
export { im2colLoweredElements } from './plans/im2col';
export { requestDevice, adapterDescription } from './gpu/device';
export type { BufferStats } from './gpu/buffers';
export { kOnnxAutoPads, onnxConv, onnxConvOptions, type OnnxAutoPad, type OnnxConvAttributes, type OnnxConvExtras } from './onnx';
