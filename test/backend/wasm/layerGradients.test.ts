import { describe, expect, it } from 'vitest';
import { tf, tfl } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { cpuAndWasm, expectClose, expectNoLeak, randomValues, rng } from './helpers.js';

/** Gradients of `sum(op(x, w) * r)` with respect to x and w. */
function opGrads(op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor, xs: number[], ws: number[], seed: number) {
  const r = rng(seed);
  const xv = randomValues(r, xs);
  const wv = randomValues(r, ws);
  return () => {
    const x = tf.tensor4d(xv, xs as [number, number, number, number]);
    const w = tf.tensor4d(wv, ws as [number, number, number, number]);
    const shape = op(x, w).shape;
    const weights = tf.tensor(randomValues(rng(seed + 1), shape), shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D), weights)));
    return g([x, w]);
  };
}

describe('gradients through real ops and layers: wasm with phasewise kernels == cpu', () => {
  it('conv2d (strides 1 and 2, same and valid)', async () => {
    for (const [s, pad] of [[1, 'same'], [2, 'same'], [2, 'valid'], [3, 'valid']] as const) {
      const res = await cpuAndWasm(opGrads((x, w) => tf.conv2d(x, w, s, pad), [2, 11, 9, 3], [3, 3, 3, 8], 31 + s));
      expectClose(res.cpu[0], res.wasm[0], 1e-4, `conv2d dx s=${s} ${pad}`);
      expectClose(res.cpu[1], res.wasm[1], 1e-4, `conv2d dw s=${s} ${pad}`);
    }
  });

  it('depthwiseConv2d (channel multipliers 1 and 2)', async () => {
    for (const [s, mult] of [[1, 1], [2, 2], [1, 3]] as const) {
      const res = await cpuAndWasm(opGrads((x, w) => tf.depthwiseConv2d(x, w, s, 'same'), [2, 10, 9, 4], [3, 3, 4, mult], 41 + s));
      expectClose(res.cpu[0], res.wasm[0], 1e-4, `depthwise dx s=${s} m=${mult}`);
      expectClose(res.cpu[1], res.wasm[1], 1e-4, `depthwise dw s=${s} m=${mult}`);
    }
  });

  it('separableConv2d', async () => {
    const r = rng(51);
    const xv = randomValues(r, [2, 9, 9, 3]);
    const dv = randomValues(r, [3, 3, 3, 2]);
    const pv = randomValues(r, [1, 1, 6, 5]);
    const res = await cpuAndWasm(() => {
      const f = (x: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same')));
      return tf.grads(f)([tf.tensor4d(xv, [2, 9, 9, 3]), tf.tensor4d(dv, [3, 3, 3, 2]), tf.tensor4d(pv, [1, 1, 6, 5])]);
    });
    for (let i = 0; i < 3; i++) expectClose(res.cpu[i], res.wasm[i], 1e-4, `separableConv2d grad ${i}`);
  });

  it('embedding layer (gather → UnsortedSegmentSum)', async () => {
    const r = rng(61);
    const table = randomValues(r, [20, 6]);
    const ids = Float32Array.from({ length: 4 * 7 }, () => Math.floor(r() * 20));
    const res = await cpuAndWasm(() => {
      const layer = tfl.layers.embedding({ inputDim: 20, outputDim: 6 });
      layer.build([4, 7]);
      layer.setWeights([tf.tensor2d(table, [20, 6])]);
      const input = tf.tensor2d(ids, [4, 7]);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(input) as tf.Tensor)) as tf.Scalar,
        layer.trainableWeights.map((w) => w.read() as tf.Variable));
      const out = Object.values(grads).map((g) => tf.keep(g));
      layer.trainableWeights.forEach((w) => w.dispose());
      return out;
    });
    expectClose(res.cpu[0], res.wasm[0], 1e-5, 'embedding gradient');
  });

  it('a small CNN training step (conv → conv → pool → dense, momentum SGD)', async () => {
    const r = rng(71);
    const x = randomValues(r, [6, 12, 12, 2]);
    const labels = Float32Array.from({ length: 6 * 5 }, (_, i) => (i % 5 === i % 6 % 5 ? 1 : 0));
    const res = await cpuAndWasm(() => {
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [12, 12, 2], filters: 8, kernelSize: 3, activation: 'relu', padding: 'same' }),
          tfl.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', padding: 'same' }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 5 }),
        ],
      });
      // the same start on both backends
      model.setWeights(model.getWeights().map((w, i) => tf.mul(tf.tensor(randomValues(rng(900 + i), w.shape), w.shape), 0.3)));
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const xs = tf.tensor4d(x, [6, 12, 12, 2]);
      const ys = tf.tensor2d(labels, [6, 5]);
      const loss = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar;
      const { grads } = tf.variableGrads(loss, vars);
      const gradList = vars.map((v) => tf.keep(grads[v.name]));
      const opt = tf.train.momentum(0.1, 0.9);
      opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      const after = vars.map((v) => tf.keep(tf.clone(v)));
      opt.dispose();
      model.dispose();
      return [...gradList, ...after];
    });
    expect(res.wasm.length).toBe(res.cpu.length);
    for (let i = 0; i < res.cpu.length; i++) expectClose(res.cpu[i], res.wasm[i], 1e-4, `cnn ${i < res.cpu.length / 2 ? 'gradient' : 'weights after step'} ${i}`);
  });

  it('a warmed-up conv gradient leaks nothing on wasm', async () => {
    await initBackend('wasm');
    expectNoLeak(opGrads((x, w) => tf.conv2d(x, w, 2, 'same'), [2, 9, 9, 3], [3, 3, 3, 4], 81), 'conv2d grads');
    expectNoLeak(opGrads((x, w) => tf.depthwiseConv2d(x, w, 1, 'same'), [2, 9, 9, 3], [3, 3, 3, 2], 82), 'depthwise grads');
  });
});
