/** What a buffer holds: the bench and the tests read the byte counts per role. */
export type BufferRole = 'input' | 'weights' | 'bias' | 'output' | 'workspace' | 'uniform' | 'readback' | 'timestamps';

/** GPUBufferUsage values, spelled out so this module loads before any WebGPU globals exist. */
export const kUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;

export interface BufferStats {
  /** Bytes created per role since the manager was made (pool hits create nothing). */
  createdBytes: Record<BufferRole, number>;
  /** Buffers created and not yet destroyed, pooled ones included. */
  liveBuffers: number;
  liveBytes: number;
  pooledBytes: number;
}

const roles: BufferRole[] = ['input', 'weights', 'bias', 'output', 'workspace', 'uniform', 'readback', 'timestamps'];

/**
 * Creates, pools and destroys buffers for one engine. Released buffers wait in a free list keyed
 * by (size, usage) up to `poolBytes`; queue order makes reuse right after a submit safe.
 */
export class BufferManager {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  private pooled = 0;
  private readonly created: Record<BufferRole, number> = Object.fromEntries(roles.map((r) => [r, 0])) as Record<BufferRole, number>;

  constructor(
    private readonly device: GPUDevice,
    private poolBytes: number,
  ) {}

  /** A buffer of exactly `size` bytes (rounded up to 4), from the pool when one fits. */
  acquire(size: number, usage: number, role: BufferRole, label: string): GPUBuffer {
    const bytes = Math.max(4, Math.ceil(size / 4) * 4);
    const key = `${bytes}:${usage}`;
    const hit = this.free.get(key)?.pop();
    if (hit) {
      this.pooled -= bytes;
      return hit;
    }
    const buffer = this.device.createBuffer({ label: `${label} (${role})`, size: bytes, usage });
    this.created[role] += bytes;
    this.live.add(buffer);
    return buffer;
  }

  /** Give a buffer back: pooled while the pool has room, destroyed otherwise. */
  release(buffer: GPUBuffer): void {
    if (!this.live.has(buffer)) return;
    if (this.pooled + buffer.size <= this.poolBytes) {
      const key = `${buffer.size}:${buffer.usage}`;
      let list = this.free.get(key);
      if (!list) this.free.set(key, (list = []));
      list.push(buffer);
      this.pooled += buffer.size;
    } else {
      this.destroy(buffer);
    }
  }

  /** Destroy a buffer now (an output the caller no longer needs). */
  destroy(buffer: GPUBuffer): void {
    if (this.live.delete(buffer)) buffer.destroy();
  }

  /** Destroy every pooled buffer; with a new limit, keep the pool below it from now on. */
  trim(poolBytes = this.poolBytes): void {
    this.poolBytes = poolBytes;
    for (const list of this.free.values()) for (const b of list) this.destroy(b);
    this.free.clear();
    this.pooled = 0;
  }

  /** Destroy everything this manager created, outputs still held by callers included. */
  destroyAll(): void {
    for (const b of this.live) b.destroy();
    this.live.clear();
    this.free.clear();
    this.pooled = 0;
  }

  isLive(buffer: GPUBuffer): boolean {
    return this.live.has(buffer);
  }

  stats(): BufferStats {
    let liveBytes = 0;
    for (const b of this.live) liveBytes += b.size;
    return { createdBytes: { ...this.created }, liveBuffers: this.live.size, liveBytes, pooledBytes: this.pooled };
  }
}
