import { ConvArgumentError, DeviceLostError, GpuValidationError, LimitError, MecError, OutOfMemoryError } from './errors';
import { BufferManager, type BufferRole, type BufferStats, kUsage } from './gpu/buffers';
import { adapterDescription, type AdapterRequest, requestDevice } from './gpu/device';
import { foldWorkgroups } from './gpu/grid';
import { getPipeline } from './gpu/pipelines';
import { packStruct } from './gpu/uniforms';
import {
  type Algorithm,
  type ConcreteAlgorithm,
  type ConvOptions,
  type ConvParams,
  inputElements,
  isDepthwise,
  kAlgorithms,
  normalizeConvParams,
  outputElements,
  outputShape,
  type Shape4,
  weightElements,
} from './params';
import { chooseAlgorithm, kPlans } from './plans/choose';
import { type ChunkPlan, type Copy, planChunks } from './plans/chunks';
import { shapeClassKey, type TuneOptions, tuneConv } from './tune';
import { defaultTuneStore, kMemoryTuneStore, type TuneEntry, type TuneStore } from './tune-cache';
import { type GemmCaps, type GemmKernel, gemmCapsOf, gemmKernelRuns, kDefaultGemmKernel, kGemmKernels } from './plans/gemm';
import { type ConvBuffers, type Pass, type WorkspaceBuffer, workspaceElements } from './plans/types';
import { GpuTensor, type TensorOwner } from './tensor';

/** Data for conv2d: a Float32Array (uploaded for the call), a GPUBuffer (never written), or a GpuTensor. */
export type TensorData = Float32Array | GPUBuffer | GpuTensor;

export interface Conv2dOptions extends ConvOptions {
  /** k_c values added before the activation. */
  bias?: TensorData;
  /** default 'auto'. */
  algorithm?: Algorithm;
  /** The GEMM register block (rows × 4·tn4 columns per invocation); default chosen by the planner. */
  gemmKernel?: GemmKernel;
}

export interface EngineOptions extends AdapterRequest {
  /** Upper bound on temporary GPU memory per call: 'auto' only picks plans within it. */
  memoryBudgetBytes?: number;
  /** Tune 'auto' on the first call of each new shape class (slower first call); default false. */
  autotune?: boolean;
  /**
   * Plan as if the device had these (lower) limits: convolutions whose bindings would exceed
   * maxStorageBufferBindingSize are split into chunks, dispatches folded to
   * maxComputeWorkgroupsPerDimension. WebGPU never grants limits below its defaults, so this is how
   * to get small limits (tests, or leaving room for other work).
   */
  limits?: { maxStorageBufferBindingSize?: number; maxComputeWorkgroupsPerDimension?: number };
  /** Keep tuning results across sessions (JSON file in Node, IndexedDB in browsers); default true. */
  tuneCache?: boolean | TuneStore;
  /** Use this device instead of requesting one; the engine then never destroys it. */
  device?: GPUDevice;
  /** Bytes of released buffers kept for reuse; default 256 MiB. 0 disables pooling. */
  poolBytes?: number;
}

/** GPU time of one pass of a conv2d call (ConvEngine.timePasses). */
export interface PassTime {
  /** The pass: 'Mec.lower', 'Weights.pack', 'Mec.gemmB.block16x8.store4', … */
  name: string;
  ms: number;
}

interface PassTiming {
  names: string[];
  querySet?: GPUQuerySet;
  resolve?: GPUBuffer;
  times?: PassTime[];
}

export interface PlanOptions {
  /** Only plans needing at most this much temporary GPU memory; default: the engine's budget. */
  memoryBudgetBytes?: number;
}

export interface ConvPlan {
  algorithm: ConcreteAlgorithm;
  /** The GEMM register block (unused by 'direct' and 'depthwise'). */
  gemmKernel: GemmKernel;
  params: ConvParams;
  workspace: WorkspaceBuffer[];
  workspaceBytes: number;
  outputShape: Shape4;
  /** Sub-convolutions run in turn when one binding would exceed maxStorageBufferBindingSize; undefined when it fits whole. */
  chunks?: ChunkPlan;
  /** Why this algorithm: the caller asked, the autotuner measured it, or the rules before tuning. */
  chosenBy: 'caller' | 'tuned' | 'rules';
}

