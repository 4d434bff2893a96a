// MEC's Solution B with block kernels whose adjacent output rows share the runs of L they read
// (gemm_window.wgsl): the block shapes chosen, where the kernel is used, and its results against
// the float64 reference on the edges of its blocks (rows and columns past o_h and o_w, shifted
// blocks, strides, dilation, batch, groups, NCHW, the epilogue, shared B), with windows on and off.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ConvEngine, createConvEngine, type GemmKernel } from '../src/index';
import { type ConvOptions, normalizeConvParams } from '../src/params';
import { gemmCapsOf } from '../src/plans/gemm';
import { windowBlock, windowRuns } from '../src/plans/gemm-window';
import { mecB } from '../src/plans/mec';
import { compareToReference, seededData, toleranceFor } from './grid';
import { conv2dReference } from '../src/reference/conv2d';

const k16x8: GemmKernel = { family: 'block', tm: 16, tn4: 2 };

/** The names of Solution B's passes (recorded, not run: the buffers are stand-ins). */
function names(xShape: number[], wShape: number[], kernel: GemmKernel, options: ConvOptions = {}): string {
  const p = normalizeConvParams(xShape, wShape, options);
  const buffer = { size: 2 ** 30 } as GPUBuffer;
  const io = { x: buffer, w: buffer, bias: buffer, y: buffer, workspace: mecB.workspace(p, kernel).map(() => buffer) };
  return mecB.passes(p, io, kernel).map((pass) => pass.name).join(' ');
}

describe('window blocks', () => {
  test('the runs th adjacent rows read: th·s_h + s·d_h, each once', () => {
    expect(windowRuns(4, { outH: 9, strideH: 1, dilationH: 1, kH: 3 })).toEqual([0, 1, 2, 3, 4, 5]);
    expect(windowRuns(3, { outH: 9, strideH: 2, dilationH: 1, kH: 3 })).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(windowRuns(2, { outH: 9, strideH: 1, dilationH: 2, kH: 3 })).toEqual([0, 1, 2, 3, 4, 5]);
    // Stride k_h: the windows do not overlap, nothing to share.
    expect(windowRuns(4, { outH: 9, strideH: 3, dilationH: 1, kH: 3 })).toHaveLength(12);
  });

  test('th is at most o_h, tw = ⌊tm / th⌋; blocks are chosen on the bench layers, not where rows share nothing', () => {
    let chosen = 0;
    for (const outH of [2, 3, 7, 12, 20, 56, 224]) {
      for (const tm of [4, 8, 16, 32]) {
        const b = windowBlock({ tm, tn4: 2 }, { outH, strideH: 1, dilationH: 1, kH: 3 }, outH);
        if (!b) continue;
        chosen++;
        expect(b.tw * b.th, `o_h ${outH}, tm ${tm}`).toBeLessThanOrEqual(tm);
        expect((b.tw + 1) * b.th).toBeGreaterThan(tm);
        expect(b.th).toBeLessThanOrEqual(outH);
        expect(b.th).toBeGreaterThan(1);
      }
    }
    expect(chosen).toBeGreaterThan(20);
    // cv6, cv10, cv4 and cv12 of MEC.md with 16-row blocks: 4 × 4, one column of 14 rows, one of 16, 2 × 7.
    expect(windowBlock({ tm: 16, tn4: 2 }, { outH: 7, strideH: 1, dilationH: 1, kH: 3 }, 7)).toEqual({ tw: 2, th: 7 });
    expect(windowBlock({ tm: 16, tn4: 2 }, { outH: 12, strideH: 1, dilationH: 1, kH: 3 }, 12)).toEqual({ tw: 4, th: 4 });
    expect(windowBlock({ tm: 16, tn4: 2 }, { outH: 28, strideH: 1, dilationH: 1, kH: 3 }, 28)).toEqual({ tw: 1, th: 14 });
    expect(windowBlock({ tm: 16, tn4: 2 }, { outH: 224, strideH: 1, dilationH: 1, kH: 3 }, 224)).toEqual({ tw: 1, th: 16 });
    expect(windowBlock(k16x8 as { tm: number; tn4: number }, { outH: 1, strideH: 1, dilationH: 1, kH: 3 }, 50)).toBeUndefined();
    expect(windowBlock(k16x8 as { tm: number; tn4: number }, { outH: 20, strideH: 3, dilationH: 1, kH: 3 }, 20)).toBeUndefined();
    expect(windowBlock(k16x8 as { tm: number; tn4: number }, { outH: 20, strideH: 1, dilationH: 1, kH: 1 }, 20)).toBeUndefined();
  });

  test("Solution B's GEMM takes the window kernel only on L's 'runs' layout, and not with rowWindows: false", () => {
    expect(names([1, 14, 13, 8], [3, 3, 8, 12], k16x8)).toMatch(/Mec\.gemmB\.block16x8\.w1x12k3s1d1/);
    expect(names([1, 14, 13, 8], [3, 3, 8, 12], { ...k16x8, rowWindows: false })).toMatch(/Mec\.gemmB\.block16x8-nowindows(\.|$)/);
    // 3 channels, 3 × 3: L's runs padded 9 -> 12 for the window kernel (rows share them), but
    // unpadded, read as one stretch of f32s by the plain kernel (rowWindows: false) and by Solution A.
    expect(names([1, 14, 13, 3], [3, 3, 3, 12], k16x8)).toMatch(/Mec\.gemmB\.block16x8\.w1x12k3s1d1/);
    expect(names([1, 14, 13, 3], [3, 3, 3, 12], { ...k16x8, rowWindows: false })).toMatch(/Mec\.gemmB\.block16x8-nowindows\.a32/);
    expect(names([1, 14, 13, 8], [3, 3, 8, 12], { family: 'tiled', wg: 8, tileK: 16 })).not.toMatch(/\.w\d/);
    // One output row, or rows whose windows do not overlap (s_h = k_h): nothing to share.
    expect(names([1, 3, 20, 8], [3, 3, 8, 12], k16x8)).not.toMatch(/\.w\d/);
    expect(names([1, 30, 20, 8], [3, 3, 8, 12], k16x8, { strides: [3, 1] })).not.toMatch(/\.w\d/);
  });
});

