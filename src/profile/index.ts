// Measurement helpers shared by the profile CLI, the bench and the demo: browser-safe, no Node APIs.
export { benchData, median, timeConv2d, uploadBenchTensor, type ConvTiming, type TimeConvOptions } from './timing';
export { compareWorkspace, type WorkspaceComparison } from './memory';
export { measureGemmPeak, type GemmPeak } from './gemm-peak';
