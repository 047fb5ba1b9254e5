import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { validRange } from '../../../src/backend/wasm/depthwiseInPlace.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';
import { randomPad, type DwCase as Case, dwOutShape as outShape, dwFilterGrad as filterGrad, dwInputGrad as inputGrad } from './depthwiseCases.js';

/** Random cases on the in-place paths: C a multiple of 4 (input) or C·M a multiple of 4 (filter), M ∈ {1, 2, 4}. */
function inPlaceCases(seed: number, count: number, dilated: boolean): Case[] {
  const r = rng(seed);
  const cases: Case[] = [];
  while (cases.length < count) {
    const kind = randInt(r, 0, 3);
    const pad = randomPad(r, kind, 3);
    const M = [1, 2, 4][randInt(r, 0, 2)];
    const ch = [4, 8, 12, 2, 1][randInt(r, 0, 4)];
    const c: Case = {
      x: [randInt(r, 1, 3), randInt(r, 1, 13), randInt(r, 1, 13), ch],
      f: [[1, 2, 3, 5][randInt(r, 0, 3)], [1, 2, 3, 4, 5, 7][randInt(r, 0, 5)], ch, M],
      strides: dilated ? [1, 1] : [randInt(r, 1, 3), randInt(r, 1, 3)],
      dilations: dilated ? [randInt(r, 1, 3), randInt(r, 1, 3)] : [1, 1],
      pad,
    };
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1 && (ch * M) % 4 === 0) cases.push(c);
  }
  return cases;
}

describe('wasm depthwise gradients, in-place SIMD paths (depthwiseInPlace.ts)', () => {
  it('validRange lists the output indices whose input index is inside the image', () => {
    for (const [n, s, off, size] of [[14, 2, -1, 28], [5, 1, 2, 4], [7, 3, -5, 9], [4, 1, -10, 3], [6, 2, 0, 11]]) {
      const inside = Array.from({ length: n }, (_, o) => o).filter((o) => o * s + off >= 0 && o * s + off < size);
      const [lo, hi] = validRange(n, s, off, size);
      expect(Array.from({ length: Math.max(0, hi - lo) }, (_, i) => lo + i), `${[n, s, off, size]}`).toEqual(inside);
    }
  });

  it('match the cpu backend on hand-picked shapes (multipliers 1, 2, 4; strides 1-3; borders; no interior)', async () => {
    const cases: Case[] = [
      { x: [2, 28, 28, 8], f: [3, 3, 8, 2], strides: [1, 1], dilations: [1, 1], pad: 'same' },
      { x: [2, 28, 28, 16], f: [3, 3, 16, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
      { x: [2, 13, 11, 8], f: [3, 3, 8, 2], strides: [2, 2], dilations: [1, 1], pad: 'same' },
      { x: [1, 9, 10, 4], f: [3, 3, 4, 4], strides: [2, 1], dilations: [1, 1], pad: 'valid' },
      { x: [2, 7, 7, 12], f: [5, 5, 12, 2], strides: [3, 3], dilations: [1, 1], pad: [[0, 0], [3, 1], [2, 4], [0, 0]] },
      { x: [1, 3, 2, 4], f: [3, 7, 4, 2], strides: [1, 1], dilations: [1, 1], pad: 'same' }, // wider filter than image: no interior
      { x: [3, 6, 5, 4], f: [2, 4, 4, 1], strides: [1, 2], dilations: [1, 1], pad: 3 },
      { x: [1, 8, 8, 2], f: [3, 3, 2, 2], strides: [2, 2], dilations: [1, 1], pad: 'same' }, // filter in place, input not (C = 2)
      { x: [2, 5, 6, 1], f: [1, 5, 1, 4], strides: [1, 1], dilations: [1, 1], pad: 'same' },
    ];
    for (const [i, c] of cases.entries()) {
      const r = rng(900 + i);
      const xv = randomValues(r, c.x);
      const dyv = randomValues(r, outShape(c));
      const wv = randomValues(r, c.f);
      const dW = await cpuAndWasm(filterGrad(c, xv, dyv));
      expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `in-place filter ${JSON.stringify(c)}`);
      const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
      expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `in-place input ${JSON.stringify(c)}`);
    }
  });

  it('match the cpu backend on 40 random in-place shapes (every padding)', async () => {
    for (const [i, c] of inPlaceCases(21, 40, false).entries()) {
      const r = rng(1000 + i);
      const xv = randomValues(r, c.x);
      const dyv = randomValues(r, outShape(c));
      const wv = randomValues(r, c.f);
      const dW = await cpuAndWasm(filterGrad(c, xv, dyv));
      expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `in-place filter ${JSON.stringify(c)}`);
      const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
      expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `in-place input ${JSON.stringify(c)}`);
    }
  });

  it('are the adjoints of the forward depthwise conv with dilations', async () => {
    await initBackend('wasm');
    for (const [i, c] of inPlaceCases(22, 30, true).filter((k) => typeof k.pad !== 'number').entries()) {
      const r = rng(1100 + i);
      tf.tidy(() => {
        const x = tf.tensor4d(randomValues(r, c.x), c.x);
        const w = tf.tensor4d(randomValues(r, c.f), c.f);
        const dy = tf.tensor(randomValues(r, outShape(c)), outShape(c));
        const lhs = tf.sum(tf.mul(dy, tf.depthwiseConv2d(x, w, c.strides ?? 1, c.pad as 'same', 'NHWC', c.dilations))).dataSync()[0];
        const viaW = tf.sum(tf.mul(filterGrad(c, x.dataSync() as Float32Array, dy.dataSync() as Float32Array)(), w)).dataSync()[0];
        const viaX = tf.sum(tf.mul(inputGrad(c, dy.dataSync() as Float32Array, w.dataSync() as Float32Array)(), x)).dataSync()[0];
        const scale = Math.max(1, Math.abs(lhs));
        expect(Math.abs(viaW - lhs) / scale, `filter adjoint ${JSON.stringify(c)}`).toBeLessThan(1e-4);
        expect(Math.abs(viaX - lhs) / scale, `input adjoint ${JSON.stringify(c)}`).toBeLessThan(1e-4);
      });
    }
  });

  it('leak no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of inPlaceCases(23, 12, false).entries()) {
      const r = rng(1200 + i);
      const xv = randomValues(r, c.x);
      const dyv = randomValues(r, outShape(c));
      const wv = randomValues(r, c.f);
      expectNoLeak(filterGrad(c, xv, dyv), `in-place filter ${JSON.stringify(c)}`);
      expectNoLeak(inputGrad(c, dyv, wv), `in-place input ${JSON.stringify(c)}`);
    }
  });
});
