// Many conv2d calls in flight at once: on one engine, on two engines sharing a device, and on
// caller-owned GPUBuffer inputs that must come back byte-identical (conv2d never writes them).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type Algorithm,
  type ConvEngine,
  type ConvOptions,
  conv2dReference,
  createConvEngine,
  normalizeConvParams,
  requestDevice,
} from '../src/index';
import { compareToReference, convTolerance, seededData, toleranceFor } from './grid';

/** GPUBufferUsage / GPUMapMode values, spelled out so the file needs no WebGPU globals at load. */
const kUsage = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, STORAGE: 0x0080 } as const;
const kMapRead = 0x0001;

interface Layer {
  xShape: [number, number, number, number];
  wShape: [number, number, number, number];
  options: ConvOptions;
}

/** Small layers that differ in every dimension the plans care about. */
const kLayers: Layer[] = [
  { xShape: [1, 9, 8, 3], wShape: [3, 3, 3, 4], options: {} },
  { xShape: [2, 7, 7, 5], wShape: [3, 3, 5, 6], options: { padding: 'same', strides: 2 } },
  { xShape: [1, 4, 10, 9], wShape: [8, 4, 2, 3], options: { layout: 'NCHW', padding: [1, 0, 2, 1], activation: 'relu' } },
  { xShape: [1, 12, 11, 6], wShape: [3, 2, 3, 4], options: { groups: 2, dilations: [2, 1], padding: 'same-lower' } },
  { xShape: [3, 5, 6, 16], wShape: [1, 1, 16, 7], options: { activation: 'relu6' } },
  { xShape: [1, 8, 8, 8], wShape: [3, 3, 1, 8], options: { groups: 8, padding: 'same', strides: [1, 2] } },
  { xShape: [2, 6, 9, 9], wShape: [18, 1, 3, 3], options: { layout: 'NCHW', groups: 6, padding: 'same' } },
  { xShape: [1, 13, 6, 2], wShape: [5, 2, 2, 3], options: { strides: [3, 1], dilations: [1, 2] } },
];
const kGemmAlgorithms: Algorithm[] = ['auto', 'mec-a', 'mec-b', 'im2col', 'direct'];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const isDepthwise = (l: Layer) => {
  const p = normalizeConvParams(l.xShape, l.wShape, l.options);
  return p.groups === p.inC && p.inCPerGroup === 1;
};
const algorithmsFor = (l: Layer): Algorithm[] => (isDepthwise(l) ? [...kGemmAlgorithms, 'depthwise'] : kGemmAlgorithms);

interface Call {
  name: string;
  layer: Layer;
  algorithm: Algorithm;
  x: Float32Array;
  w: Float32Array;
  bias?: Float32Array;
}

/** `count` calls cycling through the layers and each layer's algorithms, each with its own data. */
function mixedCalls(count: number, seed: number): Call[] {
  return Array.from({ length: count }, (_, i) => {
    const layer = kLayers[i % kLayers.length];
    const algorithms = algorithmsFor(layer);
    const algorithm = algorithms[(i + Math.floor(i / kLayers.length)) % algorithms.length];
    const outC = layer.options.layout === 'NCHW' ? layer.wShape[0] : layer.wShape[3];
    return {
      name: `#${i} ${layer.xShape.join('x')} ${algorithm}`, layer, algorithm,
      x: seededData(size(layer.xShape), seed + 3 * i),
      w: seededData(size(layer.wShape), seed + 3 * i + 1),
      bias: i % 2 ? seededData(outC, seed + 3 * i + 2) : undefined,
    };
  });
}

/** Run a call to completion (conv2d, read, destroy) and return the first difference from the reference. */
async function runCall(engine: ConvEngine, c: Call): Promise<string | undefined> {
  const { xShape, wShape, options } = c.layer;
  const y = await engine.conv2d(c.x, xShape, c.w, wShape, { ...options, bias: c.bias, algorithm: c.algorithm });
  const got = await y.read();
  y.destroy();
  const p = normalizeConvParams(xShape, wShape, options);
  const want = conv2dReference(c.x, xShape, c.w, wShape, { ...options, bias: c.bias });
  const e = compareToReference(got, want, convTolerance(p));
  return e && `${c.name}: ${e.message}`;
}

/** Fail on any GPU error the engine's error scopes did not catch. */
function watchUncaptured(device: GPUDevice): string[] {
  const errors: string[] = [];
  device.addEventListener('uncapturederror', (event) => errors.push((event as GPUUncapturedErrorEvent).error.message));
  return errors;
}

async function readBuffer(device: GPUDevice, buffer: GPUBuffer): Promise<Uint8Array> {
  const staging = device.createBuffer({ label: 'test.readback', size: buffer.size, usage: kUsage.MAP_READ | kUsage.COPY_DST });
  const encoder = device.createCommandEncoder({ label: 'test.readback' });
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(kMapRead);
  const bytes = new Uint8Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return bytes;
}