const kDefaultPoolBytes = 256 * 2 ** 20;
const kBytesPerElement = 4;
/** GPUMapMode.READ, spelled out so Node needs no WebGPU globals. */
const kMapRead = 0x0001;

function checkGemmKernel(k: GemmKernel, caps: GemmCaps): GemmKernel {
  const name = 'options.gemmKernel';
  const int = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  if (k === null || typeof k !== 'object') throw new ConvArgumentError(name, k, "must be { family: 'block', tm, tn4 } or { family: 'tiled', wg, tileK, splitK? }");
  if (k.family === 'block') {
    if (!int(k.tm, 1, 32)) throw new ConvArgumentError(`${name}.tm`, k.tm, 'must be an integer from 1 to 32');
    if (!int(k.tn4, 1, 8)) throw new ConvArgumentError(`${name}.tn4`, k.tn4, 'must be an integer from 1 to 8');
    if (k.shareB !== undefined && typeof k.shareB !== 'boolean') throw new ConvArgumentError(`${name}.shareB`, k.shareB, 'must be a boolean');
    if (k.shareB && !caps.shareB) throw new ConvArgumentError(`${name}.shareB`, k.shareB, "needs the device feature 'subgroups' with subgroups of at least 4 invocations, which this device lacks");
    if (k.rowWindows !== undefined && typeof k.rowWindows !== 'boolean') throw new ConvArgumentError(`${name}.rowWindows`, k.rowWindows, 'must be a boolean');
    return { family: 'block', tm: k.tm, tn4: k.tn4, ...(k.shareB ? { shareB: true } : {}), ...(k.rowWindows === false ? { rowWindows: false } : {}) };
  }
  if (k.family === 'tiled') {
    if (![4, 8, 16].includes(k.wg)) throw new ConvArgumentError(`${name}.wg`, k.wg, 'must be 4, 8 or 16');
    if (![4, 8, 16, 32].includes(k.tileK)) throw new ConvArgumentError(`${name}.tileK`, k.tileK, 'must be 4, 8, 16 or 32');
    if (k.splitK !== undefined && !int(k.splitK, 1, 64)) throw new ConvArgumentError(`${name}.splitK`, k.splitK, 'must be an integer from 1 to 64');
    return (k.splitK ?? 1) > 1 ? { family: 'tiled', wg: k.wg, tileK: k.tileK, splitK: k.splitK } : { family: 'tiled', wg: k.wg, tileK: k.tileK };
  }
  throw new ConvArgumentError(`${name}.family`, (k as { family: unknown }).family, "must be 'block' or 'tiled'");
}

function isGpuBuffer(v: unknown): v is GPUBuffer {
  return !!v && typeof v === 'object' && typeof (v as GPUBuffer).getMappedRange === 'function' && typeof (v as GPUBuffer).usage === 'number';
}

