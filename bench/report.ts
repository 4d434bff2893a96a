// The bench's results as data, text tables, geomean summaries and a self-contained HTML report.
// Pure functions (no Node APIs): the CLI writes the files.
import { type ContestantId, kContestants } from './contestants';
import { type ContestantResult, kPassTimingRuns } from './measure';
import { gemmKernelName } from '../src/plans/gemm';
import type { GemmPeak } from '../src/profile/gemm-peak';
import type { AdapterReport, LibraryStatus } from './session';

export interface LayerResults {
  layer: string;
  network: string;
  /** 'H×W×C → k×k,k_c s2 p1' as run (after --quick scaling). */
  shape: string;
  xShape: readonly number[];
  wShape: readonly number[];
  flops: number;
  expected: string;
  /** Workspace formulas at this size (MEC.md), bytes: MEC's L and im2col's lowered matrix. */
  formulas: { mecBytes: number; im2colBytes: number };
  results: ContestantResult[];
  /** What our autotuner chose for 'auto' on this layer, and how long tuning took (once per shape class). */
  autotune?: { ms: number; choice: string; candidates: Record<string, number>; finals?: Record<string, number> };
}

export interface BenchReport {
  tool: 'mec-webgpu bench';
  startedAt: string;
  elapsedMs: number;
  /** 'chromium' (every library on navigator.gpu in one page) or 'node' (ours only, Dawn). */
  environment: 'chromium' | 'node';
  userAgent?: string;
  adapter?: AdapterReport;
  libraries: LibraryStatus[];
  config: { layers: string[]; contestants: ContestantId[]; batch: number; quick: boolean; scale: number; runs: number; warmup: number; interleave?: boolean };
  /** How time is measured, in words (also printed). */
  timing: string;
  memory: string;
  correctness: string;
  /** Requests the page tried to send off this machine (all blocked): should be empty. */
  externalRequests?: string[];
  layers: LayerResults[];
  summary: SummaryLine[];
  /** The best GEMM our engine reaches on this adapter, for the share-of-peak figures. */
  gemmPeak?: GemmPeak;
}

export interface SummaryLine {
  contestant: ContestantId | 'best-mec';
  label: string;
  /** Geomean over the layers both ran, of (baseline ms / contestant ms): > 1 is faster than the baseline. */
  speedup: Partial<Record<'tfjs' | 'ort-jsep' | 'ort-webgpu' | 'im2col', { geomean: number; layers: number }>>;
  /** Geomean of GFLOP/s over the layers it ran. */
  gflops: number;
  failed: number;
  mismatched: number;
}

export const kTimingNote =
  'wall time from the call until the library’s queue has drained (performance.now() around the call + device.queue.onSubmittedWorkDone()); ' +
  'TF.js’s open compute pass is ended and submitted before waiting; ORT keeps input and output on the GPU; no GPU timestamp queries';
export const kMemoryNote =
  'bytes of GPU buffers counted by patching GPUDevice.prototype.createBuffer and GPUBuffer.prototype.destroy before any library creates its device (one counter for all); ' +
  'peak = most bytes alive on the library’s device during a timed call (pools, input, weights and output included) less what was alive before the layer’s setup; ' +
  'workspace = the temporary bytes our plan declares; first call = bytes created by the cold call. ' +
  'In Chromium every layer runs in a fresh page (no pool or pipeline cache carries over between layers); our engine’s pool is emptied before each contestant';
export const kCorrectnessNote = 'max |diff| against the float64 CPU reference (our mec-b output on layers above 4 GFLOP); a row fails when some |diff| > 1e-5·sqrt(k_h·k_w·i_c/g)·(1+|ref|)';

const kMiB = 2 ** 20;
const fixed = (v: number | undefined, digits: number) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '—');
export const mib = (bytes: number | undefined) => fixed(bytes === undefined ? undefined : bytes / kMiB, 2);
const gf = (v: number) => fixed(v, v < 0.1 ? 3 : 2);

export function geomean(values: readonly number[]): number {
  const ok = values.filter((v) => v > 0 && Number.isFinite(v));
  return ok.length ? Math.exp(ok.reduce((a, v) => a + Math.log(v), 0) / ok.length) : NaN;
}

const good = (r: ContestantResult | undefined): r is ContestantResult => !!r && !r.error && Number.isFinite(r.medianMs);

