// `npm run bench -- --node`, `npm run grid` and `npm run fuzz` as ES modules with their shaders and
// TF.js inside, for a machine that has Node and a GPU but no node_modules (e.g. a lent GPU box): carry
// the output folder, Node and Dawn's `webgpu` package (see scripts/device-bench.sh).
import { build } from 'vite';

const outDir = process.argv[2] ?? '.gpu-bench/app';

await build({
  configFile: false,
  logLevel: 'warn',
  // The same `?raw` shader imports as vite-node; every dependency inlined but Dawn (a native addon) and the browser-only peers.
  ssr: { noExternal: true },
  build: {
    ssr: true,
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: { bench: 'scripts/bench.ts', grid: 'scripts/grid.ts', fuzz: 'scripts/fuzz.ts' },
      external: [/^webgpu$/, /^puppeteer/, /^onnxruntime-web/, /^node:/],
      // Chunks stay apart so the Chromium runner's chunk (puppeteer) is loaded only when asked for.
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
});
console.log(`wrote ${outDir}/{bench,grid,fuzz}.mjs`);
