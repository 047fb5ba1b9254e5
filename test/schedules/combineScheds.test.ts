import { describe, expect, it } from 'vitest';
import { annealCos, annealLinear } from '../../src/schedules/annealers.js';
import { combineScheds } from '../../src/schedules/combineScheds.js';

describe('combineScheds', () => {
  // fastai v2 fit_one_cycle(1, lr_max=1), 8 batches: combined_cos(0.25, 1/25, 1, 1/1e5)
  // reference vector 9 of shared/reference/schedules.md
  const lr = combineScheds([0.25, 0.75], [(p) => annealCos(1 / 25, 1, p), (p) => annealCos(1, 1e-5, p)]);
  const mom = combineScheds([0.25, 0.75], [(p) => annealCos(0.95, 0.85, p), (p) => annealCos(0.85, 0.95, p)]);

  it('reproduces fastai v2 fit_one_cycle with 8 batches', () => {
    const want = [0.04, 0.52, 1.0, 0.933013, 0.750003, 0.500005, 0.250007, 0.0669966];
    const wantMom = [0.95, 0.9, 0.85, 0.856699, 0.875, 0.9, 0.925, 0.943301];
    for (let i = 0; i < 8; i++) {
      expect(lr(i / 8)).toBeCloseTo(want[i], 5);
      expect(mom(i / 8)).toBeCloseTo(wantMom[i], 5);
    }
  });

  it('reproduces fastai v2 fit_sgdr(3, 1) with 2 batches per epoch (vector 10)', () => {
    const f = combineScheds([1 / 7, 2 / 7, 4 / 7], [0, 1, 2].map(() => (p: number) => annealCos(1, 0, p)));
    const want = [1, 0.5, 1, 0.853553, 0.5, 0.146447, 1, 0.96194, 0.853553, 0.691342, 0.5, 0.308658, 0.146447, 0.0380602];
    want.forEach((w, i) => expect(f(i / 14)).toBeCloseTo(w, 5));
  });

  it('a pos exactly on a boundary belongs to the next segment', () => {
    const f = combineScheds([0.5, 0.5], [() => 1, () => 2]);
    expect(f(0.4999999)).toBe(1);
    expect(f(0.5)).toBe(2);
    expect(f(1)).toBe(2);
  });

  it('is continuous at boundaries when the pieces meet', () => {
    const f = combineScheds([0.3, 0.7], [(p) => annealLinear(0, 1, p), (p) => annealCos(1, 0, p)]);
    const eps = 1e-9;
    expect(Math.abs(f(0.3 - eps) - f(0.3))).toBeLessThan(1e-6);
    expect(f(0)).toBe(0);
    expect(f(1)).toBeCloseTo(0, 12);
  });

  it('passes each piece its local position', () => {
    const seen: number[] = [];
    const f = combineScheds([0.25, 0.75], [(p) => (seen.push(p), 0), (p) => (seen.push(p), 0)]);
    f(0.125);
    f(0.25);
    f(0.625);
    expect(seen).toEqual([0.5, 0, 0.5]);
  });

  it('rejects bad arguments', () => {
    expect(() => combineScheds([0.5, 0.4], [() => 1, () => 2])).toThrow(/sum to 0.9; allowed: a sum of 1/);
    expect(() => combineScheds([0.5, 0.5], [() => 1])).toThrow(/one function per pct/);
    expect(() => combineScheds([], [])).toThrow(TypeError);
    expect(() => combineScheds([1.5, -0.5], [() => 1, () => 2])).toThrow(/pcts\[1\] is -0.5/);
    const f = combineScheds([1], [() => 1]);
    expect(() => f(1.5)).toThrow(/pos is 1.5; allowed: a number in \[0, 1\]/);
    expect(() => f(NaN)).toThrow(RangeError);
  });
});
