// The demo page (index.html): pick a benchmark layer or type a shape, run our algorithms and the
// peers in this browser, and compare time, memory and correctness. The contestants, the byte
// counter and the measurements are the bench's own (bench/session.ts), so the numbers mean the same.
import Chart from 'chart.js/auto';
import { type ContestantId, kContestants, kOurAlgorithms, kPeers, type OurAlgorithm } from '../bench/contestants';
import { type BenchLayer, describeLayerConv, findBenchLayer, isDepthwiseLayer, kBenchLayers, type LayerConv, layerConv } from '../bench/layers';
import type { ContestantResult } from '../bench/measure';
import { BenchSession } from '../bench/session';
import { im2colFormulaElements, mecFormulaElements, normalizeConvParams } from '../src/params';

/** What the page exposes for tests and the curious (window.demo). */
export interface DemoState {
  /** 'loading' until the engine exists; 'unsupported' without WebGPU. */
  status: 'loading' | 'ready' | 'running' | 'done' | 'error' | 'unsupported';
  error?: string;
  adapter?: string;
  /** The convolution last shown in the formula panel. */
  conv?: { xShape: readonly number[]; wShape: readonly number[]; options: LayerConv['options'] };
  /** engine.workspaceBytes per algorithm for that convolution, as the page shows them. */
  workspaceBytes: Partial<Record<OurAlgorithm, number>>;
  results: ContestantResult[];
  charts: { time?: Chart; memory?: Chart };
}

declare global {
  interface Window {
    demo: DemoState;
  }
}

