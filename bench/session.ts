// A bench session: the loaded libraries, the current layer's data and its expected output. The
// bench page, the demo page and `npm run bench -- --node` all drive one of these. Browser-safe.
import { gemmKernelName } from '../src/plans/gemm';
import { type GemmPeak, measureGemmPeak } from '../src/profile/gemm-peak';
import type { ConvEngine } from '../src/index';
import { benchData } from '../src/profile';
import { type BenchLibrary, type ContestantId, isContestantId, kContestants, type LibraryId, loadLibrary } from './contestants';
import { installGpuMemoryCounter, isGpuMemoryCounterInstalled } from './gpu-memory';
import { isDepthwiseLayer, type LayerConv } from './layers';
import { type ContestantResult, type Expected, kReferenceMaxFlops, layerFlops, measureContestant, type MeasureOptions, referenceOutput, timeInterleaved } from './measure';

/** The adapter as the report shows it. */
export interface AdapterReport {
  /** 'vendor / architecture / description', e.g. 'google / swiftshader / SwiftShader Device (Subzero)'. */
  name: string;
  vendor: string;
  architecture: string;
  description: string;
  features: string[];
  limits: Record<string, number>;
}

export const kKeyLimits = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupSizeX',
] as const;

export function adapterReport(device: GPUDevice): AdapterReport {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const description = info?.description || info?.device || '';
  const limits: Record<string, number> = {};
  for (const k of kKeyLimits) limits[k] = (device.limits as unknown as Record<string, number>)[k];
  return {
    name: [vendor, architecture, description].filter((s) => s).join(' / ') || 'unknown adapter',
    vendor,
    architecture,
    description,
    features: [...device.features].map(String).sort(),
    limits,
  };
}

export interface LayerSummary {
  id: string;
  xShape: readonly number[];
  wShape: readonly number[];
  flops: number;
  /** What outputs are compared with. */
  expected: string;
}

export interface LibraryStatus {
  id: LibraryId;
  description?: string;
  /** Why the library is missing from the results. */
  error?: string;
}

export class BenchSession {
  private readonly libraries = new Map<LibraryId, BenchLibrary>();
  private readonly failures = new Map<LibraryId, string>();
  private layer: { conv: LayerConv; x: Float32Array; w: Float32Array; expected?: Expected } | undefined;

  /**
   * Install the shared byte counter, then load each library (each creates its own device on the
   * same adapter). A library that fails to load is recorded, not thrown: its rows say why.
   */
  static async create(libraries: readonly LibraryId[], counterGlobals?: Parameters<typeof installGpuMemoryCounter>[0]): Promise<BenchSession> {
    if (!installGpuMemoryCounter(counterGlobals) && !isGpuMemoryCounterInstalled()) throw new Error('WebGPU is not available here: no GPUDevice to count buffers on');
    const session = new BenchSession();
    for (const id of libraries) await session.load(id);
    return session;
  }

