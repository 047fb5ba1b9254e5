/**
 * Annealers: pure functions `(start, end, pos) => value` with `pos` in [0, 1], fastai 0.7's
 * DecayTypes. A phase of n batches evaluates them at pos = k / n, k = 0 … n-1.
 */

/** An annealing function: the value at position `pos` ∈ [0, 1] between `start` and `end`. */
export type Annealer = (start: number, end: number, pos: number) => number;

/**
 * No decay: `start` at every position.
 *
 * @example
 * ```ts
 * annealNone(0.1, 0.01, 0.5); // 0.1
 * ```
 */
export const annealNone: Annealer = (start) => start;

/**
 * Linear interpolation: `start + pos * (end - start)`.
 *
 * @example
 * ```ts
 * annealLinear(1, 3, 0.25); // 1.5
 * ```
 */
export const annealLinear: Annealer = (start, end, pos) => start + pos * (end - start);

/**
 * Half-cosine from `start` to `end`: `end + (start - end) / 2 * (1 + cos(pi * pos))`.
 *
 * @example
 * ```ts
 * annealCos(1, 0, 0.5); // 0.5
 * ```
 */
export const annealCos: Annealer = (start, end, pos) =>
  // pos 0 returns start exactly (the formula is off by rounding there): a phase starts at its lr
  pos === 0 ? start : end + ((start - end) / 2) * (1 + Math.cos(Math.PI * pos));

/**
 * Geometric (exponential) interpolation: `start * (end / start) ** pos`. Both ends must be > 0.
 *
 * @throws RangeError when `start` or `end` is not > 0.
 * @example
 * ```ts
 * annealExp(1e-5, 10, 0.5); // 1e-5 * (1e6) ** 0.5 = 0.01
 * ```
 */
export const annealExp: Annealer = (start, end, pos) => {
  if (!(start > 0)) throw new RangeError(`annealExp start is ${start}; exponential decay needs start > 0`);
  if (!(end > 0)) throw new RangeError(`annealExp end is ${end}; exponential decay needs end > 0`);
  return start * (end / start) ** pos;
};

/**
 * Polynomial decay of power `p` (fastai 0.7 form): `end + (start - end) * (1 - pos) ** p`.
 * p = 1 is linear; larger p drops faster at first; p near 0 stays up longer.
 *
 * @throws RangeError when `power` is not a finite number > 0.
 * @example
 * ```ts
 * annealPoly(2)(1, 0, 0.5); // 0.25
 * ```
 */
export function annealPoly(power: number): Annealer {
  if (!(Number.isFinite(power) && power > 0)) {
    throw new RangeError(`annealPoly power is ${power}; allowed: a finite number > 0`);
  }
  return (start, end, pos) => (pos === 0 ? start : end + (start - end) * (1 - pos) ** power);
}