const state: DemoState = { status: 'loading', workspaceBytes: {}, results: [], charts: {} };
window.demo = state;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const kMiB = 2 ** 20;
const fmtInt = (n: number) => n.toLocaleString('en-US');
const fmtMiB = (bytes: number) => (bytes < kMiB / 4 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / kMiB).toFixed(2)} MiB`);
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const kShapeFields = ['batch', 'inH', 'inW', 'inC', 'kH', 'kW', 'outC', 'stride', 'pad', 'groups'] as const;
const kDefaultContestants: readonly ContestantId[] = ['mec-a', 'mec-b', 'im2col', 'direct', 'depthwise', 'auto', 'tfjs', 'ort-jsep'];
const kOurColor = '#2563eb';
const kPeerColor = '#f59e0b';

let session: BenchSession | undefined;

// ---------------------------------------------------------------------------------------------
// Controls

function fillControls(): void {
  const select = $<HTMLSelectElement>('layer');
  for (const l of kBenchLayers) {
    const o = document.createElement('option');
    o.value = l.id;
    o.textContent = `${l.id}: ${l.network} (${l.inH}×${l.inW}×${l.inC} → ${l.kH}×${l.kW},${l.outC}${l.stride > 1 ? ` s${l.stride}` : ''})`;
    select.append(o);
  }
  const custom = document.createElement('option');
  custom.value = 'custom';
  custom.textContent = 'custom shape (edit the fields)';
  select.append(custom);
  select.value = 'cv9';
  showPreset(findBenchLayer('cv9')!);

  const box = $('contestants');
  for (const id of [...kOurAlgorithms, ...kPeers]) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = id;
    input.checked = kDefaultContestants.includes(id);
    label.append(input, ` ${kContestants[id].label}`);
    label.title = kContestants[id].library === 'mec-webgpu' ? 'mec-webgpu' : kContestants[id].library;
    box.append(label);
  }
}

function showPreset(l: BenchLayer): void {
  const values: Record<(typeof kShapeFields)[number], number> = {
    batch: Number($<HTMLInputElement>('batch').value) || 1, inH: l.inH, inW: l.inW, inC: l.inC, kH: l.kH, kW: l.kW, outC: l.outC, stride: l.stride, pad: l.pad, groups: l.groups,
  };
  for (const f of kShapeFields) $<HTMLInputElement>(f).value = String(values[f]);
}

/** The layer the fields describe (a preset's id when unchanged, else 'custom'). */
function currentLayer(): { layer: BenchLayer; batch: number; scale: number } {
  const v = (f: (typeof kShapeFields)[number]) => Number($<HTMLInputElement>(f).value);
  const id = $<HTMLSelectElement>('layer').value;
  const preset = findBenchLayer(id);
  const layer: BenchLayer = {
    id: preset ? preset.id : 'custom',
    network: preset ? preset.network : 'custom shape',
    inH: v('inH'), inW: v('inW'), inC: v('inC'), kH: v('kH'), kW: v('kW'), outC: v('outC'), stride: v('stride'), pad: v('pad'), groups: v('groups'),
  };
  return { layer, batch: v('batch'), scale: Number($<HTMLSelectElement>('scale').value) };
}

function selectedContestants(conv: LayerConv): ContestantId[] {
  const checked = Array.from($('contestants').querySelectorAll<HTMLInputElement>('input:checked')).map((i) => i.value as ContestantId);
  return checked.filter((c) => !kContestants[c].depthwiseOnly || isDepthwiseLayer(conv.layer));
}

/** Apply ?layer=…&inH=…&contestants=a,b&scale=…&runs=…&warmup=…&autorun=1 (links and tests). */
function applyQuery(): boolean {
  const q = new URLSearchParams(location.search);
  const layer = q.get('layer');
  if (layer && (findBenchLayer(layer) || layer === 'custom')) {
    $<HTMLSelectElement>('layer').value = layer;
    const preset = findBenchLayer(layer);
    if (preset) showPreset(preset);
  }
  for (const f of [...kShapeFields, 'runs', 'warmup'] as const) {
    const value = q.get(f);
    if (value !== null) $<HTMLInputElement>(f).value = value;
  }
  const scale = q.get('scale');
  if (scale) $<HTMLSelectElement>('scale').value = scale;
  const contestants = q.get('contestants');
  if (contestants) {
    const wanted = contestants.split(',');
    for (const i of Array.from($('contestants').querySelectorAll<HTMLInputElement>('input'))) i.checked = wanted.includes(i.value);
  }
  return q.get('autorun') === '1';
}

// ---------------------------------------------------------------------------------------------
// Panels

function showAdapter(): void {
  const a = session?.adapter();
  if (!a) return;
  state.adapter = a.name;
  const limits = Object.entries(a.limits).map(([k, v]) => `<code>${k}</code> ${fmtInt(v)}`).join(', ');
  const notable = a.features.filter((f) => ['timestamp-query', 'shader-f16', 'subgroups'].includes(f));
  $('adapter').innerHTML = `<b>Adapter:</b> <span id="adapter-name"></span><br><b>Limits:</b> ${limits}<br><b>Features:</b> ${notable.join(', ') || 'none of timestamp-query, shader-f16, subgroups'}`;
  $('adapter-name').textContent = a.name;
}

/** The memory formulas of MEC.md for the shape, with numbers, and what our plans allocate. */
function showFormula(): LayerConv | undefined {
  const panel = $('formula');
  let conv: LayerConv;
  let p;
  try {
    const { layer, batch, scale } = currentLayer();
    conv = layerConv(layer, { batch, scale });
    p = normalizeConvParams(conv.xShape, conv.wShape, conv.options);
  } catch (e) {
    panel.innerHTML = '<b>Shape error:</b> <span id="shape-error"></span>';
    $('shape-error').textContent = errorText(e);
    $('shape-summary').textContent = '';
    state.conv = undefined;
    return undefined;
  }
  $('shape-summary').textContent = `runs as ${describeLayerConv(conv)} → ${p.outH}×${p.outW}×${p.outC}`;
  const mec = mecFormulaElements(p);
  const im2col = im2colFormulaElements(p);
  const engine = session?.engine;
  state.conv = { xShape: conv.xShape, wShape: conv.wShape, options: conv.options };
  state.workspaceBytes = {};
  const algorithms = kOurAlgorithms.filter((a) => a !== 'depthwise' || isDepthwiseLayer(conv.layer));
  const rows = engine
    ? algorithms
        .map((a) => {
          const bytes = engine.workspaceBytes(a, conv.xShape, conv.wShape, conv.options);
          state.workspaceBytes[a] = bytes;
          const ran = a === 'auto' ? ` (→ ${engine.plan(conv.xShape, conv.wShape, { ...conv.options, algorithm: a }).algorithm})` : '';
          return `<tr><td>${kContestants[a].label}${ran}</td><td data-workspace="${a}" data-bytes="${bytes}">${fmtInt(bytes)}</td><td>${fmtMiB(bytes)}</td></tr>`;
        })
        .join('')
    : '';
  panel.innerHTML = `<b>Workspace formulas</b> (MEC.md; i_h = ${p.paddedH} is the padded height, o_h×o_w = ${p.outH}×${p.outW})
    <table>
      <tr><th></th><th>formula</th><th>floats</th><th>bytes (f32)</th></tr>
      <tr><td>MEC (L)</td><td>i_n·o_w·i_h·k_w·i_c = ${p.batch}·${p.outW}·${p.paddedH}·${p.kW}·${p.inC}</td><td id="mec-elements">${fmtInt(mec)}</td><td>${fmtMiB(4 * mec)}</td></tr>
      <tr><td>im2col</td><td>i_n·o_h·o_w·k_h·k_w·i_c = ${p.batch}·${p.outH}·${p.outW}·${p.kH}·${p.kW}·${p.inC}</td><td id="im2col-elements">${fmtInt(im2col)}</td><td>${fmtMiB(4 * im2col)}</td></tr>
      <tr><td>ratio</td><td>im2col / MEC = o_h·k_h / i_h</td><td colspan="2">${(im2col / mec).toFixed(2)}×</td></tr>
    </table>
    ${engine ? `<b>What our plans allocate</b> (<code>engine.workspaceBytes</code>: the lowered matrix, rows padded to 4 floats, plus the packed weights)
    <table><tr><th>algorithm</th><th>bytes</th><th></th></tr>${rows}</table>` : ''}`;
  return conv;
}

function showResults(conv: LayerConv, results: ContestantResult[], expected: string): void {
  const rows = results
    .map((r) => {
      const c = r.correctness;
      const bad = r.error || (c && !c.ok);
      const name = `${kContestants[r.contestant].label}${r.ran ? ` → ${r.ran}` : ''}`;
      if (r.error) return `<tr class="bad" data-contestant="${r.contestant}"><td>${name}</td><td colspan="7" class="error"></td></tr>`;
      return `<tr${bad ? ' class="bad"' : ''} data-contestant="${r.contestant}"><td>${name}</td><td>${fmtMs(r.medianMs)}</td><td>${fmtMs(r.minMs)}–${fmtMs(r.maxMs)}</td><td>${r.gflops.toFixed(r.gflops < 0.1 ? 3 : 2)}</td>` +
        `<td data-bytes="${r.workspaceBytes ?? ''}">${r.workspaceBytes === undefined ? '—' : fmtMiB(r.workspaceBytes)}</td><td data-peak="${r.peakBytes}">${fmtMiB(r.peakBytes)}</td>` +
        `<td>${fmtMs(r.firstCallMs)}</td><td>${c ? `${c.ok ? '✓' : '✗'} ${c.maxAbsDiff.toExponential(1)}` : '—'}</td></tr>`;
    })
    .join('');
  const table = $('results');
  table.innerHTML = `<tr><th>contestant</th><th>median ms</th><th>min–max ms</th><th>GFLOP/s</th><th>workspace</th><th>peak</th><th>first call ms</th><th>max |diff|</th></tr>${rows}`;
  results.forEach((r) => {
    if (r.error) table.querySelector(`tr[data-contestant="${r.contestant}"] .error`)!.textContent = r.error;
  });
  const io = results.find((r) => Number.isFinite(r.ioBytes))?.ioBytes;
  $('notes').textContent =
    `${describeLayerConv(conv)}. Time: wall time from the call until the library's queue has drained (onSubmittedWorkDone). ` +
    `Peak: most bytes of GPU buffers alive on the library's device during a timed call, counted by one patched createBuffer/destroy for every library` +
    `${io ? `; input + weights + output alone are ${fmtMiB(io)}` : ''}. Outputs compared with the ${expected}.`;
  showBadge(results, expected);
  showCharts(results);
}

