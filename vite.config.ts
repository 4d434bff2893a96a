import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ortDist = (file: string) => fileURLToPath(new URL(`./node_modules/onnxruntime-web/dist/${file}`, import.meta.url));

export default defineConfig({
  build: {
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: 'mec-webgpu' },
    rollupOptions: { external: ['webgpu', 'node:fs'] },
  },
  resolve: {
    // The bench and the demo (browser only) load ONNX Runtime Web's unbundled builds, which import
    // their WebAssembly runtime from env.wasm.wasmPaths: files under node_modules that Vite serves.
    alias: [
      { find: /^onnxruntime-web$/, replacement: ortDist('ort.min.mjs') },
      { find: /^onnxruntime-web\/webgpu$/, replacement: ortDist('ort.webgpu.min.mjs') },
    ],
  },
  optimizeDeps: {
    // Pre-bundled up front, so the first page load does not discover them and reload mid-run.
    include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu', 'chart.js/auto'],
    exclude: ['onnxruntime-web'],
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
