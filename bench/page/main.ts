// The browser half of `npm run bench`: Vite serves this page, puppeteer calls window.bench.* one
// step at a time (so the Node side prints progress and survives a failing step).
import type { ContestantId, LibraryId } from '../contestants';
import type { LayerConv } from '../layers';
import type { ContestantResult, MeasureOptions } from '../measure';
import { type AdapterReport, BenchSession, type LayerSummary, type LibraryStatus } from '../session';

export interface BenchPageApi {
  init(libraries: LibraryId[]): Promise<{ adapter?: AdapterReport; libraries: LibraryStatus[]; userAgent: string }>;
  setLayer(conv: LayerConv): Promise<LayerSummary>;
  applies(contestant: ContestantId): boolean;
  run(contestant: ContestantId, options: Omit<MeasureOptions, 'onProgress'>): Promise<ContestantResult>;
  timeInterleaved(contestants: ContestantId[], runs: number): ReturnType<BenchSession['timeInterleaved']>;
  tuneAuto(): ReturnType<BenchSession['tuneAuto']>;
  gemmPeak(size: number): ReturnType<BenchSession['gemmPeak']>;
  destroy(): Promise<void>;
}

declare global {
  interface Window {
    benchReady?: boolean;
    bench: BenchPageApi;
  }
}

const status = document.getElementById('status')!;
let session: BenchSession | undefined;
const current = () => {
  if (!session) throw new Error('bench.init() first');
  return session;
};

window.bench = {
  async init(libraries) {
    session = await BenchSession.create(libraries, window as never);
    status.textContent = `ready on ${session.adapter()?.name ?? 'no adapter'}`;
    return { adapter: session.adapter(), libraries: session.status, userAgent: navigator.userAgent };
  },
  setLayer(conv) {
    status.textContent = `layer ${conv.layer.id}`;
    return current().setLayer(conv);
  },
  applies: (contestant) => current().applies(contestant),
  run(contestant, options) {
    // Progress goes to the console, where the Node side picks it up.
    return current().run(contestant, { ...options, onProgress: (what) => console.debug(`bench-progress ${contestant}: ${what}`) });
  },
  timeInterleaved: (contestants, runs) => current().timeInterleaved(contestants, runs, (what) => console.debug(`bench-progress all: ${what}`)),
  tuneAuto: () => current().tuneAuto(),
  gemmPeak: (size) => current().gemmPeak(size),
  async destroy() {
    await session?.destroy();
    session = undefined;
  },
};

window.benchReady = true;
status.textContent = navigator.gpu ? 'ready: call window.bench.init()' : 'WebGPU is not available in this browser';
