/**
 * Depthwise input gradient with the wasm SIMD `maxpy` kernel (simdMadd.ts), when dy's channel count
 * `C·M` is a multiple of 4 and depthwiseInPlace.ts does not apply (`M > 2`, or `C` not a multiple of 4); any stride / dilation / padding.
 *
 * Formula (filter `[fh, fw, C, M]`, dy channel `c·M + m`):
 * `dx[n, ih, iw, c] = Σ dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]` over `ih = oh·sh + kh·dh - padTop`,
 * `iw = ow·sw + kw·dw - padLeft`.
 *
 * The adjoint of depthwiseFilterSimd.ts: every output position adds `dy · W[tap]` into a zero-padded
 * `[n, Hp, Wp, C]` buffer at `(oh·sh + kh·dh, ow·sw + kw·dw)`, three taps per pass over dy (weights
 * regrouped into zero-padded triples), then the `[n, Hp, Wp, C·M]` buffer is cropped into dx (native row copies; a sum over m when M > 1).
 *
 * @example
 * ```ts
 * const dx = depthwiseInputSimd(backend, g, dy, filter, maxpy, [8, 28, 28, 32]);
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { paddedSize } from './depthwiseFilterSimd.js';
import type { Madd } from './simdMadd.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Tuning: floats of the padded gradient buffer of one group of images (at least one image). */
export const depthwiseInputSimdChunking = { paddedFloats: 1 << 22 };

/** Weights regrouped as `[fh, ⌈fw/3⌉, 3, C]` triples, 0 for the taps past `fw`. */
function weightTriples(w: Float32Array, FH: number, FW: number, C: number, out: Float32Array): void {
  const T = Math.ceil(FW / 3);
  out.fill(0);
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      const dst = ((kh * T + Math.floor(kw / 3)) * 3 + (kw % 3)) * C;
      out.set(w.subarray((kh * FW + kw) * C, (kh * FW + kw + 1) * C), dst);
    }
  }
}

/**
 * Crop images `[0, images)` of the padded `[n, Hp, Wp, C·M]` buffer into dx images `[n0, n0 + images)`,
 * summing each channel's M multiplier entries (rows no tap reaches are 0).
 */
function cropInto(dxp: Float32Array, g: ConvGeometry, Hp: number, Wp: number, images: number, n0: number, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outChannels: CM, padTop, padLeft } = g;
  const M = CM / C;
  const lo = Math.max(0, -padLeft);
  const hi = Math.max(lo, Math.min(W, Wp - padLeft));
  dx.fill(0, n0 * H * W * C, (n0 + images) * H * W * C);
  for (let n = 0; n < images; n++) {
    for (let ih = Math.max(0, -padTop); ih < Math.min(H, Hp - padTop); ih++) {
      const src = ((n * Hp + ih + padTop) * Wp + lo + padLeft) * CM;
      const dst = (((n0 + n) * H + ih) * W + lo) * C;
      if (M === 1) {
        dx.set(dxp.subarray(src, src + (hi - lo) * C), dst);
        continue;
      }
      for (let d = dst, s = src, end = dst + (hi - lo) * C; d < end; d++) {
        let sum = 0;
        for (let m = 0; m < M; m++) sum += dxp[s++];
        dx[d] = sum;
      }
    }
  }
}

/** The input gradient `inShape` (a new tensor). Requires `C·M % 4 == 0` and some output. */
export function depthwiseInputSimd(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, maxpy: Madd, inShape: number[]): TensorInfo {
  const { outChannels: C, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = g; // C = cin·M
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = g;
  const [Hp, Wp] = paddedSize(g);
  const perImage = Hp * Wp * C;
  const images = Math.max(1, Math.min(g.batch, Math.floor(depthwiseInputSimdChunking.paddedFloats / perImage)));
  const T = Math.ceil(FW / 3);
  const wt = backend.makeOutput([FH * T * 3 * C], 'float32');
  const dxp = backend.makeOutput([images * perImage], 'float32');
  const dx = backend.makeOutput(inShape, 'float32');
  weightTriples(f32(backend, filter), FH, FW, C, f32(backend, wt));
  const ptr = (t: TensorInfo) => heapAddress(backend, t);
  const tap = (kh: number, kw: number) => 4 * ((kh * DH) * Wp + kw * DW) * C;
  for (let n0 = 0; n0 < g.batch; n0 += images) {
    const count = Math.min(images, g.batch - n0);
    f32(backend, dxp).fill(0, 0, count * perImage);
    for (let kh = 0; kh < FH; kh++) {
      for (let tt = 0; tt < T; tt++) {
        const kw = 3 * tt;
        const o1 = kw + 1 < FW ? tap(kh, kw + 1) - tap(kh, kw) : 0;
        const o2 = kw + 2 < FW ? tap(kh, kw + 2) - tap(kh, kw) : 0;
        const w = ptr(wt) + 4 * (kh * T + tt) * 3 * C;
        for (let n = 0; n < count; n++) {
          const xs = ptr(dxp) + 4 * n * perImage + tap(kh, kw);
          const ds = ptr(dy) + 4 * (n0 + n) * OH * OW * C;
          maxpy(xs, o1, o2, 4 * SH * Wp * C, 4 * SW * C, ds, 4 * OW * C, w, 4 * C, 4 * C, 4 * OW * C, OH);
        }
      }
    }
    cropInto(f32(backend, dxp), g, Hp, Wp, count, n0, f32(backend, dx));
  }
  disposeInfo(backend, dxp);
  disposeInfo(backend, wt);
  return dx;
}
