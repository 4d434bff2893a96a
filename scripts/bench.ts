// npm run bench -- [options]: MEC against im2col, direct, TensorFlow.js and ONNX Runtime Web, side
// by side on the benchmark layers of MEC.md. By default every library runs in one headless Chromium
// page (Vite + puppeteer) on the same WebGPU adapter; --node runs only our algorithms, in Node.
// Progress goes to stderr; tables, the summary and the paths of the written files to stdout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ContestantId, isContestantId, kContestants, kOurAlgorithms, kPeers, type LibraryId } from '../bench/contestants';
import { describeLayerConv, isDepthwiseLayer, kBenchLayers, type LayerConv, layerConv } from '../bench/layers';
import { applyTimes, type ContestantResult, type MeasureOptions } from '../bench/measure';
import {
  type BenchReport,
  htmlReport,
  passesText,
  peakText,
  kCorrectnessNote,
  kMemoryNote,
  kTimingNote,
  type LayerResults,
  resultsTable,
  stepLine,
  summarize,
  summaryText,
} from '../bench/report';
import type { AdapterReport, LayerSummary, LibraryStatus } from '../bench/session';
import { im2colFormulaElements, mecFormulaElements, normalizeConvParams } from '../src/params';
import type { GemmPeak } from '../src/profile/gemm-peak';
import { configOrExit, integerOption, listOption, parseOptions, UsageError } from './cli';

/** --quick: H and W × 1/4 (never below k + stride), as `npm run profile -- --quick`. */
const kQuickScale = 0.25;
const kDefaultRuns = 5;
const kDefaultWarmup = 2;
const kOutDir = 'bench-results';
/** One step (a contestant on a layer) may take this long in the page before the run is abandoned. */
const kStepTimeoutMs = 10 * 60_000;

const kInterleavedNote =
  'the timed runs go in rounds, each round calling every contestant of the layer twice in a row and timing the second call (after each one\'s own cold call, warm-up and one run for memory), so drift weighs on all alike and no timed call follows another library\'s device';
const kAllContestants: readonly ContestantId[] = [...kOurAlgorithms, ...kPeers];
/** What --node can load: ORT-web's WebGPU builds need a page (wasm URLs, workers), TF.js only needs navigator.gpu. */
const kNodeLibraries: readonly LibraryId[] = ['mec-webgpu', 'tfjs'];

const kUsage = `Usage: npm run bench -- [options]

Runs each benchmark layer (cv1…cv12, GoogLeNet 5×5, MobileNet depthwise) under our algorithms and
the peers, on identical input and weights, in headless Chromium (WebGPU), and writes
${kOutDir}/<date>-<adapter>[-quick].json and .html (self-contained, charts inlined).

Options:
  --layers a,b,...       layer ids (default: all): ${kBenchLayers.map((l) => l.id).join(', ')}
  --contestants a,b,...  default: ${kAllContestants.join(',')}
                         ('depthwise' runs only on the depthwise layers)
  --batch N              images per convolution, i_n (default 1)
  --quick                scale H and W by ${kQuickScale} (kernels, channels, strides kept): a run of minutes
  --runs N               timed runs per step (default ${kDefaultRuns})
  --warmup N             untimed runs first, N ≥ 1 (default ${kDefaultWarmup}); the first is the cold call, reported on its own
  --node                 in Node (Dawn), no browser: our algorithms and TF.js (ORT-web needs a page)
  --sequential           time each contestant's runs in one go (default: in rounds over the layer's contestants)
  --out DIR              where to write the JSON and HTML (default ${kOutDir})
  --help                 this text

Exit status: 0 when every step ran and matched the reference, 1 otherwise, 2 on bad arguments.`;

interface Config {
  layers: typeof kBenchLayers[number][];
  contestants: ContestantId[];
  batch: number;
  quick: boolean;
  runs: number;
  warmup: number;
  node: boolean;
  /** Timed runs in rounds over every contestant of a layer (the default), not one contestant after another. */
  interleave: boolean;
  out: string;
}