/** Per layer: the best of MEC A and MEC B by median (what a tuned 'auto' would pick). */
function bestMec(l: LayerResults): ContestantResult | undefined {
  const mec = l.results.filter((r) => (r.contestant === 'mec-a' || r.contestant === 'mec-b') && good(r));
  return mec.sort((a, b) => a.medianMs - b.medianMs)[0];
}

export function summarize(layers: readonly LayerResults[], contestants: readonly ContestantId[]): SummaryLine[] {
  const baselines = ['tfjs', 'ort-jsep', 'ort-webgpu', 'im2col'] as const;
  const line = (contestant: ContestantId | 'best-mec', label: string, pick: (l: LayerResults) => ContestantResult | undefined): SummaryLine => {
    const speedup: SummaryLine['speedup'] = {};
    for (const b of baselines) {
      if (b === contestant || !contestants.includes(b)) continue;
      const ratios = layers.flatMap((l) => {
        const r = pick(l);
        const base = l.results.find((x) => x.contestant === b);
        return good(r) && good(base) ? [base.medianMs / r.medianMs] : [];
      });
      if (ratios.length) speedup[b] = { geomean: geomean(ratios), layers: ratios.length };
    }
    const picked = layers.map(pick).filter((r): r is ContestantResult => r !== undefined);
    return {
      contestant,
      label,
      speedup,
      gflops: geomean(picked.filter(good).map((r) => r.gflops)),
      failed: picked.filter((r) => r.error).length,
      mismatched: picked.filter((r) => r.correctness && !r.correctness.ok).length,
    };
  };
  const lines = contestants.map((c) => line(c, kContestants[c].label, (l) => l.results.find((r) => r.contestant === c)));
  if (contestants.includes('mec-a') && contestants.includes('mec-b')) lines.push(line('best-mec', 'best of MEC A/B', bestMec));
  return lines;
}

/** A plain text table: the first `left` columns left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][], left = 3): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function contestantName(r: ContestantResult): string {
  return r.ran ? `${r.contestant}→${r.ran}` : r.contestant;
}

/** One line per step, for the progress log. */
export function stepLine(r: ContestantResult): string {
  if (r.error) return `failed: ${r.error}`;
  const c = r.correctness;
  const check = c ? `, max|diff| ${c.maxAbsDiff.toExponential(1)}${c.ok ? '' : ` MISMATCH (${c.mismatches} elements)`}` : '';
  return `median ${fixed(r.medianMs, 1)} ms (${fixed(r.minMs, 1)}–${fixed(r.maxMs, 1)}), ${gf(r.gflops)} GFLOP/s, peak ${mib(r.peakBytes)} MiB, first call ${fixed(r.firstCallMs, 0)} ms${check}`;
}

/** The main table; failed rows say `error [i]` and mismatched rows `MISMATCH`, explained below it. */
export function resultsTable(layers: readonly LayerResults[]): string {
  const notes: string[] = [];
  const rows = layers.flatMap((l) => {
    const tf = l.results.find((r) => r.contestant === 'tfjs');
    return l.results.map((r) => {
      const name = contestantName(r);
      if (r.error) {
        notes.push(`[${notes.length + 1}] ${l.layer} ${name}: ${r.error}`);
        return [l.layer, l.shape, name, `error [${notes.length}]`, '', '', '', '', '', '', '', ''];
      }
      const c = r.correctness;
      const check = !c ? '—' : c.ok ? c.maxAbsDiff.toExponential(1) : `MISMATCH ${c.maxAbsDiff.toExponential(1)}`;
      if (c && !c.ok) notes.push(`[${notes.length + 1}] ${l.layer} ${name}: ${c.mismatches} element(s) beyond tolerance against the ${c.against}, max |diff| ${c.maxAbsDiff}`);
      return [
        l.layer,
        l.shape,
        name,
        fixed(r.medianMs, 1),
        `${fixed(r.minMs, 1)}–${fixed(r.maxMs, 1)}`,
        gf(r.gflops),
        mib(r.workspaceBytes),
        mib(r.peakBytes),
        mib(r.firstCallBytes),
        fixed(r.firstCallMs, 0),
        good(tf) ? fixed(tf.medianMs / r.medianMs, 2) : '—',
        check,
      ];
    });
  });
  const table = formatTable(
    ['layer', 'shape', 'contestant', 'median ms', 'min–max ms', 'GFLOP/s', 'workspace MiB', 'peak MiB', '1st-call MiB', '1st-call ms', '×TF.js', 'max|diff|'],
    rows,
  );
  return notes.length ? `${table}\n\n${notes.join('\n')}` : table;
}