function showBadge(results: ContestantResult[], expected: string): void {
  const badge = $('badge');
  const checked = results.filter((r) => r.correctness);
  const wrong = checked.filter((r) => !r.correctness!.ok);
  const failed = results.filter((r) => r.error);
  const maxDiff = Math.max(0, ...checked.map((r) => r.correctness!.maxAbsDiff));
  if (checked.length === 0) {
    badge.className = 'badge fail';
    badge.textContent = `✗ nothing ran${failed.length ? ` (${failed.length} failed)` : ''}`;
  } else if (wrong.length) {
    badge.className = 'badge fail';
    badge.textContent = `✗ ${wrong.map((r) => kContestants[r.contestant].label).join(', ')} differ from the ${expected} (max |diff| ${maxDiff.toExponential(1)})`;
  } else {
    badge.className = 'badge ok';
    badge.textContent = `✓ ${checked.length} output(s) match the ${expected} (max |diff| ${maxDiff.toExponential(1)})${failed.length ? `; ${failed.length} failed to run` : ''}`;
  }
}

function showCharts(results: ContestantResult[]): void {
  const ran = results.filter((r) => !r.error);
  const labels = ran.map((r) => kContestants[r.contestant].label);
  const colors = ran.map((r) => (kContestants[r.contestant].library === 'mec-webgpu' ? kOurColor : kPeerColor));
  const common = { responsive: true, maintainAspectRatio: false, animation: false as const };
  state.charts.time?.destroy();
  state.charts.memory?.destroy();
  state.charts.time = new Chart($<HTMLCanvasElement>('time-chart'), {
    type: 'bar',
    data: { labels, datasets: [{ label: 'median ms', data: ran.map((r) => r.medianMs), backgroundColor: colors }] },
    options: { ...common, plugins: { legend: { display: false } }, scales: { y: { title: { display: true, text: 'ms' }, beginAtZero: true } } },
  });
  // KiB for small layers, so the bars are not all 0.0x.
  const unit = Math.max(0, ...ran.map((r) => r.peakBytes)) < kMiB ? { name: 'KiB', bytes: 1024 } : { name: 'MiB', bytes: kMiB };
  state.charts.memory = new Chart($<HTMLCanvasElement>('memory-chart'), {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'workspace (declared)', data: ran.map((r) => (r.workspaceBytes ?? 0) / unit.bytes), backgroundColor: '#93c5fd' },
        { label: 'peak alive during a call', data: ran.map((r) => r.peakBytes / unit.bytes), backgroundColor: '#1e3a8a' },
      ],
    },
    options: { ...common, scales: { y: { title: { display: true, text: unit.name }, beginAtZero: true } } },
  });
}

