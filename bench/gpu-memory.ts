// One byte counter for every library on the page: GPUDevice.prototype.createBuffer and
// GPUBuffer.prototype.destroy are patched before any library creates its device, so our engine,
// TensorFlow.js and ONNX Runtime Web are counted by the same code. Browser-safe; in Node it patches
// the classes that Dawn's `webgpu` package puts on globalThis.

/** Bytes on one device, as seen through the patched methods. */
export interface DeviceMemory {
  /** Buffers created and not yet destroyed (a buffer dropped without destroy() stays counted). */
  liveBytes: number;
  liveBuffers: number;
  /** The most live bytes since the last resetPeak(). */
  peakBytes: number;
  /** Bytes created since the device was first seen. */
  createdBytes: number;
}

interface Counter {
  readonly devices: WeakMap<GPUDevice, DeviceMemory>;
  /** Buffer → its device's record and size, so destroy() knows what to subtract (once). */
  readonly buffers: WeakMap<GPUBuffer, { memory: DeviceMemory; size: number }>;
}

let counter: Counter | undefined;

function memoryOf(c: Counter, device: GPUDevice): DeviceMemory {
  let m = c.devices.get(device);
  if (!m) c.devices.set(device, (m = { liveBytes: 0, liveBuffers: 0, peakBytes: 0, createdBytes: 0 }));
  return m;
}

/**
 * Patch the prototypes once. Call it before any GPUDevice exists: buffers created earlier are not
 * seen. `globals` is where GPUDevice and GPUBuffer live (window, or Dawn's globals in Node).
 * Returns false when there is no WebGPU to patch.
 */
export function installGpuMemoryCounter(globals: { GPUDevice?: unknown; GPUBuffer?: unknown } = globalThis as never): boolean {
  if (counter) return true;
  const deviceClass = globals.GPUDevice as { prototype: GPUDevice } | undefined;
  const bufferClass = globals.GPUBuffer as { prototype: GPUBuffer } | undefined;
  if (!deviceClass?.prototype?.createBuffer || !bufferClass?.prototype?.destroy) return false;
  const c: Counter = { devices: new WeakMap(), buffers: new WeakMap() };
  const create = deviceClass.prototype.createBuffer;
  const destroy = bufferClass.prototype.destroy;
  deviceClass.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor): GPUBuffer {
    const buffer = create.call(this, descriptor);
    const memory = memoryOf(c, this);
    const size = Number(descriptor.size);
    c.buffers.set(buffer, { memory, size });
    memory.liveBytes += size;
    memory.liveBuffers += 1;
    memory.createdBytes += size;
    memory.peakBytes = Math.max(memory.peakBytes, memory.liveBytes);
    return buffer;
  };
  bufferClass.prototype.destroy = function (this: GPUBuffer): undefined {
    const entry = c.buffers.get(this);
    if (entry) {
      c.buffers.delete(this);
      entry.memory.liveBytes -= entry.size;
      entry.memory.liveBuffers -= 1;
    }
    return destroy.call(this);
  };
  counter = c;
  return true;
}

export const isGpuMemoryCounterInstalled = () => counter !== undefined;

/** A snapshot of the device's counts (zeros for a device that created nothing yet). */
export function deviceMemory(device: GPUDevice): DeviceMemory {
  if (!counter) throw new Error('installGpuMemoryCounter() was not called before the device was created');
  return { ...memoryOf(counter, device) };
}

/** Start a new peak window at the current live bytes. */
export function resetPeak(device: GPUDevice): void {
  if (!counter) throw new Error('installGpuMemoryCounter() was not called before the device was created');
  const m = memoryOf(counter, device);
  m.peakBytes = m.liveBytes;
}
