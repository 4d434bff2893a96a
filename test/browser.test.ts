// The correctness grid again, in headless Chrome: Vite serves test/browser/index.html, puppeteer
// drives Chromium (WebGPU on SwiftShader where there is no GPU), and each case's browser result
// becomes one vitest test, named as in the Node suite.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChromiumPage, kChromium, openChromiumPage } from '../bench/chromium';
import type { GridRun } from './browser/main';
import { gridCases } from './grid';

// The whole grid runs inside one page.evaluate; SwiftShader on two cores is slow, and compiling
// the grid's ~900 pipelines is most of it (10 minutes were not enough on a slow day, 2026-12-02).
const kGridTimeoutMs = 25 * 60_000;
const kLoadTimeoutMs = 60_000;

const cases = gridCases();

describe(`conv2d grid in headless Chrome (${cases.length} cases)`, () => {
  let chromium: ChromiumPage | undefined;
  let run: GridRun | undefined;
  /** Why there are no results (no WebGPU, no adapter, the page failed): every test reports it. */
  let setupError: string | undefined;

  beforeAll(async () => {
    try {
      chromium = await openChromiumPage({
        path: 'test/browser/index.html',
        protocolTimeoutMs: kGridTimeoutMs,
        onConsole: (type, text) => {
          if (type === 'error' || type === 'warn' || type === 'pageerror' || type === 'requestfailed') console.error(`[chrome ${type}] ${text}`);
        },
      });
      const { page, url } = chromium;
      await page.waitForFunction(() => window.gridReady === true, { timeout: kLoadTimeoutMs }).catch(() => {
        throw new Error(`${url} did not set window.gridReady within ${kLoadTimeoutMs / 1000} s (see [chrome ...] lines above)`);
      });
      run = await page.evaluate(() => window.runGrid());
    } catch (e) {
      setupError = e instanceof Error ? e.message : String(e);
      console.error(`conv2d grid in headless Chrome: ${setupError}`);
    }
  }, kGridTimeoutMs + 2 * kLoadTimeoutMs);

  afterAll(async () => {
    await chromium?.close();
  });

  test('found a WebGPU adapter and ran every case', () => {
    expect(setupError, `no grid results from Chrome (${kChromium})`).toBeUndefined();
    expect(run?.adapter).toBeTruthy();
    expect(run?.results.map((r) => r.name)).toEqual(cases.map((c) => c.name));
  });

  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    expect(setupError, 'no grid results from Chrome').toBeUndefined();
    const result = run?.results[i];
    expect(result?.name, `result ${i} is missing or out of order`).toBe(name);
    expect(result?.error, `${name} on ${run?.adapter}`).toBeUndefined();
  });
});