function parseConfig(argv: string[]): Config | 'help' {
  const values = parseOptions(argv, {
    layers: { type: 'string' },
    contestants: { type: 'string' },
    batch: { type: 'string' },
    quick: { type: 'boolean' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    node: { type: 'boolean' },
    sequential: { type: 'boolean' },
    out: { type: 'string' },
  });
  if (values === 'help') return 'help';
  const layers = (listOption('layers', values.layers) ?? kBenchLayers.map((l) => l.id)).map((id) => {
    const layer = kBenchLayers.find((l) => l.id === id);
    if (!layer) throw new UsageError(`--layers: unknown layer '${id}'; known: ${kBenchLayers.map((l) => l.id).join(', ')}`);
    return layer;
  });
  const node = values.node ?? false;
  const named = listOption('contestants', values.contestants);
  const contestants = (named ?? kAllContestants.filter((c) => !node || kNodeLibraries.includes(kContestants[c].library))).map((c) => {
    if (!isContestantId(c)) throw new UsageError(`--contestants: unknown contestant '${c}'; known: ${kAllContestants.join(', ')}`);
    if (node && !kNodeLibraries.includes(kContestants[c].library)) throw new UsageError(`--contestants: '${c}' runs only in the browser; --node runs ${[...kOurAlgorithms, 'tfjs'].join(', ')}`);
    return c;
  });
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a directory');
  return {
    layers,
    contestants,
    batch: integerOption('batch', values.batch, 1, 1),
    quick: values.quick ?? false,
    runs: integerOption('runs', values.runs, kDefaultRuns, 1),
    warmup: integerOption('warmup', values.warmup, kDefaultWarmup, 1),
    node,
    interleave: !(values.sequential ?? false),
    out: values.out ?? kOutDir,
  };
}

/** What runs the steps: the page's window.bench, or a BenchSession in this process. */
interface Runner {
  adapter?: AdapterReport;
  libraries: LibraryStatus[];
  userAgent?: string;
  externalRequests?: string[];
  setLayer(conv: LayerConv): Promise<LayerSummary>;
  run(contestant: ContestantId, options: Omit<MeasureOptions, 'onProgress'>): Promise<ContestantResult>;
  timeInterleaved(contestants: ContestantId[], runs: number): Promise<Partial<Record<ContestantId, number[]>>>;
  tuneAuto(): Promise<{ ms: number; choice: string; candidates: Record<string, number> }>;
  gemmPeak(size: number): Promise<GemmPeak>;
  close(): Promise<void>;
}

let progressPrefix = '';
const progress = (line: string) => console.error(`${progressPrefix}${line}`);

async function nodeRunner(libraries: LibraryId[]): Promise<Runner> {
  const { getGpu } = await import('../src/gpu/device');
  const { BenchSession } = await import('../bench/session');
  const gpu = await getGpu(); // puts Dawn's GPUDevice and GPUBuffer on globalThis, before any device exists
  // TF.js's WebGPU backend looks for navigator.gpu: hand it the same Dawn instance as ours.
  if (typeof navigator === 'undefined') Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!navigator.gpu) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  const session = await BenchSession.create(libraries, globalThis as never);
  return {
    adapter: session.adapter(),
    libraries: session.status,
    userAgent: `Node ${process.version}, Dawn (npm webgpu)`,
    setLayer: (conv) => session.setLayer(conv),
    run: (contestant, options) => session.run(contestant, { ...options, onProgress: (what) => progress(`: ${what}`) }),
    timeInterleaved: (contestants, runs) => session.timeInterleaved(contestants, runs, (what) => progress(`: ${what}`)),
    tuneAuto: () => session.tuneAuto(),
    gemmPeak: (size) => session.gemmPeak(size),
    close: () => session.destroy(),
  };
}

/**
 * Every layer runs in a fresh page, so no library's buffer pool or pipeline cache carries over
 * from one layer to the next (ORT's JSEP keeps a free list across sessions that nothing outside
 * it can empty): first-call time and bytes, and the peak, are each layer's own.
 */
async function chromiumRunner(libraries: LibraryId[]): Promise<Runner> {
  const { openChromiumPage } = await import('../bench/chromium');
  const chromium = await openChromiumPage({
    path: 'bench/page/index.html',
    protocolTimeoutMs: kStepTimeoutMs,
    onConsole: (type, text) => {
      if (text.startsWith('bench-progress ')) progress(`: ${text.slice(text.indexOf(': ') + 2)}`);
      else if (type === 'error' || type === 'warn' || type === 'pageerror' || type === 'requestfailed') progress(`  [chrome ${type}] ${text}`);
    },
  });
  const { page } = chromium;
  const init = async () => {
    await page.waitForFunction(() => window.benchReady === true, { timeout: 120_000 });
    return page.evaluate((libs) => window.bench.init(libs), libraries);
  };
  try {
    const info = await init();
    let fresh = true;
    return {
      ...info,
      get externalRequests() {
        return [...chromium.externalRequests];
      },
      async setLayer(conv) {
        if (!fresh) {
          await page.evaluate(() => window.bench.destroy()).catch(() => undefined);
          await page.goto(chromium.url, { waitUntil: 'load' });
          const again = await init();
          for (const l of again.libraries) if (l.error) progress(`  ${l.id} failed to load in the fresh page: ${l.error}`);
        }
        fresh = false;
        return (await page.evaluate((c) => window.bench.setLayer(c), conv as never)) as LayerSummary;
      },
      run: (contestant, options) => page.evaluate((c, o) => window.bench.run(c, o), contestant, options) as Promise<ContestantResult>,
      timeInterleaved: (contestants, runs) => page.evaluate((c, r) => window.bench.timeInterleaved(c, r), contestants, runs),
      tuneAuto: () => page.evaluate(() => window.bench.tuneAuto()),
      gemmPeak: (size) => page.evaluate((n) => window.bench.gemmPeak(n), size),
      async close() {
        await page.evaluate(() => window.bench.destroy()).catch(() => undefined);
        await chromium.close();
      },
    };
  } catch (e) {
    await chromium.close();
    throw e;
  }
}