/** Create an engine on a new device (or the given one). */
export async function createConvEngine(options: EngineOptions = {}): Promise<ConvEngine> {
  if (options.poolBytes !== undefined && !(Number.isSafeInteger(options.poolBytes) && options.poolBytes >= 0)) {
    throw new ConvArgumentError('options.poolBytes', options.poolBytes, 'must be a non-negative integer');
  }
  if (options.memoryBudgetBytes !== undefined && !(typeof options.memoryBudgetBytes === 'number' && options.memoryBudgetBytes >= 0)) {
    throw new ConvArgumentError('options.memoryBudgetBytes', options.memoryBudgetBytes, 'must be a non-negative number of bytes');
  }
  const owned = !options.device;
  const device = options.device ?? (await requestDevice(options));
  const store = options.tuneCache === false ? kMemoryTuneStore : options.tuneCache === true || options.tuneCache === undefined ? defaultTuneStore() : options.tuneCache;
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    if (!(Number.isSafeInteger(value) && value >= 1)) throw new ConvArgumentError(`options.limits.${name}`, value, 'must be a positive integer');
    if (!['maxStorageBufferBindingSize', 'maxComputeWorkgroupsPerDimension'].includes(name)) {
      throw new ConvArgumentError(`options.limits.${name}`, value, 'only maxStorageBufferBindingSize and maxComputeWorkgroupsPerDimension can be lowered');
    }
  }
  const engine = new ConvEngine(device, owned, options.poolBytes ?? kDefaultPoolBytes, {
    memoryBudgetBytes: options.memoryBudgetBytes ?? Infinity,
    autotune: options.autotune ?? false,
    store,
    limits: options.limits ?? {},
  });
  await engine.loadTuning();
  return engine;
}

interface TuningSettings {
  memoryBudgetBytes: number;
  autotune: boolean;
  store: TuneStore;
  limits: EngineOptions['limits'] & object;
}

/** Runs convolutions on one device: owns its buffers (pooled) and sees its loss. */
export class ConvEngine implements TensorOwner {
  private readonly buffers: BufferManager;
  private lostError: DeviceLostError | undefined;
  private destroyed = false;
  /** Resolves with the typed error when the device is lost (never rejects). */
  readonly lost: Promise<DeviceLostError>;

  private tuned: Record<string, TuneEntry> = {};
  /** The device's limits, lowered where the engine was asked to plan with smaller ones. */
  readonly limits: { maxStorageBufferBindingSize: number; maxComputeWorkgroupsPerDimension: number; maxBufferSize: number };
  private readonly tuning: TuningSettings;
  private readonly gemmCaps: GemmCaps;
  /** The GEMM kernels this device runs (kGemmKernels less those needing features it lacks): what the autotuner tries. */
  readonly gemmKernels: readonly GemmKernel[];

  constructor(
    readonly device: GPUDevice,
    private readonly ownsDevice: boolean,
    poolBytes: number = kDefaultPoolBytes,
    tuning: Partial<TuningSettings> = {},
  ) {
    this.tuning = { memoryBudgetBytes: Infinity, autotune: false, store: kMemoryTuneStore, limits: {}, ...tuning };
    this.limits = {
      maxStorageBufferBindingSize: Math.min(device.limits.maxStorageBufferBindingSize, this.tuning.limits.maxStorageBufferBindingSize ?? Infinity),
      maxComputeWorkgroupsPerDimension: Math.min(device.limits.maxComputeWorkgroupsPerDimension, this.tuning.limits.maxComputeWorkgroupsPerDimension ?? Infinity),
      maxBufferSize: device.limits.maxBufferSize,
    };
    this.buffers = new BufferManager(device, poolBytes);
    this.gemmCaps = gemmCapsOf(device);
    this.gemmKernels = kGemmKernels.filter((k) => gemmKernelRuns(k, this.gemmCaps));
    this.lost = device.lost.then((info) => {
      this.lostError = new DeviceLostError(info.reason ?? 'unknown', info.message || 'the device is gone');
      return this.lostError;
    });
  }

  /** The adapter behind this engine, for reports. */
  get adapter(): string {
    return adapterDescription(this.device);
  }

