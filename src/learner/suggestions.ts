/** LR-finder suggestions (fastai v2): heuristics read off the loss-vs-lr curve, not guarantees. */
export interface LrSuggestions {
  /** About halfway along the longest strictly decreasing run of losses (fastai's default). */
  valley: number;
  /** The lr of the lowest loss, divided by 10. */
  minimum: number;
  /** Where the loss falls fastest per unit of log(lr). */
  steep: number;
}

/**
 * fastai v2's suggestions on `lrs[numIt/10 : -5]` (losses from the first NaN on are dropped).
 * valley: the longest strictly decreasing subsequence (O(n²)), index
 * `start + int((end-start)/3) + int((end-start)/6)` with fastai's start = end − length;
 * minimum: lrs[argmin]/10; steep: argmin of (L[i+1]−L[i]) / (ln lr[i+1] − ln lr[i]).
 *
 * @example
 * ```ts
 * lrSuggestions([1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100], [5, 4, 3, 2, 1, 2, 3], { skipStart: 0, skipEnd: 0 });
 * // { valley: 1e-4, minimum: 0.1, steep: 1e-4 }  (shared/reference vector 18)
 * ```
 */
export function lrSuggestions(lrs: number[], losses: number[], opts: { skipStart?: number; skipEnd?: number } = {}): LrSuggestions {
  const skipStart = opts.skipStart ?? Math.floor(lrs.length / 10);
  const skipEnd = opts.skipEnd ?? 5;
  let end = lrs.length - skipEnd;
  const nan = losses.findIndex((l) => !Number.isFinite(l));
  if (nan >= 0) end = Math.min(end, nan);
  const x = lrs.slice(skipStart, end);
  const y = losses.slice(skipStart, end);
  if (x.length < 2) throw new RangeError(`lrSuggestions has ${x.length} usable points after skipping ${skipStart} at the start and ${skipEnd} at the end; allowed: at least 2`);
  // valley: longest strictly decreasing subsequence
  const n = y.length;
  const lds = new Array<number>(n).fill(1);
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) if (y[i] < y[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) if (lds[i] > lds[maxEnd]) maxEnd = i;
  const maxStart = maxEnd - lds[maxEnd];
  const sections = maxEnd - maxStart;
  const idx = Math.max(0, maxStart + Math.floor(sections / 3) + Math.floor(sections / 6));
  // minimum
  let iMin = 0;
  for (let i = 1; i < n; i++) if (y[i] < y[iMin]) iMin = i;
  // steep
  let iSteep = 0;
  let best = Infinity;
  for (let i = 0; i + 1 < n; i++) {
    const g = (y[i + 1] - y[i]) / (Math.log(x[i + 1]) - Math.log(x[i]));
    if (g < best) {
      best = g;
      iSteep = i;
    }
  }
  return { valley: x[idx], minimum: x[iMin] / 10, steep: x[iSteep] };
}