/** Where our contestants' GPU time goes, pass by pass (timestamp queries), against their wall time. */
export function passesText(layers: readonly LayerResults[]): string {
  const rows = layers.flatMap((l) =>
    l.results
      .filter((r) => r.passes?.length)
      .map((r) => {
        const total = r.passes!.reduce((a, p) => a + p.ms, 0);
        return [l.layer, contestantName(r), r.passes!.map((p) => `${p.name} ${fixed(p.ms, 1)}`).join(' + '), fixed(total, 1), fixed(r.medianMs, 1)];
      }),
  );
  if (!rows.length) return '';
  return `GPU time per pass (timestamp queries, ms, median of ${kPassTimingRuns} calls; one compute pass per dispatch)\n${formatTable(['layer', 'contestant', 'passes', 'GPU ms', 'wall ms'], rows, 2)}`;
}

export function summaryText(summary: readonly SummaryLine[]): string {
  const names: Record<string, string> = { tfjs: 'TF.js', 'ort-jsep': 'ORT-web JSEP', 'ort-webgpu': 'ORT-web WebGPU EP', im2col: 'our im2col' };
  return summary
    .map((s) => {
      const parts = Object.entries(s.speedup).map(([b, v]) => `${fixed(v.geomean, 2)}× vs ${names[b]} (${v.layers} layers)`);
      const problems = [s.failed ? `${s.failed} failed` : '', s.mismatched ? `${s.mismatched} MISMATCHED` : ''].filter((p) => p).join(', ');
      return `${s.label.padEnd(20)} geomean ${gf(s.gflops)} GFLOP/s; ${parts.length ? parts.join(', ') : 'no baseline ran'}${problems ? `; ${problems}` : ''}`;
    })
    .join('\n');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside <script>: no '</script>' or '<!--' can appear. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** The report as one HTML file: the chart library's source is inlined, so it opens offline. */
export function htmlReport(report: BenchReport, chartJsSource: string): string {
  const title = `mec-webgpu bench, ${report.adapter?.name ?? 'unknown adapter'}, ${report.startedAt.slice(0, 10)}${report.config.quick ? ' (--quick)' : ''}`;
  const summaryRows = report.summary
    .map((s) => {
      const cell = (b: string) => {
        const v = s.speedup[b as keyof SummaryLine['speedup']];
        return `<td>${v ? `${v.geomean.toFixed(2)}× <small>(${v.layers})</small>` : '—'}</td>`;
      };
      return `<tr><th>${escapeHtml(s.label)}</th><td>${gf(s.gflops)}</td>${['tfjs', 'ort-jsep', 'ort-webgpu', 'im2col'].map(cell).join('')}<td>${s.failed}</td><td>${s.mismatched}</td></tr>`;
    })
    .join('\n');
  const passes = passesText(report.layers);
  const rows = report.layers
    .flatMap((l) =>
      l.results.map((r) => {
        const c = r.correctness;
        const bad = r.error || (c && !c.ok);
        return `<tr${bad ? ' class="bad"' : ''}><td>${escapeHtml(l.layer)}</td><td>${escapeHtml(l.shape)}</td><td>${escapeHtml(contestantName(r))}</td>${
          r.error
            ? `<td colspan="8">${escapeHtml(r.error)}</td>`
            : `<td>${fixed(r.medianMs, 1)}</td><td>${fixed(r.minMs, 1)}–${fixed(r.maxMs, 1)}</td><td>${gf(r.gflops)}</td><td>${mib(r.workspaceBytes)}</td><td>${mib(r.peakBytes)}</td><td>${mib(r.firstCallBytes)}</td><td>${fixed(r.firstCallMs, 0)}</td><td>${
                c ? `${c.ok ? '' : 'MISMATCH '}${c.maxAbsDiff.toExponential(1)}` : '—'
              }</td>`
        }</tr>`;
      }),
    )
    .join('\n');
  const layerRows = report.layers
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.layer)}</td><td>${escapeHtml(l.network)}</td><td>${escapeHtml(l.shape)}</td><td>${(l.flops / 1e9).toPrecision(3)}</td>` +
        `<td>${mib(l.formulas.mecBytes)} MiB</td><td>${mib(l.formulas.im2colBytes)} MiB</td><td>${fixed(l.formulas.im2colBytes / l.formulas.mecBytes, 2)}×</td><td>${escapeHtml(l.expected)}</td></tr>`,
    )
    .join('\n');
  const limits = report.adapter ? Object.entries(report.adapter.limits).map(([k, v]) => `${k} ${v}`).join(', ') : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
  th:first-child, td:nth-child(-n+3), th:nth-child(-n+3) { text-align: left; }
  tr.bad td { background: #fdd; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 1rem; }
  .chart { position: relative; height: 380px; }
  small, .note { color: #666; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Adapter: <b>${escapeHtml(report.adapter?.name ?? 'unknown')}</b>; ${escapeHtml(limits)}.<br>
Environment: ${escapeHtml(report.environment)}${report.userAgent ? ` (${escapeHtml(report.userAgent)})` : ''}.<br>
Libraries: ${report.libraries.map((l) => escapeHtml(l.description ?? `${l.id}: ${l.error}`)).join('; ')}.<br>
Batch ${report.config.batch}, spatial scale ${report.config.scale}, ${report.config.warmup} warm-up + ${report.config.runs} timed runs per step; total ${(report.elapsedMs / 1000).toFixed(0)} s.
External requests: ${report.externalRequests === undefined ? 'n/a' : report.externalRequests.length === 0 ? 'none' : escapeHtml(report.externalRequests.join(', '))}.</p>
<p class="note">Time: ${escapeHtml(report.timing)}.<br>Memory: ${escapeHtml(report.memory)}.<br>Correctness: ${escapeHtml(report.correctness)}.</p>
<h2>Summary (geomean speed-up, baseline ms / contestant ms)</h2>
<table><tr><th>contestant</th><th>GFLOP/s</th><th>vs TF.js</th><th>vs ORT JSEP</th><th>vs ORT WebGPU EP</th><th>vs our im2col</th><th>failed</th><th>mismatched</th></tr>
${summaryRows}
</table>
<div class="charts">
  <div><h2>Throughput (GFLOP/s, log scale, higher is better)</h2><div class="chart"><canvas id="speed"></canvas></div></div>
  <div><h2>Peak GPU memory during a call (MiB, log scale)</h2><div class="chart"><canvas id="memory"></canvas></div></div>
</div>
${report.gemmPeak ? `<h2>Share of the GEMM peak, and what autotune chose</h2>\n<pre>${escapeHtml(peakText(report.layers, report.gemmPeak))}</pre>` : ''}
${passes ? `<h2>Where the GPU time goes</h2>\n<pre>${escapeHtml(passes)}</pre>` : ''}
<h2>Layers and workspace formulas (MEC.md, float32, at the size run)</h2>
<table><tr><th>layer</th><th>network</th><th>shape</th><th>GFLOP</th><th>MEC L: i_n·o_w·i_h·k_w·i_c</th><th>im2col: i_n·o_h·o_w·k_h·k_w·i_c</th><th>im2col / MEC</th><th>outputs compared with</th></tr>
${layerRows}
</table>
<h2>All steps</h2>
<table><tr><th>layer</th><th>shape</th><th>contestant</th><th>median ms</th><th>min–max ms</th><th>GFLOP/s</th><th>workspace MiB</th><th>peak MiB</th><th>1st-call MiB</th><th>1st-call ms</th><th>max |diff|</th></tr>
${rows}
</table>
<script>${chartJsSource.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const report = ${scriptJson(report)};
const layers = report.layers.map((l) => l.layer);
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const datasets = (value) => report.config.contestants.map((c, i) => ({
  label: c,
  backgroundColor: palette[i % palette.length],
  data: report.layers.map((l) => {
    const r = l.results.find((x) => x.contestant === c);
    return r && !r.error ? value(r) : null;
  }),
}));
const options = () => ({ responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { type: 'logarithmic' } } });
new Chart(document.getElementById('speed'), { type: 'bar', data: { labels: layers, datasets: datasets((r) => r.gflops) }, options: options() });
new Chart(document.getElementById('memory'), { type: 'bar', data: { labels: layers, datasets: datasets((r) => r.peakBytes / 1048576) }, options: options() });
</script>
</body>
</html>
`;
}

