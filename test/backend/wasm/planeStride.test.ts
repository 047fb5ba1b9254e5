import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { filterChunking } from '../../../src/backend/wasm/conv2dBackpropFilter.js';
import { planeStride } from '../../../src/backend/wasm/phasePlanes.js';
import { cpuAndWasm, expectClose, expectNoLeak, randomValues, rng } from './helpers.js';

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  depthwise?: boolean;
}

const info = (c: Case) => tf.backend_util.computeConv2DInfo(c.x, c.f, 2, 1, 'same', undefined, c.depthwise);

function filterGrad(c: Case, xv: Float32Array, dyv: Float32Array) {
  const kernel = c.depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter';
  return () => tf.engine().runKernel(kernel, { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, info(c).outShape) },
    { strides: 2, dilations: 1, pad: 'same', filterShape: c.f, dataFormat: 'NHWC' } as never) as tf.Tensor;
}

// 3×3 stride 2 'same' on 14² → grid 8×8 per image: Q = images·64, a multiple of 64 (plane stride Q + 16)
const CASES: Case[] = [
  { x: [4, 14, 14, 8], f: [3, 3, 8, 16] }, // Conv2DBackpropFilter, tap products
  { x: [2, 14, 14, 12], f: [3, 3, 12, 8] },
  { x: [4, 14, 14, 3], f: [3, 3, 3, 3], depthwise: true }, // depthwise JS fallback (C·M = 9)
];

describe('phase planes with a padded plane stride (planeStride)', () => {
  // cout % 8 == 0 would take the outer-product path: these cases are about the tap-products path
  beforeAll(() => { filterChunking.outer = false; });
  afterAll(() => { filterChunking.outer = true; });

  it('pads only multiples of 64', () => {
    expect([64, 128, 4096, 100, 3136, 3100, 49].map(planeStride)).toEqual([80, 144, 4112, 100, 3152, 3100, 49]);
  });

  it('filter gradients on grids with Q a multiple of 64 match the cpu backend', async () => {
    for (const [i, c] of CASES.entries()) {
      const r = rng(1700 + i);
      const dW = await cpuAndWasm(filterGrad(c, randomValues(r, c.x), randomValues(r, info(c).outShape)));
      expectClose(dW.cpu[0], dW.wasm[0], 1e-4, JSON.stringify(c));
    }
  });

  it('leak no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of CASES.entries()) {
      const r = rng(1800 + i);
      expectNoLeak(filterGrad(c, randomValues(r, c.x), randomValues(r, info(c).outShape)), JSON.stringify(c));
    }
  });
});