// ---------------------------------------------------------------------------------------------
// Running

async function run(): Promise<void> {
  if (!session || state.status === 'running') return;
  const conv = showFormula();
  if (!conv) return;
  const contestants = selectedContestants(conv);
  const runs = Math.max(1, Number($<HTMLInputElement>('runs').value) || 5);
  const warmup = Math.max(1, Number($<HTMLInputElement>('warmup').value) || 2);
  const button = $<HTMLButtonElement>('run');
  const progress = $('progress');
  button.disabled = true;
  state.status = 'running';
  state.results = [];
  $('badge').className = 'badge pending';
  $('badge').textContent = 'running…';
  try {
    for (const lib of new Set(contestants.map((c) => kContestants[c].library))) {
      progress.textContent = `loading ${lib}…`;
      await session.load(lib);
    }
    progress.textContent = 'input, weights and the float64 reference…';
    const layer = await session.setLayer(conv);
    for (const [i, c] of contestants.entries()) {
      const label = kContestants[c].label;
      progress.textContent = `${i + 1}/${contestants.length} ${label}…`;
      const result = await session.run(c, { runs, warmup, onProgress: (what) => (progress.textContent = `${i + 1}/${contestants.length} ${label}: ${what}`) });
      state.results.push(result);
      showResults(conv, state.results, layer.expected);
    }
    progress.textContent = `done: ${contestants.length} contestant(s), ${warmup} warm-up + ${runs} timed run(s) each.`;
    state.status = 'done';
  } catch (e) {
    state.status = 'error';
    state.error = errorText(e);
    progress.textContent = `failed: ${state.error}`;
  } finally {
    button.disabled = false;
  }
}

function unsupported(reason: string): void {
  state.status = 'unsupported';
  state.error = reason;
  $('no-webgpu').hidden = false;
  $('no-webgpu-reason').textContent = reason;
  $('adapter').innerHTML = '<span class="muted">no WebGPU adapter</span>';
  $<HTMLButtonElement>('run').disabled = true;
}

async function main(): Promise<void> {
  fillControls();
  const autorun = applyQuery();
  $('layer').addEventListener('change', () => {
    const preset = findBenchLayer($<HTMLSelectElement>('layer').value);
    if (preset) showPreset(preset);
    showFormula();
  });
  for (const f of kShapeFields) {
    $(f).addEventListener('input', () => {
      const select = $<HTMLSelectElement>('layer');
      const preset = findBenchLayer(select.value);
      if (preset && f !== 'batch') select.value = 'custom';
      showFormula();
    });
  }
  $('scale').addEventListener('change', () => showFormula());
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  showFormula();

  if (!navigator.gpu) {
    unsupported(window.isSecureContext ? 'This browser has no navigator.gpu.' : 'navigator.gpu exists only in a secure context (https or localhost); this page was opened over plain http.');
    return;
  }
  try {
    session = await BenchSession.create(['mec-webgpu']);
  } catch (e) {
    unsupported(errorText(e));
    return;
  }
  const ours = session.status.find((s) => s.id === 'mec-webgpu');
  if (ours?.error) {
    unsupported(`No WebGPU device: ${ours.error}`);
    return;
  }
  showAdapter();
  // A CPU adapter (SwiftShader, a fallback adapter) takes minutes at real size: start at 1/4.
  const a = session.adapter();
  if (!new URLSearchParams(location.search).has('scale') && a && /swiftshader|llvmpipe|warp|fallback|cpu/i.test(`${a.architecture} ${a.description} ${a.vendor}`)) {
    $<HTMLSelectElement>('scale').value = '0.25';
  }
  showFormula();
  state.status = 'ready';
  $<HTMLButtonElement>('run').disabled = false;
  if (autorun) await run();
}

void main().catch((e) => {
  state.status = 'error';
  state.error = errorText(e);
  $('progress').textContent = `failed: ${state.error}`;
});
