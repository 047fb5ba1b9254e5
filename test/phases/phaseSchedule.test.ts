import { describe, expect, it } from 'vitest';
import { phaseSchedule } from '../../src/phases/phaseSchedule.js';
import { TrainingPhase } from '../../src/phases/trainingPhase.js';

const close = (a: number[], b: number[], digits = 12) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));
};
const lr0 = (t: { lr: number[][] }) => t.lr.map((r) => r[0]);

describe('phaseSchedule', () => {
  it('a two-step lr (the notebook: 1e-2 for 1 epoch, then 1e-3 for 2)', () => {
    const t = phaseSchedule([new TrainingPhase({ epochs: 1, lr: 1e-2 }), new TrainingPhase({ epochs: 2, lr: 1e-3 })], 3);
    expect(t.iterations).toBe(9);
    expect(lr0(t)).toEqual([1e-2, 1e-2, 1e-2, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3]);
    expect(t.phase).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(t.boundaries).toEqual([0, 3]);
    expect(t.momentum).toEqual(new Array(9).fill(0.9));
    expect(t.optimizers).toEqual(['sgd', 'sgd']);
    expect(t.batches).toEqual([3, 6]);
  });

  // every decay from 1e-2 to 1e-3 over 5 batches: pos = k/5, k = 0..4 (end exclusive)
  const s = 1e-2;
  const e = 1e-3;
  const ks = [0, 1, 2, 3, 4];
  it.each<[string, TrainingPhase, number[]]>([
    ['linear', new TrainingPhase({ epochs: 1, lr: s, lrEnd: e, lrDecay: 'linear' }), ks.map((k) => s + (k / 5) * (e - s))],
    ['cosine', new TrainingPhase({ epochs: 1, lr: s, lrEnd: e, lrDecay: 'cosine' }), ks.map((k) => e + ((s - e) * (1 + Math.cos((Math.PI * k) / 5))) / 2)],
    ['exponential', new TrainingPhase({ epochs: 1, lr: s, lrEnd: e, lrDecay: 'exponential' }), ks.map((k) => s * 0.1 ** (k / 5))],
    ['polynomial 2', new TrainingPhase({ epochs: 1, lr: s, lrEnd: e, lrDecay: { type: 'polynomial', power: 2 } }), ks.map((k) => e + (s - e) * (1 - k / 5) ** 2)],
    ['polynomial 0.5', new TrainingPhase({ epochs: 1, lr: s, lrEnd: e, lrDecay: { type: 'polynomial', power: 0.5 } }), ks.map((k) => e + (s - e) * Math.sqrt(1 - k / 5))],
    ['cosine to 0 (no lrEnd)', new TrainingPhase({ epochs: 1, lr: s, lrDecay: 'cosine' }), ks.map((k) => (s * (1 + Math.cos((Math.PI * k) / 5))) / 2)],
    ['linear to 0 (no lrEnd)', new TrainingPhase({ epochs: 1, lr: s, lrDecay: 'linear' }), [1e-2, 8e-3, 6e-3, 4e-3, 2e-3]],
  ])('%s decay matches the formula at pos = k/n', (_n, phase, want) => {
    const t = phaseSchedule([phase], 5);
    close(lr0(t), want, 15);
    expect(lr0(t)[0]).toBe(s);
  });

  it('momentum anneals with its own decay', () => {
    const t = phaseSchedule([new TrainingPhase({ epochs: 1, momentum: 0.95, momentumEnd: 0.85, momentumDecay: 'linear' })], 4);
    close(t.momentum, [0.95, 0.925, 0.9, 0.875], 14);
  });

  it('per-group lrs anneal element-wise and scalars broadcast to the group count', () => {
    const lrs = [1e-4, 1e-3, 1e-2];
    const t = phaseSchedule(
      [
        new TrainingPhase({ epochs: 1, optimizer: 'adam', lr: lrs.map((v) => v / 10), lrEnd: lrs, lrDecay: 'linear' }),
        new TrainingPhase({ epochs: 1, lr: 0.5 }),
      ],
      2,
    );
    expect(t.lr).toHaveLength(4);
    close(t.lr[0], [1e-5, 1e-4, 1e-3], 15);
    close(t.lr[1], lrs.map((v) => v / 10 + 0.5 * (v - v / 10)), 15);
    expect(t.lr[2]).toEqual([0.5, 0.5, 0.5]);
    expect(t.optimizers).toEqual(['adam', 'sgd']);
  });

  it('fractional epochs: round(epochs * batchesPerEpoch), at least 1', () => {
    const t = phaseSchedule(
      [new TrainingPhase({ epochs: 0.25 }), new TrainingPhase({ epochs: 0.5 }), new TrainingPhase({ epochs: 0.001 })],
      10,
    );
    expect(t.batches).toEqual([3, 5, 1]); // round(2.5) = 3, 5, max(1, round(0.01))
    expect(t.boundaries).toEqual([0, 3, 8]);
    expect(t.iterations).toBe(9);
  });

  it('one batch count per phase (per-phase datasets)', () => {
    const t = phaseSchedule(
      [new TrainingPhase({ epochs: 1, lr: 1, lrDecay: 'linear' }), new TrainingPhase({ epochs: 2, lr: 1, lrDecay: 'linear' })],
      [4, 3],
    );
    expect(t.batches).toEqual([4, 6]);
    close(lr0(t), [1, 0.75, 0.5, 0.25, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6], 14);
    expect(t.boundaries).toEqual([0, 4]);
  });

  it('records beta and wd per phase', () => {
    const t = phaseSchedule([new TrainingPhase({ epochs: 1, beta: 0.99, wd: 1e-4 }), new TrainingPhase({ epochs: 1 })], 2);
    expect(t.beta).toEqual([0.99, undefined]);
    expect(t.wd).toEqual([[1e-4], undefined]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['batchesPerEpoch 0', () => phaseSchedule([new TrainingPhase({ epochs: 1 })], 0), /batchesPerEpoch is 0; allowed: a positive integer/],
    ['batchesPerEpoch fractional', () => phaseSchedule([new TrainingPhase({ epochs: 1 })], 2.5), /batchesPerEpoch is 2\.5/],
    ['batchesPerEpoch NaN', () => phaseSchedule([new TrainingPhase({ epochs: 1 })], NaN), /batchesPerEpoch is NaN/],
    ['batchesPerEpoch entry negative', () => phaseSchedule([new TrainingPhase({ epochs: 1 })], [-3]), /batchesPerEpoch\[0\] is -3/],
    ['batchesPerEpoch wrong length', () => phaseSchedule([new TrainingPhase({ epochs: 1 })], [3, 4]), /2 entries for 1 phases/],
    ['no phases', () => phaseSchedule([], 3), /allowed: a non-empty array of TrainingPhase/],
    ['not a phase', () => phaseSchedule([{ epochs: 1 } as unknown as TrainingPhase], 3), /phases\[0\] is object; allowed: a TrainingPhase/],
    [
      'group counts differ between phases',
      () => phaseSchedule([new TrainingPhase({ epochs: 1, lr: [1, 2] }), new TrainingPhase({ epochs: 1, lr: [1, 2, 3] })], 3),
      /phases\[1\] has 3 layer groups but an earlier phase has 2/,
    ],
  ])('rejects %s', (_n, f, msg) => {
    expect(f).toThrow(msg);
  });
});
