// npm run probe -- --layers cv3,cv7 [--algorithms mec-b] [--kernels block32x16sg,block16x8] [--rounds N]
// A bench layer's convolution with chosen GEMM kernels next to plain GEMMs of the layer's own
// shape (o_h·o_w × k_c × k_h·k_w·i_c) and of its output alone (K = 4), in interleaved rounds in
// headless Chromium (the bench's adapter): how far a layer's time is the GEMM's shape, not the
// convolution. Prints wall time (median, min), the layer's GFLOP/s and each pass's GPU time.
import type { ConcreteAlgorithm } from '../src/index';
import { kBenchLayers } from '../bench/layers';
import { openChromiumPage } from '../bench/chromium';
import type { ProbeCase } from '../bench/probe';
import { configOrExit, integerOption, listOption, parseOptions, UsageError } from './cli';

const kAlgorithms: readonly ConcreteAlgorithm[] = ['mec-a', 'mec-b', 'im2col', 'direct'];
const kUsage = `Usage: npm run probe -- [options]
  --layers a,b,...       bench layers (default cv7): ${kBenchLayers.map((l) => l.id).join(', ')}
  --algorithms a,b,...   ours with a GEMM: ${kAlgorithms.join(', ')} (default mec-b)
  --kernels a,b,...      GEMM kernels by name, as engine.gemmKernels lists them (default block32x16sg,block16x32sg)
  --rounds N             timed rounds (default 6), each timing the second of two calls of every case
  --help                 this text`;

interface Config {
  layers: string[];
  algorithms: ConcreteAlgorithm[];
  kernels: string[];
  rounds: number;
}

function parseConfig(argv: string[]): Config | 'help' {
  const values = parseOptions(argv, { layers: { type: 'string' }, algorithms: { type: 'string' }, kernels: { type: 'string' }, rounds: { type: 'string' } });
  if (values === 'help') return 'help';
  const layers = listOption('layers', values.layers) ?? ['cv7'];
  for (const id of layers) if (!kBenchLayers.some((l) => l.id === id)) throw new UsageError(`--layers: unknown layer '${id}'; known: ${kBenchLayers.map((l) => l.id).join(', ')}`);
  const algorithms = (listOption('algorithms', values.algorithms) ?? ['mec-b']).map((a) => {
    if (!kAlgorithms.includes(a as ConcreteAlgorithm)) throw new UsageError(`--algorithms: '${a}' is not one of ${kAlgorithms.join(', ')}`);
    return a as ConcreteAlgorithm;
  });
  return { layers, algorithms, kernels: listOption('kernels', values.kernels) ?? ['block32x16sg', 'block16x32sg'], rounds: integerOption('rounds', values.rounds, 6, 1, 100) };
}

const config = configOrExit('probe', kUsage, parseConfig);
if (typeof config === 'number') process.exit(config);

const page = await openChromiumPage({
  path: 'bench/page/probe.html',
  protocolTimeoutMs: 3_600_000,
  onConsole: (type, text) => {
    if (type === 'error' || type === 'pageerror') console.error(`page ${type}: ${text}`);
  },
});
let status = 0;
try {
  await page.page.waitForFunction('window.probeReady === true', { timeout: 120_000 });
  const { adapter, kernels } = await page.page.evaluate(() => window.probe.init());
  const unknown = config.kernels.filter((k) => !kernels.includes(k));
  if (unknown.length > 0) throw new UsageError(`--kernels: ${unknown.join(', ')} not run on this device; it runs ${kernels.join(', ')}`);
  console.log(`probe on ${adapter}, ${config.rounds} interleaved rounds; GFLOP/s are the layer's FLOPs over each median`);
  for (const id of config.layers) {
    const cases: ProbeCase[] = await page.page.evaluate((...a) => window.probe.layer(...a), id, config.algorithms, config.kernels, config.rounds);
    console.log(`\n${id}`);
    for (const c of cases) {
      const passes = c.passes ? c.passes.map((pass) => `${pass.name} ${pass.ms.toFixed(1)}`).join(' + ') : '';
      console.log(`  ${c.name.padEnd(26)} median ${c.medianMs.toFixed(1).padStart(7)} ms  min ${c.minMs.toFixed(1).padStart(7)}  ${c.gflops.toFixed(2).padStart(6)} GFLOP/s  first ${c.firstCallMs.toFixed(0).padStart(6)} ms  ${passes}`);
    }
  }
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`probe: ${e.message}\n\n${kUsage}`);
    status = 2;
  } else {
    console.error(e);
    status = 1;
  }
} finally {
  await page.close();
}
process.exit(status);
