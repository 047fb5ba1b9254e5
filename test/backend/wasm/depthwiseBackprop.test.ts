import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';
import { randomPad, type DwCase as Case, dwOutShape as outShape, dwFilterGrad as filterGrad, dwInputGrad as inputGrad } from './depthwiseCases.js';

function randomCases(seed: number, count: number, dilated: boolean): Case[] {
  const r = rng(seed);
  const cases: Case[] = [];
  while (cases.length < count) {
    const kind = randInt(r, 0, 3);
    const pad = randomPad(r, kind, 2);
    const ch = [1, 3, 8][randInt(r, 0, 2)];
    const strides: [number, number] = dilated ? [1, 1] : [randInt(r, 1, 3), randInt(r, 1, 3)];
    const dilations: [number, number] = dilated ? [randInt(r, 1, 3), randInt(r, 1, 3)] : [1, 1];
    const c: Case = {
      x: [randInt(r, 1, 3), randInt(r, 1, 12), randInt(r, 1, 12), ch],
      f: [[1, 2, 3, 5][randInt(r, 0, 3)], [1, 2, 3][randInt(r, 0, 2)], ch, [1, 2, 3][randInt(r, 0, 2)]],
      strides,
      dilations,
      pad,
    };
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1) cases.push(c);
  }
  return cases;
}

describe('wasm DepthwiseConv2dNativeBackpropFilter / Input', () => {
  it('match the cpu backend on 40 random shapes (strides 1-3, channel multipliers 1-3, every padding)', async () => {
    for (const [i, c] of randomCases(11, 40, false).entries()) {
      const r = rng(500 + i);
      const xv = randomValues(r, c.x);
      const wv = randomValues(r, c.f);
      const dyv = randomValues(r, outShape(c));
      const dW = await cpuAndWasm(filterGrad(c, xv, dyv));
      expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `DepthwiseConv2dNativeBackpropFilter ${JSON.stringify(c)}`);
      const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
      expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `DepthwiseConv2dNativeBackpropInput ${JSON.stringify(c)}`);
    }
  });

  it('are the adjoints of the forward depthwise conv with dilations (the cpu kernels ignore dilations)', async () => {
    // <dy, depthwise(x, W)> = <dW(x, dy), W> = <dx(dy, W), x>
    await initBackend('wasm');
    // numeric pads are left out: tfjs sizes them with the filter height for both dimensions, so the
    // forward op itself is inconsistent when the effective filter is not square
    for (const [i, c] of randomCases(12, 40, true).filter((k) => typeof k.pad !== 'number').entries()) {
      const r = rng(600 + i);
      tf.tidy(() => {
        const x = tf.tensor4d(randomValues(r, c.x), c.x);
        const w = tf.tensor4d(randomValues(r, c.f), c.f);
        const dy = tf.tensor(randomValues(r, outShape(c)), outShape(c));
        const y = tf.depthwiseConv2d(x, w, c.strides ?? 1, c.pad as 'same', 'NHWC', c.dilations);
        const lhs = tf.sum(tf.mul(dy, y)).dataSync()[0];
        const dW = filterGrad(c, x.dataSync() as Float32Array, dy.dataSync() as Float32Array)();
        const dx = inputGrad(c, dy.dataSync() as Float32Array, w.dataSync() as Float32Array)();
        const viaW = tf.sum(tf.mul(dW, w)).dataSync()[0];
        const viaX = tf.sum(tf.mul(dx, x)).dataSync()[0];
        const scale = Math.max(1, Math.abs(lhs));
        expect(Math.abs(viaW - lhs) / scale, `filter adjoint ${JSON.stringify(c)}`).toBeLessThan(1e-4);
        expect(Math.abs(viaX - lhs) / scale, `input adjoint ${JSON.stringify(c)}`).toBeLessThan(1e-4);
      });
    }
  });

  it('match the cpu backend on the wasm SIMD paths (C·M a multiple of 4)', async () => {
    const cases: Case[] = [
      { x: [3, 9, 11, 16], f: [3, 3, 16, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
      { x: [2, 10, 9, 8], f: [3, 5, 8, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
      { x: [2, 12, 12, 4], f: [2, 4, 4, 1], strides: [1, 3], dilations: [1, 1], pad: 'valid' },
      { x: [1, 7, 8, 12], f: [5, 1, 12, 1], strides: [2, 1], dilations: [1, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
      { x: [5, 6, 6, 32], f: [3, 3, 32, 1], strides: [1, 1], dilations: [1, 1], pad: 1 },
      { x: [2, 9, 9, 2], f: [3, 3, 2, 2], strides: [2, 2], dilations: [1, 1], pad: 'same' }, // C·M = 4
      { x: [2, 8, 7, 4], f: [3, 2, 4, 3], strides: [1, 2], dilations: [1, 1], pad: 'valid' }, // C·M = 12
      { x: [1, 9, 8, 6], f: [5, 3, 6, 2], strides: [3, 1], dilations: [1, 1], pad: 'same' },
    ];
    for (const [i, c] of cases.entries()) {
      const r = rng(800 + i);
      const xv = randomValues(r, c.x);
      const dyv = randomValues(r, outShape(c));
      const wv = randomValues(r, c.f);
      const dW = await cpuAndWasm(filterGrad(c, xv, dyv));
      expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `SIMD DepthwiseConv2dNativeBackpropFilter ${JSON.stringify(c)}`);
      const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
      expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `SIMD DepthwiseConv2dNativeBackpropInput ${JSON.stringify(c)}`);
      await initBackend('wasm');
      expectNoLeak(filterGrad(c, xv, dyv), `SIMD filter ${JSON.stringify(c)}`);
      expectNoLeak(inputGrad(c, dyv, wv), `SIMD input ${JSON.stringify(c)}`);
    }
  });

  it('leak no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of randomCases(13, 5, false).entries()) {
      const r = rng(700 + i);
      const xv = randomValues(r, c.x);
      const wv = randomValues(r, c.f);
      const dyv = randomValues(r, outShape(c));
      expectNoLeak(filterGrad(c, xv, dyv), `filter ${JSON.stringify(c)}`);
      expectNoLeak(inputGrad(c, dyv, wv), `input ${JSON.stringify(c)}`);
    }
  });

  it('reject a filter whose channels do not match the input', async () => {
    await initBackend('wasm');
    tf.tidy(() => {
      expect(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.zeros([1, 4, 4, 6]), filter: tf.zeros([3, 3, 2, 3]) },
        { strides: 1, dilations: 1, pad: 'same', inputShape: [1, 4, 4, 3] } as never))
        .toThrow(/DepthwiseConv2dNativeBackpropInput: filter has shape \[3,3,2,3\]; expected \[3,3,3,3\]/);
    });
  });
});