/** Each layer's throughput as a share of the best GEMM the engine reaches on this adapter. */
export function peakText(layers: LayerResults[], peak: GemmPeak): string {
  const best = `${gemmKernelName(peak.best.kernel)}: ${gf(peak.best.gflops)} GFLOP/s`;
  const kernels = Object.entries(peak.byKernel).map(([k, g]) => `${k} ${gf(g)}`).join(', ');
  const lines = [`GEMM peak (${peak.size}×${peak.size}×${4 * peak.size}, every kernel; best ${best}; ${kernels})`, 'layer            auto GFLOP/s  % of peak  best MEC GFLOP/s  % of peak  autotune'];
  for (const l of layers) {
    const auto = l.results.find((r) => r.contestant === 'auto' && !r.error);
    const mec = l.results.filter((r) => (r.contestant === 'mec-a' || r.contestant === 'mec-b') && !r.error).sort((a, b) => b.gflops - a.gflops)[0];
    const pct = (r?: ContestantResult) => (r ? `${((100 * r.gflops) / peak.best.gflops).toFixed(0)} %` : '—');
    const tune = l.autotune ? `${l.autotune.choice} (${(l.autotune.ms / 1000).toFixed(1)} s)` : '—';
    lines.push(`${l.layer.padEnd(16)} ${(auto ? gf(auto.gflops) : '—').padStart(12)}  ${pct(auto).padStart(9)}  ${(mec ? gf(mec.gflops) : '—').padStart(16)}  ${pct(mec).padStart(9)}  ${tune}`);
  }
  return lines.join('\n');
}

