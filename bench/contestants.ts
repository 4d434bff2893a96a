// The contestants of the side-by-side benchmark and the demo: our algorithms and the peers
// (TensorFlow.js WebGPU, ONNX Runtime Web) behind one interface, each fed the same NHWC input and
// HWIO weights. The peers load lazily (dynamic import) so Node (--node) and the demo pay for them
// only when asked. Browser-safe; our algorithms also run in Node.
import { type ConvEngine, createConvEngine, type PassTime } from '../src/index';
import type { LayerConv } from './layers';
import { onnxConvModel } from './onnx-model';

export type OurAlgorithm = 'mec-a' | 'mec-b' | 'im2col' | 'direct' | 'depthwise' | 'auto';
export type PeerId = 'tfjs' | 'ort-jsep' | 'ort-webgpu';
export type ContestantId = OurAlgorithm | PeerId;
export type LibraryId = 'mec-webgpu' | PeerId;

export interface ContestantInfo {
  id: ContestantId;
  /** For tables and charts. */
  label: string;
  library: LibraryId;
  /** Only on depthwise layers (groups = input channels). */
  depthwiseOnly?: boolean;
}

export const kOurAlgorithms: readonly OurAlgorithm[] = ['mec-a', 'mec-b', 'im2col', 'direct', 'depthwise', 'auto'];
export const kPeers: readonly PeerId[] = ['tfjs', 'ort-jsep', 'ort-webgpu'];

export const kContestants: Readonly<Record<ContestantId, ContestantInfo>> = {
  'mec-a': { id: 'mec-a', label: 'MEC A', library: 'mec-webgpu' },
  'mec-b': { id: 'mec-b', label: 'MEC B', library: 'mec-webgpu' },
  im2col: { id: 'im2col', label: 'im2col', library: 'mec-webgpu' },
  direct: { id: 'direct', label: 'direct', library: 'mec-webgpu' },
  depthwise: { id: 'depthwise', label: 'depthwise', library: 'mec-webgpu', depthwiseOnly: true },
  auto: { id: 'auto', label: 'auto', library: 'mec-webgpu' },
  tfjs: { id: 'tfjs', label: 'TF.js', library: 'tfjs' },
  'ort-jsep': { id: 'ort-jsep', label: 'ORT-web (JSEP)', library: 'ort-jsep' },
  'ort-webgpu': { id: 'ort-webgpu', label: 'ORT-web (WebGPU EP)', library: 'ort-webgpu' },
};

export const isContestantId = (s: string): s is ContestantId => Object.hasOwn(kContestants, s);

/** One layer made ready on one library: inputs and weights uploaded, model built. */
export interface PreparedConv {
  /** One convolution, from the call until the library's queue has drained; the output is freed. */
  run(): Promise<void>;
  /** One convolution, its output read back as NHWC (not timed). */
  runAndRead(): Promise<Float32Array>;
  /** What ran when it differs from the contestant's name ('auto' → 'mec-b'). */
  ran?: string;
  /** Temporary bytes the algorithm creates, where the library says (ours: the plan's). */
  workspaceBytes?: number;
  /** GPU time of each pass of one call, from timestamp queries (ours, where the device has them). */
  timePasses?(): Promise<PassTime[]>;
  /** Free what prepare() made. */
  release(): Promise<void>;
}

/** A library on its own device. */
export interface BenchLibrary {
  id: LibraryId;
  /** Name, version and build, for the report. */
  description: string;
  device: GPUDevice;
  prepare(contestant: ContestantId, conv: LayerConv, x: Float32Array, w: Float32Array): Promise<PreparedConv>;
  /** Destroy pooled buffers, so one layer's pool does not count in the next one's memory. */
  trim(): Promise<void>;
  destroy(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Layout helpers: the peers that want NCHW get the same numbers, transposed on the CPU.

/** NHWC → NCHW. */
export function nhwcToNchw(data: Float32Array, [n, h, w, c]: readonly number[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = data[((b * h + y) * w + x) * c + k];
  return out;
}

/** NCHW → NHWC; `shape` is the NCHW shape. */
export function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + k] = data[((b * c + k) * h + y) * w + x];
  return out;
}

/** HWIO → OIHW. */
export function hwioToOihw(data: Float32Array, [kh, kw, ci, co]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < kh; r++)
    for (let s = 0; s < kw; s++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + r) * kw + s] = data[((r * kw + s) * ci + i) * co + o];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ours.

