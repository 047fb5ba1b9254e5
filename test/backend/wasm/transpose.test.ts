import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { swapsLastTwo } from '../../../src/backend/wasm/transpose.js';
import { cpuAndWasm, expectNoLeak, randInt, randomValues, rng } from './helpers.js';

describe("wasm Transpose of the last two axes (phasewise's SIMD replacement)", () => {
  it('recognises exactly the permutations that swap the last two axes', () => {
    expect(swapsLastTwo([1, 0], 2)).toBe(true);
    expect(swapsLastTwo([0, 2, 1], 3)).toBe(true);
    expect(swapsLastTwo([0, 1, 3, 2], 4)).toBe(true);
    expect(swapsLastTwo([2, 1, 0], 3)).toBe(false);
    expect(swapsLastTwo([1, 0, 2], 3)).toBe(false);
    expect(swapsLastTwo([0], 1)).toBe(false);
  });

  it('equals the cpu backend on random shapes (multiples of 4 or not, ranks 2–4, float32 and int32, other perms)', async () => {
    const r = rng(99);
    for (let t = 0; t < 30; t++) {
      const rank = randInt(r, 2, 4);
      const shape = Array.from({ length: rank }, (_, i) => (i >= rank - 2 ? randInt(r, 1, 6) * (r() < 0.8 ? 4 : 1) : randInt(r, 1, 3)));
      const perm = r() < 0.8 ? [...Array(rank - 2).keys(), rank - 1, rank - 2] : [...Array(rank).keys()].reverse();
      const dtype = r() < 0.8 ? 'float32' : 'int32';
      const values = Array.from(randomValues(r, shape), (v) => (dtype === 'int32' ? Math.round(v * 1000) : v));
      const { cpu, wasm } = await cpuAndWasm(() => tf.transpose(tf.tensor(values, shape, dtype), perm));
      expect(Array.from(wasm[0]), JSON.stringify({ shape, perm, dtype })).toEqual(Array.from(cpu[0]));
    }
  });

  it('leaves bool to the stock kernel and leaks nothing', async () => {
    await initBackend('wasm');
    const b = tf.transpose(tf.tensor2d([[true, false], [false, false]], [2, 2], 'bool'));
    expect(Array.from(b.dataSync())).toEqual([1, 0, 0, 0]);
    b.dispose();
    const x = tf.randomNormal([2, 16, 8]);
    expectNoLeak(() => tf.transpose(x, [0, 2, 1]), '[2,16,8]');
    x.dispose();
  });
});