/**
 * The README's results: one row per layer (auto, best MEC, im2col and the peers, ms; auto's
 * GFLOP/s and share of the GEMM peak) and the geomean speed-ups of auto and best MEC.
 */
export function markdownResults(report: BenchReport): string {
  const ms = (r?: ContestantResult) => (good(r) ? fixed(r.medianMs, r.medianMs < 10 ? 2 : 1) : '—');
  const peak = report.gemmPeak?.best.gflops;
  const rows = report.layers.map((l) => {
    const of = (c: ContestantId) => l.results.find((r) => r.contestant === c);
    const auto = of('auto');
    const tfjs = of('tfjs');
    const share = good(auto) && peak ? `${((100 * auto.gflops) / peak).toFixed(0)} %` : '—';
    const vsTfjs = good(auto) && good(tfjs) ? `${(tfjs.medianMs / auto.medianMs).toFixed(1)}×` : '—';
    return `| ${l.layer} | ${auto?.ran ?? '—'} | ${ms(auto)} | ${good(auto) ? gf(auto.gflops) : '—'} | ${share} | ${ms(bestMec(l))} | ${ms(of('im2col'))} | ${ms(tfjs)} | ${ms(of('ort-jsep'))} | ${ms(of('ort-webgpu'))} | ${vsTfjs} |`;
  });
  const ratio = (line: SummaryLine | undefined, b: keyof SummaryLine['speedup']) => {
    const s = line?.speedup[b];
    return s ? `${s.geomean.toFixed(2)}×` : '—';
  };
  const summaryRows = (['auto', 'best-mec'] as const).map((c) => {
    const line = report.summary.find((s) => s.contestant === c);
    return `| ${line?.label ?? c} | ${ratio(line, 'tfjs')} | ${ratio(line, 'ort-jsep')} | ${ratio(line, 'ort-webgpu')} | ${ratio(line, 'im2col')} |`;
  });
  return [
    '| layer | auto ran | auto ms | GFLOP/s | % of GEMM peak | best MEC ms | im2col ms | TF.js 4.22 ms | ORT-web JSEP ms | ORT-web WebGPU EP ms | vs TF.js |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Geomean over the ${report.layers.length} layers, speed-up = their ms / our ms:`,
    '',
    '| ours | vs TF.js | vs ORT-web (JSEP) | vs ORT-web (WebGPU EP) | vs our im2col |',
    '|---|---|---|---|---|',
    ...summaryRows,
  ].join('\n');
}