function storageBuffer(device: GPUDevice, label: string, data: Float32Array): GPUBuffer {
  const buffer = device.createBuffer({ label, size: data.byteLength, usage: kUsage.STORAGE | kUsage.COPY_SRC | kUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
  return buffer;
}

describe('one engine, 40 calls in flight', () => {
  let engine: ConvEngine;
  let uncaptured: string[];
  beforeAll(async () => {
    engine = await createConvEngine();
    uncaptured = watchUncaptured(engine.device);
  });
  afterAll(() => engine.destroy());

  test('40 mixed calls started together, each read back as it finishes', async () => {
    const calls = mixedCalls(40, 100);
    expect(new Set(calls.map((c) => c.algorithm)).size).toBe(6);
    const errors = await Promise.all(calls.map((c) => runCall(engine, c)));
    expect(errors.filter((e) => e)).toEqual([]);
    expect(uncaptured).toEqual([]);
  });

  test('40 calls submitted before any read, then all read together', async () => {
    const calls = mixedCalls(40, 5000);
    const outputs = await Promise.all(
      calls.map((c) => engine.conv2d(c.x, c.layer.xShape, c.w, c.layer.wShape, { ...c.layer.options, bias: c.bias, algorithm: c.algorithm })),
    );
    const results = await Promise.all(outputs.map((y) => y.read()));
    outputs.forEach((y) => y.destroy());
    const errors = calls.map((c, i) => {
      const { xShape, wShape, options } = c.layer;
      const p = normalizeConvParams(xShape, wShape, options);
      const want = conv2dReference(c.x, xShape, c.w, wShape, { ...options, bias: c.bias });
      return compareToReference(results[i], want, convTolerance(p))?.message;
    });
    expect(errors.filter((e) => e)).toEqual([]);
    expect(uncaptured).toEqual([]);
  });

  test('chained calls in flight: each output feeds the next conv2d as a GpuTensor', async () => {
    // Four chains of 3 layers (3×3 same, C → C), interleaved: pooled workspace is reused across chains.
    const c = 4;
    const xShape = [1, 6, 6, c] as const;
    const wShape = [3, 3, c, c] as const;
    const chains = [0, 1, 2, 3].map((k) => ({
      x: seededData(size(xShape), 900 + k),
      ws: [0, 1, 2].map((j) => seededData(size(wShape), 950 + 10 * k + j)),
      algorithm: kGemmAlgorithms[k + 1],
    }));
    const results = await Promise.all(
      chains.map(async (ch) => {
        let t = await engine.conv2d(ch.x, xShape, ch.ws[0], wShape, { padding: 'same', algorithm: ch.algorithm });
        for (const w of ch.ws.slice(1)) {
          const next = await engine.conv2d(t, xShape, w, wShape, { padding: 'same', algorithm: ch.algorithm });
          t.destroy();
          t = next;
        }
        const got = await t.read();
        t.destroy();
        return got;
      }),
    );
    chains.forEach((ch, k) => {
      let want: Float64Array | Float32Array = ch.x;
      // Layer by layer in float64, each layer's input rounded to float32 as the GPU stores it.
      for (const w of ch.ws) want = conv2dReference(Float32Array.from(want), xShape, w, wShape, { padding: 'same' });
      const e = compareToReference(results[k], want as Float64Array, 3 * toleranceFor(9 * c));
      expect(e?.message).toBeUndefined();
    });
  });
});

describe('two engines on one device', () => {
  let device: GPUDevice;
  let a: ConvEngine;
  let b: ConvEngine;
  let uncaptured: string[];
  beforeAll(async () => {
    device = await requestDevice();
    uncaptured = watchUncaptured(device);
    a = await createConvEngine({ device });
    b = await createConvEngine({ device });
  });
  afterAll(() => {
    a.destroy();
    b.destroy();
    device.destroy();
  });

  test('interleaved calls on both engines, all in flight together', async () => {
    const calls = mixedCalls(32, 7000);
    const errors = await Promise.all(calls.map((c, i) => runCall(i % 2 ? a : b, c)));
    expect(errors.filter((e) => e)).toEqual([]);
    expect(uncaptured).toEqual([]);
  });

  test('a tensor made by one engine feeds the other', async () => {
    const l = kLayers[0];
    const x = seededData(size(l.xShape), 1);
    const w = seededData(size(l.wShape), 2);
    const xt = a.upload(x, l.xShape);
    const y = await b.conv2d(xt, l.xShape, w, l.wShape, l.options);
    const want = conv2dReference(x, l.xShape, w, l.wShape, l.options);
    expect(compareToReference(await y.read(), want, toleranceFor(27))?.message).toBeUndefined();
    y.destroy();
    xt.destroy();
  });

  test('destroying one engine leaves the device and the other engine working', async () => {
    const third = await createConvEngine({ device });
    const pending = mixedCalls(8, 8000);
    const errors = await Promise.all(pending.map((call) => runCall(third, call)));
    expect(errors.filter((e) => e)).toEqual([]);
    const held = await b.conv2d(pending[0].x, pending[0].layer.xShape, pending[0].w, pending[0].layer.wShape, pending[0].layer.options);
    third.destroy();
    // b's output, b's pooled buffers and the shared device survive third.destroy().
    const want = conv2dReference(pending[0].x, pending[0].layer.xShape, pending[0].w, pending[0].layer.wShape, pending[0].layer.options);
    expect(compareToReference(await held.read(), want, toleranceFor(27))?.message).toBeUndefined();
    held.destroy();
    expect((await Promise.all(mixedCalls(8, 9000).map((call) => runCall(b, call)))).filter((e) => e)).toEqual([]);
    expect(uncaptured).toEqual([]);
  });
});

describe('caller-owned GPUBuffer inputs', () => {
  let engine: ConvEngine;
  let uncaptured: string[];
  beforeAll(async () => {
    engine = await createConvEngine();
    uncaptured = watchUncaptured(engine.device);
  });
  afterAll(() => engine.destroy());

  test('x, w and bias buffers are byte-identical after many concurrent calls on every algorithm', async () => {
    const device = engine.device;
    const inputs = kLayers.map((l, i) => {
      const outC = l.options.layout === 'NCHW' ? l.wShape[0] : l.wShape[3];
      const x = seededData(size(l.xShape), 300 + i);
      const w = seededData(size(l.wShape), 400 + i);
      const bias = seededData(outC, 500 + i);
      return {
        l, x, w, bias,
        xb: storageBuffer(device, `test.x${i}`, x),
        wb: storageBuffer(device, `test.w${i}`, w),
        bb: storageBuffer(device, `test.bias${i}`, bias),
      };
    });
    try {
      // Every layer × every algorithm, twice, all in flight; the same buffers are bound by many calls at once.
      const runs = [0, 1].flatMap(() => inputs.flatMap((inp) => algorithmsFor(inp.l).map((algorithm) => ({ inp, algorithm }))));
      const outputs = await Promise.all(
        runs.map(({ inp, algorithm }) => engine.conv2d(inp.xb, inp.l.xShape, inp.wb, inp.l.wShape, { ...inp.l.options, bias: inp.bb, algorithm })),
      );
      const got = await Promise.all(outputs.map((y) => y.read()));
      outputs.forEach((y) => y.destroy());
      runs.forEach(({ inp, algorithm }, i) => {
        const p = normalizeConvParams(inp.l.xShape, inp.l.wShape, inp.l.options);
        const want = conv2dReference(inp.x, inp.l.xShape, inp.w, inp.l.wShape, { ...inp.l.options, bias: inp.bias });
        expect(compareToReference(got[i], want, convTolerance(p))?.message, `${inp.l.xShape} ${algorithm}`).toBeUndefined();
      });
      for (const inp of inputs) {
        expect(await readBuffer(device, inp.xb)).toEqual(new Uint8Array(inp.x.buffer));
        expect(await readBuffer(device, inp.wb)).toEqual(new Uint8Array(inp.w.buffer));
        expect(await readBuffer(device, inp.bb)).toEqual(new Uint8Array(inp.bias.buffer));
      }
      expect(uncaptured).toEqual([]);
    } finally {
      for (const inp of inputs) for (const b of [inp.xb, inp.wb, inp.bb]) b.destroy();
    }
  });

  test('an uploaded GpuTensor input is byte-identical after being used by every algorithm', async () => {
    const l = kLayers[5]; // depthwise: every algorithm applies
    const x = seededData(size(l.xShape), 600);
    const w = seededData(size(l.wShape), 601);
    const xt = engine.upload(x, l.xShape);
    const wt = engine.upload(w, l.wShape);
    const outputs = await Promise.all(algorithmsFor(l).map((algorithm) => engine.conv2d(xt, l.xShape, wt, l.wShape, { ...l.options, algorithm })));
    await Promise.all(outputs.map((y) => y.read()));
    outputs.forEach((y) => y.destroy());
    expect(new Uint8Array((await xt.read()).buffer)).toEqual(new Uint8Array(x.buffer));
    expect(new Uint8Array((await wt.read()).buffer)).toEqual(new Uint8Array(w.buffer));
    xt.destroy();
    wt.destroy();
    expect(uncaptured).toEqual([]);
  });
});
