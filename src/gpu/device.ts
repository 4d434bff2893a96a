import { NoAdapterError } from '../errors';

/** Debian's chromium ships SwiftShader's Vulkan ICD here: a CPU WebGPU adapter where no GPU exists. */
export const kSwiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

export interface AdapterRequest {
  powerPreference?: GPUPowerPreference;
  /** Limits to ask for beyond the defaults; each is clamped to what the adapter supports. */
  requiredLimits?: Record<string, number>;
}

let nodeGpu: Promise<GPU> | undefined;

/**
 * The WebGPU entry point: navigator.gpu in a browser; in Node, Dawn from the npm package `webgpu`.
 * In Node, when no adapter is found and VK_ICD_FILENAMES is unset, it retries once with the
 * SwiftShader ICD from Debian's chromium, so the same code picks a real GPU where there is one.
 * MEC_WEBGPU_ICD overrides the ICD path; MEC_WEBGPU_ICD=none disables the fallback.
 */
export function getGpu(): Promise<GPU> {
  // Node 21+ has a navigator too, without gpu: a browser's navigator.gpu wins, Node falls back to Dawn.
  if (typeof navigator !== 'undefined' && navigator.gpu) return Promise.resolve(navigator.gpu);
  if (!isNode) {
    if (typeof navigator === 'undefined' || !navigator.gpu) {
      return Promise.reject(new NoAdapterError('WebGPU is not available: navigator.gpu is missing (needs a secure context and a WebGPU-enabled browser)'));
    }
    return Promise.resolve(navigator.gpu);
  }
  nodeGpu ??= createNodeGpu();
  return nodeGpu;
}

async function createNodeGpu(): Promise<GPU> {
  // A variable specifier keeps browser bundlers from trying to resolve the Node-only package.
  const moduleName = 'webgpu';
  const dawn = (await import(/* @vite-ignore */ moduleName)) as { create(flags: string[]): GPU; globals: object };
  for (const [k, v] of Object.entries(dawn.globals)) {
    if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
  }
  let gpu = dawn.create([]);
  if (await gpu.requestAdapter()) return gpu;
  const { existsSync } = await import(/* @vite-ignore */ 'node:fs');
  const icd = process.env.MEC_WEBGPU_ICD ?? kSwiftShaderIcd;
  if (!process.env.VK_ICD_FILENAMES && icd !== 'none' && existsSync(icd)) {
    // The Vulkan loader reads this when Dawn creates its instance, so a fresh instance sees it.
    process.env.VK_ICD_FILENAMES = icd;
    gpu = dawn.create([]);
  }
  return gpu;
}

/** Ask for an adapter and a device with the adapter's features useful here and the requested limits. */
export async function requestDevice(request: AdapterRequest = {}): Promise<GPUDevice> {
  const gpu = await getGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: request.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new NoAdapterError(
      isNode
        ? `no WebGPU adapter found; install a GPU driver or Debian's chromium (for ${kSwiftShaderIcd}) and libvulkan1`
        : 'no WebGPU adapter found (is WebGPU enabled in this browser?)',
    );
  }
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  if (adapter.features.has('subgroups')) requiredFeatures.push('subgroups' as GPUFeatureName);
  const requiredLimits: Record<string, number> = {};
  const wanted: Record<string, number> = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: adapter.limits.maxComputeWorkgroupSizeY,
    ...request.requiredLimits,
  };
  for (const [name, value] of Object.entries(wanted)) {
    const max = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof max === 'number') requiredLimits[name] = Math.min(value, max);
  }
  const device = await adapter.requestDevice({ label: 'mec-webgpu', requiredFeatures, requiredLimits });
  return device;
}

/** A short description of the adapter behind a device, for reports. */
export function adapterDescription(device: GPUDevice): string {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (!info) return 'unknown adapter';
  return [info.vendor, info.architecture, info.description || info.device].filter((s) => s).join(' / ') || 'unknown adapter';
}
