// A lost device is reported as DeviceLostError by pending and later calls, and a new engine works.
import { expect, test } from 'vitest';
import { ConvArgumentError, createConvEngine, conv2dReference, DeviceLostError, MecError } from '../src/index';
import { compareToReference, seededData, toleranceFor } from './grid';

const xShape = [2, 9, 8, 4];
const wShape = [3, 3, 4, 8];
const x = seededData(2 * 9 * 8 * 4, 11);
const w = seededData(3 * 3 * 4 * 8, 12);

test('calls in flight and after a loss reject with DeviceLostError; a new engine computes correctly', async () => {
  const engine = await createConvEngine();
  const kept = await engine.conv2d(x, xShape, w, wShape, { algorithm: 'mec-b' });
  const pending = [
    engine.conv2d(x, xShape, w, wShape, { algorithm: 'mec-a' }),
    engine.conv2d(x, xShape, w, wShape, { algorithm: 'im2col' }).then((y) => y.read()),
    kept.read().then(() => engine.conv2d(x, xShape, w, wShape, { algorithm: 'direct' })),
  ];
  engine.device.destroy(); // what a driver reset or a GPU process crash looks like to the page
  const settled = await Promise.allSettled(pending);
  for (const s of settled) {
    expect(s.status).toBe('rejected');
    expect((s as PromiseRejectedResult).reason).toBeInstanceOf(DeviceLostError);
  }
  const lost = await engine.lost;
  expect(lost).toBeInstanceOf(DeviceLostError);
  expect(lost.reason).toBe('destroyed');
  await expect(engine.conv2d(x, xShape, w, wShape)).rejects.toBeInstanceOf(DeviceLostError);
  await expect(kept.read()).rejects.toBeInstanceOf(DeviceLostError);
  expect(() => engine.upload(x, xShape)).toThrow(DeviceLostError);
  // Even a malformed call reports the loss: nothing can run until a new engine exists.
  await expect(engine.conv2d(x, [2, 9, 8, 5], w, wShape)).rejects.toBeInstanceOf(DeviceLostError);
  engine.destroy();
  await expect(engine.conv2d(x, xShape, w, wShape)).rejects.toBeInstanceOf(MecError);

  const fresh = await createConvEngine();
  const y = await fresh.conv2d(x, xShape, w, wShape, { padding: 'same' });
  const want = conv2dReference(x, xShape, w, wShape, { padding: 'same' });
  expect(compareToReference(await y.read(), want, toleranceFor(3 * 3 * 4))).toBeUndefined();
  fresh.destroy();
  expect(ConvArgumentError.prototype).toBeInstanceOf(MecError);
});