interface WindowCase {
  name: string;
  xShape: [number, number, number, number];
  wShape: [number, number, number, number];
  options: ConvOptions;
  bias?: boolean;
  /** Windows taller than kMaxWindowRows are read apart (slower shared, measured): the case checks the plain kernel. */
  apart?: true;
}

// NHWC shapes unless the layout says NCHW (then x is [n, c, h, w] and w [k_c, c/g, k_h, k_w]).
const kCases: WindowCase[] = [
  { name: 'o_h 12, o_w 11: a partial block column', xShape: [1, 14, 13, 8], wShape: [3, 3, 8, 12], options: {} },
  { name: 'o_h 26, o_w 9: blocks shifted up at the bottom, partial columns', xShape: [1, 28, 11, 8], wShape: [3, 3, 8, 8], options: {} },
  { name: 'o_h 2: the smallest block height', xShape: [1, 4, 9, 8], wShape: [3, 3, 8, 8], options: {} },
  { name: 's_h 2, d_h 2, stride and dilation unequal', xShape: [1, 19, 9, 4], wShape: [3, 3, 4, 8], options: { strides: [2, 1], dilations: [2, 1] } },
  { name: '5 × 5, same padding, 18 columns (scalar stores)', xShape: [1, 10, 10, 8], wShape: [5, 5, 8, 18], options: { padding: 'same' } },
  { name: 'batch 2, 2 groups, NCHW, bias and relu6', xShape: [2, 8, 12, 8], wShape: [12, 4, 3, 3], options: { groups: 2, layout: 'NCHW', padding: 'same', activation: 'relu6' }, bias: true },
  { name: 'k_h 2 over 64 channels, batch 3, relu', xShape: [3, 6, 5, 64], wShape: [2, 2, 64, 12], options: { activation: 'relu' }, bias: true },
  // 3 channels (runs padded to a multiple of 4 only for the window kernel, mecLayout): cv7, cv3, cv1 in small.
  { name: '3 channels, 3 × 3, same padding (runs 9 -> 12)', xShape: [1, 21, 7, 3], wShape: [3, 3, 3, 8], options: { padding: 'same' } },
  { name: '3 channels, 7 × 7, s 2, pad 3 (runs 21 -> 24)', xShape: [1, 23, 9, 3], wShape: [7, 7, 3, 8], options: { strides: 2, padding: [3, 3, 3, 3] }, bias: true },
  { name: '3 channels, 11 × 11, s 4, batch 2 (read apart)', xShape: [2, 47, 15, 3], wShape: [11, 11, 3, 12], options: { strides: 4 }, apart: true },
];

describe('window kernels against the float64 reference (atol = rtol = 1e-5·sqrt(k_h·k_w·i_c/g))', () => {
  let engine: ConvEngine;
  let kernels: GemmKernel[];
  beforeAll(async () => {
    engine = await createConvEngine({ tuneCache: false });
    const caps = gemmCapsOf(engine.device);
    kernels = [
      k16x8,
      { family: 'block', tm: 8, tn4: 1 },
      ...(caps.shareB ? [{ family: 'block', tm: 32, tn4: 4, shareB: true }] as GemmKernel[] : [{ family: 'block', tm: 16, tn4: 4 }] as GemmKernel[]),
      { ...k16x8, rowWindows: false },
    ];
  });
  afterAll(() => engine.destroy());

  test.each(kCases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const x = seededData(c.xShape.reduce((a, b) => a * b), 10 + i);
    const w = seededData(c.wShape.reduce((a, b) => a * b), 20 + i);
    const p = normalizeConvParams(c.xShape, c.wShape, c.options, c.bias);
    const bias = c.bias ? seededData(p.outC, 30 + i) : undefined;
    const want = conv2dReference(x, c.xShape, w, c.wShape, { ...c.options, bias });
    if (c.apart) expect(names(c.xShape, c.wShape, k16x8, c.options)).not.toMatch(/\.w\d+x\d+k/);
    else expect(names(c.xShape, c.wShape, k16x8, c.options)).toMatch(/\.w\d+x\d+k/);
    for (const gemmKernel of kernels) {
      const y = await engine.conv2d(x, c.xShape, w, c.wShape, { ...c.options, bias, algorithm: 'mec-b', gemmKernel });
      const got = await y.read();
      y.destroy();
      expect(compareToReference(got, want, toleranceFor(p.kH * p.kW * p.inCPerGroup)), JSON.stringify(gemmKernel)).toBeUndefined();
    }
  });
});
