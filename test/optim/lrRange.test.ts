/** lrRange: geometric spacing (fastai even_mults). */
import { describe, expect, it } from 'vitest';
import { lrRange } from '../../src/optim/lrRange.js';

describe('lrRange', () => {
  it('spaces geometrically from lo to hi', () => {
    const r = lrRange(1e-5, 1e-3, 3);
    expect(r).toHaveLength(3);
    [1e-5, 1e-4, 1e-3].forEach((v, i) => expect(r[i] / v).toBeCloseTo(1, 12));
    const r5 = lrRange(1e-4, 1e-2, 5);
    for (let i = 1; i < 5; i++) expect(r5[i] / r5[i - 1]).toBeCloseTo(10 ** 0.5, 12);
    expect(r5[0]).toBe(1e-4);
    expect(r5[4]).toBe(1e-2);
  });
  it('n = 1 gives [hi]', () => {
    expect(lrRange(1e-5, 1e-3, 1)).toEqual([1e-3]);
  });
  it('rejects bad input', () => {
    expect(() => lrRange(0, 1e-3, 3)).toThrow(/lrRange: lo is 0; allowed: a finite number > 0/);
    expect(() => lrRange(1e-5, NaN, 3)).toThrow(RangeError);
    expect(() => lrRange(1e-5, 1e-3, 0)).toThrow(/lrRange: n is 0; allowed: an integer >= 1/);
    expect(() => lrRange(1e-5, 1e-3, 2.5)).toThrow(RangeError);
  });
});
