import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../../src/backend/tf.js';
import type { Dataset } from '../../src/data/dataset.js';
import { Learner } from '../../src/learner/learner.js';
import { TrainingPhase } from '../../src/phases/trainingPhase.js';
import { digits, mlp, setup, weightValues } from './helpers.js';

let d: ReturnType<typeof digits>;
beforeAll(async () => {
  await setup();
  d = digits(64, 256);
});
afterAll(() => d.dispose());

/** A dataset yielding fixed tensors (for inputs arrayDataset itself would refuse). */
function fixed(x: number[][], y: number[], length = 1): Dataset {
  return {
    length, size: y.length, batchSize: y.length, exampleShape: [8, 8, 1], labelShape: [],
    *batches() {
      for (let i = 0; i < length; i++) yield { x: tf.tidy(() => tf.reshape(tf.tensor2d(x), [y.length, 8, 8, 1])), y: tf.tensor1d(y, "int32") };
    },
    dispose() {},
  };
}
const row = (v: number) => new Array(64).fill(v);

describe('fitOptSched bad input: clear errors before training, weights untouched', () => {
  const phase = [new TrainingPhase({ epochs: 1, lr: 0.1 })];

  async function rejects(opts: { model?: tfl.LayersModel; train?: Dataset; run: (l: Learner) => Promise<unknown>; msg: RegExp }) {
    const model = opts.model ?? mlp();
    const learner = new Learner(model, { train: opts.train ?? d.train }, { loss: 'softmaxCrossEntropy' });
    const before = await weightValues(model);
    const n0 = tf.memory().numTensors;
    await expect(opts.run(learner)).rejects.toThrow(opts.msg);
    const after = await weightValues(model);
    after.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(before[i])));
    expect(tf.memory().numTensors).toBe(n0);
    model.dispose();
  }

  it('a phase whose data has no batches', async () => {
    const empty = { ...fixed([row(0)], [0]), length: 0 };
    await rejects({ run: (l) => l.fitOptSched(phase, { dataList: [empty] }), msg: /dataList\[0\] \(phase 0\) has 0 batches; allowed: at least one batch/ });
  });

  it('a dataList shorter than the phase list', async () => {
    await rejects({ run: (l) => l.fitOptSched([...phase, ...phase], { dataList: [d.train] }), msg: /dataList has 1 datasets for 2 phases/ });
  });

  it('labels that do not match the model output', async () => {
    await rejects({ train: fixed([row(0.5), row(0.1)], [3, 12]), run: (l) => l.fitOptSched(phase), msg: /labels from 3 to 12 but the model outputs 10 classes; allowed: integer labels in \[0, 9\]/ });
    const oneHot3: Dataset = { ...fixed([row(0)], [0]), *batches() { yield { x: tf.zeros([1, 8, 8, 1]), y: tf.zeros([1, 3]) }; } };
    await rejects({ train: oneHot3, run: (l) => l.fitOptSched(phase), msg: /labels of shape \[1, 3\] do not match the model's output \[1, 10\]/ });
  });

  it('inputs the model cannot take', async () => {
    const wrong: Dataset = { ...fixed([row(0)], [0]), *batches() { yield { x: tf.zeros([1, 4, 4, 1]), y: tf.tensor1d([1], 'int32') }; } };
    await rejects({ train: wrong, run: (l) => l.fitOptSched(phase), msg: /inputs of shape \[1, 4, 4, 1\] do not fit the model/ });
  });

  it('NaN in the data', async () => {
    await rejects({ train: fixed([row(NaN)], [1]), run: (l) => l.fitOptSched(phase), msg: /has NaN or Infinity in its inputs/ });
  });

  it('more lr groups than layer groups, a beta for SGD, a bad swa', async () => {
    await rejects({ run: (l) => l.fitOptSched([new TrainingPhase({ epochs: 1, lr: [1, 2, 3] })]), msg: /give 3 learning rates per iteration but the learner has 1 layer group/ });
    await rejects({ run: (l) => l.fitOptSched([new TrainingPhase({ epochs: 1, beta: 0.99 })]), msg: /phases\[0\]\.beta is 0\.99 but optimizer 'sgd' has no beta/ });
    await rejects({ run: (l) => l.fitOptSched(phase, { swa: { start: 0, evalFreq: 1 } }), msg: /swa\.start is 0; allowed: an integer >= 1/ });
  });

  it('a model without trainable weights', () => {
    const m = mlp();
    for (const layer of m.layers) layer.trainable = false;
    expect(() => new Learner(m, { train: d.train }, { loss: 'softmaxCrossEntropy' })).toThrow(/no trainable weights/);
    m.dispose();
  });

  it('an unknown loss or metric', () => {
    const m = mlp();
    expect(() => new Learner(m, { train: d.train }, { loss: 'crossEntropy' as never })).toThrow(/Learner loss is "crossEntropy"; allowed: 'softmaxCrossEntropy'/);
    expect(() => new Learner(m, { train: d.train }, { loss: 'softmaxCrossEntropy', metrics: ['f1' as never] })).toThrow(/metrics\[0\] is "f1"/);
    m.dispose();
  });
});
