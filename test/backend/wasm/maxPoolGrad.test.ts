import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, rng } from './helpers.js';

type Pad = 'same' | 'valid';

/** MaxPoolGrad through the kernel (dy, input, output), as tf.grad of tf.maxPool runs it. */
function poolGrad(xv: Float32Array, shape: number[], f: [number, number], s: [number, number], pad: Pad, seed: number) {
  return () => {
    const x = tf.tensor4d(xv, shape as [number, number, number, number]);
    const y = tf.maxPool(x, f, s, pad);
    const dy = tf.randomUniform(y.shape, -1, 1, 'float32', seed);
    return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: f, strides: s, pad }) as tf.Tensor;
  };
}

/** Values with many ties (ReLU zeros and a coarse grid), as pooled activations have. */
function tiedValues(r: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => (r() < 0.4 ? 0 : Math.round((r() * 2 - 1) * 4) / 4));
}

describe("wasm MaxPoolGrad (phasewise's replacement) matches the cpu backend", () => {
  it('on a hand example: the first maximum of a window gets the gradient (ties included)', async () => {
    const x = Float32Array.from([0, 0, 0, 0, 1, 2, 2, 1, 0, 0, 0, 0, 3, 3, 3, 3]);
    const run = () => {
      const t = tf.tensor4d(x, [1, 4, 4, 1]);
      const y = tf.maxPool(t, 2, 2, 'valid');
      return tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]), input: t, output: y },
        { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
    };
    const { cpu, wasm } = await cpuAndWasm(run);
    // windows: [0 0; 1 2] → 2 at (1,1); [0 0; 2 1] → 2 at (1,2); [0 0; 3 3] → first 3 at (3,0); [0 0; 3 3] → (3,2)
    const want = [0, 0, 0, 0, 0, 10, 20, 0, 0, 0, 0, 0, 30, 0, 40, 0];
    expect(Array.from(wasm[0])).toEqual(want);
    expect(Array.from(cpu[0])).toEqual(want);
  });

  it('on 40 random shapes, windows, strides and paddings (overlapping windows, partial windows, ties)', async () => {
    const r = rng(515);
    for (let t = 0; t < 40; t++) {
      const shape = [randInt(r, 1, 3), randInt(r, 1, 12), randInt(r, 1, 12), randInt(r, 1, 9)];
      const f: [number, number] = [randInt(r, 1, 3), randInt(r, 1, 3)];
      const s: [number, number] = [randInt(r, 1, 3), randInt(r, 1, 3)];
      const pad: Pad = r() < 0.5 ? 'same' : 'valid';
      if (pad === 'valid' && (shape[1] < f[0] || shape[2] < f[1])) continue;
      const run = poolGrad(tiedValues(r, shape.reduce((a, b) => a * b, 1)), shape, f, s, pad, 100 + t);
      const { cpu, wasm } = await cpuAndWasm(run);
      expectClose(cpu[0], wasm[0], 1e-6, JSON.stringify({ shape, f, s, pad }));
    }
  });

  it('with -Infinity and NaN in the input (no value beats -Infinity: no gradient)', async () => {
    const xv = Float32Array.from([-Infinity, -Infinity, -Infinity, -Infinity, NaN, 1, NaN, NaN, -Infinity, NaN, 2, 2, 5, NaN, NaN, NaN]);
    const { cpu, wasm } = await cpuAndWasm(poolGrad(xv, [1, 4, 4, 1], [2, 2], [2, 2], 'valid', 9));
    expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]));
  });

  it('2×2 stride-2 windows over 4k channels (the SIMD kernel): ties, odd sizes, -Infinity and NaN', async () => {
    const r = rng(616);
    for (let t = 0; t < 20; t++) {
      const shape = [randInt(r, 1, 3), randInt(r, 2, 13), randInt(r, 2, 13), 4 * randInt(r, 1, 4)];
      const run = poolGrad(tiedValues(r, shape.reduce((a, b) => a * b, 1)), shape, [2, 2], [2, 2], 'valid', 200 + t);
      const { cpu, wasm } = await cpuAndWasm(run);
      expect(Array.from(wasm[0]), JSON.stringify(shape)).toEqual(Array.from(cpu[0]));
    }
    const special = Float32Array.from({ length: 4 * 4 * 8 }, (_, i) => [-Infinity, NaN, 1, 0, -1, NaN, -Infinity, 2][(i * 7 + (i >> 3)) % 8]);
    const { cpu, wasm } = await cpuAndWasm(poolGrad(special, [1, 4, 4, 8], [2, 2], [2, 2], 'valid', 10));
    expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]));
  });

  it('through tf.grad of a max-pooling layer', async () => {
    const r = rng(77);
    const xv = tiedValues(r, 2 * 8 * 8 * 4);
    const f = () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), tf.reshape(tf.range(1, 65), [1, 4, 4, 4]))))(tf.tensor4d(xv, [2, 8, 8, 4]));
    const { cpu, wasm } = await cpuAndWasm(f);
    expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]));
  });

  it('leaks nothing', async () => {
    await initBackend('wasm');
    const r = rng(3);
    expectNoLeak(poolGrad(tiedValues(r, 2 * 9 * 9 * 3), [2, 9, 9, 3], [3, 3], [2, 2], 'same', 5), '3x3 s2 same');
  });
});
