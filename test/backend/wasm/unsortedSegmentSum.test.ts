import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';

describe('wasm UnsortedSegmentSum', () => {
  it('matches the cpu backend on random shapes, including out-of-range ids', async () => {
    const r = rng(21);
    for (let t = 0; t < 20; t++) {
      const lead: [number] = [randInt(r, 1, 7)];
      const inner = r() < 0.3 ? [] : [randInt(r, 1, 5), ...(r() < 0.3 ? [randInt(r, 1, 3)] : [])];
      const shape = [...lead, ...inner];
      const numSegments = randInt(r, 1, 6);
      const ids = Int32Array.from({ length: lead.reduce((a, b) => a * b, 1) }, () => randInt(r, -1, numSegments));
      const xv = randomValues(r, shape);
      const res = await cpuAndWasm(() => tf.unsortedSegmentSum(tf.tensor(xv, shape), tf.tensor(ids, lead, 'int32'), numSegments));
      expectClose(res.cpu[0], res.wasm[0], 1e-5, `shape ${shape} ids ${ids} numSegments ${numSegments}`);
    }
  });

  it('sums int32 values exactly', async () => {
    await initBackend('wasm');
    const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([0, 2, 0], 'int32'), 3));
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([6, 8, 0, 0, 3, 4]);
    out.dispose();
  });

  it('is the gradient of gather (embedding lookup)', async () => {
    const r = rng(22);
    const table = randomValues(r, [10, 4]);
    const ids = Int32Array.from({ length: 12 }, () => randInt(r, 0, 9));
    const weights = randomValues(r, [3, 4, 4]);
    const res = await cpuAndWasm(() => {
      const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor2d(ids, [3, 4], 'int32')), tf.tensor3d(weights, [3, 4, 4])));
      return tf.grad(f)(tf.tensor2d(table, [10, 4]));
    });
    expectClose(res.cpu[0], res.wasm[0], 1e-5, 'gather gradient');
  });

  it('leaks nothing and rejects bad attrs', async () => {
    await initBackend('wasm');
    expectNoLeak(() => tf.unsortedSegmentSum(tf.ones([5, 3]), tf.tensor1d([0, 1, 1, 3, 0], 'int32'), 4), 'unsortedSegmentSum');
    tf.tidy(() => {
      expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x: tf.ones([2, 3]), segmentIds: tf.tensor1d([0, 1, 1], 'int32') }, { numSegments: 2 } as never))
        .toThrow(/UnsortedSegmentSum: segmentIds has shape \[3\]; allowed: 1-D of length x.shape\[0\]/);
      expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x: tf.ones([2, 3]), segmentIds: tf.zeros([2, 3], 'int32') }, { numSegments: 2 } as never))
        .toThrow(/UnsortedSegmentSum: segmentIds has shape \[2,3\]; allowed: 1-D/);
    });
  });
});
