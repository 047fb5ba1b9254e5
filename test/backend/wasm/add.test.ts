import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { cpuAndWasm, expectClose, expectNoLeak, randomValues, rng } from './helpers.js';

process.env.PHASEWISE_QUIET = '1';

const add = (as: number[], bs: number[], seed: number, dtype: 'float32' | 'int32' = 'float32') => {
  const r = rng(seed);
  const [av, bv] = [randomValues(r, as), randomValues(r, bs)];
  return () => tf.add(tf.tensor(av, as, dtype), tf.tensor(bv, bs, dtype));
};

describe('wasm Add: the SIMD bias add (add.ts, simdBiasAdd.ts)', () => {
  it('adds a vector to every row, in either order, exactly as the cpu backend', async () => {
    for (const [i, [as, bs]] of ([[[2, 5, 5, 8], [8]], [[8], [3, 8]], [[4, 12], [12]], [[1, 16, 16, 512], [512]], [[0, 4], [4]]] as [number[], number[]][]).entries()) {
      const y = await cpuAndWasm(add(as, bs, i));
      expect(Array.from(y.wasm[0]), JSON.stringify([as, bs])).toEqual(Array.from(y.cpu[0]));
    }
  });

  it('leaves other adds to the stock kernel, with the same results', async () => {
    for (const [i, [as, bs, dt]] of ([[[2, 6], [6]], [[3, 8], [3, 8]], [[3, 8], [1]], [[4, 8], [8], 'int32'], [[2, 8], [2, 1]]] as [number[], number[], 'int32' | undefined][]).entries()) {
      const y = await cpuAndWasm(add(as, bs, 20 + i, dt ?? 'float32'));
      expect(Array.from(y.wasm[0]), JSON.stringify([as, bs, dt])).toEqual(Array.from(y.cpu[0]));
    }
  });

  it('keeps the bias gradient of a layer right and leaks nothing', async () => {
    const r = rng(40);
    const [xv, bv] = [randomValues(r, [3, 4, 4, 8]), randomValues(r, [8])];
    const g = await cpuAndWasm(() => tf.grads((x: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.add(x, b))))([tf.tensor(xv, [3, 4, 4, 8]), tf.tensor(bv, [8])]));
    expectClose(g.cpu[0], g.wasm[0], 1e-6, 'dx');
    expectClose(g.cpu[1], g.wasm[1], 1e-6, 'd bias');
    await initBackend('wasm');
    expectNoLeak(add([2, 5, 5, 8], [8], 41), 'bias add');
  });
});

describe('wasm SquaredDifference (squaredDifference.ts, simdSquaredDifference.ts)', () => {
  it('gives (a - b)² as the cpu backend for same-shape float32 tensors (float32 rounding of the difference), and defers the rest', async () => {
    const r = rng(50);
    for (const [as, bs] of [[[3, 8], [3, 8]], [[1, 64, 64], [1, 64, 64]], [[5], [5]], [[2, 4], [4]], [[2, 3], [1]]] as number[][][]) {
      const [av, bv] = [randomValues(r, as), randomValues(r, bs)];
      const y = await cpuAndWasm(() => tf.squaredDifference(tf.tensor(av, as), tf.tensor(bv, bs)));
      expectClose(y.cpu[0], y.wasm[0], 1e-6, JSON.stringify([as, bs]));
    }
    await initBackend('wasm');
    expectNoLeak(() => tf.squaredDifference(tf.ones([4, 4]), tf.zeros([4, 4])), 'squared difference');
  });
});

