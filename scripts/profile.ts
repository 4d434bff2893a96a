// npm run profile -- [options]: time the benchmark layers of MEC.md under each algorithm and
// compare MEC's workspace with im2col's. Progress goes to stderr, tables to stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type BenchLayer, describeLayerConv, isDepthwiseLayer, kBenchLayers, type LayerConv, layerConv } from '../bench/layers';
import { type Algorithm, type ConvEngine, createConvEngine, DeviceLostError } from '../src/index';
import { kAlgorithms } from '../src/params';
import { compareWorkspace, type ConvTiming, timeConv2d, uploadBenchTensor, type WorkspaceComparison } from '../src/profile';
import { configOrExit, integerOption, listOption, parseOptions, UsageError } from './cli';

/** Spatial scale of --quick: H and W × 1/4 (never below k + stride): the whole default set in well under a minute on 2 idle cores with SwiftShader. */
const kQuickScale = 0.25;
const kMiB = 2 ** 20;
/** 'depthwise' only runs on the depthwise layers; the others take every algorithm listed. */
const kDefaultAlgorithms: readonly Algorithm[] = ['mec-a', 'mec-b', 'im2col', 'direct', 'depthwise', 'auto'];

const kUsage = `Usage: npm run profile -- [options]

Times each benchmark layer of MEC.md (cv1…cv12, GoogLeNet 5×5, MobileNet depthwise) under each
algorithm, then compares MEC's workspace with im2col's for every layer (computed, no GPU run).

Options:
  --layers a,b,...      layer ids (default: all): ${kBenchLayers.map((l) => l.id).join(', ')}
  --algorithms a,b,...  default: ${kDefaultAlgorithms.join(',')}
                        ('depthwise' runs only on the depthwise layers)
  --runs N              timed runs per step (default 3)
  --warmup N            untimed runs first (default 1)
  --batch N             images per convolution, i_n (default 1)
  --quick               scale H and W by ${kQuickScale} (kernels, channels, strides kept) for a run of minutes
  --json PATH           also write the results as JSON
  --help                this text

Exit status: 0 when every step ran, 1 when some step failed (its row shows the error), 2 on bad arguments.`;

interface Config {
  layers: BenchLayer[];
  algorithms: Algorithm[];
  runs: number;
  warmup: number;
  batch: number;
  quick: boolean;
  json?: string;
}

