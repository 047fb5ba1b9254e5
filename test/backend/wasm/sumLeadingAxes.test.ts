import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { leadingBlock, sumTuning } from '../../../src/backend/wasm/sumLeadingAxes.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';

interface Case { shape: number[]; axis: number | number[]; keepDims: boolean }

function randomCases(seed: number, count: number): Case[] {
  const r = rng(seed);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const rank = randInt(r, 1, 5);
    const shape = Array.from({ length: rank }, () => randInt(r, 1, 7));
    const a = randInt(r, 0, rank - 1);
    const b = randInt(r, a, rank - 1);
    const block = Array.from({ length: b - a + 1 }, (_, k) => a + k);
    const kind = randInt(r, 0, 3);
    // contiguous blocks (the fast path), negative axes, gaps and the innermost axis (stock path)
    const axis = kind === 0 ? block : kind === 1 ? block.map((x) => x - rank) : kind === 2 && rank > 1 ? [0, rank - 1] : a;
    cases.push({ shape, axis, keepDims: randInt(r, 0, 1) === 1 });
  }
  return cases;
}

describe('wasm Sum (leading / middle axes without a transpose)', () => {
  it('the SIMD column sum matches the cpu backend and the scalar loop (inner sizes a multiple of 4, 1–3 outer blocks)', async () => {
    const r = rng(4711);
    for (let t = 0; t < 25; t++) {
      const shape = [randInt(r, 1, 3), randInt(r, 1, 40), randInt(r, 1, 9), 4 * randInt(r, 1, 12)];
      const axis = r() < 0.5 ? [1, 2] : [0, 1, 2];
      const v = randomValues(r, shape);
      const run = () => tf.sum(tf.tensor(v, shape), axis);
      const res = await cpuAndWasm(run);
      expectClose(res.cpu[0], res.wasm[0], 1e-5, `simd sum ${JSON.stringify({ shape, axis })}`);
      sumTuning.simd = false;
      try {
        const scalar = await cpuAndWasm(run);
        expectClose(scalar.wasm[0], res.wasm[0], 1e-6, `simd vs scalar ${JSON.stringify({ shape, axis })}`);
      } finally {
        sumTuning.simd = true;
      }
    }
    await initBackend('wasm');
    expect(Array.from(tf.sum(tf.zeros([0, 3, 8]), [0, 1]).dataSync())).toEqual(new Array(8).fill(0)); // no rows
  });

  it('matches the cpu backend on 60 random shapes and axes, with and without keepDims', async () => {
    for (const [i, c] of randomCases(21, 60).entries()) {
      const v = randomValues(rng(900 + i), c.shape);
      const res = await cpuAndWasm(() => tf.sum(tf.tensor(v, c.shape), c.axis, c.keepDims));
      expectClose(res.cpu[0], res.wasm[0], 1e-5, `sum ${JSON.stringify(c)}`);
    }
  });

  it('gives the cpu backend\'s shapes, sums int32 exactly and sums big bias gradients', async () => {
    await initBackend('wasm');
    tf.tidy(() => {
      expect(tf.sum(tf.ones([2, 3, 4]), [0, 1], true).shape).toEqual([1, 1, 4]);
      expect(tf.sum(tf.ones([2, 3, 4]), [1]).shape).toEqual([2, 4]);
      expect(Array.from(tf.sum(tf.tensor([[1, 2], [3, 4]], undefined, 'int32'), 0).dataSync())).toEqual([4, 6]);
      expect(tf.sum(tf.tensor([[1, 2], [3, 4]], undefined, 'int32'), 0).dtype).toBe('int32');
      expect(Array.from(tf.sum(tf.ones([64, 28, 28, 3]), [0, 1, 2]).dataSync())).toEqual([50176, 50176, 50176]);
    });
    const v = randomValues(rng(5), [16, 9, 9, 8]);
    const res = await cpuAndWasm(() => tf.grad((b: tf.Tensor) => tf.sum(tf.square(tf.add(tf.tensor4d(v, [16, 9, 9, 8]), b))))(tf.zeros([8])));
    expectClose(res.cpu[0], res.wasm[0], 1e-5, 'bias gradient');
  });

  it('views a reduction as [outer, reduce, inner] only for contiguous blocks without the last axis', () => {
    expect(leadingBlock([64, 28, 28, 32], [0, 1, 2])).toEqual([1, 50176, 32]);
    expect(leadingBlock([2, 3, 4, 5], [1, 2])).toEqual([2, 12, 5]);
    expect(leadingBlock([2, 3, 4, 5], [2, 1, 1])).toEqual([2, 12, 5]);
    expect(leadingBlock([2, 3, 4, 5], [0, 2])).toBeUndefined();
    expect(leadingBlock([2, 3, 4, 5], [3])).toBeUndefined();
    expect(leadingBlock([7], [0])).toBeUndefined();
    expect(leadingBlock([2, 3], [])).toBeUndefined();
  });

  it('leaks no tensors and no wasm buffers on either path', async () => {
    await initBackend('wasm');
    const x = tf.randomNormal([4, 5, 6]);
    for (const axis of [[0, 1], [1], 2, [0, 2]]) expectNoLeak(() => tf.sum(x, axis), `sum axis ${JSON.stringify(axis)}`);
    x.dispose();
  });
});
