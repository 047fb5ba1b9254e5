import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { elementwiseTuning } from '../../../src/backend/wasm/elementwise.js';
import { cpuAndWasm, liveCounts, randomValues, rng } from './helpers.js';

const ops = {
  add: (a: tf.Tensor, b: tf.Tensor) => tf.add(a, b),
  sub: (a: tf.Tensor, b: tf.Tensor) => tf.sub(a, b),
  mul: (a: tf.Tensor, b: tf.Tensor) => tf.mul(a, b),
  div: (a: tf.Tensor, b: tf.Tensor) => tf.div(a, b),
};

// equal sizes (odd counts: the n % 4 tail), a scalar either side, broadcasts and dtypes left to the stock kernels
const SHAPES: [number[], number[]][] = [
  [[7], [7]], [[3, 5, 2], [3, 5, 2]], [[1, 16, 16, 8], [1, 16, 16, 8]], [[2, 3], [1, 2, 3]], [[6, 5], []], [[], [4, 3, 3]],
  [[1], [9]], [[5, 1], [1, 4]], [[4, 6], [6]], [[0, 3], [0, 3]],
];

describe("wasm element-wise Relu, Step, Add, Sub, Multiply, RealDiv (phasewise's SIMD loops)", () => {
  afterEach(() => {
    elementwiseTuning.poolFloats = 1 << 20;
  });

  for (const pooled of [false, true]) {
    it(`match the cpu backend on every operand layout${pooled ? ', cut into ranges' : ''}`, async () => {
      elementwiseTuning.poolFloats = pooled ? 0 : 1 << 20; // (no pool under vitest: the ranges run here, in order)
      const r = rng(pooled ? 71 : 70);
      const values = SHAPES.map(([sa, sb]) => [randomValues(r, sa), randomValues(r, sb).map((v) => v + (v < 0 ? -0.5 : 0.5))]);
      const f = () => SHAPES.flatMap(([sa, sb], i) => {
        const [a, b] = [tf.tensor(values[i][0], sa), tf.tensor(values[i][1], sb)];
        return [...Object.values(ops).map((op) => op(a, b)), tf.relu(a), tf.step(a), tf.step(b, 0.3)];
      });
      const { cpu, wasm } = await cpuAndWasm(f);
      expect(wasm.length).toBe(cpu.length);
      for (let i = 0; i < cpu.length; i++) expect(Array.from(wasm[i]), `output ${i}`).toEqual(Array.from(cpu[i]));
    });
  }

  it('keep IEEE specials (NaN, ±Infinity, division by zero), ReLU and Step pass NaN through', async () => {
    const a = [NaN, Infinity, -Infinity, 1, -1, 0, 5, -2, 3];
    const b = [1, 0, 2, 0, -0, 0, NaN, Infinity, -Infinity];
    const f = () => {
      const [x, y] = [tf.tensor1d(a), tf.tensor1d(b)];
      return [...Object.values(ops).map((op) => op(x, y)), tf.relu(x), tf.div(x, tf.scalar(0)), tf.step(x, -0.5)];
    };
    const { cpu, wasm } = await cpuAndWasm(f);
    for (let i = 0; i < cpu.length; i++) expect(Array.from(wasm[i]), `output ${i}`).toEqual(Array.from(cpu[i]));
    expect(Array.from(wasm[4]).slice(0, 5)).toEqual([NaN, Infinity, 0, 1, 0]);
    expect(Array.from(wasm[6])).toEqual([NaN, 1, -0.5, 1, -0.5, -0.5, 1, -0.5, 1]);
  });

  it('leave int32 to the stock kernels, and gradients through them leak nothing', async () => {
    await initBackend('wasm');
    const i = tf.mul(tf.tensor1d([3, -4, 5], 'int32'), tf.tensor1d([2, 2, 2], 'int32'));
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([6, -8, 10]);
    i.dispose();
    const x = tf.tensor2d([[-1, 2, 3], [4, -5, 6]]);
    const before = liveCounts();
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.div(tf.sub(tf.mul(tf.relu(v), v), 1), 2)))(x);
    // d/dv (relu(v)·v - 1) / 2 = v (v > 0), 0 otherwise
    expect(Array.from(g.dataSync())).toEqual([0, 2, 3, 4, 0, 6]);
    g.dispose();
    expect(liveCounts()).toEqual(before);
    x.dispose();
  });
});
