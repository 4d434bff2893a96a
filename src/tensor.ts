import type { Shape4 } from './params';

/** What the engine needs from its tensors: kept small so GpuTensor stays a plain handle. */
export interface TensorOwner {
  readonly device: GPUDevice;
  readTensor(tensor: GpuTensor): Promise<Float32Array>;
  destroyTensor(tensor: GpuTensor): void;
}

/**
 * A float32 tensor that lives on the GPU: a conv2d result, or data uploaded with engine.upload().
 * Pass it to further conv2d calls without a round trip; read() copies it back; destroy() frees it.
 */
export class GpuTensor {
  private destroyed = false;

  constructor(
    private readonly owner: TensorOwner,
    readonly buffer: GPUBuffer,
    readonly shape: Shape4,
  ) {}

  get device(): GPUDevice {
    return this.owner.device;
  }

  get size(): number {
    return this.shape[0] * this.shape[1] * this.shape[2] * this.shape[3];
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Copy the data back to the CPU. */
  read(): Promise<Float32Array> {
    return this.owner.readTensor(this);
  }

  /**
   * Free the tensor: its buffer goes back to the engine's pool for later calls (engine.trim() or
   * destroy() frees the pool; with poolBytes 0 it is destroyed now). Neither it nor its buffer may be used again.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.owner.destroyTensor(this);
  }
}
