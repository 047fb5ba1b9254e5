/**
 * Depthwise filter and input gradients with the SIMD kernels of simdDepthwise.ts, reading x and dy
 * (and writing dx) in place: no zero-padded copy, any stride / dilation / padding, multiplier
 * `M ∈ {1, 2, 4}` (filter) or `{1, 2}` (input).
 *
 * Formulas (filter `[fh, fw, C, M]`, dy channel `c·M + m`, `ih = oh·sh + kh·dh - padTop`, `iw = ow·sw + kw·dw - padLeft`):
 * `dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, ih, iw, c] · dy[n, oh, ow, c·M + m]` and
 * `dx[n, ih, iw, c] = Σ_{kh, kw, m} dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]`, over in-range `(ih, iw)`.
 *
 * Per image and filter row `kh`, the output rows whose input row is inside x form one range; per
 * triple of taps `kw..kw+2`, the output columns where all three are inside x are one kernel call
 * (the interior), and the border columns where only some are inside get one single-tap call per
 * tap (accumulating into / weighted by a per-tap triple whose other two rows are spare / zero).
 * Filter gradient with a `maddk` kernel (simdFilterRows.ts; strided, `M = 1`): the output rows where
 * every `kh` is inside x take one call per triple over all `fh` tap rows, so x is read row by row in
 * address order (stride 2 streams x from memory: 64×28²×64 went from ~40 % to ~50 % of matMul).
 *
 * The kernels' entry points (tensors, accumulators, the SIMD pool) are in depthwiseInPlaceRun.ts.
 *
 * @example
 * ```ts
 * sweepImage(g, madd, targets, n);   // every kernel call of image n
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import type { MaddK } from './simdFilterRows.js';
import type { Madd } from './simdMadd.js';

/** Output indices `o < n` with `0 ≤ o·s + off < size`, as `[lo, hi)` (empty when `hi ≤ lo`). */
export function validRange(n: number, s: number, off: number, size: number): [number, number] {
  const lo = Math.max(0, Math.ceil(-off / s));
  const hi = Math.min(n, Math.floor((size - 1 - off) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Whether the in-place paths apply: filter needs `M ∈ {1, 2, 4}`, input `M ∈ {1, 2}` and `C % 4 == 0`. */
export function inPlaceApplies(g: ConvGeometry, input: boolean): boolean {
  const M = g.outChannels / g.inChannels;
  if (g.batch * g.outHeight * g.outWidth === 0 || g.outChannels % 4 !== 0) return false;
  return input ? (M === 1 || M === 2) && g.inChannels % 4 === 0 : M === 1 || M === 2 || M === 4;
}

/** Where a sweep reads / writes: byte addresses of x (or dx) and dy, and of the accumulators / weights. */
export interface Targets {
  x: number;
  d: number;
  /** Triple of taps `(kh, 3·tt .. 3·tt+2)`, rows `4·C·M` bytes apart. */
  triple: (kh: number, tt: number) => number;
  /** Single tap `(kh, kw)`: its row, then two spare / zero rows. */
  single: (kh: number, kw: number) => number;
}

/** Output columns `[a, b)` where all taps `kw0 .. kw0+taps-1` are inside x, and each tap's own range. */
function tripleColumns(g: ConvGeometry, kw0: number): { taps: number; ranges: [number, number][]; a: number; b: number } {
  const taps = Math.min(3, g.filterWidth - kw0);
  const ranges: [number, number][] = [];
  let a = 0;
  let b = g.outWidth;
  for (let i = 0; i < taps; i++) {
    const r = validRange(g.outWidth, g.strideWidth, (kw0 + i) * g.dilationWidth - g.padLeft, g.inWidth);
    ranges.push(r);
    a = Math.max(a, r[0]);
    b = Math.min(b, r[1]);
  }
  return { taps, ranges, a, b };
}

/** Byte addresses of x at output `(oh, ow)`, tap `(kh, kw)`, and of dy at `(oh, ow)`, in image `n`. */
function addresses(g: ConvGeometry, t: Targets, n: number) {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const xImg = t.x + 4 * n * H * W * C;
  const dImg = t.d + 4 * n * OH * OW * CM;
  return {
    xAt: (oh: number, ow: number, kh: number, kw: number) => xImg + 4 * ((oh * g.strideHeight + kh * g.dilationHeight - g.padTop) * W + ow * g.strideWidth + kw * g.dilationWidth - g.padLeft) * C,
    dAt: (oh: number, ow: number) => dImg + 4 * (oh * OW + ow) * CM,
  };
}

/** The kernel calls for image `n`, output rows `[r0, r1)` (see the module comment); only border columns when `!interior`. */
export function sweepImage(g: ConvGeometry, k: Madd, t: Targets, n: number, r0 = 0, r1 = g.outHeight, interior = true): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop } = g;
  const xs = 4 * SH * W * C;
  const xstep = 4 * SW * C;
  const cb = 4 * CM;
  const ds = OW * cb;
  const { xAt, dAt } = addresses(g, t, n);
  for (let kh = 0; kh < FH; kh++) {
    const [v0, v1] = validRange(OH, SH, kh * DH - padTop, H);
    const h0 = Math.max(v0, r0);
    const h1 = Math.min(v1, r1);
    if (h1 <= h0) continue;
    for (let kw0 = 0; kw0 < FW; kw0 += 3) {
      const tc = tripleColumns(g, kw0);
      const { taps, ranges } = tc;
      let { a, b } = tc;
      if (b > a) {
        const o1 = taps > 1 ? 4 * DW * C : 0;
        const o2 = taps > 2 ? 8 * DW * C : 0;
        if (interior) k(xAt(h0, a, kh, kw0), o1, o2, xs, xstep, dAt(h0, a), ds, t.triple(kh, kw0 / 3), cb, cb, (b - a) * cb, h1 - h0);
      } else {
        a = b = OW; // no interior: every valid column is a border column
      }
      for (let i = 0; i < taps; i++) {
        const [lo, hi] = ranges[i];
        for (const [s, e] of [[lo, Math.min(hi, a)], [Math.max(lo, b), hi]]) {
          if (e > s) k(xAt(h0, s, kh, kw0 + i), 0, 0, xs, xstep, dAt(h0, s), ds, t.single(kh, kw0 + i), cb, cb, (e - s) * cb, h1 - h0);
        }
      }
    }
  }
}

/**
 * Image `n` with the rows × triple interior done by one `maddk` call per triple over all `fh` tap
 * rows (x read row by row, in address order), the rest by {@link sweepImage}.
 */
export function sweepRows(g: ConvGeometry, k: Madd, kk: MaddK, t: Targets, n: number): void {
  const { inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  let H0 = 0;
  let H1 = OH;
  for (let kh = 0; kh < FH; kh++) {
    const [v0, v1] = validRange(OH, g.strideHeight, kh * g.dilationHeight - g.padTop, g.inHeight);
    H0 = Math.max(H0, v0);
    H1 = Math.min(H1, v1);
  }
  if (H1 <= H0) return sweepImage(g, k, t, n);
  sweepImage(g, k, t, n, 0, H0);
  sweepImage(g, k, t, n, H1, OH);
  sweepImage(g, k, t, n, H0, H1, false);
  const { xAt, dAt } = addresses(g, t, n);
  const cb = 4 * CM;
  for (let kw0 = 0; kw0 < FW; kw0 += 3) {
    const { taps, a, b } = tripleColumns(g, kw0);
    if (b <= a) continue;
    const o1 = taps > 1 ? 4 * g.dilationWidth * C : 0;
    const o2 = taps > 2 ? 8 * g.dilationWidth * C : 0;
    const acc = t.triple(0, kw0 / 3);
    kk(xAt(H0, a, 0, kw0), o1, o2, 4 * g.strideHeight * W * C, 4 * g.strideWidth * C, dAt(H0, a), OW * cb, acc, cb, cb, (b - a) * cb, H1 - H0,
      FH, 4 * g.dilationHeight * W * C, FH > 1 ? t.triple(1, kw0 / 3) - acc : 0);
  }
}

