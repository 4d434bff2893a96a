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
    hookTimeout: 120_000,
  },
});
