// npx vite-node scripts/soak.ts -- --calls N: N conv2d calls over mixed small shapes and algorithms
// (test/soak.ts), counting live GPU buffers from outside the library. Exits 1 when the count after
// engine.trim() or after engine.destroy() differs from the count before, or any call failed.
import { parseArgs } from 'node:util';
import { createConvEngine, requestDevice } from '../src/index';
import { runSoak, trackBuffers } from '../test/soak';

const kUsage = `Usage: npx vite-node scripts/soak.ts -- [--calls N]

Runs N conv2d calls (default 10000) on one engine over mixed small shapes and algorithms, every
output destroyed, every 10th read and checked against the float64 reference, and counts the
device's live GPU buffers (wrapping device.createBuffer and GPUBuffer.prototype.destroy) before,
after engine.trim() and after engine.destroy().

Exit status: 0 when the counts match and every call passed, 1 otherwise, 2 on bad arguments.`;

function parseCalls(argv: string[]): number | 'help' {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const { values } = parseArgs({ args, strict: true, allowPositionals: false, options: { calls: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return 'help';
  if (values.calls === undefined) return 10_000;
  if (!/^\d+$/.test(values.calls) || Number(values.calls) < 1) throw new Error(`--calls must be a positive integer, got '${values.calls}'`);
  return Number(values.calls);
}

async function main(): Promise<number> {
  let calls: number | 'help';
  try {
    calls = parseCalls(process.argv.slice(2));
  } catch (e) {
    console.error(`soak: ${(e as Error).message}\n\n${kUsage}`);
    return 2;
  }
  if (calls === 'help') {
    console.log(kUsage);
    return 0;
  }
  const device = await requestDevice();
  const uncaptured: string[] = [];
  device.addEventListener('uncapturederror', (event) => uncaptured.push((event as GPUUncapturedErrorEvent).error.message));
  const tracker = trackBuffers(device);
  const engine = await createConvEngine({ device });
  const t0 = performance.now();
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
  try {
    const before = tracker.live;
    console.log(`soak: ${calls} calls, adapter ${engine.adapter}; live GPU buffers before: ${before}`);
    const result = await runSoak(engine, calls, {
      onProgress: (p) => {
        const s = engine.stats();
        console.error(
          `soak: ${p.calls}/${calls} calls, ${p.failures.length} failed, live buffers ${tracker.live} (engine says ${s.liveBuffers}, ` +
            `${(s.pooledBytes / 2 ** 20).toFixed(1)} MiB pooled), rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, ${seconds()} s`,
        );
      },
    });
    await device.queue.onSubmittedWorkDone();
    const beforeTrim = tracker.live;
    engine.trim();
    const afterTrim = tracker.live;
    const engineAfterTrim = engine.stats().liveBuffers;
    engine.destroy();
    const afterDestroy = tracker.live;
    for (const f of result.failures) console.log(`FAIL ${f}`);
    for (const e of uncaptured) console.log(`FAIL uncaptured GPU error: ${e}`);
    console.log(
      `${result.calls} calls (${result.checked} checked against the reference, ${result.rejected} rejected arguments), ` +
        `${result.failures.length + uncaptured.length} failed, ${seconds()} s`,
    );
    console.log(
      `live GPU buffers: before ${before}, at the end ${beforeTrim}, after trim() ${afterTrim} (engine.stats: ${engineAfterTrim}), ` +
        `after destroy() ${afterDestroy}; ${tracker.created} created, ${tracker.destroyed} destroyed, peak ${tracker.peak}`,
    );
    const leaked = afterTrim !== before || afterDestroy !== before;
    if (leaked) console.log(`LEAK: ${afterTrim - before} buffer(s) live after trim(), ${afterDestroy - before} after destroy()`);
    return leaked || result.failures.length || uncaptured.length ? 1 : 0;
  } finally {
    engine.destroy();
    tracker.dispose();
    device.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
