/**
 * col2im: scatter-add of per-position tap columns back into an NHWC image (the adjoint of im2col).
 *
 * For output rows `[r0, r1)` (row = `n*outHeight + oh`) and `cols[p][(kh*fw + kw)*cin + ci]`
 * (positions × taps layout, `p = (row - r0)*outWidth + ow`), adds
 * `dx[n, oh*sh + kh*dh - padTop, ow*sw + kw*dw - padLeft, ci] += cols[p][(kh, kw, ci)]`
 * for every tap that lands inside the image.
 *
 * @example
 * ```ts
 * col2imAdd(cols, g, 0, g.batch * g.outHeight, dxData); // dxData zeroed first
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';

/** Add the columns of output rows `[r0, r1)` into `dx` (NHWC, length n*h*w*cin). */
export function col2imAdd(cols: Float32Array, g: ConvGeometry, r0: number, r1: number, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const K = FH * FW * C;
  let p = 0;
  for (let r = r0; r < r1; r++) {
    const n = (r / OH) | 0;
    const oh = r - n * OH;
    for (let ow = 0; ow < OW; ow++, p++) {
      const colBase = p * K;
      for (let kh = 0; kh < FH; kh++) {
        const ih = oh * SH + kh * DH - padTop;
        if (ih < 0 || ih >= H) continue;
        const rowBase = (n * H + ih) * W;
        for (let kw = 0; kw < FW; kw++) {
          const iw = ow * SW + kw * DW - padLeft;
          if (iw < 0 || iw >= W) continue;
          let d = (rowBase + iw) * C;
          let s = colBase + (kh * FW + kw) * C;
          const end = s + C;
          while (s < end) dx[d++] += cols[s++];
        }
      }
    }
  }
}
