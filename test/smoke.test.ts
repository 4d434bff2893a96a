import { expect, test } from 'vitest';
import { createConvEngine, conv2dReference } from '../src/index';

test('smoke', async () => {
  const engine = await createConvEngine();
  console.log(engine.adapter);
  const xShape = [1, 5, 6, 3], wShape = [3, 3, 3, 4];
  const x = Float32Array.from({ length: 90 }, (_, i) => Math.sin(i));
  const w = Float32Array.from({ length: 108 }, (_, i) => Math.cos(i));
  for (const algorithm of ['mec-a', 'mec-b', 'im2col', 'direct'] as const) {
    const y = await engine.conv2d(x, xShape, w, wShape, { algorithm, padding: 'same' });
    const got = await y.read();
    const want = conv2dReference(x, xShape, w, wShape, { padding: 'same' });
    let maxErr = 0;
    for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
    console.log(algorithm, got.length, want.length, maxErr);
    expect(maxErr).toBeLessThan(1e-4);
    y.destroy();
  }
  engine.destroy();
});
