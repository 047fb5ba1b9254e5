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

/**
 * Fill `cols` (length `fh*fw*cin * (r1-r0)*outWidth`) from NHWC input data `x`.
 * `channelOffset`/`channelCount` restrict to a slice of channels (depthwise uses 1 channel).
 */
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
  const step = SW * C;
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      const colOff = kw * DW - padLeft;
      // ow range whose input column is inside the image: 0 <= ow*SW + colOff < W
      const owLo = colOff >= 0 ? 0 : Math.min(OW, Math.ceil(-colOff / SW));
      const owHi = Math.max(owLo, Math.min(OW, Math.ceil((W - colOff) / SW)));
      for (let ci = 0; ci < C; ci++) {
        const rowBase = ((kh * FW + kw) * C + ci) * P;
        let p = rowBase;
        for (let r = r0; r < r1; r++) {
          const n = (r / OH) | 0;
          const oh = r - n * OH;
          const ih = oh * SH + kh * DH - padTop;
          if (ih < 0 || ih >= H) {
            cols.fill(0, p, p + OW);
            p += OW;
            continue;
          }
          for (let ow = 0; ow < owLo; ow++) cols[p++] = 0;
          let src = ((n * H + ih) * W + owLo * SW + colOff) * C + ci;
          const end = p + (owHi - owLo);
          while (p < end) {
            cols[p++] = x[src];
            src += step;
          }
          for (let ow = owHi; ow < OW; ow++) cols[p++] = 0;
        }
      }
    }
  }
}
