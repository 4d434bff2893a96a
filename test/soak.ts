// Soak: many conv2d calls over mixed small shapes and algorithms, every output destroyed, with
// every GPUBuffer counted through wrappers on device.createBuffer and GPUBuffer.prototype.destroy.
// After engine.trim() (and again after engine.destroy()) the count must be back where it started.
// Shared by scripts/soak.ts and test/soak.test.ts.
import type { ConvEngine } from '../src/engine';
import { ConvArgumentError } from '../src/errors';
import { type FuzzCase, fuzzCase, optionsOf, runFuzzCase } from './fuzz';
import { seededData, wShapeOf, xShapeOf } from './grid';

/** Live GPU buffers of one device, counted from outside the library. */
export interface BufferTracker {
  /** Buffers created on the device and not destroyed yet. */
  readonly live: number;
  readonly created: number;
  readonly destroyed: number;
  /** Most buffers live at once. */
  readonly peak: number;
  /** Put createBuffer and GPUBuffer.prototype.destroy back. */
  dispose(): void;
}

/**
 * Count buffers created by `device.createBuffer` and freed by `GPUBuffer.prototype.destroy` (a
 * buffer destroyed twice counts once; buffers of other devices are ignored).
 */
export function trackBuffers(device: GPUDevice): BufferTracker {
  const live = new Set<GPUBuffer>();
  let created = 0;
  let destroyed = 0;
  let peak = 0;
  const createBuffer = device.createBuffer;
  device.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor): GPUBuffer {
    const buffer = createBuffer.call(this, descriptor);
    live.add(buffer);
    created++;
    peak = Math.max(peak, live.size);
    return buffer;
  };
  const proto = (globalThis as unknown as { GPUBuffer: { prototype: GPUBuffer } }).GPUBuffer.prototype;
  const destroy = proto.destroy;
  proto.destroy = function (this: GPUBuffer): undefined {
    if (live.delete(this)) destroyed++;
    return destroy.call(this);
  };
  return {
    get live() {
      return live.size;
    },
    get created() {
      return created;
    },
    get destroyed() {
      return destroyed;
    },
    get peak() {
      return peak;
    },
    dispose() {
      device.createBuffer = createBuffer;
      proto.destroy = destroy;
    },
  };
}

/** Distinct cases the soak cycles through: enough for pool misses, few enough for pool hits. */
export const kSoakShapes = 400;
const kSoakSeed = 77;
/** Every this many calls: read the output and check it against the reference. */
export const kSoakCheckEvery = 10;

export interface SoakProgress {
  calls: number;
  checked: number;
  rejected: number;
  failures: string[];
}

/**
 * Run `calls` conv2d calls, cycling through `shapes` small fuzz cases. Most outputs are destroyed unread;
 * every kSoakCheckEvery-th is read and checked; some take an uploaded GpuTensor input (destroyed
 * after), some are rejected arguments (a wrong data length) that must create nothing, and some
 * run four at a time.
 */
export async function runSoak(
  engine: ConvEngine,
  calls: number,
  { shapes = kSoakShapes, progressEvery = 1000, onProgress }: { shapes?: number; progressEvery?: number; onProgress?: (p: SoakProgress) => void } = {},
): Promise<SoakProgress> {
  const progress: SoakProgress = { calls: 0, checked: 0, rejected: 0, failures: [] };
  const cases: FuzzCase[] = Array.from({ length: Math.min(shapes, calls) }, (_, i) => fuzzCase(kSoakSeed, i));
  const data = new Map<number, { x: Float32Array; w: Float32Array; bias?: Float32Array }>();
  const dataOf = (i: number) => {
    let d = data.get(i);
    if (!d) {
      const c = cases[i];
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      d = { x: seededData(size(xShapeOf(c)), c.dataSeed), w: seededData(size(wShapeOf(c)), c.dataSeed + 1), bias: c.bias ? seededData(c.outC, c.dataSeed + 2) : undefined };
      data.set(i, d);
    }
    return d;
  };
  const plain = async (i: number) => {
    const c = cases[i % cases.length];
    const d = dataOf(i % cases.length);
    const y = await engine.conv2d(d.x, xShapeOf(c), d.w, wShapeOf(c), { ...optionsOf(c), bias: d.bias, algorithm: c.algorithm });
    y.destroy();
  };
  const step = async (i: number) => {
    const c = cases[i % cases.length];
    const kind = i % kSoakCheckEvery;
    if (kind === 0) {
      const r = await runFuzzCase(engine, c);
      progress.checked++;
      if (r.error) progress.failures.push(`call ${i} ${r.name}: ${r.error}`);
    } else if (kind === 3) {
      const d = dataOf(i % cases.length);
      const xt = engine.upload(d.x, xShapeOf(c));
      const y = await engine.conv2d(xt, xShapeOf(c), d.w, wShapeOf(c), { ...optionsOf(c), bias: d.bias, algorithm: c.algorithm });
      y.destroy();
      xt.destroy();
    } else if (kind === 6) {
      const d = dataOf(i % cases.length);
      try {
        await engine.conv2d(d.x.subarray(1), xShapeOf(c), d.w, wShapeOf(c), { ...optionsOf(c), algorithm: c.algorithm });
        progress.failures.push(`call ${i} ${c.name}: a short x was accepted`);
      } catch (e) {
        if (!(e instanceof ConvArgumentError)) throw e;
        progress.rejected++;
      }
    } else {
      await plain(i);
    }
  };
  let i = 0;
  while (i < calls) {
    // Every 50 calls, four in flight together; otherwise one at a time.
    const n = i % 50 === 25 ? Math.min(4, calls - i) : 1;
    try {
      await Promise.all(Array.from({ length: n }, (_, k) => step(i + k)));
    } catch (e) {
      progress.failures.push(`call ${i}: ${(e as Error).name}: ${(e as Error).message}`);
    }
    const before = i;
    i += n;
    progress.calls = i;
    if (onProgress && Math.floor(i / progressEvery) > Math.floor(before / progressEvery)) onProgress(progress);
  }
  return progress;
}