  /**
   * Validate shapes and options and say what would run: algorithm, GEMM kernel, workspace, output
   * shape. 'auto' takes the tuned choice for this shape class when there is one within the budget,
   * else the rules: depthwise layers their own kernel; the paper's rule (Solution A when o_w ≤ T and
   * the output is smaller than L, else B); then the smallest plan that fits the budget.
   */
  plan(xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions = {}, planOptions: PlanOptions = {}): ConvPlan {
    if (options === null || typeof options !== 'object') throw new ConvArgumentError('options', options, 'must be an object');
    const algorithm = options.algorithm ?? 'auto';
    if (!kAlgorithms.includes(algorithm)) {
      throw new ConvArgumentError('options.algorithm', algorithm, `must be one of ${kAlgorithms.map((a) => `'${a}'`).join(', ')}`);
    }
    const budget = planOptions.memoryBudgetBytes ?? this.tuning.memoryBudgetBytes;
    if (!(typeof budget === 'number' && budget >= 0)) throw new ConvArgumentError('memoryBudgetBytes', budget, 'must be a non-negative number of bytes');
    const params = normalizeConvParams(xShape, wShape, options, options.bias !== undefined);
    const make = (chosen: ConcreteAlgorithm, kernel: GemmKernel, chosenBy: ConvPlan['chosenBy']): ConvPlan => {
      const gemmKernel = checkGemmKernel(options.gemmKernel ?? kernel, this.gemmCaps);
      const chunks = this.chunksFor(params, chosen, gemmKernel);
      const workspace = chunks?.workspace ?? kPlans[chosen].workspace(params, gemmKernel);
      return { algorithm: chosen, gemmKernel, params, workspace, workspaceBytes: workspaceElements(workspace) * kBytesPerElement, outputShape: outputShape(params), chunks, chosenBy };
    };
    if (algorithm !== 'auto') {
      const plan = make(chooseAlgorithm(params, algorithm), kDefaultGemmKernel, 'caller');
      if (plan.workspaceBytes > budget) throw new LimitError(`${plan.algorithm} workspace (bytes)`, plan.workspaceBytes, 'memoryBudgetBytes', budget);
      return plan;
    }
    const tuned = this.tuned[shapeClassKey(params)];
    // A persisted choice whose kernel this device cannot run (another device on the adapter, without subgroups) is not used.
    if (tuned && tuned.workspaceBytes <= budget && gemmKernelRuns(tuned.gemmKernel, this.gemmCaps)) return make(tuned.algorithm, tuned.gemmKernel, 'tuned');
    const candidates = [chooseAlgorithm(params, 'auto'), 'mec-b', isDepthwise(params) ? 'depthwise' : 'direct'] as const;
    for (const c of candidates) {
      const plan = make(c, kDefaultGemmKernel, 'rules');
      if (plan.workspaceBytes <= budget) return plan;
    }
    throw new Error('unreachable: direct and depthwise need no workspace');
  }

  /**
   * Time a handful of candidates (algorithms × GEMM kernels) for this shape class on this adapter,
   * keep the fastest for 'auto' and persist it. Returns what was measured.
   */
  async tune(xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions = {}, tuneOptions: TuneOptions = {}): Promise<TuneEntry> {
    this.checkUsable();
    const base = this.plan(xShape, wShape, { ...options, algorithm: 'direct', gemmKernel: undefined });
    const memoryBudgetBytes = tuneOptions.memoryBudgetBytes ?? this.tuning.memoryBudgetBytes;
    const entry = await tuneConv(this, xShape, wShape, options, (algorithm, gemmKernel) => this.plan(xShape, wShape, { ...options, algorithm, gemmKernel }, { memoryBudgetBytes: Infinity }), {
      ...tuneOptions,
      memoryBudgetBytes,
    });
    this.tuned[shapeClassKey(base.params)] = entry;
    await this.tuning.store.save(this.adapter, this.tuned);
    return entry;
  }

  /** Tuning results for this adapter, as persisted. */
  get tuningResults(): Readonly<Record<string, TuneEntry>> {
    return this.tuned;
  }

  /** @internal Load persisted tuning for this adapter (createConvEngine does it). */
  async loadTuning(): Promise<void> {
    this.tuned = { ...(await this.tuning.store.load(this.adapter)), ...this.tuned };
  }

