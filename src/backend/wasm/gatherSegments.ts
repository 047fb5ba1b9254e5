/**
 * The segments of one axis for the depthwise input-gradient gather (depthwiseGather.ts): along an
 * axis, the dx indices of one phase (`i mod s`) step dy by exactly one index per `s`, so they split
 * into a few runs (borders, interior) whose taps are the same filter indices at dy indices moving with
 * them. Formula: index `i` gets tap `k` at dy index `o = (i + pad - k·d) / s` when that is integral and
 * `0 ≤ o < out`.
 *
 * @example
 * ```ts
 * axisSegments(28, 2, 3, 1, 0, 14);
 * // [{ start: 0, count: 1, taps: [{ k: 0, o: 0 }] }, { start: 2, count: 13, taps: [{ k: 0, o: 1 }, { k: 2, o: 0 }] },
 * //  { start: 1, count: 14, taps: [{ k: 1, o: 0 }] }]
 * ```
 */

/** dx indices `start + i·stride` (`i < count`) whose taps are `k` at dy index `o + i`. */
export interface Segment {
  start: number;
  count: number;
  taps: { k: number; o: number }[];
}

/** Segments of one axis: dx size, stride, filter size, dilation, padding before, dy size. */
export function axisSegments(size: number, s: number, f: number, d: number, pad: number, out: number): Segment[] {
  const segs: Segment[] = [];
  for (let r = 0; r < Math.min(s, size); r++) {
    let cur: Segment | undefined;
    let key = '';
    for (let i = r; i < size; i += s) {
      const taps: { k: number; o: number }[] = [];
      for (let k = 0; k < f; k++) {
        const num = i + pad - k * d;
        if (num % s === 0 && num >= 0 && num / s < out) taps.push({ k, o: num / s });
      }
      const kk = taps.map((t) => t.k).join(',');
      if (cur && kk === key) {
        cur.count++;
      } else {
        cur = { start: i, count: 1, taps };
        key = kk;
        segs.push(cur);
      }
    }
  }
  return segs;
}
