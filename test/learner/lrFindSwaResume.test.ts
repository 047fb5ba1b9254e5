import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { Learner } from '../../src/learner/learner.js';
import { simpleCnn } from '../../src/learner/simpleCnn.js';
import { lrSuggestions } from '../../src/learner/suggestions.js';
import { TrainingPhase } from '../../src/phases/trainingPhase.js';
import { digits, mlp, setup, weightValues } from './helpers.js';

let d: ReturnType<typeof digits>;
beforeAll(async () => {
  await setup();
  d = digits(64, 640);
});
afterAll(() => d.dispose());

describe('lrFind', () => {
  it('sweeps exponentially from startLr, stops on divergence and restores every weight exactly', async () => {
    const model = simpleCnn({ filters: [8, 16] });
    const learner = new Learner(model, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    const before = await weightValues(model);
    const n0 = tf.memory().numTensors;
    const r = await learner.lrFind({ startLr: 1e-4, endLr: 1e4, numIt: 60 });
    expect(r.lrs[0]).toBeCloseTo(1e-4, 12);
    expect(r.lrs[1] / r.lrs[0]).toBeCloseTo(1e8 ** (1 / 60), 8);
    expect(r.stopped).toMatch(/smoothed loss/);
    expect(r.lrs.length).toBeLessThan(60);
    const after = await weightValues(model);
    after.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(before[i]))); // incl. batch-norm statistics
    expect(tf.memory().numTensors).toBe(n0);
    expect(r.suggestions.valley).toBeGreaterThan(1e-4);
    learner.dispose();
    model.dispose();
  });

  it('linear mode really starts at startLr', async () => {
    const model = mlp();
    const learner = new Learner(model, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    const r = await learner.lrFind({ startLr: 0.01, endLr: 0.11, numIt: 10, linear: true, stopDiv: false });
    r.lrs.forEach((lr, k) => expect(lr).toBeCloseTo(0.01 + (k / 10) * 0.1, 12));
    expect(r.linear).toBe(true);
    learner.dispose();
    model.dispose();
  });

  it('rejects bad ranges before any work', async () => {
    const model = mlp();
    const learner = new Learner(model, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    await expect(learner.lrFind({ startLr: 0 })).rejects.toThrow(/lrFind startLr is 0; allowed: a finite number > 0/);
    await expect(learner.lrFind({ startLr: 1, endLr: 0.1 })).rejects.toThrow(/lrFind endLr is 0\.1; allowed: a finite number > startLr/);
    await expect(learner.lrFind({ numIt: 1.5 })).rejects.toThrow(/numIt is 1\.5/);
    model.dispose();
  });
});

describe('lrSuggestions', () => {
  it('matches fastai v2 on the reference toy curve (vector 18)', () => {
    const s = lrSuggestions([1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100], [5, 4, 3, 2, 1, 2, 3], { skipStart: 0, skipEnd: 0 });
    expect(s).toEqual({ valley: 1e-4, minimum: 0.1, steep: 1e-4 });
  });

  it('drops everything from the first NaN', () => {
    const s = lrSuggestions([1, 2, 3, 4, 5], [3, 2, 1, NaN, 0], { skipStart: 0, skipEnd: 0 });
    expect(s.minimum).toBe(0.3);
  });
});

describe('SWA', () => {
  it("averages the epoch-end weights from epoch `start` on, and reports swa loss and metrics", async () => {
    const model = mlp();
    const learner = new Learner(model, { train: d.train, valid: d.valid }, { loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
    const ends: Float32Array[][] = [];
    const rec = await learner.fitOptSched([new TrainingPhase({ epochs: 4, lr: 0.05 })], {
      swa: { start: 2, evalFreq: 2 },
      progress: false,
      // order -1: before the loop's SWA update reads the weights at the same epoch end
      callbacks: [{ order: -1, beforeValidate: async () => void ends.push(await Promise.all(model.trainableWeights.map(async (w) => (await w.read().data()) as Float32Array))) }],
    });
    expect(ends).toHaveLength(4);
    const avg = await learner.swa!.arrays();
    avg.forEach((a, i) => {
      const want = Array.from(a, (_, j) => (ends[1][i][j] + ends[2][i][j] + ends[3][i][j]) / 3);
      Array.from(a).forEach((v, j) => expect(v).toBeCloseTo(want[j], 5));
    });
    // evaluated at epoch 2 (start), then every 2 epochs, and at the last epoch
    expect(rec.epochs.map((e) => e.swaLoss !== undefined)).toEqual([false, true, false, true]);
    expect(rec.epochs[3].swaMetrics!.accuracy).toBeGreaterThan(0.5);
    const swaModel = await learner.swaModel();
    const w = await Promise.all(swaModel.trainableWeights.map(async (t) => (await t.read().data()) as Float32Array));
    w.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(avg[i])));
    // the learner's own model keeps its last weights
    const own = await Promise.all(model.trainableWeights.map(async (t) => (await t.read().data()) as Float32Array));
    own.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(ends[3][i])));
    swaModel.dispose();
    learner.dispose();
    model.dispose();
  });
});

describe('checkpoints', () => {
  it('resuming from a checkpoint gives the same weights as an uninterrupted run', async () => {
    const phases = [
      new TrainingPhase({ epochs: 1.5, lr: 0.05, momentum: 0.9 }),
      new TrainingPhase({ epochs: 1.5, optimizer: 'adam', lr: 3e-3, lrDecay: 'cosine' }),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'phasewise-ckpt-'));
    // uninterrupted
    const m1 = simpleCnn({ filters: [8, 16], seed: 5 });
    const l1 = new Learner(m1, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    const r1 = await l1.fitOptSched(phases, { progress: false });
    const straight = await weightValues(m1);
    // interrupted after 2 epochs (inside the Adam phase), then resumed in a fresh model
    const m2 = simpleCnn({ filters: [8, 16], seed: 5 });
    const l2 = new Learner(m2, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    const stopAt2 = { afterEpoch: (ctx: { epoch: number; stop(r: string): void }) => { if (ctx.epoch === 1) ctx.stop('test interruption'); } };
    const part = await l2.fitOptSched(phases, { progress: false, checkpoint: { dir: join(dir, 'ckpt') }, callbacks: [stopAt2] });
    expect(part.stopped).toBe('test interruption');
    expect(existsSync(join(dir, 'ckpt', 'state.json'))).toBe(true);
    const m3 = simpleCnn({ filters: [8, 16], seed: 99 });
    const l3 = new Learner(m3, { train: d.train }, { loss: 'softmaxCrossEntropy' });
    const r3 = await l3.fitOptSched(phases, { progress: false, checkpoint: { dir: join(dir, 'ckpt'), resume: true } });
    const resumed = await weightValues(m3);
    resumed.forEach((w, i) => Array.from(w).forEach((v, j) => expect(v).toBeCloseTo(straight[i][j], 5)));
    expect(r3.losses.length).toBe(r1.losses.length);
    expect(r3.lrs).toEqual(r1.lrs);
    const state = JSON.parse(readFileSync(join(dir, 'ckpt', 'state.json'), 'utf8'));
    expect(state.epoch).toBe(r1.epochs.length);
    for (const l of [l1, l2, l3]) l.dispose();
    for (const m of [m1, m2, m3]) m.dispose();
  });
});
