import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { refuseStockIntegerPad } from '../../../src/backend/wasm/integerPad.js';
import { cpuAndWasm, expectClose } from './helpers.js';

const x = () => tf.tensor4d(Array.from({ length: 84 }, (_, i) => Math.sin(i)), [1, 4, 7, 3]);

describe('MaxPool / AvgPool on wasm: stock kernels behind the integer-pad guard (pooling.ts, integerPad.ts)', () => {
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
});