  /** Load a library now (idempotent); false when it failed, with the reason in `status`. */
  async load(id: LibraryId): Promise<boolean> {
    if (this.libraries.has(id)) return true;
    try {
      this.libraries.set(id, await loadLibrary(id));
      this.failures.delete(id);
      return true;
    } catch (e) {
      this.failures.set(id, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      return false;
    }
  }

  /** Our engine, when 'mec-webgpu' is loaded: plans and workspace sizes without running anything. */
  get engine(): ConvEngine | undefined {
    const ours = this.libraries.get('mec-webgpu');
    return ours && 'engine' in ours ? (ours.engine as ConvEngine) : undefined;
  }

  get status(): LibraryStatus[] {
    return [
      ...[...this.libraries.values()].map((l) => ({ id: l.id, description: l.description })),
      ...[...this.failures].map(([id, error]) => ({ id, error })),
    ];
  }

  library(id: LibraryId): BenchLibrary | undefined {
    return this.libraries.get(id);
  }

  /** The adapter behind our engine (else the first library loaded). */
  adapter(): AdapterReport | undefined {
    const lib = this.libraries.get('mec-webgpu') ?? this.libraries.values().next().value;
    return lib ? adapterReport(lib.device) : undefined;
  }

  /**
   * Make the layer current: seeded input and weights (the same numbers for every contestant), and
   * the expected output: the float64 reference, or our mec-b's output on layers too big for it.
   */
  async setLayer(conv: LayerConv): Promise<LayerSummary> {
    const x = benchData(conv.xShape.reduce((a, b) => a * b, 1), 1);
    const w = benchData(conv.wShape.reduce((a, b) => a * b, 1), 2);
    this.layer = { conv, x, w };
    const flops = layerFlops(conv);
    const ours = this.libraries.get('mec-webgpu');
    if (flops <= kReferenceMaxFlops || !ours) {
      this.layer.expected = { values: referenceOutput(conv, x, w), source: 'float64 CPU reference' };
    } else {
      const prepared = await ours.prepare('mec-b', conv, x, w);
      try {
        this.layer.expected = { values: await prepared.runAndRead(), source: 'our mec-b output' };
      } finally {
        await prepared.release();
        await ours.trim();
      }
    }
    return { id: conv.layer.id, xShape: conv.xShape, wShape: conv.wShape, flops, expected: this.layer.expected.source };
  }

  /** Whether the contestant applies to the current layer ('depthwise' only to depthwise layers). */
  applies(contestant: ContestantId): boolean {
    return !(kContestants[contestant].depthwiseOnly && this.layer && !isDepthwiseLayer(this.layer.conv.layer));
  }

  async run(contestant: ContestantId, options: MeasureOptions): Promise<ContestantResult> {
    if (!this.layer) throw new Error('setLayer() first');
    if (!isContestantId(contestant)) throw new Error(`unknown contestant '${String(contestant)}'`);
    const libraryId = kContestants[contestant].library;
    const library = this.libraries.get(libraryId);
    if (!library) {
      return {
        contestant, error: `${libraryId} did not load: ${this.failures.get(libraryId) ?? 'not requested'}`, timesMs: [], medianMs: NaN, minMs: NaN, maxMs: NaN,
        gflops: NaN, firstCallMs: NaN, firstCallBytes: NaN, setupBytes: NaN, peakBytes: NaN, ioBytes: NaN, bytesPerCall: NaN,
      };
    }
    const { conv, x, w, expected } = this.layer;
    return measureContestant(library, contestant, conv, { x, w }, expected, options);
  }

  /** Time the contestants on the current layer in interleaved rounds (see timeInterleaved). */
  async timeInterleaved(contestants: ContestantId[], runs: number, onProgress?: (what: string) => void): Promise<Partial<Record<ContestantId, number[]>>> {
    if (!this.layer) throw new Error('setLayer() first');
    const entries = contestants.flatMap((contestant) => {
      const library = this.libraries.get(kContestants[contestant].library);
      return library && this.applies(contestant) ? [{ contestant, library }] : [];
    });
    const { conv, x, w } = this.layer;
    return timeInterleaved(entries, conv, { x, w }, runs, onProgress);
  }

  /**
   * Let our engine's autotuner time its candidates for the current layer, so 'auto' runs the
   * adapter's measured choice (a one-time cost per shape class, reported on its own).
   */
  async tuneAuto(): Promise<{ ms: number; choice: string; candidates: Record<string, number>; finals?: Record<string, number> }> {
    const engine = this.engine;
    if (!engine || !this.layer) throw new Error('tuneAuto() needs mec-webgpu loaded and a layer set');
    const { conv } = this.layer;
    const t0 = performance.now();
    const entry = await engine.tune(conv.xShape, conv.wShape, conv.options, { runs: 1 });
    return { ms: performance.now() - t0, choice: `${entry.algorithm}/${gemmKernelName(entry.gemmKernel)}`, candidates: entry.candidates, finals: entry.finals };
  }

  /** The best GEMM our engine reaches here (size × size × 4·size), for the share-of-peak figures. */
  async gemmPeak(size: number): Promise<GemmPeak> {
    const engine = this.engine;
    if (!engine) throw new Error('gemmPeak() needs mec-webgpu loaded');
    return measureGemmPeak(engine, size);
  }

  async destroy(): Promise<void> {
    for (const l of this.libraries.values()) await l.destroy().catch(() => undefined);
    this.libraries.clear();
  }
}