export async function loadOurs(engine?: ConvEngine): Promise<BenchLibrary & { engine: ConvEngine }> {
  const e = engine ?? (await createConvEngine());
  return {
    id: 'mec-webgpu',
    description: `mec-webgpu on ${e.adapter}`,
    device: e.device,
    engine: e,
    async prepare(contestant, conv, xData, wData) {
      if (kContestants[contestant].library !== 'mec-webgpu') throw new Error(`${contestant} is not one of our algorithms`);
      const options = { ...conv.options, algorithm: contestant as OurAlgorithm };
      const plan = e.plan(conv.xShape, conv.wShape, options); // throws here for 'depthwise' on a non-depthwise layer
      const x = e.upload(xData, conv.xShape);
      const w = e.upload(wData, conv.wShape);
      const call = () => e.conv2d(x, x.shape, w, w.shape, options);
      return {
        ran: plan.algorithm !== contestant ? plan.algorithm : undefined,
        workspaceBytes: plan.workspaceBytes,
        async run() {
          const y = await call();
          try {
            await e.device.queue.onSubmittedWorkDone();
          } finally {
            y.destroy();
          }
        },
        timePasses: e.device.features.has('timestamp-query') ? () => e.timePasses(x, x.shape, w, w.shape, options) : undefined,
        async runAndRead() {
          const y = await call();
          try {
            return await y.read();
          } finally {
            y.destroy();
          }
        },
        async release() {
          x.destroy();
          w.destroy();
        },
      };
    },
    async trim() {
      e.trim();
    },
    async destroy() {
      e.destroy();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js, WebGPU backend: tf.conv2d on NHWC / HWIO, tf.depthwiseConv2d on depthwise layers.

/** The parts of WebGPUBackend (public in its .d.ts) the bench needs. */
interface TfWebGpuBackend {
  device: GPUDevice;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  bufferManager: { freeBuffers: Map<string, GPUBuffer[]>; numFreeBuffers: number };
}

export async function loadTfjs(): Promise<BenchLibrary> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  tf.env().set('WEBGPU_CPU_FORWARD', false); // every op on the GPU, even tiny ones
  if (!(await tf.setBackend('webgpu'))) throw new Error('TensorFlow.js: the webgpu backend did not initialise');
  await tf.ready();
  const backend = tf.backend() as unknown as TfWebGpuBackend;
  /**
   * TF.js records into an open compute pass and submits every 15 dispatches or on a read: end the
   * pass and submit what is pending, else onSubmittedWorkDone() waits for nothing (PERF-NOTES).
   */
  const flush = () => {
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
  };
  return {
    id: 'tfjs',
    description: `TensorFlow.js ${tf.version_core} (@tensorflow/tfjs-backend-webgpu), WEBGPU_CPU_FORWARD off`,
    device: backend.device,
    async prepare(contestant, conv, xData, wData) {
      if (contestant !== 'tfjs') throw new Error(`${contestant} does not run on TensorFlow.js`);
      const l = conv.layer;
      const depthwise = l.groups > 1;
      if (depthwise && !(l.groups === l.inC && l.outC === l.inC)) throw new Error('TensorFlow.js has no grouped convolution besides depthwise with multiplier 1');
      const x = tf.tensor4d(xData, [...conv.xShape]);
      // HWIO [k_h, k_w, 1, C] for depthwise holds the same numbers as TF's [k_h, k_w, C, 1].
      const w = tf.tensor4d(wData, depthwise ? [l.kH, l.kW, l.inC, 1] : [...conv.wShape]);
      backend.uploadToGPU(x.dataId);
      backend.uploadToGPU(w.dataId);
      flush();
      await backend.device.queue.onSubmittedWorkDone();
      const strides: [number, number] = [l.stride, l.stride];
      const pad = l.pad;
      const call = () => (depthwise ? tf.depthwiseConv2d(x, w, strides, pad) : tf.conv2d(x, w, strides, pad));
      return {
        async run() {
          const y = call();
          try {
            flush();
            await backend.device.queue.onSubmittedWorkDone();
          } finally {
            y.dispose();
          }
        },
        async runAndRead() {
          const y = call();
          try {
            return (await y.data()) as Float32Array;
          } finally {
            y.dispose();
          }
        },
        async release() {
          x.dispose();
          w.dispose();
          flush();
          await backend.device.queue.onSubmittedWorkDone();
        },
      };
    },
    async trim() {
      // Destroy the free list of TF.js's BufferManager; keep its keys (releaseBuffer needs the map non-empty).
      flush();
      await backend.device.queue.onSubmittedWorkDone();
      for (const list of backend.bufferManager.freeBuffers.values()) {
        for (const b of list) b.destroy();
        list.length = 0;
      }
      backend.bufferManager.numFreeBuffers = 0;
    },
    async destroy() {
      tf.engine().reset();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// ONNX Runtime Web: a one-node Conv model (NCHW, opset 17), input and output kept on the GPU.

type Ort = typeof import('onnxruntime-web');

/** Where each build's runtime lives, as Vite serves it (never fetched from elsewhere). */
async function ortRuntimeUrls(build: 'jsep' | 'webgpu'): Promise<{ mjs: string; wasm: string }> {
  if (build === 'jsep') {
    const [mjs, wasm] = await Promise.all([
      import('onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url'),
      import('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url'),
    ]);
    return { mjs: mjs.default, wasm: wasm.default };
  }
  const [mjs, wasm] = await Promise.all([
    import('onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url'),
    import('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url'),
  ]);
  return { mjs: mjs.default, wasm: wasm.default };
}

/**
 * build 'jsep': the default import `onnxruntime-web` (JavaScript WebGPU kernels, JSEP);
 * build 'webgpu': `onnxruntime-web/webgpu` (the native WebGPU EP compiled to WebAssembly).
 */
export async function loadOrt(build: 'jsep' | 'webgpu'): Promise<BenchLibrary> {
  const ort: Ort = build === 'jsep' ? await import('onnxruntime-web') : ((await import('onnxruntime-web/webgpu')) as Ort);
  const urls = await ortRuntimeUrls(build);
  ort.env.wasm.wasmPaths = { mjs: new URL(urls.mjs, location.href).href, wasm: new URL(urls.wasm, location.href).href };
  ort.env.wasm.numThreads = 1; // no SharedArrayBuffer needed (no COOP/COEP headers)
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const id: PeerId = build === 'jsep' ? 'ort-jsep' : 'ort-webgpu';
  const importName = build === 'jsep' ? 'onnxruntime-web' : 'onnxruntime-web/webgpu';
  // The input buffer we write must live on the device ORT computes on. JSEP makes one device and
  // publishes it in env.webgpu.device once a session exists (it ignores one set beforehand here);
  // the native EP makes a device per session unless given one, so it gets ours.
  const custom = build === 'webgpu' ? await requestFullDevice('onnxruntime-web/webgpu') : undefined;
  const session = (model: Parameters<typeof onnxConvModel>[0]) =>
    ort.InferenceSession.create(onnxConvModel(model), {
      executionProviders: [custom ? { name: 'webgpu', device: custom } : 'webgpu'],
      preferredOutputLocation: 'gpu-buffer',
      graphOptimizationLevel: 'all',
    });
  const probe = await session({ xShape: [1, 1, 2, 2], wShape: [1, 1, 1, 1], weights: new Float32Array([1]), strides: [1, 1], pads: [0, 0, 0, 0], group: 1, yShape: [1, 1, 2, 2] });
  await probe.release();
  const device = custom ?? ((await ort.env.webgpu.device) as GPUDevice);
  return {
    id,
    description: `ONNX Runtime Web ${ort.env.versions.web ?? ''} (import '${importName}', ${build === 'jsep' ? 'JSEP' : 'native WebGPU EP'}), wasm numThreads 1`,
    device,
    async prepare(contestant, conv, xData, wData) {
      if (contestant !== id) throw new Error(`${contestant} does not run on ${importName}`);
      const l = conv.layer;
      const [n, h, w, c] = conv.xShape;
      const xShape = [n, c, h, w];
      const wShape = [l.outC, l.inC / l.groups, l.kH, l.kW];
      const oh = Math.floor((h + 2 * l.pad - l.kH) / l.stride) + 1;
      const ow = Math.floor((w + 2 * l.pad - l.kW) / l.stride) + 1;
      const yShape = [n, l.outC, oh, ow];
      const conv2d = await session({
        xShape, wShape, weights: hwioToOihw(wData, conv.wShape), strides: [l.stride, l.stride], pads: [l.pad, l.pad, l.pad, l.pad], group: l.groups, yShape,
      });
      const nchw = nhwcToNchw(xData, conv.xShape);
      const xBuffer = device.createBuffer({ label: 'bench.ort.x', size: nchw.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(xBuffer, 0, nchw);
      const x = ort.Tensor.fromGpuBuffer(xBuffer, { dataType: 'float32', dims: xShape });
      const call = () => conv2d.run({ X: x });
      return {
        async run() {
          const out = await call();
          try {
            await device.queue.onSubmittedWorkDone();
          } finally {
            out.Y.dispose();
          }
        },
        async runAndRead() {
          const out = await call();
          try {
            return nchwToNhwc((await out.Y.getData()) as Float32Array, yShape);
          } finally {
            out.Y.dispose();
          }
        },
        async release() {
          x.dispose();
          xBuffer.destroy();
          await conv2d.release();
        },
      };
    },
    async trim() {},
    async destroy() {},
  };
}

/** A device on the first adapter with all its features and its limits (what the peers request for themselves). */
async function requestFullDevice(label: string): Promise<GPUDevice> {
  const adapter = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter');
  const requiredLimits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') requiredLimits[key] = v;
  }
  return adapter.requestDevice({ label, requiredFeatures: [...adapter.features] as GPUFeatureName[], requiredLimits });
}

/** Load the library a contestant runs on. */
export function loadLibrary(id: LibraryId): Promise<BenchLibrary> {
  switch (id) {
    case 'mec-webgpu':
      return loadOurs();
    case 'tfjs':
      return loadTfjs();
    case 'ort-jsep':
      return loadOrt('jsep');
    case 'ort-webgpu':
      return loadOrt('webgpu');
  }
}
