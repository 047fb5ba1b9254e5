import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { cpuAndWasm, expectClose, expectNoLeak, randomValues, rng } from './helpers.js';

process.env.PHASEWISE_QUIET = '1';

type Act = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';
const ACTS: Act[] = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'];

function conv(act: Act, withBias: boolean, seed: number, cout = 16) {
  const r = rng(seed);
  const [xv, wv, bv, pv] = [randomValues(r, [2, 9, 9, 8]), randomValues(r, [3, 3, 8, cout]), randomValues(r, [cout]), randomValues(r, [cout])];
  return () => tf.fused.conv2d({
    x: tf.tensor4d(xv, [2, 9, 9, 8]), filter: tf.tensor4d(wv, [3, 3, 8, cout]), strides: 1, pad: 'same',
    bias: withBias ? tf.tensor1d(bv) : undefined, activation: act, leakyreluAlpha: 0.1,
    preluActivationWeights: act === 'prelu' ? tf.tensor1d(pv) : undefined,
  });
}

function dense(act: Act, withBias: boolean, seed: number, tb = false) {
  const r = rng(seed);
  const [av, bmv, bv, pv] = [randomValues(r, [12, 20]), randomValues(r, [20, 24]), randomValues(r, [24]), randomValues(r, [24])];
  return () => tf.fused.matMul({
    a: tf.tensor2d(av, [12, 20]), b: tb ? tf.transpose(tf.tensor2d(bmv, [20, 24])) : tf.tensor2d(bmv, [20, 24]), transposeB: tb,
    bias: withBias ? tf.tensor1d(bv) : undefined, activation: act, leakyreluAlpha: 0.1,
    preluActivationWeights: act === 'prelu' ? tf.tensor1d(pv) : undefined,
  });
}

describe('FusedConv2D and _FusedMatMul on phasewise\'s product kernels (fusedOps.ts)', () => {
  it('match the cpu backend for every activation, with and without bias', async () => {
    for (const [i, act] of ACTS.entries()) {
      for (const withBias of [true, false]) {
        const c = await cpuAndWasm(conv(act, withBias, 10 + i));
        expectClose(c.cpu[0], c.wasm[0], 1e-5, `fused conv2d ${act} bias=${withBias}`);
        const d = await cpuAndWasm(dense(act, withBias, 30 + i, i % 2 === 1));
        expectClose(d.cpu[0], d.wasm[0], 1e-5, `fused matMul ${act} bias=${withBias}`);
      }
    }
  });

  it('leave other shapes to the stock kernels (cout % 8 ≠ 0), with the same results', async () => {
    const c = await cpuAndWasm(conv('relu', true, 50, 10));
    expectClose(c.cpu[0], c.wasm[0], 1e-5, 'fused conv2d cout 10');
  });

  it('run a tf.layers model\'s predict() and leak nothing', async () => {
    await initBackend('wasm');
    const tfl = await import('@tensorflow/tfjs-layers');
    const model = tfl.sequential({ layers: [
      tfl.layers.conv2d({ inputShape: [10, 10, 8], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.flatten(), tfl.layers.dense({ units: 8, activation: 'sigmoid' }),
    ] });
    const x = tf.randomNormal([4, 10, 10, 8]);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([4, 8]);
    expect(Array.from(y.dataSync()).every((v) => v > 0 && v < 1)).toBe(true);
    y.dispose();
    expectNoLeak(() => model.predict(x) as tf.Tensor, 'predict');
    expectNoLeak(conv('prelu', true, 60), 'fused conv2d prelu');
    expectNoLeak(dense('leakyrelu', true, 61), 'fused matMul leakyrelu');
    x.dispose();
    model.dispose();
  });
});
