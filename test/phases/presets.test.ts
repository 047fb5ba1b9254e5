import { describe, expect, it } from 'vitest';
import { phaseSchedule } from '../../src/phases/phaseSchedule.js';
import { oneCyclePhases, sgdrPhases } from '../../src/phases/presets.js';

describe('oneCyclePhases (notebook phases_1cycle)', () => {
  const phases = oneCyclePhases({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 });

  it('builds the three linear phases of the lesson', () => {
    // tri = (1 - 10/100) * 3 = 2.7
    expect(phases.map((p) => p.epochs)).toEqual([1.35, 1.35, 3 - 2.7]);
    const [a, b, c] = phases;
    expect([a.lr, a.lrEnd, a.lrDecay, a.momentum, a.momentumEnd, a.momentumDecay]).toEqual([1e-3, 1e-2, 'linear', 0.95, 0.85, 'linear']);
    expect([b.lr, b.lrEnd, b.lrDecay, b.momentum, b.momentumEnd, b.momentumDecay]).toEqual([1e-2, 1e-3, 'linear', 0.85, 0.95, 'linear']);
    expect([c.lr, c.lrEnd, c.lrDecay, c.momentum, c.momentumDecay]).toEqual([1e-3, 1e-5, 'linear', 0.95, 'none']);
    expect(phases.map((p) => p.optimizer)).toEqual(['sgd', 'sgd', 'sgd']);
  });

  it('gives the expected table with 40 batches per epoch', () => {
    const t = phaseSchedule(phases, 40);
    expect(t.batches).toEqual([54, 54, 12]);
    expect(t.boundaries).toEqual([0, 54, 108]);
    expect(t.lr[0][0]).toBeCloseTo(1e-3, 15);
    expect(t.lr[27][0]).toBeCloseTo(1e-3 + 0.5 * 9e-3, 15);
    expect(t.lr[54][0]).toBeCloseTo(1e-2, 15);
    expect(t.momentum[54]).toBeCloseTo(0.85, 15);
    expect(t.lr[119][0]).toBeCloseTo(1e-3 + (11 / 12) * (1e-5 - 1e-3), 15);
    expect(t.momentum[119]).toBe(0.95);
  });

  it('scales per-group lrs', () => {
    const p = oneCyclePhases({ cycleLen: 1, lr: [1e-3, 1e-2], div: 10, pct: 20, maxMom: 0.95, minMom: 0.85, optimizer: 'adam' });
    expect(p[0].lr).toEqual([1e-4, 1e-3]);
    expect(p[2].lrEnd).toEqual([1e-6, 1e-5]);
    expect(p[0].optimizer).toBe('adam');
  });

  it.each<[string, Record<string, number>, RegExp]>([
    ['pct 100', { pct: 100 }, /oneCyclePhases\.pct is 100; allowed: a percentage in \(0, 100\)/],
    ['pct 0', { pct: 0 }, /pct is 0/],
    ['div 0', { div: 0 }, /div is 0/],
    ['cycleLen negative', { cycleLen: -1 }, /cycleLen is -1/],
    ['maxMom 1', { maxMom: 1 }, /maxMom is 1; allowed: a number in \[0, 1\)/],
    ['lr NaN', { lr: NaN }, /lr is NaN/],
  ])('rejects %s', (_n, o, msg) => {
    expect(() => oneCyclePhases({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85, ...o })).toThrow(msg);
  });
});

describe('sgdrPhases (notebook phases_sgdr)', () => {
  it('is a warm-up at lr/100 for cycleLen/20, a cosine for 19/20, then longer cosine cycles', () => {
    const p = sgdrPhases({ lr: 1e-2, optimizer: 'adam', cycles: 3, cycleLen: 1, cycleMult: 2 });
    expect(p.map((x) => x.epochs)).toEqual([0.05, 0.95, 2, 4]);
    expect(p.map((x) => x.lr)).toEqual([1e-4, 1e-2, 1e-2, 1e-2]);
    expect(p.map((x) => x.lrDecay)).toEqual(['none', 'cosine', 'cosine', 'cosine']);
    expect(p.map((x) => x.lrTarget)).toEqual([1e-4, 0, 0, 0]);
    expect(p.every((x) => x.optimizer === 'adam')).toBe(true);
  });

  it('gives restarts at the cycle boundaries', () => {
    const t = phaseSchedule(sgdrPhases({ lr: 1, cycles: 2, cycleLen: 2, cycleMult: 1 }), 10);
    expect(t.batches).toEqual([1, 19, 20]);
    expect(t.lr[0][0]).toBe(0.01);
    expect(t.lr[1][0]).toBe(1);
    expect(t.lr[20][0]).toBe(1);
    expect(t.lr[30][0]).toBeCloseTo(0.5, 14);
  });

  it.each<[string, Record<string, number>, RegExp]>([
    ['cycles 0', { cycles: 0 }, /sgdrPhases\.cycles is 0; allowed: an integer >= 1/],
    ['cycles 1.5', { cycles: 1.5 }, /cycles is 1\.5/],
    ['cycleLen 0', { cycleLen: 0 }, /cycleLen is 0/],
    ['cycleMult 0', { cycleMult: 0 }, /cycleMult is 0/],
    ['lr negative', { lr: -1 }, /lr is -1/],
  ])('rejects %s', (_n, o, msg) => {
    expect(() => sgdrPhases({ lr: 1e-2, cycles: 3, cycleLen: 1, cycleMult: 2, ...o })).toThrow(msg);
  });
});
