import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { filterChunking } from '../../../src/backend/wasm/conv2dBackpropFilter.js';
import { inputChunking } from '../../../src/backend/wasm/conv2dBackpropInput.js';
import { smallKChunking } from '../../../src/backend/wasm/smallKFilter.js';
import { tapChunking } from '../../../src/backend/wasm/tapProducts.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function outShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad, c.dimRoundingMode);
  return info.outShape;
}

/** Random valid convolutions: odd sizes, strides 1-3, every padding kind, 1 and many channels. */
function randomCases(seed: number, count: number): Case[] {
  const r = rng(seed);
  const cases: Case[] = [];
  while (cases.length < count) {
    const fh = [1, 2, 3, 5][randInt(r, 0, 3)];
    const fw = [1, 2, 3, 5][randInt(r, 0, 3)];
    const kind = randInt(r, 0, 3);
    const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid' : kind === 2 ? randInt(r, 0, 2)
      : [[0, 0], [randInt(r, 0, 3), randInt(r, 0, 3)], [randInt(r, 0, 3), randInt(r, 0, 3)], [0, 0]];
    const c: Case = {
      x: [randInt(r, 1, 3), randInt(r, 1, 13), randInt(r, 1, 13), [1, 3, 8, 17][randInt(r, 0, 3)]],
      f: [fh, fw, 0, [1, 5, 16][randInt(r, 0, 2)]],
      strides: [randInt(r, 1, 3), randInt(r, 1, 3)],
      pad,
    };
    c.f[2] = c.x[3];
    if (typeof pad === 'number' && r() < 0.5) c.dimRoundingMode = (['floor', 'ceil', 'round'] as const)[randInt(r, 0, 2)];
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1) cases.push(c);
  }
  return cases;
}

const FIXED: Case[] = [
  { x: [2, 28, 28, 1], f: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
  { x: [2, 15, 15, 8], f: [3, 3, 8, 16], strides: [2, 2], pad: 'same' },
  { x: [1, 9, 11, 4], f: [1, 1, 4, 6], strides: [1, 1], pad: 0 },
  { x: [3, 8, 8, 3], f: [5, 5, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 3, 3, 2], f: [5, 5, 2, 3], strides: [1, 1], pad: 'same' }, // grid overhead large: im2col path
  { x: [1, 7, 7, 2], f: [3, 3, 2, 2], strides: [1, 1], pad: 5 }, // padding beyond the filter: matmul path
  { x: [2, 10, 9, 3], f: [2, 3, 3, 4], strides: [3, 2], pad: [[0, 0], [3, 0], [0, 2], [0, 0]] },
  // small K = fh·fw·cin, cout % 4 == 0: the wasm SIMD path (taps in triples, a leftover pair / single)
  { x: [3, 13, 11, 1], f: [3, 3, 1, 12], strides: [2, 1], pad: 'same' },
  { x: [2, 9, 9, 3], f: [1, 5, 3, 8], strides: [1, 2], pad: 'valid' },
  { x: [2, 6, 7, 2], f: [2, 2, 2, 4], strides: [1, 1], pad: [[0, 0], [0, 2], [1, 0], [0, 0]] },
];

function filterGrad(c: Case, xv: Float32Array, dyv: Float32Array) {
  return () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, outShape(c)) },
    { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.f } as never) as tf.Tensor;
}

function inputGrad(c: Case, dyv: Float32Array, wv: Float32Array) {
  return () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, outShape(c)), filter: tf.tensor4d(wv, c.f) },
    { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.x } as never) as tf.Tensor;
}

async function checkCase(c: Case, seed: number): Promise<void> {
  const r = rng(seed);
  const xv = randomValues(r, c.x);
  const wv = randomValues(r, c.f);
  const dyv = randomValues(r, outShape(c));
  const label = JSON.stringify(c);
  const dW = await cpuAndWasm(filterGrad(c, xv, dyv));
  expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `Conv2DBackpropFilter ${label}`);
  const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
  expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `Conv2DBackpropInput ${label}`);
}

