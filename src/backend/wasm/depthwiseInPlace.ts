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
 *
 * @example
 * ```ts
 * const dW = depthwiseFilterInPlace(backend, g, x, dy, kernels.madd[2], [3, 3, 32, 2]);
 * const dx = depthwiseInputInPlace(backend, g, dy, filter, kernels.maxpy[2], [64, 28, 28, 32]);
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import type { Madd } from './simdMadd.js';
import { disposeInfo, f32 } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

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
interface Targets {
  x: number;
  d: number;
  /** Triple of taps `(kh, 3·tt .. 3·tt+2)`, rows `4·C·M` bytes apart. */
  triple: (kh: number, tt: number) => number;
  /** Single tap `(kh, kw)`: its row, then two spare / zero rows. */
  single: (kh: number, kw: number) => number;
}

/** All kernel calls for image `n` (see the module comment). */
function sweepImage(g: ConvGeometry, k: Madd, t: Targets, n: number): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const xs = 4 * SH * W * C;
  const xstep = 4 * SW * C;
  const cb = 4 * CM;
  const ds = OW * cb;
  const xImg = t.x + 4 * n * H * W * C;
  const dImg = t.d + 4 * n * OH * OW * CM;
  const xAt = (oh: number, ow: number, kh: number, kw: number) => xImg + 4 * ((oh * SH + kh * DH - padTop) * W + ow * SW + kw * DW - padLeft) * C;
  const dAt = (oh: number, ow: number) => dImg + 4 * (oh * OW + ow) * CM;
  for (let kh = 0; kh < FH; kh++) {
    const [h0, h1] = validRange(OH, SH, kh * DH - padTop, H);
    if (h1 <= h0) continue;
    for (let kw0 = 0; kw0 < FW; kw0 += 3) {
      const taps = Math.min(3, FW - kw0);
      const ranges: [number, number][] = [];
      let a = 0;
      let b = OW;
      for (let i = 0; i < taps; i++) {
        const r = validRange(OW, SW, (kw0 + i) * DW - padLeft, W);
        ranges.push(r);
        a = Math.max(a, r[0]);
        b = Math.min(b, r[1]);
      }
      if (b > a) {
        const o1 = taps > 1 ? 4 * DW * C : 0;
        const o2 = taps > 2 ? 8 * DW * C : 0;
        k(xAt(h0, a, kh, kw0), o1, o2, xs, xstep, dAt(h0, a), ds, t.triple(kh, kw0 / 3), cb, cb, (b - a) * cb, h1 - h0);
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

const ptr = (backend: WasmBackend, t: TensorInfo) => (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;

/** The filter gradient `[fh, fw, C, M]` (a new tensor). Requires {@link inPlaceApplies}`(g, false)`. */
export function depthwiseFilterInPlace(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo, madd: Madd, filterShape: number[]): TensorInfo {
  const { outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const taps = FH * FW;
  const T = Math.ceil(FW / 3);
  // [taps, CM] accumulators | [taps, 3, CM] single-tap triples | [FH, T, 3, CM] spare triples (when FW % 3 ≠ 0)
  const buf = backend.makeOutput([(taps + 3 * taps + 3 * FH * T) * CM], 'float32');
  f32(backend, buf).fill(0);
  const base = ptr(backend, buf);
  const singles = base + 4 * taps * CM;
  const spares = singles + 4 * 3 * taps * CM;
  const t: Targets = {
    x: ptr(backend, x),
    d: ptr(backend, dy),
    triple: (kh, tt) => (3 * tt + 3 <= FW ? base + 4 * (kh * FW + 3 * tt) * CM : spares + 4 * (kh * T + tt) * 3 * CM),
    single: (kh, kw) => singles + 4 * (kh * FW + kw) * 3 * CM,
  };
  for (let n = 0; n < g.batch; n++) sweepImage(g, madd, t, n);
  const out = backend.makeOutput(filterShape, 'float32');
  const o = f32(backend, out);
  const a = f32(backend, buf);
  const sOff = taps * CM;
  const pOff = sOff + 3 * taps * CM;
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      const tap = kh * FW + kw;
      const tt = Math.floor(kw / 3);
      const spare = 3 * tt + 3 > FW ? pOff + ((kh * T + tt) * 3 + (kw % 3)) * CM : -1;
      for (let i = 0; i < CM; i++) {
        o[tap * CM + i] = a[tap * CM + i] + a[sOff + tap * 3 * CM + i] + (spare >= 0 ? a[spare + i] : 0);
      }
    }
  }
  disposeInfo(backend, buf);
  return out;
}

/** The input gradient `inShape` (a new tensor). Requires {@link inPlaceApplies}`(g, true)`. */
export function depthwiseInputInPlace(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, maxpy: Madd, inShape: number[]): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: C, outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const taps = FH * FW;
  const T = Math.ceil(FW / 3);
  // [FH, T, 3, CM] weight triples (0 past fw) | [taps, 3, CM] single-tap triples (rows 1, 2 zero)
  const wt = backend.makeOutput([(3 * FH * T + 3 * taps) * CM], 'float32');
  const dx = backend.makeOutput(inShape, 'float32');
  {
    const w = f32(backend, filter);
    const v = f32(backend, wt);
    v.fill(0);
    const sOff = 3 * FH * T * CM;
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const src = w.subarray((kh * FW + kw) * CM, (kh * FW + kw + 1) * CM);
        v.set(src, ((kh * T + Math.floor(kw / 3)) * 3 + (kw % 3)) * CM);
        v.set(src, sOff + (kh * FW + kw) * 3 * CM);
      }
    }
  }
  const base = ptr(backend, wt);
  const t: Targets = {
    x: ptr(backend, dx),
    d: ptr(backend, dy),
    triple: (kh, tt) => base + 4 * (kh * T + tt) * 3 * CM,
    single: (kh, kw) => base + 4 * (3 * FH * T + (kh * FW + kw) * 3) * CM,
  };
  const image = H * W * C;
  for (let n = 0; n < g.batch; n++) {
    f32(backend, dx).fill(0, n * image, (n + 1) * image); // zeroed just before its scatter: stays in cache
    sweepImage(g, maxpy, t, n);
  }
  disposeInfo(backend, wt);
  return dx;
}
