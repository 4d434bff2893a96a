// ~300 conv2d calls (test/soak.ts) with every GPU buffer counted from outside the library: after
// trim() and after destroy() the device holds exactly the buffers it held before.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createConvEngine, requestDevice } from '../src/index';
import { seededData } from './grid';
import { type BufferTracker, runSoak, trackBuffers } from './soak';

const kCalls = 300;
/** Distinct cases cycled: few enough that the pool hits, and pipelines compile in seconds. */
const kShapes = 40;

describe(`soak: ${kCalls} calls, live GPU buffers counted`, () => {
  let device: GPUDevice;
  let tracker: BufferTracker;
  const uncaptured: string[] = [];
  beforeAll(async () => {
    device = await requestDevice();
    device.addEventListener('uncapturederror', (event) => uncaptured.push((event as GPUUncapturedErrorEvent).error.message));
    tracker = trackBuffers(device);
  });
  afterAll(() => {
    tracker.dispose();
    device.destroy();
  });

  test('the tracker counts buffers made and destroyed outside any engine', () => {
    const before = tracker.live;
    const b = device.createBuffer({ label: 'test.tracked', size: 16, usage: 0x0080 });
    expect(tracker.live).toBe(before + 1);
    b.destroy();
    b.destroy();
    expect(tracker.live).toBe(before);
  });

  test(`${kCalls} mixed calls: back to the starting count after trim() and after destroy()`, async () => {
    const before = tracker.live;
    const engine = await createConvEngine({ device });
    const result = await runSoak(engine, kCalls, { shapes: kShapes });
    expect(result.failures).toEqual([]);
    expect(result.calls).toBe(kCalls);
    expect(result.checked).toBeGreaterThan(0);
    expect(result.rejected).toBeGreaterThan(0);
    await device.queue.onSubmittedWorkDone();
    expect(tracker.live).toBe(before + engine.stats().liveBuffers); // the engine's own count agrees
    engine.trim();
    expect(tracker.live).toBe(before);
    expect(engine.stats()).toMatchObject({ liveBuffers: 0, liveBytes: 0, pooledBytes: 0 });
    engine.destroy();
    expect(tracker.live).toBe(before);
    expect(uncaptured).toEqual([]);
  });

  test('with pooling off, nothing stays live between calls', async () => {
    const before = tracker.live;
    const engine = await createConvEngine({ device, poolBytes: 0 });
    const result = await runSoak(engine, 60, { shapes: kShapes });
    expect(result.failures).toEqual([]);
    expect(tracker.live).toBe(before);
    engine.destroy();
    expect(tracker.live).toBe(before);
  });

  test('outputs and uploads left undestroyed are freed by engine.destroy()', async () => {
    const before = tracker.live;
    const engine = await createConvEngine({ device });
    const x = engine.upload(seededData(2 * 6 * 6 * 3, 1), [2, 6, 6, 3]);
    const w = seededData(3 * 3 * 3 * 4, 2);
    for (const algorithm of ['mec-a', 'mec-b', 'im2col', 'direct'] as const) await engine.conv2d(x, x.shape, w, [3, 3, 3, 4], { algorithm });
    expect(tracker.live).toBeGreaterThan(before + 4);
    engine.destroy();
    expect(tracker.live).toBe(before);
  });
});
