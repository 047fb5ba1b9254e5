/** Gram / content / style / TV losses against hand-computed values; style-loss gradient vs finite differences. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { gramMatrix, gramDiagonal } from '../../src/style/gramMatrix.js';
import { contentLoss, styleLoss, tvLoss } from '../../src/style/losses.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const arr = (t: tf.Tensor) => Array.from(t.dataSync());

describe('gramMatrix', () => {
  it('is F Fᵀ / (c·h·w) per image on the c×(h·w) view of NHWC features', () => {
    // one image, h=1, w=2, c=2: pixel0 = (1, 2), pixel1 = (3, 4); F = [[1, 3], [2, 4]] (c × hw)
    const f = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]);
    // F Fᵀ = [[1+9, 2+12], [2+12, 4+16]] = [[10, 14], [14, 20]], / (2·1·2 = 4)
    const g = gramMatrix(f);
    expect(g.shape).toEqual([1, 2, 2]);
    expect(arr(g)).toEqual([2.5, 3.5, 3.5, 5]);
    expect(arr(gramDiagonal(f))).toEqual([2.5, 5]);
    tf.dispose([f, g]);
  });

  it('a batch of 2 gives the two single Grams (channels of different images never mix)', () => {
    const a = tf.randomNormal([1, 3, 4, 5], 0, 1, "float32", 1) as tf.Tensor4D, b = tf.randomNormal([1, 3, 4, 5], 0, 1, "float32", 2) as tf.Tensor4D;
    const both = gramMatrix(tf.concat([a, b]) as tf.Tensor4D);
    const sep = tf.concat([gramMatrix(a), gramMatrix(b)]);
    expect(tf.max(tf.abs(tf.sub(both, sep))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([a, b, both, sep]);
  });

  it('its hand-written gradient equals autodiff of the plain formula', () => {
    const f = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 3);
    const w = tf.randomNormal([2, 4, 4], 0, 1, 'float32', 4);
    const mine = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gramMatrix(x as tf.Tensor4D), w)))(f);
    const plain = tf.grad((x: tf.Tensor) => {
      const r = tf.reshape(x, [2, 9, 4]);
      return tf.sum(tf.mul(tf.div(tf.matMul(r, r, true, false), 36), w));
    })(f);
    expect(tf.max(tf.abs(tf.sub(mine, plain))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([f, w, mine, plain]);
  });
});

describe('contentLoss, styleLoss, tvLoss', () => {
  it('contentLoss is the mean squared difference', () => {
    expect(contentLoss(tf.tensor([1, 2, 3, 4]), tf.tensor([1, 4, 3, 0])).dataSync()[0]).toBeCloseTo((0 + 4 + 0 + 16) / 4, 6);
  });

  it('styleLoss is Σ_l w_l · mean((G_l − T_l)²), and the diagonal variant compares diagonals only', () => {
    const f = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]); // G = [[2.5, 3.5], [3.5, 5]]
    const t = tf.tensor3d([[[2.5, 1.5], [3.5, 4]]]); // differences 0, 2, 0, 1 → mean of squares = 5/4
    expect(styleLoss([f], [t]).dataSync()[0]).toBeCloseTo(1.25, 6);
    expect(styleLoss([f, f], [t, t], [2, 0.5]).dataSync()[0]).toBeCloseTo(2.5 * 1.25, 6);
    // diagonals: (2.5, 5) vs (2.5, 4) → mean of (0, 1) = 0.5
    expect(styleLoss([f], [t], undefined, { diagonal: true }).dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(() => styleLoss([f], [t, t])).toThrow(RangeError);
    expect(() => styleLoss([f], [t], [1, 2])).toThrow(/weights/);
  });

  it('tvLoss is the mean squared vertical plus the mean squared horizontal neighbour difference', () => {
    // [[0, 1], [0, 3]]: vertical diffs (0, 2) → mean 2; horizontal diffs (1, 3) → mean 5
    expect(tvLoss(tf.tensor4d([0, 1, 0, 3], [1, 2, 2, 1])).dataSync()[0]).toBeCloseTo(7, 6);
  });
});

describe('style-loss gradient w.r.t. the image', () => {
  it('matches central finite differences through a tiny random conv net (cpu, float32)', () => {
    const input = tfl.input({ shape: [6, 6, 2] });
    let h = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'a', kernelInitializer: tfl.initializers.glorotNormal({ seed: 5 }), biasInitializer: 'ones' }).apply(input) as tfl.SymbolicTensor;
    const a = h;
    h = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'b', kernelInitializer: tfl.initializers.glorotNormal({ seed: 6 }), biasInitializer: 'ones' }).apply(h) as tfl.SymbolicTensor;
    const net = tfl.model({ inputs: input, outputs: [a, h] });
    const targets = tf.tidy(() => (net.predict(tf.randomUniform([1, 6, 6, 2], 0, 1, 'float32', 7)) as tf.Tensor4D[]).map((f) => tf.keep(gramMatrix(f))));
    const loss = (x: tf.Tensor) => styleLoss(net.apply(x) as tf.Tensor4D[], targets, [1, 3]);
    const x0 = tf.randomUniform([1, 6, 6, 2], 0, 1, 'float32', 8);
    const g = tf.grad(loss)(x0);
    const gv = g.dataSync();
    const xv = x0.dataSync();
    const eps = 1e-2; // float32: the loss is O(1), so eps² truncation ~1e-4 and rounding ~1e-7/eps
    let worst = 0;
    for (const i of [0, 5, 17, 30, 44, 58, 71]) {
      const plus = Float32Array.from(xv), minus = Float32Array.from(xv);
      plus[i] += eps; minus[i] -= eps;
      const fd = tf.tidy(() => (loss(tf.tensor4d(plus, [1, 6, 6, 2])).dataSync()[0] - loss(tf.tensor4d(minus, [1, 6, 6, 2])).dataSync()[0]) / (2 * eps));
      worst = Math.max(worst, Math.abs(fd - gv[i]) / Math.max(1e-3, Math.abs(gv[i])));
    }
    expect(worst).toBeLessThan(2e-2);
    tf.dispose([x0, g, ...targets]);
  });
});
