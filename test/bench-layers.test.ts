import { describe, expect, test } from 'vitest';
import { isDepthwiseLayer, kBenchLayers, layerConv } from '../bench/layers';
import { normalizeConvParams } from '../src/params';

describe('bench layers (MEC.md table)', () => {
  test('ids are unique and cover cv1…cv12 plus the three additions', () => {
    const ids = kBenchLayers.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i <= 12; i++) expect(ids).toContain(`cv${i}`);
    expect(kBenchLayers.filter(isDepthwiseLayer).map((l) => l.id)).toEqual(['mobilenet-dw-s1', 'mobilenet-dw-s2']);
  });

  test('AlexNet conv1 gives the standard 55×55×96 output', () => {
    const c = layerConv(kBenchLayers[0]);
    const p = normalizeConvParams(c.xShape, c.wShape, c.options);
    expect([p.outH, p.outW, p.outC]).toEqual([55, 55, 96]);
  });

  test.each(kBenchLayers.flatMap((l) => [1, 0.25, 0.1].map((scale) => [l.id, scale] as const)))('%s at scale %s is a valid convolution', (id, scale) => {
    const layer = kBenchLayers.find((l) => l.id === id)!;
    const c = layerConv(layer, { batch: 2, scale });
    const p = normalizeConvParams(c.xShape, c.wShape, c.options);
    expect(p.batch).toBe(2);
    expect(p.inC).toBe(layer.inC);
    expect(p.outC).toBe(layer.outC);
    expect(p.outH).toBeGreaterThanOrEqual(scale === 1 ? 1 : 2);
    expect(p.outW).toBeGreaterThanOrEqual(scale === 1 ? 1 : 2);
    if (scale === 1) expect([p.inH, p.inW]).toEqual([layer.inH, layer.inW]);
  });
});
