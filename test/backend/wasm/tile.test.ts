import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { mergeTileAxes, tileValues } from '../../../src/backend/wasm/tile.js';
import { expectNoLeak, randInt, rng } from './helpers.js';

/** Random (shape, reps) of rank 0–5 with sizes 0–4 and reps 0–3, mostly non-empty. */
function cases(seed: number, count: number): { shape: number[]; reps: number[] }[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const rank = randInt(r, 0, 5);
    const shape = Array.from({ length: rank }, () => (randInt(r, 0, 19) === 0 ? 0 : randInt(r, 1, 4)));
    const reps = Array.from({ length: rank }, () => (randInt(r, 0, 19) === 0 ? 0 : randInt(r, 1, 3)));
    return { shape, reps };
  });
}

/** The values of `tf.tile` on a backend, for one case and dtype. */
async function tiled(backend: 'cpu' | 'wasm', shape: number[], reps: number[], dtype: 'float32' | 'int32' | 'bool'): Promise<number[]> {
  await initBackend(backend);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 3 === 0 ? 1 : 0 : dtype === 'int32' ? i - 7 : i * 0.5 - 3));
  return tf.tidy(() => Array.from(tf.tile(tf.tensor(values, shape, dtype), reps).dataSync() as Float32Array));
}

describe("wasm Tile by block copies (phasewise's replacement)", () => {
  it('merges axes that tile alike', () => {
    expect(mergeTileAxes([1, 1, 1, 32], [64, 8, 8, 1])).toEqual({ shape: [32], reps: [4096] }); // the 32 values, 4096 times
    expect(mergeTileAxes([2, 3], [1, 1])).toEqual({ shape: [6], reps: [1] });
    expect(mergeTileAxes([2, 3], [2, 1])).toEqual({ shape: [6], reps: [2] });
    expect(mergeTileAxes([2, 3], [1, 2])).toEqual({ shape: [2, 3], reps: [1, 2] });
    expect(mergeTileAxes([], [])).toEqual({ shape: [1], reps: [1] });
    expect(mergeTileAxes([1, 1], [1, 1])).toEqual({ shape: [1], reps: [1] });
  });

  it('tileValues: the documented example and a 2-D case written out', () => {
    const out = new Float32Array(6);
    tileValues(new Float32Array([1, 2]), [2], [3], out);
    expect(Array.from(out)).toEqual([1, 2, 1, 2, 1, 2]);
    const o3 = new Int32Array(24);
    tileValues(new Int32Array([1, 2, 3, 4]), [2, 2], [2, 3], o3);
    expect(Array.from(o3)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  });

  it('matches the cpu backend on 60 random shapes and reps (rank 0–5, empty axes, zero reps), float32 / int32 / bool', async () => {
    for (const [i, { shape, reps }] of [{ shape: [1, 1, 1, 32], reps: [64, 8, 8, 1] }, ...cases(91, 60)].entries()) {
      const dtype = (['float32', 'int32', 'bool'] as const)[i % 3];
      const cpu = await tiled('cpu', shape, reps, dtype);
      const wasm = await tiled('wasm', shape, reps, dtype);
      expect(wasm, `${dtype} ${JSON.stringify(shape)} × ${JSON.stringify(reps)}`).toEqual(cpu);
    }
  });

  it('the batch-norm gradient (which tiles) matches the cpu backend', async () => {
    const grad = () => {
      const x = tf.tensor4d(Array.from({ length: 2 * 3 * 3 * 4 }, (_, i) => Math.sin(i)), [2, 3, 3, 4]);
      const mean = tf.tensor1d([0.1, -0.2, 0.3, 0]);
      const variance = tf.tensor1d([1, 2, 0.5, 4]);
      const [offset, scale] = [tf.tensor1d([0, 0.5, -1, 2]), tf.tensor1d([1, -2, 0.5, 3])];
      return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.batchNorm(t as tf.Tensor4D, mean, variance, offset, scale, 1e-3))))(x);
    };
    await initBackend('cpu');
    const cpu = tf.tidy(() => Array.from(grad().dataSync()));
    await initBackend('wasm');
    const wasm = tf.tidy(() => Array.from(grad().dataSync()));
    wasm.forEach((v, j) => expect(v).toBeCloseTo(cpu[j], 5));
  });

  it('rejects reps of the wrong length or sign before allocating, and leaks nothing', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const before = tf.memory().numTensors;
    expect(() => tf.engine().runKernel('Tile', { x }, { reps: [2] })).toThrow(/reps is \[2\] for an input of rank 2; allowed: 2 non-negative integers/);
    expect(() => tf.engine().runKernel('Tile', { x }, { reps: [2, -1] })).toThrow(/reps is \[2,-1\]/);
    expect(tf.memory().numTensors).toBe(before);
    expectNoLeak(() => tf.tile(x, [3, 2]), 'tile');
    x.dispose();
  });
});
