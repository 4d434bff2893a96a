import { GpuValidationError } from '../errors';

export interface PipelineSpec {
  /** Shader name, used in the label and the cache key. */
  name: string;
  code: string;
  /** Values for the shader's `override` declarations: the specialisation. */
  constants: Record<string, number>;
}

const modules = new WeakMap<GPUDevice, Map<string, GPUShaderModule>>();
const pipelines = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export function pipelineKey(spec: PipelineSpec): string {
  const constants = Object.keys(spec.constants)
    .sort()
    .map((k) => `${k}=${spec.constants[k]}`)
    .join(',');
  return `${spec.name}[${constants}]`;
}

function shaderModule(device: GPUDevice, name: string, code: string): GPUShaderModule {
  let byName = modules.get(device);
  if (!byName) modules.set(device, (byName = new Map()));
  let module = byName.get(name);
  if (!module) {
    module = device.createShaderModule({ label: name, code });
    byName.set(name, module);
  }
  return module;
}

/** A compute pipeline per device and specialisation, compiled asynchronously once and cached. */
export function getPipeline(device: GPUDevice, spec: PipelineSpec): Promise<GPUComputePipeline> {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const key = pipelineKey(spec);
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = device
      .createComputePipelineAsync({
        label: key,
        layout: 'auto',
        compute: { module: shaderModule(device, spec.name, spec.code), entryPoint: 'main', constants: spec.constants },
      })
      .catch((e: unknown) => {
        cache.delete(key);
        throw new GpuValidationError(`pipeline ${key} failed to compile: ${(e as Error).message}`);
      });
    cache.set(key, pipeline);
  }
  return pipeline;
}

/** Number of pipelines compiled (or compiling) for a device: lets tests check the cache works. */
export function cachedPipelineCount(device: GPUDevice): number {
  return pipelines.get(device)?.size ?? 0;
}
