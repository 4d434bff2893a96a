// npx vite-node scripts/fuzz.ts -- --cases N --seed S: random valid convolutions (test/fuzz.ts)
// checked against the float64 reference. Each failure prints a one-line reproducer; progress and
// the summary go to stderr and stdout respectively.
import { type ConvEngine, createConvEngine } from '../src/index';
import { type FuzzCase, fuzzCase, reproducer, runFuzzCase } from '../test/fuzz';
import { caseErrors } from '../test/grid';
import { configOrExit, integerOption, parseOptions, UsageError } from './cli';

const kProgressEvery = 100;

const kUsage = `Usage: npx vite-node scripts/fuzz.ts -- [options]

Runs random valid conv2d cases (every algorithm, layout, padding kind, stride, dilation, group
structure, bias and activation) and checks each against the float64 reference.

Options:
  --cases N        cases to run (default 1000)
  --seed S         stream seed, 0 to 4294967295 (default: random, printed)
  --start I        index of the first case (default 0)
  --index I        run only case I of --seed (replay one failure)
  --replay JSON    run one case from a reproducer line ({"seed":…,"index":…,"case":{…}})
  --help           this text

Exit status: 0 when every case passed, 1 when some failed (a REPRO line each), 2 on bad arguments.`;

interface Config {
  seed: number;
  start: number;
  cases: number;
  replay?: { seed: number; index: number; case: FuzzCase };
}

function parseConfig(argv: string[]): Config | 'help' {
  const values = parseOptions(argv, {
    cases: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    index: { type: 'string' },
    replay: { type: 'string' },
  });
  if (values === 'help') return 'help';
  if (values.replay !== undefined) {
    let parsed: Config['replay'];
    try {
      parsed = JSON.parse(values.replay) as Config['replay'];
    } catch (e) {
      throw new UsageError(`--replay: not JSON: ${(e as Error).message}`);
    }
    if (!parsed?.case || typeof parsed.case !== 'object') throw new UsageError('--replay needs a reproducer line: {"seed":…,"index":…,"case":{…}}');
    return { seed: parsed.seed, start: parsed.index, cases: 1, replay: parsed };
  }
  const seed = integerOption('seed', values.seed, Math.floor(Math.random() * 2 ** 32), 0, 2 ** 32 - 1);
  if (values.index !== undefined) return { seed, start: integerOption('index', values.index, 0, 0), cases: 1 };
  return { seed, start: integerOption('start', values.start, 0, 0), cases: integerOption('cases', values.cases, 1000, 1) };
}

async function run(engine: ConvEngine, config: Config): Promise<number> {
  const errorOf = caseErrors(engine.device);
  const t0 = performance.now();
  let passed = 0;
  let failed = 0;
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
  for (let i = 0; i < config.cases; i++) {
    const index = config.start + i;
    const c = config.replay?.case ?? fuzzCase(config.seed, index);
    const error = errorOf(await runFuzzCase(engine, c));
    if (error) {
      failed++;
      console.log(`FAIL ${c.name}: ${error}`);
      console.log(`REPRO ${reproducer(config.seed, index, c)}`);
    } else {
      passed++;
    }
    if ((i + 1) % kProgressEvery === 0) console.error(`fuzz: ${i + 1}/${config.cases} cases, ${failed} failed, ${seconds()} s`);
  }
  console.log(`${passed} passed, ${failed} failed (seed ${config.seed}, cases ${config.start}..${config.start + config.cases - 1}, ${seconds()} s)`);
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  const config = configOrExit('fuzz', kUsage, parseConfig);
  if (typeof config === 'number') return config;
  const engine = await createConvEngine();
  let finished = false;
  void engine.lost.then((e) => {
    if (!finished) console.error(`fuzz: ${e.message}`);
  });
  try {
    console.log(`fuzz: seed ${config.seed}, ${config.cases} case(s) from index ${config.start}, adapter ${engine.adapter}`);
    return await run(engine, config);
  } finally {
    finished = true;
    engine.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
