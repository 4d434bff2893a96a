// The browser half of test/browser.test.ts: the same grid as the Node suite, run on navigator.gpu.
// Served by Vite; puppeteer waits for window.gridReady, then awaits window.runGrid().
import { createConvEngine } from '../../src/index';
import { type CaseResult, gridCases, runCase } from '../grid';

export interface GridRun {
  /** The adapter the engine ran on, e.g. 'google / swiftshader'. */
  adapter: string;
  /** One result per case, in gridCases() order. */
  results: CaseResult[];
}

declare global {
  interface Window {
    /** Set once this module has loaded. */
    gridReady?: boolean;
    /** Runs every case in order on one engine; rejects when no engine can be created. */
    runGrid(): Promise<GridRun>;
  }
}

const status = document.getElementById('status');

window.runGrid = async () => {
  const cases = gridCases();
  // Throws NoAdapterError when navigator.gpu or an adapter is missing; the Node side reports it.
  const engine = await createConvEngine();
  try {
    const results: CaseResult[] = [];
    for (const [i, c] of cases.entries()) {
      if (status) status.textContent = `case ${i + 1} of ${cases.length} on ${engine.adapter}: ${c.name}`;
      results.push(await runCase(engine, c, i));
    }
    if (status) status.textContent = `${results.filter((r) => r.error === undefined).length} of ${cases.length} passed on ${engine.adapter}`;
    return { adapter: engine.adapter, results };
  } finally {
    engine.destroy();
  }
};

window.gridReady = true;
if (status) status.textContent = 'ready: call window.runGrid()';
