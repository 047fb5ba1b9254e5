import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { refuseStockIntegerPad } from '../../../src/backend/wasm/integerPad.js';
import { maxPoolTuning } from '../../../src/backend/wasm/maxPoolGrad.js';
import { cpuAndWasm, expectClose, liveCounts, randomValues, rng } from './helpers.js';

const x = () => tf.tensor4d(Array.from({ length: 84 }, (_, i) => Math.sin(i)), [1, 4, 7, 3]);

describe("MaxPool / AvgPool on wasm: 2×2 stride-2 max pools in SIMD, the stock kernels behind the integer-pad guard (pooling.ts, integerPad.ts)", () => {
  it('refuseStockIntegerPad: only an integer pad > 0 with a non-square window or strides', () => {
    expect(() => refuseStockIntegerPad('Conv2D', [1, 2], { pad: 1, strides: [1, 3] })).toThrow(
      "Conv2D: pad is 1 with filter 1×2 and strides [1,3]; the wasm backend computes wrong values for an integer pad unless filter and strides are square (tfjs sizes the output from their heights): pass the padding explicitly, [[0, 0], [1, 1], [1, 1], [0, 0]], or 'same' / 'valid'");
    expect(() => refuseStockIntegerPad('Conv2D', [3, 3], { pad: 2, strides: [2, 1] })).toThrow(/strides \[2,1\]/);
    for (const attrs of [{ pad: 1, strides: 2 }, { pad: 0, strides: [1, 3] }, { pad: 'same', strides: [1, 3] }, { pad: [[0, 0], [1, 1], [1, 1], [0, 0]], strides: [1, 3] }]) {
      expect(() => refuseStockIntegerPad('Conv2D', attrs.pad === 1 ? [2, 2] : [1, 2], attrs)).not.toThrow();
    }
  });

  it('maxPool and avgPool with an integer pad and a non-square window: an error, before any output', async () => {
    await initBackend('wasm');
    const t = x();
    const before = tf.memory().numTensors;
    expect(() => tf.maxPool(t, [1, 2], [1, 3], 1)).toThrow(/^MaxPool: pad is 1 with filter 1×2 and strides \[1,3\]/);
    expect(() => tf.avgPool(t, [1, 2], [1, 3], 1)).toThrow(/^AvgPool: pad is 1 with filter 1×2 and strides \[1,3\]/);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('other pooling still matches the cpu backend (square integer pad, explicit pad, same, valid)', async () => {
    const cases: [[number, number], [number, number], number | 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]][] = [
      [[2, 2], [2, 2], 1], [[2, 3], [1, 3], [[0, 0], [1, 1], [1, 1], [0, 0]]], [[3, 2], [2, 1], 'same'], [[2, 3], [1, 2], 'valid'],
    ];
    for (const [fs, s, pad] of cases) {
      for (const op of ['maxPool', 'avgPool'] as const) {
        const y = await cpuAndWasm(() => tf[op](x(), fs, s, pad as 'same'));
        expectClose(y.cpu[0], y.wasm[0], 1e-6, `${op} ${JSON.stringify([fs, s, pad])}`);
      }
    }
  });

  it('2×2 stride-2 max pools (the SIMD kernel where the windows tile x) equal the cpu backend, with their gradients, NaN and -Infinity', async () => {
    const r = rng(88);
    // [shape, pad]: even and odd sizes (odd: the last row / column is not pooled), batch > 1, C % 4 != 0 (stock), 'same' on odd sizes (stock: padded)
    const cases: [number[], 'valid' | 'same'][] = [[[1, 8, 8, 4], 'valid'], [[3, 7, 9, 8], 'valid'], [[2, 6, 10, 12], 'same'], [[1, 5, 6, 3], 'valid'], [[1, 5, 7, 4], 'same']];
    const values = cases.map(([shape]) => randomValues(r, shape));
    // window 0 of the first case, pixels (0, 0), (0, 1), (1, 0), (1, 1) of 4 channels (rows are 8 · 4 floats)
    values[0].set([NaN, 1, NaN, 2, NaN, NaN, -Infinity, NaN], 0);
    values[0].set([NaN, 3, NaN, -Infinity, NaN, -Infinity, -Infinity, NaN], 32);
    const f = () => cases.flatMap(([shape, pad], i) => {
      const t = tf.tensor4d(values[i], shape as [number, number, number, number]);
      const y = tf.maxPool(t, 2, 2, pad);
      const weights = tf.reshape(tf.range(1, 1 + y.size), y.shape); // a distinct weight per output: dx shows which input won
      return [y, tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, pad), weights)))(t)];
    });
    const { cpu, wasm } = await cpuAndWasm(f);
    for (let i = 0; i < cpu.length; i++) expect(Array.from(wasm[i]), `output ${i}`).toEqual(Array.from(cpu[i]));
    // per channel: (NaN ×4) → -∞, (1, NaN, 3, -∞) → 3, (NaN, -∞, NaN, -∞) → -∞, (2, NaN, -∞, NaN) → 2
    expect(Array.from(wasm[0]).slice(0, 4)).toEqual([-Infinity, 3, -Infinity, 2]);
    await initBackend('wasm');
    const t = tf.tensor4d(values[1], [3, 7, 9, 8]);
    const before = liveCounts();
    tf.maxPool(t, 2, 2, 'valid').dispose();
    expect(liveCounts()).toEqual(before);
    maxPoolTuning.simd = false; // the stock kernel gives the same pool
    const stock = tf.maxPool(t, 2, 2, 'valid');
    maxPoolTuning.simd = true;
    const ours = tf.maxPool(t, 2, 2, 'valid');
    expect(Array.from(ours.dataSync())).toEqual(Array.from(stock.dataSync()));
    tf.dispose([t, stock, ours]);
  });
});
