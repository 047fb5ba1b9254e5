import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../../../src/backend/wasm/registerWasmTrainingKernels.js';
import * as publicApi from '../../../src/index.js';

process.env.PHASEWISE_QUIET = '1';

const names = [
  'Conv2D',
  'BatchMatMul',
  'FusedConv2D',
  '_FusedMatMul',
  'Add',
  'SquaredDifference',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNative',
  'UnsortedSegmentSum',
  'Sum',
  'Identity',
  'Cast',
  'Relu',
  'Step',
  'Multiply',
  'Sub',
  'RealDiv',
  'MaxPoolGrad',
  'Transpose',
  'Tile',
  'MaxPool',
  'AvgPool',
];

describe('registerWasmTrainingKernels', () => {
  // vitest runs each file in its own process, so wasm is not initialised when this file starts
  it('throws a clear error before the wasm backend is initialised', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(() => registerWasmTrainingKernels()).toThrow(/the 'wasm' backend is not initialised.*setBackend\('wasm'\)/);
  });

  it('works after a user-managed tf.setBackend("wasm") and is idempotent', async () => {
    const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
    const stockConv = tf.getKernel('Conv2D', 'wasm');
    expect(stockInput).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(await tf.setBackend('wasm')).toBe(true);
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect([...WASM_TRAINING_KERNELS].sort()).toEqual([...names].sort());
    for (const name of names) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).not.toBe(stockInput);
    expect(tf.getKernel('Conv2D', 'wasm')).not.toBe(stockConv);
    expect(Array.from(tf.tidy(() => tf.sum(tf.ones([3, 2]), 0)).dataSync())).toEqual([3, 3]);
    expect(Array.from(tf.tidy(() => tf.sum(tf.ones([3, 2]), 1)).dataSync())).toEqual([2, 2, 2]);
    const g = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid')))(tf.ones([3, 3, 1, 1])));
    expect(Array.from(g.dataSync())).toEqual(new Array(9).fill(4));
    g.dispose();
  });

  it('is registered by initBackend("wasm") and exported from the package entry', async () => {
    const info = await initBackend('wasm');
    expect(info.name).toBe('wasm');
    for (const name of names) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    expect(publicApi.registerWasmTrainingKernels).toBe(registerWasmTrainingKernels);
  });
});