/** Workspace formulas of MEC.md in bytes at the size run: MEC i_n·o_w·i_h·k_w·i_c, im2col i_n·o_h·o_w·k_h·k_w·i_c. */
function formulaBytes(conv: LayerConv): { mecBytes: number; im2colBytes: number } {
  const p = normalizeConvParams(conv.xShape, conv.wShape, conv.options);
  return {
    mecBytes: 4 * mecFormulaElements(p),
    im2colBytes: 4 * im2colFormulaElements(p),
  };
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'unknown-adapter';
}

async function main(): Promise<number> {
  const config = configOrExit('bench', kUsage, parseConfig);
  if (typeof config === 'number') return config;
  const scale = config.quick ? kQuickScale : 1;
  const steps = config.layers.flatMap((layer) => config.contestants.filter((c) => !kContestants[c].depthwiseOnly || isDepthwiseLayer(layer)).map((c) => ({ layer, c })));
  if (steps.length === 0) {
    console.error("bench: nothing to run ('depthwise' applies only to the depthwise layers)");
    return 2;
  }
  const libraries = [...new Set(config.contestants.map((c) => kContestants[c].library))];
  // Our library first: it is what the adapter line describes and what stands in for the reference on big layers.
  if (!libraries.includes('mec-webgpu')) libraries.unshift('mec-webgpu');
  else libraries.sort((a, b) => (a === 'mec-webgpu' ? -1 : b === 'mec-webgpu' ? 1 : 0));

  const startedAt = new Date();
  const t0 = performance.now();
  console.log(
    `bench: ${config.node ? 'Node (Dawn), our algorithms and TF.js' : 'headless Chromium, every library on navigator.gpu'}; ${config.layers.length} layer(s) × [${config.contestants.join(', ')}], ` +
      `batch ${config.batch}${config.quick ? `, --quick: H and W × ${kQuickScale}` : ''}; ${config.warmup} warm-up (1 cold) + ${config.runs} timed run(s) per step`,
  );
  progress(`starting ${config.node ? 'Dawn' : 'Vite + Chromium'} and loading ${libraries.join(', ')}…`);
  const runner = config.node ? await nodeRunner(libraries) : await chromiumRunner(libraries);
  const layerResults: LayerResults[] = [];
  let failedToStart = false;
  let gemmPeak: GemmPeak | undefined;
  try {
    console.log(`Adapter: ${runner.adapter?.name ?? 'none'}${runner.adapter ? ` (${Object.entries(runner.adapter.limits).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
    for (const l of runner.libraries) console.log(`  ${l.id}: ${l.description ?? `FAILED TO LOAD: ${l.error}`}`);
    console.log(`Time: ${kTimingNote}; ${config.interleave ? kInterleavedNote : 'each contestant\'s runs in one go'}.`);
    if (!runner.adapter) {
      failedToStart = true;
      throw new Error('no library loaded: no WebGPU adapter?');
    }
    const width = String(steps.length).length;
    let done = 0;
    for (const layer of config.layers) {
      const conv = layerConv(layer, { batch: config.batch, scale });
      const shape = describeLayerConv(conv);
      progressPrefix = '';
      progress(`${layer.id} ${shape}: input, weights and expected output…`);
      const summary = await runner.setLayer(conv);
      const entry: LayerResults = {
        layer: layer.id, network: layer.network, shape, xShape: conv.xShape, wShape: conv.wShape, flops: summary.flops, expected: summary.expected, formulas: formulaBytes(conv), results: [],
      };
      layerResults.push(entry);
      for (const { c } of steps.filter((s) => s.layer === layer)) {
        done++;
        const prefix = `[${String(done).padStart(width)}/${steps.length}] ${layer.id} ${c}`;
        const started = performance.now();
        if (c === 'auto') {
          progress(`${prefix}: autotune…`);
          const tuned = await runner.tuneAuto();
          entry.autotune = tuned;
          progress(`${prefix}: autotune chose ${tuned.choice} in ${(tuned.ms / 1000).toFixed(1)} s (${Object.keys(tuned.candidates).length} candidates)`);
        }
        progressPrefix = prefix;
        // Interleaved, the timed runs come after every contestant's own step; one here gives the peak memory.
        const result = await runner.run(c, { runs: config.interleave ? 1 : config.runs, warmup: config.warmup });
        progressPrefix = '';
        entry.results.push(result);
        progress(`${prefix}${result.ran ? `→${result.ran}` : ''}: ${stepLine(result)} (step ${((performance.now() - started) / 1000).toFixed(1)} s)`);
      }
      if (config.interleave) {
        const ran = entry.results.filter((r) => !r.error).map((r) => r.contestant);
        progressPrefix = `${layer.id} interleaved`;
        const started = performance.now();
        const times = await runner.timeInterleaved(ran, config.runs);
        progressPrefix = '';
        for (const r of entry.results) applyTimes(r, times[r.contestant], conv);
        progress(`${layer.id}: ${config.runs} interleaved rounds of ${ran.join(', ')} (${((performance.now() - started) / 1000).toFixed(1)} s): ${entry.results.map((r) => `${r.contestant} ${r.medianMs.toFixed(1)} ms`).join(', ')}`);
      }
    }
    if (config.contestants.some((c) => kContestants[c].library === 'mec-webgpu')) {
      const size = config.quick ? 512 : 1024;
      progress(`GEMM peak: ${size}×${size}×${4 * size} with every kernel…`);
      gemmPeak = await runner.gemmPeak(size);
    }
  } finally {
    progressPrefix = '';
    await runner.close();
  }
  if (failedToStart) return 1;

  const elapsedMs = performance.now() - t0;
  const summary = summarize(layerResults, config.contestants);
  const report: BenchReport = {
    tool: 'mec-webgpu bench',
    startedAt: startedAt.toISOString(),
    elapsedMs,
    environment: config.node ? 'node' : 'chromium',
    userAgent: runner.userAgent,
    adapter: runner.adapter,
    libraries: runner.libraries,
    config: { layers: config.layers.map((l) => l.id), contestants: config.contestants, batch: config.batch, quick: config.quick, scale, runs: config.runs, warmup: config.warmup, interleave: config.interleave },
    timing: config.interleave ? `${kTimingNote}; ${kInterleavedNote}` : kTimingNote,
    memory: kMemoryNote,
    correctness: kCorrectnessNote,
    externalRequests: runner.externalRequests,
    layers: layerResults,
    summary,
    gemmPeak,
  };

  console.log(`\nResults (median of ${config.runs} timed runs; ×TF.js = TF.js ms / ms, > 1 is faster; total ${(elapsedMs / 1000).toFixed(0)} s)`);
  console.log(resultsTable(layerResults));
  console.log(`\nMemory: ${kMemoryNote}.`);
  console.log(`Correctness: ${kCorrectnessNote}.`);
  console.log('\nGeomean per contestant (speed-up = baseline ms / contestant ms):');
  console.log(summaryText(summary));
  if (gemmPeak) console.log(`\n${peakText(layerResults, gemmPeak)}`);
  const passes = passesText(layerResults);
  if (passes) console.log(`\n${passes}`);
  if (runner.externalRequests) console.log(`\nExternal requests during the run: ${runner.externalRequests.length ? runner.externalRequests.join(', ') : 'none'}`);

  mkdirSync(config.out, { recursive: true });
  const name = `${startedAt.toISOString().slice(0, 10)}-${slug([runner.adapter?.vendor, runner.adapter?.architecture].filter((s) => s).join(' ') || runner.adapter?.name || '')}${config.node ? '-node' : ''}${config.quick ? '-quick' : ''}${config.batch > 1 ? `-batch${config.batch}` : ''}`;
  const jsonPath = join(config.out, `${name}.json`);
  const htmlPath = join(config.out, `${name}.html`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const chartJs = readFileSync(new URL('../node_modules/chart.js/dist/chart.umd.min.js', import.meta.url), 'utf8');
  writeFileSync(htmlPath, htmlReport(report, chartJs));
  console.log(`\nWrote ${jsonPath} and ${htmlPath}`);

  const failed = layerResults.flatMap((l) => l.results).filter((r) => r.error).length;
  const mismatched = layerResults.flatMap((l) => l.results).filter((r) => r.correctness && !r.correctness.ok).length;
  if (failed || mismatched) console.log(`\n${failed} step(s) failed, ${mismatched} mismatched the reference: see the table.`);
  return failed || mismatched || runner.externalRequests?.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    process.exit(1);
  },
);
