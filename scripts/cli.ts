// Argument parsing shared by the CLI scripts (bench, profile, fuzz): a bad argument is a
// UsageError, which each script prints with its usage text and exit status 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse `argv` strictly (no positionals); 'help' for -h/--help. npm and vite-node may leave a bare '--' in front. */
export function parseOptions<O extends Options>(argv: string[], options: O): 'help' | { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string } {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, strict: true, allowPositionals: false, options: { ...options, help: { type: 'boolean', short: 'h' } } }) as {
      values: Record<string, string | boolean | undefined>;
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return values.help ? 'help' : (values as { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string });
}

export function integerOption(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(max === Number.MAX_SAFE_INTEGER ? `--${name} must be an integer ≥ ${min}, got '${value}'` : `--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

/** A comma-separated list, deduplicated; undefined when the option is absent. */
export function listOption(name: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s);
  if (items.length === 0) throw new UsageError(`--${name} needs a comma-separated list, got '${value}'`);
  return [...new Set(items)];
}

/** The parsed configuration, or the exit status after printing the usage (0 for --help, 2 for a bad argument). */
export function configOrExit<C>(tool: string, usage: string, parse: (argv: string[]) => C | 'help'): C | number {
  let config: C | 'help';
  try {
    config = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${tool}: ${e.message}\n\n${usage}`);
    return 2;
  }
  if (config === 'help') {
    console.log(usage);
    return 0;
  }
  return config;
}
