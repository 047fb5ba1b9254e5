/**
 * Depthwise filter gradient with the wasm SIMD `madd` kernel (simdMadd.ts), when dy's channel count
 * `C·M` is a multiple of 4 and the multiplier `M` is not 1, 2 or 4 (those read x in place: depthwiseInPlace.ts).
 *
 * Formula (filter `[fh, fw, C, M]`, dy channel `c·M + m`):
 * `dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh·sh + kh·dh - padTop, ow·sw + kw·dw - padLeft, c] · dy[n, oh, ow, c·M + m]`.
 *
 * x is copied (one native row copy at a time when M = 1; each channel repeated M times otherwise)
 * into a zero-padded `[n, Hp, Wp, C·M]` buffer (`xp[n, i, j, c·M + m] = x[n, i - padTop, j - padLeft, c]`,
 * 0 outside x), so tap `(kh, kw)` of output
 * position `(n, oh, ow)` reads `xp[n, oh·sh + kh·dh, ow·sw + kw·dw, :]`: rows `sh·Wp·C` apart,
 * positions `sw·C` apart, channels contiguous like dy's. One `madd` call per image and triple of
 * taps then sums `x·dy` over all positions into the taps' `C` accumulators, reading dy in place.
 *
 * @example
 * ```ts
 * const dW = depthwiseFilterSimd(backend, g, x, dy, madd, [3, 3, 32, 1]);
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import type { Madd } from './simdMadd.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Tuning: floats of the padded copy of one group of images (at least one image). */
export const depthwiseSimdChunking = { paddedFloats: 1 << 22 };

/** Whether the SIMD path applies: `C·M` (dy's channels) a multiple of 4, some output. */
export function simdApplies(g: ConvGeometry): boolean {
  return g.outChannels % 4 === 0 && g.batch * g.outHeight * g.outWidth > 0;
}

/** Padded size `[Hp, Wp]`: every row / column a tap reads (and no more of x than that). */
export function paddedSize(g: ConvGeometry): [number, number] {
  const Hp = (g.outHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1;
  const Wp = (g.outWidth - 1) * g.strideWidth + (g.filterWidth - 1) * g.dilationWidth + 1;
  return [Hp, Wp];
}

/**
 * Copy images `[n0, n0 + images)` of NHWC x (`g.inChannels` channels) into the zeroed padded buffer
 * `xp`, each channel repeated `M` times (`xp[…, c·M + m] = x[…, c]`, matching dy's channels).
 */
export function fillPadded(x: Float32Array, g: ConvGeometry, Hp: number, Wp: number, images: number, n0: number, xp: Float32Array, M = 1): void {
  const { inHeight: H, inWidth: W, inChannels: C, padTop, padLeft } = g;
  xp.fill(0, 0, images * Hp * Wp * C * M);
  const lo = Math.max(0, -padLeft);
  const hi = Math.min(W, Wp - padLeft);
  if (hi <= lo) return;
  for (let n = 0; n < images; n++) {
    for (let ih = Math.max(0, -padTop); ih < Math.min(H, Hp - padTop); ih++) {
      const src = ((n0 + n) * H + ih) * W * C;
      const dst = ((n * Hp + ih + padTop) * Wp + lo + padLeft) * C * M;
      if (M === 1) {
        xp.set(x.subarray(src + lo * C, src + hi * C), dst);
        continue;
      }
      for (let s = src + lo * C, d = dst, end = src + hi * C; s < end; s++) {
        const v = x[s];
        for (let m = 0; m < M; m++) xp[d++] = v;
      }
    }
  }
}

/** The filter gradient `[fh, fw, C, M]` (a new tensor). Requires {@link simdApplies}. */
export function depthwiseFilterSimd(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo, madd: Madd, filterShape: number[]): TensorInfo {
  const { outChannels: C, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = g; // C = cin·M
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = g;
  const [Hp, Wp] = paddedSize(g);
  const perImage = Hp * Wp * C;
  const images = Math.max(1, Math.min(g.batch, Math.floor(depthwiseSimdChunking.paddedFloats / perImage)));
  // accumulators [fh·fw taps + 3 spare taps, C]: a row's last, incomplete triple of taps goes to the spares
  const acc = backend.makeOutput([(FH * FW + 3) * C], 'float32');
  const xp = backend.makeOutput([images * perImage], 'float32');
  f32(backend, acc).fill(0);
  const ptr = (t: TensorInfo) => heapAddress(backend, t);
  const tap = (kh: number, kw: number) => 4 * ((kh * DH) * Wp + kw * DW) * C;
  const spare = FH * FW * C;
  for (let n0 = 0; n0 < g.batch; n0 += images) {
    const count = Math.min(images, g.batch - n0);
    fillPadded(f32(backend, x), g, Hp, Wp, count, n0, f32(backend, xp), C / g.inChannels);
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw += 3) {
        const taps = Math.min(3, FW - kw);
        const o1 = taps > 1 ? tap(kh, kw + 1) - tap(kh, kw) : 0;
        const o2 = taps > 2 ? tap(kh, kw + 2) - tap(kh, kw) : 0;
        // the accumulators of taps (kh, kw..kw+2) are consecutive rows of C
        const accAt = ptr(acc) + 4 * (taps === 3 ? (kh * FW + kw) * C : spare);
        for (let n = 0; n < count; n++) {
          const xs = ptr(xp) + 4 * n * perImage + tap(kh, kw);
          const ds = ptr(dy) + 4 * (n0 + n) * OH * OW * C;
          madd(xs, o1, o2, 4 * SH * Wp * C, 4 * SW * C, ds, 4 * OW * C, accAt, 4 * C, 4 * C, 4 * OW * C, OH);
        }
        if (taps < 3) {
          const av = f32(backend, acc);
          const base = (kh * FW + kw) * C;
          for (let i = 0; i < taps * C; i++) av[base + i] += av[spare + i];
          av.fill(0, spare);
        }
      }
    }
  }
  disposeInfo(backend, xp);
  const out = backend.makeOutput(filterShape, 'float32');
  f32(backend, out).set(f32(backend, acc).subarray(0, FH * FW * C));
  disposeInfo(backend, acc);
  return out;
}
