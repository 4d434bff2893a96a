// The bench's README tables (bench/report.ts, markdownResults) from a small report with known numbers.
import { expect, test } from 'vitest';
import type { ContestantId } from '../bench/contestants';
import type { ContestantResult } from '../bench/measure';
import { type BenchReport, type LayerResults, markdownResults, summarize } from '../bench/report';

const result = (contestant: ContestantId, medianMs: number, flops: number, ran?: string): ContestantResult => ({
  contestant, ran, timesMs: [medianMs], medianMs, minMs: medianMs, maxMs: medianMs, gflops: flops / medianMs / 1e6,
  firstCallMs: medianMs, firstCallBytes: 0, setupBytes: 0, peakBytes: 0, ioBytes: 0, bytesPerCall: 0,
});

const layer = (id: string, flops: number, ms: Partial<Record<ContestantId, number>>, ran: string): LayerResults => ({
  layer: id, network: id, shape: '', xShape: [], wShape: [], flops, expected: 'float64 CPU reference', formulas: { mecBytes: 0, im2colBytes: 0 },
  results: Object.entries(ms).map(([c, t]) => result(c as ContestantId, t, flops, c === 'auto' ? ran : undefined)),
});

test('markdownResults: per-layer times, share of the GEMM peak and geomean ratios', () => {
  const contestants: ContestantId[] = ['mec-a', 'mec-b', 'im2col', 'auto', 'tfjs'];
  const layers = [
    // 1 GFLOP: auto 100 ms = 10 GFLOP/s, half of a 20 GFLOP/s peak; best MEC is mec-b (120 ms).
    layer('a', 1e9, { 'mec-a': 150, 'mec-b': 120, im2col: 200, auto: 100, tfjs: 400 }, 'mec-b'),
    layer('b', 1e8, { 'mec-a': 10, 'mec-b': 30, im2col: 40, auto: 10, tfjs: 90 }, 'mec-a'),
  ];
  const report = { layers, summary: summarize(layers, contestants), gemmPeak: { size: 1024, byKernel: {}, best: { kernel: { family: 'block', tm: 16, tn4: 8 }, gflops: 20 } } } as unknown as BenchReport;
  const lines = markdownResults(report).split('\n');
  expect(lines[2]).toBe('| a | mec-b | 100.0 | 10.00 | 50 % | 120.0 | 200.0 | 400.0 | — | — | 4.0× |');
  expect(lines[3]).toBe('| b | mec-a | 10.0 | 10.00 | 50 % | 10.0 | 40.0 | 90.0 | — | — | 9.0× |');
  // auto: sqrt(4 · 9) = 6 vs TF.js, sqrt(2 · 4) = 2.83 vs im2col; best MEC: sqrt(400/120 · 9) = 5.48, sqrt(200/120 · 4) = 2.58.
  expect(lines).toContain('| auto | 6.00× | — | — | 2.83× |');
  expect(lines).toContain('| best of MEC A/B | 5.48× | — | — | 2.58× |');
});