describe('wasm Conv2DBackpropFilter / Conv2DBackpropInput match the cpu backend', () => {
  const saved = { ...filterChunking, colsFloats2: inputChunking.colsFloats };
  afterAll(() => {
    filterChunking.dyFloats = saved.dyFloats;
    filterChunking.colsFloats = saved.colsFloats;
    inputChunking.colsFloats = saved.colsFloats2;
  });

  it('on fixed shapes (every filter path, both input paths)', async () => {
    for (const [i, c] of FIXED.entries()) await checkCase(c, 100 + i);
  });

  it('on 40 random shapes, strides and paddings', async () => {
    for (const [i, c] of randomCases(7, 40).entries()) await checkCase(c, 200 + i);
  });

  it('with the outer-product path off (the matmul and small-K paths on every shape, also split into small chunks)', async () => {
    filterChunking.outer = false;
    const maxPositions = tapChunking.maxPositions;
    try {
      for (const [i, c] of [...FIXED, ...randomCases(9, 20)].entries()) await checkCase(c, 500 + i);
      tapChunking.maxPositions = 8;
      filterChunking.dyFloats = 64;
      filterChunking.colsFloats = 256;
      for (const [i, c] of FIXED.entries()) await checkCase(c, 600 + i);
    } finally {
      tapChunking.maxPositions = maxPositions;
      filterChunking.outer = true;
      filterChunking.dyFloats = saved.dyFloats;
      filterChunking.colsFloats = saved.colsFloats;
    }
  });

  it('when the work is split into many small chunks', async () => {
    filterChunking.dyFloats = 64;
    filterChunking.colsFloats = 256;
    const maxPositions = tapChunking.maxPositions;
    tapChunking.maxPositions = 8; // one image per planes group
    inputChunking.colsFloats = 128;
    const paddedFloats = smallKChunking.paddedFloats;
    smallKChunking.paddedFloats = 16; // one image per padded group
    for (const [i, c] of [...FIXED, ...randomCases(8, 10)].entries()) await checkCase(c, 300 + i);
    smallKChunking.paddedFloats = paddedFloats;
    tapChunking.maxPositions = maxPositions;
    filterChunking.dyFloats = saved.dyFloats;
    filterChunking.colsFloats = saved.colsFloats;
    inputChunking.colsFloats = saved.colsFloats2;
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of FIXED.entries()) {
      const r = rng(400 + i);
      const xv = randomValues(r, c.x);
      const wv = randomValues(r, c.f);
      const dyv = randomValues(r, outShape(c));
      expectNoLeak(filterGrad(c, xv, dyv), `filter ${JSON.stringify(c)}`);
      expectNoLeak(inputGrad(c, dyv, wv), `input ${JSON.stringify(c)}`);
    }
  });
});

describe('wasm conv backprop kernels with dilations (an attr tfjs ops never pass, supported anyway)', () => {
  it('are the adjoints of the wasm forward Conv2D: <dy, conv(x, W)> = <dW, W> = <dx, x>', async () => {
    await initBackend('wasm');
    const r = rng(800);
    let checked = 0;
    while (checked < 30) {
      const kind = randInt(r, 0, 2);
      const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid' : [[0, 0], [randInt(r, 0, 3), randInt(r, 0, 3)], [randInt(r, 0, 3), randInt(r, 0, 3)], [0, 0]];
      const x: Case['x'] = [randInt(r, 1, 2), randInt(r, 3, 12), randInt(r, 3, 12), [1, 3, 8][randInt(r, 0, 2)]];
      const f: Case['f'] = [[1, 2, 3][randInt(r, 0, 2)], [1, 2, 3][randInt(r, 0, 2)], x[3], [1, 4][randInt(r, 0, 1)]];
      const strides: [number, number] = [randInt(r, 1, 2), randInt(r, 1, 2)];
      const dilations: [number, number] = [randInt(r, 1, 3), randInt(r, 1, 3)];
      // the forward reference (tfjs's conv2d) allows strides > 1 or dilations > 1, not both
      if (Math.max(...strides) > 1 && Math.max(...dilations) > 1) strides.fill(1);
      const info = tf.backend_util.computeConv2DInfo(x, f, strides, dilations, pad);
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      checked++;
      tf.tidy(() => {
        const xt = tf.tensor4d(randomValues(r, x), x);
        const wt = tf.tensor4d(randomValues(r, f), f);
        const dy = tf.tensor(randomValues(r, info.outShape), info.outShape);
        const y = tf.engine().runKernel('Conv2D', { x: xt, filter: wt }, { strides, pad, dilations, dataFormat: 'NHWC' } as never) as tf.Tensor;
        const lhs = tf.sum(tf.mul(dy, y)).dataSync()[0];
        const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy }, { strides, pad, dilations, dataFormat: 'NHWC', filterShape: f } as never) as tf.Tensor;
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: wt }, { strides, pad, dilations, dataFormat: 'NHWC', inputShape: x } as never) as tf.Tensor;
        const label = JSON.stringify({ x, f, strides, dilations, pad });
        const scale = Math.max(1, Math.abs(lhs));
        expect(Math.abs(tf.sum(tf.mul(dW, wt)).dataSync()[0] - lhs) / scale, `filter ${label}`).toBeLessThan(1e-4);
        expect(Math.abs(tf.sum(tf.mul(dx, xt)).dataSync()[0] - lhs) / scale, `input ${label}`).toBeLessThan(1e-4);
      });
    }
  });
});

describe('wasm conv backprop kernels reject what they do not support', () => {
  it('names the kernel, the attribute and its value for NCHW', async () => {
    await initBackend('wasm');
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 3, 5, 5]);
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] } as never))
      .toThrow(/Conv2DBackpropFilter: dataFormat is "NCHW".*'NHWC'/);
    expect(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: tf.zeros([3, 3, 2, 3]) },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 5, 5] } as never))
      .toThrow(/Conv2DBackpropInput: dataFormat is "NCHW"/);
    tf.dispose([x, dy]);
  });

  it('rejects a bad pad and a mismatched dy shape', async () => {
    await initBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 5, 5, 3]);
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
      { strides: 1, pad: 'full', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] } as never))
      .toThrow(/Conv2DBackpropFilter: pad is "full"; allowed/);
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
      { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] } as never))
      .toThrow(/Conv2DBackpropFilter: dy has shape \[1,5,5,3\]; expected \[1,3,3,3\]/);
    tf.dispose([x, dy]);
  });
});
