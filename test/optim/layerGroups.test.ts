/** layerGroups: split a layers model's trainable weights at named layers. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { layerGroups } from '../../src/optim/layerGroups.js';
import { sgd } from '../../src/optim/sgd.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function model(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 4, inputShape: [3], name: 'd1' }));
  m.add(tfl.layers.dense({ units: 4, name: 'd2' }));
  m.add(tfl.layers.dropout({ rate: 0.1, name: 'drop' }));
  m.add(tfl.layers.dense({ units: 2, name: 'head' }));
  return m;
}

describe('layerGroups', () => {
  it('splits before each named layer and returns the underlying tf.Variables', () => {
    const m = model();
    const groups = layerGroups(m, ['d2', 'head']);
    expect(groups.map((g) => g.length)).toEqual([2, 2, 2]);
    expect(groups.flat().every((v) => v instanceof tf.Variable)).toBe(true);
    const all = m.trainableWeights.map((w) => w.read());
    expect(groups.flat()).toEqual(all);
    expect(layerGroups(m, [])).toEqual([all]);
    // usable as param groups, and the update reaches the model's weights
    const opt = sgd(groups.map((params, i) => ({ params, lr: [0, 0, 0.1][i] })), { lr: 0.1 });
    const x = tf.ones([5, 3]);
    const before = m.getLayer('head').getWeights().map((w) => Array.from(w.dataSync()));
    const d1 = Array.from(m.getLayer('d1').getWeights()[0].dataSync());
    opt.step(() => tf.mean(tf.square(m.predict(x) as tf.Tensor)) as tf.Scalar);
    expect(m.getLayer('head').getWeights().map((w) => Array.from(w.dataSync()))).not.toEqual(before);
    expect(Array.from(m.getLayer('d1').getWeights()[0].dataSync())).toEqual(d1);
    opt.dispose();
    x.dispose();
    m.dispose();
  });
  it('names the available layers on an unknown name, and rejects out-of-order splits', () => {
    const m = model();
    expect(() => layerGroups(m, ['nope'])).toThrow(/layerGroups: splitAt layer "nope" is not in the model; allowed: d1, d2, drop, head/);
    expect(() => layerGroups(m, ['head', 'd2'])).toThrow(RangeError);
    m.dispose();
  });
});
