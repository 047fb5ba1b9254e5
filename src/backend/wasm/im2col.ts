/**
 * im2col in "taps × positions" layout, for the filter gradient as one non-transposed matmul.
 *
 * For output rows `[r0, r1)` (a row is one `(n, oh)` pair, flattened as `n*outHeight + oh`), fills
 * `cols[(kh*fw + kw)*cin + ci][p] = x[n, oh*sh + kh*dh - padTop, ow*sw + kw*dw - padLeft, ci]`
 * (0 outside the image), with `p = (row - r0)*outWidth + ow`. Then
 * `dW[fh*fw*cin, cout] = cols · dy[rows, cout]` needs no transpose.
 *
 * @example
 * ```ts
 * im2colTapsByPositions(xData, g, 0, g.batch * g.outHeight, cols); // cols.length = K * P
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';

/** Fill `cols` (length `fh*fw*cin * (r1-r0)*outWidth`) from NHWC input data `x`. */
export function im2colTapsByPositions(
  x: Float32Array,
  g: ConvGeometry,
  r0: number,
  r1: number,
  cols: Float32Array,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const P = (r1 - r0) * OW;
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      const colOff = kw * DW - padLeft;
      // ow range whose input column is inside the image: 0 <= ow*SW + colOff < W
      const owLo = colOff >= 0 ? 0 : Math.min(OW, Math.ceil(-colOff / SW));
      const owHi = Math.max(owLo, Math.min(OW, Math.ceil((W - colOff) / SW)));
      const tapBase = (kh * FW + kw) * C * P;
      for (let r = r0; r < r1; r++) {
        const n = (r / OH) | 0;
        const oh = r - n * OH;
        const ih = oh * SH + kh * DH - padTop;
        const p = tapBase + (r - r0) * OW;
        if (ih < 0 || ih >= H) {
          for (let ci = 0; ci < C; ci++) cols.fill(0, p + ci * P, p + ci * P + OW);
          continue;
        }
        if (owLo > 0 || owHi < OW) {
          for (let ci = 0; ci < C; ci++) {
            cols.fill(0, p + ci * P, p + ci * P + owLo);
            cols.fill(0, p + ci * P + owHi, p + ci * P + OW);
          }
        }
        const src0 = ((n * H + ih) * W + colOff) * C;
        if (C < 4) {
          // few channels: one strided sweep per channel
          for (let ci = 0; ci < C; ci++) {
            let s = src0 + owLo * SW * C + ci;
            const step = SW * C;
            for (let d = p + ci * P + owLo, end = p + ci * P + owHi; d < end; d++, s += step) cols[d] = x[s];
          }
        } else {
          // many channels: read each pixel's channels contiguously, write one float into each of
          // the C rows (those C cache lines stay in L1 across consecutive positions)
          for (let ow = owLo; ow < owHi; ow++) {
            const s = src0 + ow * SW * C;
            let d = p + ow;
            for (let ci = 0; ci < C; ci++, d += P) cols[d] = x[s + ci];
          }
        }
      }
    }
  }
}