  private chunksFor(p: ConvParams, algorithm: ConcreteAlgorithm, kernel: GemmKernel): ChunkPlan | undefined {
    const { maxStorageBufferBindingSize: limit, maxBufferSize } = this.limits;
    const weightBytes = weightElements(p) * kBytesPerElement;
    if (weightBytes > limit) throw new LimitError(`w (${weightBytes} bytes)`, weightBytes, 'maxStorageBufferBindingSize', limit);
    for (const [what, bytes] of [['x', inputElements(p)], ['output', outputElements(p)]] as const) {
      if (bytes * kBytesPerElement > maxBufferSize) throw new LimitError(`${what} (${bytes * kBytesPerElement} bytes)`, bytes * kBytesPerElement, 'maxBufferSize', maxBufferSize);
    }
    try {
      return planChunks(p, (q) => kPlans[algorithm].workspace(q, kernel), limit);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      const need = Math.max(...kPlans[algorithm].workspace({ ...p, batch: 1, outH: 1 }, kernel).map((b) => b.elements * kBytesPerElement));
      throw new LimitError(`${algorithm} for one output row (${e.message})`, need, 'maxStorageBufferBindingSize', limit);
    }
  }

  /** Exact bytes of temporary GPU memory `algorithm` creates for this convolution (MEC.md formulas). */
  workspaceBytes(algorithm: Algorithm, xShape: readonly number[], wShape: readonly number[], options: ConvOptions = {}): number {
    return this.plan(xShape, wShape, { ...options, algorithm }).workspaceBytes;
  }

  /** Upload data as a GPU tensor of the given shape. */
  upload(data: Float32Array, shape: readonly number[]): GpuTensor {
    this.checkUsable();
    if (!(data instanceof Float32Array)) throw new ConvArgumentError('data', data, 'must be a Float32Array');
    if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
      throw new ConvArgumentError('shape', shape, 'must be 4 positive integers');
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new ConvArgumentError('data', data, `length must equal the shape's product ${size}`);
    const buffer = this.buffers.acquire(data.byteLength, kUsage.STORAGE | kUsage.COPY_SRC | kUsage.COPY_DST, 'input', 'upload');
    this.device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
    return new GpuTensor(this, buffer, shape as unknown as Shape4);
  }

  /**
   * 2-D convolution. x is NHWC with HWIO weights, or NCHW with OIHW weights (options.layout).
   * Returns the output on the GPU; read it with `await y.read()` and free it with `y.destroy()`.
   */
  async conv2d(x: TensorData, xShape: readonly number[], w: TensorData, wShape: readonly number[], options: Conv2dOptions = {}): Promise<GpuTensor> {
    return this.run(x, xShape, w, wShape, options);
  }

  /**
   * GPU time of each pass of one conv2d call, from timestamp queries (the device needs the
   * 'timestamp-query' feature; requestDevice asks for it where the adapter has it): where a layer's
   * time goes, e.g. MEC's lowering against its GEMM. The output is computed and destroyed.
   */
  async timePasses(x: TensorData, xShape: readonly number[], w: TensorData, wShape: readonly number[], options: Conv2dOptions = {}): Promise<PassTime[]> {
    this.checkUsable();
    if (!this.device.features.has('timestamp-query')) {
      throw new MecError("timePasses() needs the device feature 'timestamp-query', which this device lacks");
    }
    const timing: PassTiming = { names: [] };
    const y = await this.run(x, xShape, w, wShape, options, timing);
    y.destroy();
    return timing.times ?? [];
  }

