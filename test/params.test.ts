import { describe, expect, test } from 'vitest';
import { foldWorkgroups } from '../src/gpu/grid';
import { normalizeConvParams } from '../src/params';

describe('output sizes and padding (no GPU)', () => {
  test.each([
    // [name, xShape NHWC, wShape HWIO, options, [outH, outW], [top, bottom, left, right]]
    ['valid 3x3', [1, 7, 9, 2], [3, 3, 2, 4], {}, [5, 7], [0, 0, 0, 0]],
    ['same stride 1', [1, 7, 9, 2], [3, 3, 2, 4], { padding: 'same' }, [7, 9], [1, 1, 1, 1]],
    ['same stride 2 odd total goes to the end', [1, 224, 224, 3], [7, 7, 3, 64], { padding: 'same', strides: 2 }, [112, 112], [2, 3, 2, 3]],
    ['same-lower stride 2', [1, 224, 224, 3], [7, 7, 3, 64], { padding: 'same-lower', strides: 2 }, [112, 112], [3, 2, 3, 2]],
    ['same with dilation 2', [1, 10, 10, 1], [3, 3, 1, 1], { padding: 'same', dilations: 2 }, [10, 10], [2, 2, 2, 2]],
    ['explicit asymmetric', [1, 8, 8, 1], [3, 2, 1, 1], { padding: [1, 0, 2, 1] }, [7, 10], [1, 0, 2, 1]],
    ['cv1 AlexNet', [1, 227, 227, 3], [11, 11, 3, 96], { strides: 4 }, [55, 55], [0, 0, 0, 0]],
    ['unequal strides', [1, 13, 12, 1], [3, 3, 1, 1], { strides: [3, 1] }, [4, 10], [0, 0, 0, 0]],
  ] as const)('%s', (_n, xShape, wShape, options, out, pads) => {
    const p = normalizeConvParams([...xShape], [...wShape], options as never);
    expect([p.outH, p.outW]).toEqual(out);
    expect([p.padTop, p.padBottom, p.padLeft, p.padRight]).toEqual(pads);
  });

  test('NCHW shapes map to the same parameters as NHWC', () => {
    const a = normalizeConvParams([2, 9, 8, 6], [3, 2, 3, 4], { groups: 2, padding: 'same' });
    const b = normalizeConvParams([2, 6, 9, 8], [4, 3, 3, 2], { groups: 2, padding: 'same', layout: 'NCHW' });
    expect({ ...b, layout: 'NHWC' }).toEqual(a);
  });
});

describe('foldWorkgroups keeps every dimension within the limit and covers the count', () => {
  test.each([
    [1, 65535], [65535, 65535], [65536, 65535], [200_000, 65535], [65535 * 65535 + 7, 65535], [1000, 16], [4096, 16],
  ])('%i workgroups, limit %i', (count, max) => {
    const [x, y, z] = foldWorkgroups(count, max);
    expect(Math.max(x, y, z)).toBeLessThanOrEqual(max);
    expect(x * y * z).toBeGreaterThanOrEqual(count);
    // Not wastefully larger: at most one partial row of x and one partial plane.
    expect(x * y * z - count).toBeLessThan(x * y);
  });
});

test('foldWorkgroups refuses a count beyond limit³', () => {
  expect(() => foldWorkgroups(4097, 16)).toThrow(RangeError);
});
