/** Discriminative learning rates: geometric spacing between two values (fastai's even_mults). */
import { checkNumber } from './validate.js';

/**
 * `n` learning rates spaced geometrically from `lo` to `hi` (fastai `even_mults`):
 * `lr_i = lo * (hi/lo)^(i/(n-1))`, i = 0 … n-1; `n = 1` gives `[hi]`.
 *
 * @example
 * ```ts
 * lrRange(1e-5, 1e-3, 3); // [1e-5, 1e-4, 1e-3]
 * lrRange(1e-5, 1e-3, 1); // [1e-3]
 * ```
 */
export function lrRange(lo: number, hi: number, n: number): number[] {
  checkNumber('lrRange: lo', lo, { min: 0, minExclusive: true });
  checkNumber('lrRange: hi', hi, { min: 0, minExclusive: true });
  checkNumber('lrRange: n', n, { min: 1, integer: true });
  if (n === 1) return [hi];
  const step = (hi / lo) ** (1 / (n - 1));
  const out = Array.from({ length: n }, (_, i) => lo * step ** i);
  out[n - 1] = hi;
  return out;
}