  private async run(x: TensorData, xShape: readonly number[], w: TensorData, wShape: readonly number[], options: Conv2dOptions, timing?: PassTiming): Promise<GpuTensor> {
    this.checkUsable();
    let plan = this.plan(xShape, wShape, options);
    const p = plan.params;
    this.checkData('x', x, inputElements(p));
    this.checkData('w', w, weightElements(p));
    if (options.bias !== undefined) this.checkData('options.bias', options.bias, p.outC);
    if (this.tuning.autotune && plan.chosenBy === 'rules' && (options.algorithm ?? 'auto') === 'auto') {
      await this.tune(xShape, wShape, options);
      plan = this.plan(xShape, wShape, options);
    }
    const ioBytes = [inputElements(p), weightElements(p), p.outC, outputElements(p)].map((e) => e * kBytesPerElement);
    if (plan.chunks && isGpuBuffer(x) && !(x.usage & kUsage.COPY_SRC)) {
      throw new ConvArgumentError('x', x, `needs GPUBufferUsage.COPY_SRC: this convolution is split into ${plan.chunks.chunks.length} chunks to fit maxStorageBufferBindingSize`);
    }

    const totalBytes = ioBytes.reduce((a, b) => a + b, 0) + plan.workspaceBytes;
    // Buffers are created inside error scopes so an allocation failure becomes a typed error.
    const held: GPUBuffer[] = [];
    const acquire = (bytes: number, usage: number, role: BufferRole, label: string) => {
      const b = this.buffers.acquire(bytes, usage, role, label);
      held.push(b);
      return b;
    };
    const storage = kUsage.STORAGE | kUsage.COPY_DST | kUsage.COPY_SRC;
    let y: GPUBuffer | undefined;
    // Each step is a sub-convolution with its passes, plus the copies around it when chunked.
    const steps: { passes: Pass[]; xCopies: Copy[]; yCopies: Copy[] }[] = [];
    let xb!: GPUBuffer;
    let workspace: GPUBuffer[] = [];
    let allocation!: Promise<void>;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    try {
      const bind = (name: string, data: TensorData, bytes: number, role: BufferRole): GPUBuffer => {
        if (data instanceof Float32Array) {
          const b = acquire(bytes, storage, role, `conv2d.${name}`);
          this.device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
          return b;
        }
        return data instanceof GpuTensor ? data.buffer : data;
      };
      xb = bind('x', x, ioBytes[0], 'input');
      const wb = bind('w', w, ioBytes[1], 'weights');
      const biasb = options.bias !== undefined ? bind('bias', options.bias, ioBytes[2], 'bias') : wb;
      y = this.buffers.acquire(ioBytes[3], kUsage.STORAGE | kUsage.COPY_SRC | kUsage.COPY_DST, 'output', `conv2d.${plan.algorithm}.y`);
      workspace = plan.workspace.map((b) => acquire(b.elements * kBytesPerElement, storage, 'workspace', b.name));
      if (!plan.chunks) {
        const io: ConvBuffers = { x: xb, w: wb, bias: biasb, y, workspace };
        steps.push({ passes: kPlans[plan.algorithm].passes(p, io, plan.gemmKernel), xCopies: [], yCopies: [] });
      } else {
        const [chunkX, chunkY, ...own] = workspace;
        for (const chunk of plan.chunks.chunks) {
          const io: ConvBuffers = { x: chunkX, w: wb, bias: biasb, y: chunkY, workspace: own };
          steps.push({ passes: kPlans[plan.algorithm].passes(chunk.params, io, plan.gemmKernel), xCopies: chunk.xCopies, yCopies: chunk.yCopies });
        }
      }
    } finally {
      // Popped now, awaited after the submit: one wait on the GPU process per call, not two in a row
      // (on small layers the round trips were a visible part of the call).
      allocation = this.popScopes(plan.algorithm, held.concat(y ?? []), totalBytes);
      allocation.catch(() => {}); // awaited below; this only stops an unhandled rejection if we never get there
    }

    try {
      const passes = steps.flatMap((s) => s.passes);
      const pipelines = new Map(
        await Promise.all(passes.map(async (pass) => [pass, await getPipeline(this.device, { name: pass.name, code: pass.code, constants: pass.constants })] as const)),
      );
      this.checkUsable();
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      let scopes: Promise<void>;
      try {
        const encoder = this.device.createCommandEncoder({ label: `conv2d.${plan.algorithm}` });
        const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
        const [chunkX, chunkY] = workspace;
        if (timing) {
          timing.querySet = this.device.createQuerySet({ type: 'timestamp', count: 2 * passes.length });
          timing.resolve = acquire(16 * passes.length, kUsage.QUERY_RESOLVE | kUsage.COPY_SRC, 'timestamps', 'timestamps');
        }
        for (const step of steps) {
          for (const [src, dst, n] of step.xCopies) encoder.copyBufferToBuffer(xb, src * kBytesPerElement, chunkX, dst * kBytesPerElement, n * kBytesPerElement);
          let computePass = timing ? undefined : encoder.beginComputePass({ label: `conv2d.${plan.algorithm}` });
          for (const pass of step.passes) {
            if (timing) {
              // One compute pass per dispatch, timed at both ends.
              const i = timing.names.push(pass.name) - 1;
              computePass?.end();
              computePass = encoder.beginComputePass({
                label: pass.name,
                timestampWrites: { querySet: timing.querySet!, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
              });
            }
            const pipeline = pipelines.get(pass)!;
            const data = packStruct(pass.code, pass.struct, pass.uniforms);
            const uniform = acquire(data.byteLength, kUsage.UNIFORM | kUsage.COPY_DST, 'uniform', `${pass.name}.uniforms`);
            this.device.queue.writeBuffer(uniform, 0, data);
            const entries: GPUBindGroupEntry[] = pass.bindings.flatMap((buffer, binding) => (buffer ? [{ binding, resource: { buffer } }] : []));
            entries.push({ binding: pass.bindings.length, resource: { buffer: uniform } });
            const bindGroup = this.device.createBindGroup({ label: pass.name, layout: pipeline.getBindGroupLayout(0), entries });
            computePass!.setPipeline(pipeline);
            computePass!.setBindGroup(0, bindGroup);
            computePass!.dispatchWorkgroups(...this.fold(pass.name, pass.workgroups, maxPerDim));
          }
          computePass?.end();
          for (const [dst, src, n] of step.yCopies) encoder.copyBufferToBuffer(chunkY, src * kBytesPerElement, y, dst * kBytesPerElement, n * kBytesPerElement);
        }
        if (timing) encoder.resolveQuerySet(timing.querySet!, 0, 2 * timing.names.length, timing.resolve!, 0);
        this.device.queue.submit([encoder.finish()]);
      } finally {
        scopes = this.popScopes(plan.algorithm, held.concat(y), totalBytes);
      }
      // An allocation failure is the cause of any validation error after it: report it first.
      await allocation;
      await scopes;
      // A device lost mid-call reports no errors to the scopes: the lost promise says it.
      const lost = this.lostError ?? (await this.lostNow(-1));
      if (lost) throw lost;
      if (timing) timing.times = await this.readTimestamps(timing);
    } catch (e) {
      if (y) this.buffers.destroy(y);
      timing?.querySet?.destroy();
      throw e;
    } finally {
      // Queue order makes the workspace safe to reuse for the next submit right away.
      for (const b of held) this.buffers.release(b);
    }
    return new GpuTensor(this, y, plan.outputShape);
  }

  private async readTimestamps(timing: PassTiming): Promise<PassTime[]> {
    const bytes = 16 * timing.names.length;
    const staging = this.buffers.acquire(bytes, kUsage.MAP_READ | kUsage.COPY_DST, 'timestamps', 'timestamps.read');
    try {
      const encoder = this.device.createCommandEncoder({ label: 'timestamps' });
      encoder.copyBufferToBuffer(timing.resolve!, 0, staging, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, bytes);
      const ns = new BigInt64Array(staging.getMappedRange(0, bytes).slice(0));
      staging.unmap();
      return timing.names.map((name, i) => ({ name, ms: Number(ns[2 * i + 1] - ns[2 * i]) / 1e6 }));
    } finally {
      timing.querySet?.destroy();
      this.buffers.release(staging);
    }
  }

  /** Bytes created per role, live buffers and pooled bytes. */
  stats(): BufferStats {
    return this.buffers.stats();
  }

  /** Free pooled buffers; optionally set a new pool limit. */
  trim(poolBytes?: number): void {
    this.buffers.trim(poolBytes);
  }

  /** Free every buffer this engine created (outputs included) and the device if the engine made it. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.buffers.destroyAll();
    if (this.ownsDevice) this.device.destroy();
  }

  async readTensor(tensor: GpuTensor): Promise<Float32Array> {
    this.checkUsable();
    if (tensor.isDestroyed || !this.buffers.isLive(tensor.buffer)) throw new MecError('read(): the tensor was destroyed');
    const bytes = tensor.size * kBytesPerElement;
    const staging = this.buffers.acquire(bytes, kUsage.MAP_READ | kUsage.COPY_DST, 'readback', 'read');
    const encoder = this.device.createCommandEncoder({ label: 'read' });
    encoder.copyBufferToBuffer(tensor.buffer, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(kMapRead, 0, bytes);
    } catch (e) {
      this.buffers.destroy(staging);
      throw this.lostError ?? (await this.lostNow()) ?? new GpuValidationError(`read(): mapping failed: ${(e as Error).message}`);
    }
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    this.buffers.release(staging);
    return out;
  }

  destroyTensor(tensor: GpuTensor): void {
    // Pooled like a workspace, so the next call's output is not a fresh allocation (on a real GPU a
    // new 12 MiB output cost about 1 ms of host time per call, more than cv4's GEMM).
    this.buffers.release(tensor.buffer);
  }

  /**
   * The loss, if the lost promise settles within `waitMs` (it may lag the failure it caused);
   * waitMs < 0 checks without a timer (a browser clamps even a 0 ms timeout to 1–4 ms).
   */
  private async lostNow(waitMs = 50): Promise<DeviceLostError | undefined> {
    return Promise.race([this.lost, waitMs < 0 ? Promise.resolve(undefined) : new Promise<undefined>((r) => setTimeout(r, waitMs))]);
  }

  private checkUsable(): void {
    if (this.destroyed) throw new MecError('this ConvEngine was destroyed; create a new one');
    if (this.lostError) throw this.lostError;
  }

  private checkData(name: string, data: unknown, elements: number): void {
    const bytes = elements * kBytesPerElement;
    if (data instanceof Float32Array) {
      if (data.length !== elements) throw new ConvArgumentError(name, data, `length must equal the shape's product ${elements}`);
    } else if (data instanceof GpuTensor) {
      if (data.device !== this.device) throw new ConvArgumentError(name, data, "belongs to another device than this engine's");
      if (data.isDestroyed) throw new ConvArgumentError(name, data, 'was destroyed');
      if (data.size !== elements) throw new ConvArgumentError(name, data, `has ${data.size} elements, needs ${elements}`);
    } else if (isGpuBuffer(data)) {
      if (!(data.usage & kUsage.STORAGE)) throw new ConvArgumentError(name, data, 'needs GPUBufferUsage.STORAGE');
      if (data.size < bytes) throw new ConvArgumentError(name, data, `has ${data.size} bytes, needs at least ${bytes}`);
    } else {
      throw new ConvArgumentError(name, data, 'must be a Float32Array, a GPUBuffer or a GpuTensor');
    }
  }

  private fold(name: string, workgroups: number, maxPerDim: number): [number, number, number] {
    if (workgroups > maxPerDim ** 3) throw new LimitError(`${name} workgroups`, workgroups, 'maxComputeWorkgroupsPerDimension^3', maxPerDim ** 3);
    return foldWorkgroups(workgroups, maxPerDim);
  }

  /** Pop the two scopes pushed together; on an error free what the call made and throw it typed. */
  private async popScopes(algorithm: string, made: GPUBuffer[], bytesNeeded: number): Promise<void> {
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    const [v, o] = await Promise.all([validation, oom]);
    if (!v && !o) return;
    for (const b of made) this.buffers.destroy(b);
    if (this.lostError) throw this.lostError;
    if (o) throw new OutOfMemoryError(`conv2d (${algorithm}): out of GPU memory with ${bytesNeeded} bytes of inputs, outputs and workspace: ${o.message}`, bytesNeeded);
    throw new GpuValidationError(`conv2d (${algorithm}): ${v!.message}`);
  }
}
