import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../../src/backend/tf.js';
import { arrayDataset } from '../../src/data/arrayDataset.js';
import { resizeImages } from '../../src/data/resizeImages.js';
import { Learner } from '../../src/learner/learner.js';
import { simpleCnn } from '../../src/learner/simpleCnn.js';
import type { Optimizer } from '../../src/optim/index.js';
import { phaseSchedule } from '../../src/phases/phaseSchedule.js';
import { TrainingPhase } from '../../src/phases/trainingPhase.js';
import { digits, mlp, setup } from './helpers.js';

let d: ReturnType<typeof digits>;
beforeAll(async () => {
  await setup();
  d = digits(64);
});
afterAll(() => d.dispose());

describe('fitOptSched', () => {
  it('applies phaseSchedule lr (every layer group) and momentum, with per-phase batch counts', async () => {
    const model = mlp();
    const small = arrayDataset(...smallData(), { batchSize: 32 });
    const phases = [
      new TrainingPhase({ epochs: 1, lr: [1e-3, 1e-2], lrEnd: [1e-4, 1e-3], lrDecay: 'cosine', momentum: 0.95, momentumEnd: 0.85, momentumDecay: 'linear' }),
      new TrainingPhase({ epochs: 0.5, optimizer: 'adam', lr: [1e-4, 1e-3], lrEnd: [1e-5, 1e-4], lrDecay: 'exponential', beta: 0.99 }),
    ];
    const learner = new Learner(model, { train: d.train }, { loss: 'softmaxCrossEntropy', layerGroups: ['d2'] });
    const seen: number[][] = [];
    const rec = await learner.fitOptSched(phases, {
      dataList: [d.train, small], progress: false,
      callbacks: [{ afterStep: (ctx) => void seen.push([...ctx.optimizer!.getHyper('lr'), ...ctx.optimizer!.getHyper('momentum')]) }],
    });
    const table = phaseSchedule(phases, [d.train.length, small.length]);
    expect(table.batches).toEqual([23, 2]); // 0.5 epoch of a 4-batch dataset
    expect(rec.lrs).toEqual(table.lr);
    expect(rec.moms).toEqual(table.momentum);
    expect(rec.boundaries).toEqual([0, 23]);
    expect(rec.optimizers).toEqual(['sgd', 'adam']);
    // what the optimizer actually held at each step
    expect(seen.map((r) => r.slice(0, 2))).toEqual(table.lr);
    expect(seen.map((r) => r[2])).toEqual(table.momentum);
    expect(learner.opt!.getHyper('beta')).toEqual([0.99, 0.99]);
    learner.dispose();
    small.dispose();
    model.dispose();
  });

  it('SGD → Adam starts fresh state; SGD → SGD keeps it', async () => {
    const model = mlp();
    const learner = new Learner(model, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    const at: { opt: Optimizer; steps: number }[] = [];
    const steps = (o: Optimizer) => (o.stateDict().state.flat().find((s) => s !== null)?.step ?? 0);
    await learner.fitOptSched(
      [
        new TrainingPhase({ epochs: 0.25, lr: 0.05 }),
        new TrainingPhase({ epochs: 0.25, lr: 0.05 }),
        new TrainingPhase({ epochs: 0.25, optimizer: 'adam', lr: 1e-3 }),
      ],
      { progress: false, callbacks: [{ beforePhase: (ctx) => void at.push({ opt: ctx.optimizer!, steps: steps(ctx.optimizer!) }) }] },
    );
    expect(at[0].steps).toBe(0);
    expect(at[1].opt).toBe(at[0].opt); // same type: same optimizer …
    expect(at[1].steps).toBe(6); // … with its momentum buffers from phase 0 (round(0.25 * 23) = 6 steps)
    expect(at[2].opt).not.toBe(at[0].opt);
    expect(at[2].opt.name).toBe('adam');
    expect(at[2].steps).toBe(0);
    learner.dispose();
    model.dispose();
  });

  it('trains a dataList with two image sizes (progressive resizing) and learns', async () => {
    const { x, y } = fullTrain();
    const small = arrayDataset(x, y, { batchSize: 64, shuffle: true, transform: resizeImages(6) });
    const large = arrayDataset(x, y, { batchSize: 64, shuffle: true, transform: resizeImages(12) });
    tf.dispose([x, y]);
    const v = allOf(d.valid);
    const valid12 = arrayDataset(v.x, v.y, { batchSize: 200, transform: resizeImages(12) });
    tf.dispose([v.x, v.y]);
    const model = simpleCnn({ filters: [16, 32] });
    const learner = new Learner(model, { train: small, valid: valid12 }, { loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const shapes: number[][] = [];
    const rec = await learner.fitOptSched(
      [new TrainingPhase({ epochs: 2, lr: 0.2 }), new TrainingPhase({ epochs: 2, optimizer: 'adam', lr: 3e-3, lrDecay: 'cosine' })],
      { dataList: [small, large], progress: false, callbacks: [{ beforeBatch: (ctx) => void shapes.push(ctx.batch!.x.shape.slice(1, 3)) }] },
    );
    expect(shapes[0]).toEqual([6, 6]);
    expect(shapes[shapes.length - 1]).toEqual([12, 12]);
    expect(rec.epochs).toHaveLength(4);
    expect(rec.smoothLosses[rec.smoothLosses.length - 1]).toBeLessThan(rec.smoothLosses[0] / 2);
    expect(rec.epochs[3].metrics.accuracy).toBeGreaterThan(0.6); // chance is 0.1
    learner.dispose();
    model.dispose();
    small.dispose();
    large.dispose();
    valid12.dispose();
  });

  it('stopDiv stops cleanly on a diverging LR range and records why', async () => {
    const model = mlp();
    const learner = new Learner(model, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    const rec = await learner.fitOptSched(
      [new TrainingPhase({ epochs: 4, lr: 1e-3, lrEnd: 1e4, lrDecay: 'exponential', momentum: 0.9 })],
      { stopDiv: true, progress: false },
    );
    expect(rec.stopped).toMatch(/smoothed loss (is NaN|.* > 4 × best)/);
    expect(rec.losses.length).toBeLessThan(92);
    expect(rec.losses.length).toBeGreaterThan(10);
    learner.dispose();
    model.dispose();
  });

  it('keeps tf.memory().numTensors constant across epochs', async () => {
    const model = mlp();
    const learner = new Learner(model, { train: d.train, valid: d.valid }, { loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const counts: number[] = [];
    await learner.fitOptSched([new TrainingPhase({ epochs: 4, lr: 0.05 })], { progress: false, callbacks: [{ afterEpoch: () => void counts.push(tf.memory().numTensors) }] });
    expect(counts).toHaveLength(4);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const before = tf.memory().numTensors;
    learner.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    model.dispose();
  });

  it('fitOneCycle follows fastai v2 (cosine, div 25, divFinal 1e5, pctStart 0.25)', async () => {
    const model = mlp();
    const eight = arrayDataset(...smallData(256), { batchSize: 32 });
    const learner = new Learner(model, { train: eight }, { loss: 'softmaxCrossEntropy' });
    const rec = await learner.fitOneCycle(1, 1, { progress: false, optimizer: 'sgd' });
    const want = [0.04, 0.52, 1.0, 0.933013, 0.750003, 0.500005, 0.250007, 0.0669966];
    const wantMom = [0.95, 0.9, 0.85, 0.856699, 0.875, 0.9, 0.925, 0.943301];
    rec.lrs.forEach((r, i) => expect(r[0]).toBeCloseTo(want[i], 5));
    rec.moms.forEach((m, i) => expect(m).toBeCloseTo(wantMom[i], 5));
    learner.dispose();
    eight.dispose();
    model.dispose();
  });
});

function fullTrain(): { x: tf.Tensor; y: tf.Tensor } {
  return allOf(d.train);
}

function allOf(data: import('../../src/data/dataset.js').Dataset): { x: tf.Tensor; y: tf.Tensor } {
  const xs: tf.Tensor[] = [];
  const ys: tf.Tensor[] = [];
  for (const b of data.batches(0)) {
    xs.push(b.x);
    ys.push(b.y);
  }
  const out = { x: tf.concat(xs), y: tf.concat(ys) };
  tf.dispose([...xs, ...ys]);
  return out;
}

function smallData(n = 128): [tf.Tensor, tf.Tensor] {
  const { x, y } = fullTrain();
  const r: [tf.Tensor, tf.Tensor] = [tf.slice(x, 0, n), tf.slice(y, 0, n)];
  tf.dispose([x, y]);
  return r;
}

void tfl;
