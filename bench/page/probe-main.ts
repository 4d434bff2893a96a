// The browser half of `npm run probe`: puppeteer calls window.probe.layer() once per layer.
import { type ConcreteAlgorithm, type ConvEngine, createConvEngine, gemmKernelName } from '../../src/index';
import { findBenchLayer } from '../layers';
import { type ProbeCase, probeLayer } from '../probe';

declare global {
  interface Window {
    probeReady?: boolean;
    probe: {
      /** The adapter and the kernels this device runs, by gemmKernelName. */
      init(): Promise<{ adapter: string; kernels: string[] }>;
      layer(id: string, algorithms: ConcreteAlgorithm[], kernels: string[], rounds: number): Promise<ProbeCase[]>;
    };
  }
}

let engine: ConvEngine | undefined;
const status = document.getElementById('status')!;

window.probe = {
  async init() {
    engine ??= await createConvEngine({ tuneCache: false });
    status.textContent = `ready on ${engine.adapter}`;
    return { adapter: engine.adapter, kernels: engine.gemmKernels.map(gemmKernelName) };
  },
  async layer(id, algorithms, kernels, rounds) {
    if (!engine) throw new Error('probe.init() first');
    const layer = findBenchLayer(id);
    if (!layer) throw new Error(`unknown layer ${id}`);
    const byName = new Map(engine.gemmKernels.map((k) => [gemmKernelName(k), k]));
    status.textContent = `layer ${id}`;
    return probeLayer(engine, layer, algorithms, kernels.map((k) => byName.get(k)!), rounds);
  },
};
window.probeReady = true;
status.textContent = navigator.gpu ? 'ready: call window.probe.init()' : 'WebGPU is not available in this browser';
