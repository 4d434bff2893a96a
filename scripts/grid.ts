// npm run grid: the correctness grid of test/grid.test.ts (every algorithm and GEMM kernel on small
// shapes, against the float64 reference) as a plain program, for an adapter the test runner cannot
// reach, e.g. a real GPU through scripts/device-bench.sh. A failing case prints its error.
import { createConvEngine } from '../src/index';
import { caseErrors, gridCases, runCase } from '../test/grid';

async function main(): Promise<number> {
  const engine = await createConvEngine();
  const cases = gridCases();
  const errorOf = caseErrors(engine.device);
  console.log(`grid: ${cases.length} cases on ${engine.adapter}`);
  const t0 = performance.now();
  let failed = 0;
  let worst = 0;
  try {
    for (const [i, c] of cases.entries()) {
      const result = await runCase(engine, c, i);
      const error = errorOf(result);
      if (error) {
        failed++;
        console.log(`FAIL ${c.name}: ${error}`);
      } else worst = Math.max(worst, result.maxAbsDiff ?? 0);
    }
  } finally {
    engine.destroy();
  }
  console.log(`grid: ${cases.length - failed} passed, ${failed} failed, largest |diff| of the passing cases ${worst.toExponential(1)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
