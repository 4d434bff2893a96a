// The README's example is real code: extract it, run it against src/, check what it prints.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, expect, test, vi } from 'vitest';

const generated = new URL('./.readme-example.generated.ts', import.meta.url);
afterAll(() => rmSync(generated, { force: true }));

test('the README example runs and matches the float64 reference', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'README has an "## Example" section with a ts block').toBeTruthy();
  writeFileSync(generated, block!.replace("from 'mec-webgpu'", "from '../src/index'"));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ generated.href);
    const lines = log.mock.calls;
    expect(lines[0][0]).toEqual([1, 8, 8, 16]);
    expect(lines[0][2]).toBeLessThan(1e-4);
    // MEC.md: i_n · o_w · i_h · k_w · i_c floats, i_h padded: 1 · 8 · 10 · 3 · 8, 4 bytes each.
    expect(lines[1][1]).toBe(8 * 10 * 3 * 8 * 4);
  } finally {
    log.mockRestore();
  }
});
