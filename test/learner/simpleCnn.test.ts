import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { simpleCnn } from '../../src/learner/simpleCnn.js';
import { vgg16 } from '../../src/style/vgg.js';
import { setup, weightValues } from './helpers.js';

beforeAll(setup);

describe('simpleCnn', () => {
  it('is reproducible for every seed, 0 included (tfjs reads a seed of 0 as "no seed")', async () => {
    for (const seed of [0, 3]) {
      const [a, b] = [simpleCnn({ filters: [4, 8], seed }), simpleCnn({ filters: [4, 8], seed })];
      const [wa, wb] = [await weightValues(a), await weightValues(b)];
      wa.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(wb[i])));
      a.dispose();
      b.dispose();
    }
    const [v1, v2] = [vgg16({ upTo: 'block1_conv2', seed: 0 }), vgg16({ upTo: 'block1_conv2', seed: 0 })];
    const [w1, w2] = [await weightValues(v1), await weightValues(v2)];
    w1.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(w2[i])));
    v1.dispose();
    v2.dispose();
  });

  it('takes any image size and gives one logit per class', () => {
    const m = simpleCnn({ channels: 3, classes: 5, filters: [4, 8] });
    for (const s of [8, 13]) {
      const y = tf.tidy(() => m.predict(tf.zeros([2, s, s, 3])) as tf.Tensor);
      expect(y.shape).toEqual([2, 5]);
      y.dispose();
    }
    m.dispose();
    expect(() => simpleCnn({ classes: 1 })).toThrow(/classes is 1; allowed: an integer >= 2/);
    expect(() => simpleCnn({ filters: [] })).toThrow(/filters is \[\]/);
  });
});
