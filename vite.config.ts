import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  build: {
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: 'mec-webgpu' },
    rollupOptions: { external: ['webgpu', 'node:fs'] },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // SwiftShader runs on the CPU: the Node and Chrome suites each want the two cores for themselves.
    fileParallelism: false,
    testTimeout: 120_000,
    // Tests never read or write the user's tuning cache.
    env: { MEC_WEBGPU_TUNE_CACHE: join(tmpdir(), `mec-webgpu-test-tune-${process.pid}.json`) },
    hookTimeout: 120_000,
  },
});
