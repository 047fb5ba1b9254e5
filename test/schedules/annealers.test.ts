import { describe, expect, it } from 'vitest';
import { annealCos, annealExp, annealLinear, annealNone, annealPoly } from '../../src/schedules/annealers.js';

const grid = Array.from({ length: 11 }, (_, i) => i / 10);

describe('annealers', () => {
  it('annealNone keeps the start', () => {
    for (const p of grid) expect(annealNone(0.3, 7, p)).toBe(0.3);
  });

  it('annealLinear matches hand-computed values', () => {
    expect(annealLinear(1, 3, 0)).toBe(1);
    expect(annealLinear(1, 3, 0.25)).toBe(1.5);
    expect(annealLinear(1e-2, 1e-3, 0.5)).toBeCloseTo(5.5e-3, 15);
    expect(annealLinear(1, 3, 1)).toBe(3);
  });

  it('annealCos matches hand-computed values', () => {
    expect(annealCos(1, 0, 0)).toBe(1);
    expect(annealCos(1, 0, 0.5)).toBeCloseTo(0.5, 15);
    expect(annealCos(1, 0, 1)).toBeCloseTo(0, 15);
    // (1 + cos(pi/4)) / 2 = 0.853553…
    expect(annealCos(1, 0, 0.25)).toBeCloseTo(0.8535533905932737, 14);
    expect(annealCos(2, 4, 1 / 3)).toBeCloseTo(4 + (-2 / 2) * (1 + 0.5), 14);
  });

  it('annealExp is geometric interpolation', () => {
    expect(annealExp(1e-5, 10, 0)).toBeCloseTo(1e-5, 18);
    expect(annealExp(1e-5, 10, 0.5)).toBeCloseTo(1e-2, 14);
    expect(annealExp(1e-5, 10, 1)).toBeCloseTo(10, 12);
    // log-linear: log v(p) is linear in p
    const l = grid.map((p) => Math.log(annealExp(0.01, 0.001, p)));
    for (let i = 1; i < l.length - 1; i++) expect(l[i + 1] - l[i]).toBeCloseTo(l[i] - l[i - 1], 12);
  });

  it('annealExp rejects non-positive ends', () => {
    expect(() => annealExp(0, 1, 0.5)).toThrow(/start is 0.*> 0/);
    expect(() => annealExp(1, -1, 0.5)).toThrow(RangeError);
  });

  it('annealPoly(1) equals annealLinear; hand values for p = 2 and 0.5', () => {
    const lin = annealPoly(1);
    for (const p of grid) expect(lin(0.01, 0.001, p)).toBeCloseTo(annealLinear(0.01, 0.001, p), 15);
    expect(annealPoly(2)(1, 0, 0.5)).toBe(0.25);
    expect(annealPoly(2)(3, 1, 0.5)).toBe(1 + 2 * 0.25);
    expect(annealPoly(0.5)(1, 0, 0.75)).toBeCloseTo(0.5, 15);
  });

  it('annealPoly rejects a power <= 0 or not finite', () => {
    expect(() => annealPoly(0)).toThrow(/power is 0; allowed: a finite number > 0/);
    expect(() => annealPoly(-1)).toThrow(RangeError);
    expect(() => annealPoly(NaN)).toThrow(RangeError);
  });

  it('every decaying annealer hits both endpoints and is monotone between them', () => {
    const fns = [annealLinear, annealCos, annealExp, annealPoly(2), annealPoly(0.5)];
    for (const f of fns) {
      expect(f(0.1, 0.001, 0)).toBeCloseTo(0.1, 14);
      expect(f(0.1, 0.001, 1)).toBeCloseTo(0.001, 14);
      const down = grid.map((p) => f(0.1, 0.001, p));
      for (let i = 1; i < down.length; i++) expect(down[i]).toBeLessThan(down[i - 1]);
      const up = grid.map((p) => f(0.001, 0.1, p));
      for (let i = 1; i < up.length; i++) expect(up[i]).toBeGreaterThan(up[i - 1]);
    }
  });
});
