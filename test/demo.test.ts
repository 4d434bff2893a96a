// The demo page (index.html) in headless Chrome: one small layer, our algorithms and the peers,
// a screenshot for people (test/.artifacts/demo.png, gitignored), and the numbers the page shows
// checked against the engine in Node.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChromiumPage, kChromium, kRepoRoot, openChromiumPage } from '../bench/chromium';
import { layerConv } from '../bench/layers';
import { createConvEngine } from '../src/index';

const kShape = { batch: 1, inH: 12, inW: 12, inC: 8, kH: 3, kW: 3, outC: 16, stride: 1, pad: 1, groups: 1 };
const kContestantsRun = ['mec-a', 'mec-b', 'im2col', 'direct', 'auto', 'tfjs', 'ort-jsep', 'ort-webgpu'];
const kScreenshot = join(kRepoRoot, 'test/.artifacts/demo.png');
const kRunTimeoutMs = 60_000;

interface PageReadout {
  status: string;
  error?: string;
  adapter?: string;
  badge: { className: string; text: string };
  /** engine.workspaceBytes as the formula panel shows them, per algorithm. */
  shownWorkspace: Record<string, number>;
  mecElements: string;
  im2colElements: string;
  results: { contestant: string; error?: string; ok?: boolean; workspaceBytes?: number }[];
  timeChart: { labels: string[]; data: (number | null)[][] };
  memoryChart: { labels: string[]; data: (number | null)[][] };
  noWebGpuHidden: boolean;
}

describe('demo page in headless Chrome', () => {
  let chromium: ChromiumPage | undefined;
  let readout: PageReadout | undefined;
  let setupError: string | undefined;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    try {
      const query = new URLSearchParams({
        layer: 'custom',
        ...Object.fromEntries(Object.entries(kShape).map(([k, v]) => [k, String(v)])),
        scale: '1',
        runs: '2',
        warmup: '1',
        contestants: kContestantsRun.join(','),
        autorun: '1',
      });
      chromium = await openChromiumPage({
        path: `index.html?${query}`,
        protocolTimeoutMs: kRunTimeoutMs,
        onConsole: (type, text) => {
          if (type === 'error' || type === 'pageerror') consoleErrors.push(text);
        },
      });
      const { page } = chromium;
      await page.setViewport({ width: 1280, height: 900 });
      await page.waitForFunction(() => ['done', 'error', 'unsupported'].includes(window.demo?.status), { timeout: kRunTimeoutMs });
      mkdirSync(join(kRepoRoot, 'test/.artifacts'), { recursive: true });
      await page.screenshot({ path: kScreenshot as `${string}.png`, fullPage: true });
      readout = await page.evaluate((): PageReadout => {
        const d = window.demo;
        const chart = (c: typeof d.charts.time) => ({
          labels: (c?.data.labels ?? []).map(String),
          data: (c?.data.datasets ?? []).map((s) => (s.data as (number | null)[]).slice()),
        });
        const badge = document.getElementById('badge')!;
        return {
          status: d.status,
          error: d.error,
          adapter: d.adapter,
          badge: { className: badge.className, text: badge.textContent ?? '' },
          shownWorkspace: Object.fromEntries(
            Array.from(document.querySelectorAll<HTMLElement>('#formula [data-workspace]')).map((td) => [td.dataset.workspace!, Number(td.dataset.bytes)]),
          ),
          mecElements: document.getElementById('mec-elements')?.textContent ?? '',
          im2colElements: document.getElementById('im2col-elements')?.textContent ?? '',
          results: d.results.map((r) => ({ contestant: r.contestant, error: r.error, ok: r.correctness?.ok, workspaceBytes: r.workspaceBytes })),
          timeChart: chart(d.charts.time),
          memoryChart: chart(d.charts.memory),
          noWebGpuHidden: document.getElementById('no-webgpu')!.hidden,
        };
      });
    } catch (e) {
      setupError = e instanceof Error ? e.message : String(e);
    }
  }, kRunTimeoutMs + 30_000);

  afterAll(async () => {
    await chromium?.close();
  });

  test('ran the layer on WebGPU without errors or outside requests', () => {
    expect(setupError, `no readout from Chrome (${kChromium})`).toBeUndefined();
    expect(readout?.noWebGpuHidden, 'the "WebGPU is not available" message is shown').toBe(true);
    expect(readout?.status, readout?.error).toBe('done');
    expect(readout?.adapter).toBeTruthy();
    expect(readout?.results.map((r) => r.contestant)).toEqual(kContestantsRun);
    for (const r of readout!.results) expect(r.error, r.contestant).toBeUndefined();
    expect(chromium?.externalRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('the correctness badge says every output matches the reference', () => {
    expect(readout?.results.every((r) => r.ok === true)).toBe(true);
    expect(readout?.badge.className).toContain('ok');
    expect(readout?.badge.text).toMatch(/8 output\(s\) match the float64 CPU reference/);
  });

  test('both charts have data for every contestant', () => {
    const labels = ['MEC A', 'MEC B', 'im2col', 'direct', 'auto', 'TF.js', 'ORT-web (JSEP)', 'ORT-web (WebGPU EP)'];
    expect(readout?.timeChart.labels).toEqual(labels);
    expect(readout?.timeChart.data[0]).toHaveLength(labels.length);
    expect(readout?.timeChart.data[0].every((v) => typeof v === 'number' && v > 0)).toBe(true);
    expect(readout?.memoryChart.labels).toEqual(labels);
    expect(readout?.memoryChart.data).toHaveLength(2); // workspace, peak
    expect(readout?.memoryChart.data[1].every((v) => typeof v === 'number' && v > 0)).toBe(true);
  });

  test('workspace bytes on the page equal engine.workspaceBytes in Node', async () => {
    const engine = await createConvEngine();
    try {
      const conv = layerConv({ id: 'custom', network: 'custom', ...kShape }, { batch: kShape.batch });
      const expected = Object.fromEntries(
        (['mec-a', 'mec-b', 'im2col', 'direct', 'auto'] as const).map((a) => [a, engine.workspaceBytes(a, conv.xShape, conv.wShape, conv.options)]),
      );
      expect(readout?.shownWorkspace).toEqual(expected);
      for (const r of readout!.results.filter((x) => x.contestant in expected)) expect(r.workspaceBytes, r.contestant).toBe(expected[r.contestant]);
      // MEC.md's formulas with the padded height: MEC 1·12·14·3·8, im2col 1·12·12·3·3·8.
      expect(readout?.mecElements).toBe((12 * 14 * 3 * 8).toLocaleString('en-US'));
      expect(readout?.im2colElements).toBe((12 * 12 * 3 * 3 * 8).toLocaleString('en-US'));
    } finally {
      engine.destroy();
    }
  });
});
