// Node only: serve the repository with Vite and open a page in headless Chromium with WebGPU, as
// the browser test suite does. Shared by `npm run bench`, test/browser.test.ts and test/demo.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { createServer, type ViteDevServer } from 'vite';

export const kRepoRoot = fileURLToPath(new URL('..', import.meta.url));
export const kChromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// --enable-unsafe-webgpu is the one that matters: without it Linux Chromium offers no adapter.
// Where there is no GPU, Chromium picks SwiftShader's Vulkan by itself; no SwiftShader flag is needed.
export const kChromiumArgs = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface ChromiumPage {
  page: Page;
  browser: Browser;
  /** The page's URL on the local Vite server. */
  url: string;
  /** Requests the page tried to send off this machine (blocked). */
  externalRequests: string[];
  close(): Promise<void>;
}

export interface OpenPageOptions {
  /** Repository-relative path of the HTML page, e.g. 'bench/page/index.html'. */
  path: string;
  /** CDP call limit: a single page.evaluate may run this long. */
  protocolTimeoutMs: number;
  /** Console lines of the page, with their type ('log', 'debug', 'error', …). */
  onConsole?: (type: string, text: string) => void;
}

async function startVite(): Promise<{ server: ViteDevServer; origin: string }> {
  const server = await createServer({
    root: kRepoRoot,
    configFile: join(kRepoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: { port: 0, host: 'localhost', strictPort: true, hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error(`Vite is not listening on a port (${String(address)})`);
  }
  // localhost, not 127.0.0.1: navigator.gpu exists only in a secure context.
  return { server, origin: `http://localhost:${address.port}` };
}

const isLocal = (url: string) => {
  if (/^(data|blob|about|chrome|devtools):/.test(url)) return true;
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

/** Start Vite, launch Chromium, open the page; requests to anywhere but this machine are blocked and listed. */
export async function openChromiumPage({ path, protocolTimeoutMs, onConsole }: OpenPageOptions): Promise<ChromiumPage> {
  const { server, origin } = await startVite();
  const userDataDir = mkdtempSync(join(tmpdir(), 'mec-webgpu-chrome-'));
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    browser = await puppeteer.launch({
      executablePath: kChromium,
      headless: true,
      args: [...kChromiumArgs, `--user-data-dir=${userDataDir}`],
      protocolTimeout: protocolTimeoutMs,
    });
    const page = await browser.newPage();
    const externalRequests: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (isLocal(request.url())) void request.continue();
      else {
        externalRequests.push(request.url());
        void request.abort('blockedbyclient');
      }
    });
    page.on('console', (msg) => onConsole?.(msg.type(), msg.text()));
    page.on('pageerror', (e) => onConsole?.('pageerror', e instanceof Error ? e.message : String(e)));
    page.on('requestfailed', (r) => {
      if (!externalRequests.includes(r.url())) onConsole?.('requestfailed', `${r.url()}: ${r.failure()?.errorText}`);
    });
    const url = `${origin}/${path}`;
    await page.goto(url, { waitUntil: 'load' });
    return { page, browser, url, externalRequests, close };
  } catch (e) {
    await close();
    throw e;
  }
}
