/**
 * Join schedules on [0, 1] (fastai v2's `combine_scheds`).
 *
 * Segment i covers `[c_i, c_{i+1})` with `c_i = pcts[0] + … + pcts[i-1]`; a pos exactly on a
 * boundary belongs to the next segment; each piece sees its local position
 * `(pos - c_i) / pcts[i]` ∈ [0, 1). pos = 1 goes to the last segment at local pos 1.
 *
 * @param pcts fractions of [0, 1], each > 0, summing to 1 (within 1e-9).
 * @param scheds one schedule `(pos) => value` per fraction.
 * @example
 * ```ts
 * // warm up linearly to 1 over the first quarter, then cosine down to 0
 * const f = combineScheds([0.25, 0.75], [(p) => annealLinear(0, 1, p), (p) => annealCos(1, 0, p)]);
 * f(0.125); // 0.5
 * f(0.25);  // 1 (boundary: start of the second piece)
 * ```
 */
export function combineScheds(pcts: number[], scheds: ((pos: number) => number)[]): (pos: number) => number {
  if (!Array.isArray(pcts) || pcts.length === 0) {
    throw new TypeError(`combineScheds pcts is ${JSON.stringify(pcts)}; allowed: a non-empty array of fractions summing to 1`);
  }
  if (!Array.isArray(scheds) || scheds.length !== pcts.length) {
    throw new RangeError(`combineScheds scheds has ${Array.isArray(scheds) ? scheds.length : typeof scheds} entries; allowed: one function per pct (${pcts.length})`);
  }
  pcts.forEach((p, i) => {
    if (!(Number.isFinite(p) && p > 0)) throw new RangeError(`combineScheds pcts[${i}] is ${p}; allowed: a finite number > 0`);
  });
  scheds.forEach((s, i) => {
    if (typeof s !== 'function') throw new TypeError(`combineScheds scheds[${i}] is ${typeof s}; allowed: a function (pos) => number`);
  });
  const total = pcts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new RangeError(`combineScheds pcts sum to ${total}; allowed: a sum of 1`);
  const cum = [0];
  for (const p of pcts) cum.push(cum[cum.length - 1] + p);
  cum[cum.length - 1] = 1;
  return (pos: number) => {
    if (!(pos >= 0 && pos <= 1)) throw new RangeError(`combineScheds pos is ${pos}; allowed: a number in [0, 1]`);
    let idx = 0;
    // last segment whose start is <= pos, capped at the final segment
    while (idx < pcts.length - 1 && pos >= cum[idx + 1]) idx++;
    const local = (pos - cum[idx]) / (cum[idx + 1] - cum[idx]);
    return scheds[idx](Math.min(1, Math.max(0, local)));
  };
}
