// The correctness grid again, in headless Chrome: Vite serves test/browser/index.html, puppeteer
// drives Chromium (WebGPU on SwiftShader where there is no GPU), and each case's browser result
// becomes one vitest test, named as in the Node suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GridRun } from './browser/main';
import { gridCases } from './grid';

const kRepoRoot = fileURLToPath(new URL('..', import.meta.url));
const kChromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// --enable-unsafe-webgpu is the one that matters: without it Linux Chromium offers no adapter.
// Where there is no GPU, Chromium picks SwiftShader's Vulkan by itself; no SwiftShader flag is needed.
const kChromiumArgs = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
// The whole grid runs inside one page.evaluate; SwiftShader on two cores is slow.
const kGridTimeoutMs = 10 * 60_000;
const kLoadTimeoutMs = 60_000;

const cases = gridCases();

describe(`conv2d grid in headless Chrome (${cases.length} cases)`, () => {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let userDataDir: string | undefined;
  let run: GridRun | undefined;
  /** Why there are no results (no WebGPU, no adapter, the page failed): every test reports it. */
  let setupError: string | undefined;

  beforeAll(async () => {
    try {
      server = await createServer({
        root: kRepoRoot,
        configFile: join(kRepoRoot, 'vite.config.ts'),
        logLevel: 'warn',
        clearScreen: false,
        server: { port: 0, host: 'localhost', strictPort: true, hmr: false, watch: null },
      });
      await server.listen();
      const address = server.httpServer?.address();
      if (!address || typeof address === 'string') throw new Error(`Vite is not listening on a port (${String(address)})`);
      // localhost, not 127.0.0.1: navigator.gpu exists only in a secure context.
      const url = `http://localhost:${address.port}/test/browser/index.html`;

      userDataDir = mkdtempSync(join(tmpdir(), 'mec-webgpu-chrome-'));
      browser = await puppeteer.launch({
        executablePath: kChromium,
        headless: true,
        args: [...kChromiumArgs, `--user-data-dir=${userDataDir}`],
        protocolTimeout: kGridTimeoutMs,
      });
      const page = await browser.newPage();
      page.on('console', (msg) => {
        const where = msg.location().url ? ` (${msg.location().url})` : '';
        if (msg.type() === 'error' || msg.type() === 'warn') console.error(`[chrome ${msg.type()}] ${msg.text()}${where}`);
      });
      page.on('pageerror', (e) => console.error(`[chrome pageerror] ${e instanceof Error ? e.message : String(e)}`));
      page.on('requestfailed', (r) => console.error(`[chrome requestfailed] ${r.url()}: ${r.failure()?.errorText}`));

      await page.goto(url, { waitUntil: 'load' });
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
    await browser?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
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