function parseConfig(argv: string[]): Config | 'help' {
  const values = parseOptions(argv, {
    layers: { type: 'string' },
    algorithms: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    batch: { type: 'string' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  });
  if (values === 'help') return 'help';
  const layerIds = listOption('layers', values.layers);
  const layers = layerIds ? layerIds.map((id) => {
    const layer = kBenchLayers.find((l) => l.id === id);
    if (!layer) throw new UsageError(`--layers: unknown layer '${id}'; known: ${kBenchLayers.map((l) => l.id).join(', ')}`);
    return layer;
  }) : [...kBenchLayers];
  const algorithmNames = listOption('algorithms', values.algorithms);
  const algorithms = algorithmNames ? algorithmNames.map((a) => {
    if (!kAlgorithms.includes(a as Algorithm)) throw new UsageError(`--algorithms: unknown algorithm '${a}'; known: ${kAlgorithms.join(', ')}`);
    return a as Algorithm;
  }) : [...kDefaultAlgorithms];
  if (values.json !== undefined && values.json.trim() === '') throw new UsageError('--json needs a file path');
  return {
    layers,
    algorithms,
    runs: integerOption('runs', values.runs, 3, 1),
    warmup: integerOption('warmup', values.warmup, 1, 0),
    batch: integerOption('batch', values.batch, 1, 1),
    quick: values.quick ?? false,
    json: values.json,
  };
}

interface Step {
  conv: LayerConv;
  algorithm: Algorithm;
}

interface Row {
  layer: string;
  shape: string;
  algorithm: Algorithm;
  /** What 'auto' resolved to; the algorithm itself otherwise. */
  ran?: string;
  timing?: ConvTiming;
  error?: string;
}

function stepsFor(config: Config): Step[] {
  const scale = config.quick ? kQuickScale : 1;
  return config.layers.flatMap((layer) => {
    const conv = layerConv(layer, { batch: config.batch, scale });
    return config.algorithms.filter((a) => a !== 'depthwise' || isDepthwiseLayer(layer)).map((algorithm) => ({ conv, algorithm }));
  });
}

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const mib = (bytes: number) => fixed(bytes / kMiB, 2);
/** Two decimals, three below 0.1 so the depthwise rows on a CPU adapter do not all read 0.00. */
const gflops = (v: number) => fixed(v, v < 0.1 ? 3 : 2);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A plain text table: the first column left-aligned, the others right-aligned. */
function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function runSteps(engine: ConvEngine, config: Config, steps: Step[]): Promise<Row[]> {
  const rows: Row[] = [];
  const total = steps.length;
  const width = String(total).length;
  let uploaded: { conv: LayerConv; x: ReturnType<typeof uploadBenchTensor>; w: ReturnType<typeof uploadBenchTensor> } | undefined;
  const freeUploads = () => {
    uploaded?.x.destroy();
    uploaded?.w.destroy();
    uploaded = undefined;
  };
  for (const [i, { conv, algorithm }] of steps.entries()) {
    const row: Row = { layer: conv.layer.id, shape: describeLayerConv(conv), algorithm };
    rows.push(row);
    const prefix = `[${String(i + 1).padStart(width)}/${total}] ${conv.layer.id} ${algorithm}`;
    const started = performance.now();
    try {
      // Inputs and weights go up once per layer; every algorithm reads the same tensors.
      if (uploaded?.conv !== conv) {
        freeUploads();
        uploaded = { conv, x: uploadBenchTensor(engine, conv.xShape, 1), w: uploadBenchTensor(engine, conv.wShape, 2) };
      }
      const options = { ...conv.options, algorithm };
      row.ran = engine.plan(conv.xShape, conv.wShape, options).algorithm;
      row.timing = await timeConv2d(engine, uploaded.x, uploaded.w, options, {
        runs: config.runs,
        warmup: config.warmup,
        onRun: ({ phase, index, count }) => console.error(`${prefix}: ${phase === 'warmup' ? 'warm-up' : 'run'} ${index + 1}/${count}`),
      });
      console.error(`${prefix}: median ${fixed(row.timing.medianMs, 1)} ms (step ${seconds(performance.now() - started)})`);
    } catch (e) {
      row.error = errorText(e);
      console.error(`${prefix}: failed: ${row.error}`);
      if (e instanceof DeviceLostError) {
        // Nothing more can run on this device; record the rest as not run instead of failing each one slowly.
        for (const rest of steps.slice(i + 1)) {
          rows.push({ layer: rest.conv.layer.id, shape: describeLayerConv(rest.conv), algorithm: rest.algorithm, error: 'not run: the device was lost' });
        }
        uploaded = undefined;
        break;
      }
    }
  }
  freeUploads();
  return rows;
}

/** The timing table; a failed row says `error [i]` and its message follows the table as note i. */
function timingTable(rows: Row[]): string {
  const notes: string[] = [];
  const table = formatTable(
    ['layer', 'shape', 'algorithm', 'median ms', 'min ms', 'max ms', 'GFLOP/s', 'workspace MiB'],
    rows.map((r) => {
      const algorithm = r.algorithm === 'auto' && r.ran ? `auto→${r.ran}` : r.algorithm;
      if (!r.timing) {
        notes.push(`[${notes.length + 1}] ${r.layer} ${algorithm}: ${r.error ?? 'unknown error'}`);
        return [r.layer, r.shape, algorithm, `error [${notes.length}]`, '', '', '', ''];
      }
      const t = r.timing;
      return [r.layer, r.shape, algorithm, fixed(t.medianMs, 1), fixed(t.minMs, 1), fixed(t.maxMs, 1), gflops(t.gflops), mib(t.workspaceBytes)];
    }),
  );
  return notes.length ? `${table}\n\n${notes.join('\n')}` : table;
}

interface WorkspaceRow extends WorkspaceComparison {
  layer: string;
  shape: string;
}

/** Workspace of every layer at its real size (and the --batch given), from the plans alone. */
function workspaceRows(engine: ConvEngine, batch: number): WorkspaceRow[] {
  return kBenchLayers.map((layer) => {
    const conv = layerConv(layer, { batch });
    return { layer: layer.id, shape: describeLayerConv(conv), ...compareWorkspace(engine, conv.xShape, conv.wShape, conv.options) };
  });
}

function workspaceTable(rows: WorkspaceRow[]): string {
  return formatTable(
    ['layer', 'shape', 'MEC (B) MiB', 'MEC (A) MiB', 'im2col MiB', 'im2col/MEC', 'o_h·k_h/i_h'],
    rows.map((r) => [r.layer, r.shape, mib(r.mecBBytes), mib(r.mecABytes), mib(r.im2colBytes), fixed(r.ratio, 3), fixed(r.formulaRatio, 3)]),
  );
}

async function main(): Promise<number> {
  const config = configOrExit('profile', kUsage, parseConfig);
  if (typeof config === 'number') return config;
  const steps = stepsFor(config);
  if (steps.length === 0) {
    console.error(`profile: nothing to run: 'depthwise' only applies to the depthwise layers (${kBenchLayers.filter(isDepthwiseLayer).map((l) => l.id).join(', ')})`);
    return 2;
  }

  const engine = await createConvEngine();
  engine.device.addEventListener('uncapturederror', (event) => {
    console.error(`profile: uncaptured GPU error: ${(event as GPUUncapturedErrorEvent).error.message}`);
  });
  let finished = false;
  void engine.lost.then((e) => {
    if (!finished) console.error(`profile: ${e.message}`);
  });
  const startedAt = new Date();
  const t0 = performance.now();
  try {
    console.log(`Adapter: ${engine.adapter}`);
    console.log(
      `${steps.length} steps: ${config.layers.length} layer(s) × [${config.algorithms.join(', ')}], batch ${config.batch}, ` +
        `${config.warmup} warm-up + ${config.runs} timed run(s) each${config.quick ? `, --quick: H and W × ${kQuickScale}` : ''}`,
    );
    const skipped = config.algorithms.includes('depthwise') ? config.layers.filter((l) => !isDepthwiseLayer(l)).length : 0;
    if (skipped) console.log(`'depthwise' skipped on ${skipped} layer(s) that are not depthwise`);
    const rows = await runSteps(engine, config, steps);
    const elapsedMs = performance.now() - t0;
    console.log(`\nTimings (wall time of conv2d + onSubmittedWorkDone, ${config.runs} run(s); total ${seconds(elapsedMs)})`);
    console.log(timingTable(rows));
    const workspace = workspaceRows(engine, config.batch);
    console.log(`\nWorkspace, MEC vs im2col, every layer at full size, batch ${config.batch} (from the plans, nothing run)`);
    console.log(workspaceTable(workspace));
    if (config.json) {
      const report = {
        adapter: engine.adapter,
        startedAt: startedAt.toISOString(),
        elapsedMs,
        config: { ...config, layers: config.layers.map((l) => l.id), scale: config.quick ? kQuickScale : 1 },
        results: rows,
        workspace,
      };
      mkdirSync(dirname(config.json), { recursive: true });
      writeFileSync(config.json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`\nWrote ${config.json}`);
    }
    const failed = rows.filter((r) => r.error).length;
    if (failed) console.log(`\n${failed} of ${rows.length} step(s) failed; see the error column.`);
    return failed ? 1 : 0;
  } finally {
    finished = true;
    engine.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`profile: ${errorText(e)}`);
    process.exit(1);
  },
);
