/**
 * How outerFilter.ts lays x out for the outer-product kernel, which reads input channels four at a
 * time: with `cin % 4 == 0`, x zero-padded (`xp`, fillPadded); otherwise x with its `fw` horizontal
 * taps folded into the channels (`xk`), zero-padded to a multiple of 4 channels, so a first layer on
 * grey or RGB images runs the same kernel with a `fh × 1` filter.
 *
 * Formula (folded): `xk[n, i, j, kw·cin + c] = xp[n, i, j·sw + kw·dw, c]` for `j < ow` (one column per
 * output column), and 0 in channels `fw·cin ≤ m < C4`; then `xp[n, oh·sh + kh·dh, ow·sw + kw·dw, c] = xk[n, oh·sh + kh·dh, ow, kw·cin + c]`,
 * so `dW[kh, kw, c, :]` is row `kw·cin + c` of the folded filter's tap `kh` — the same memory order.
 *
 * @example
 * ```ts
 * const L = outerLayout(g);              // 3×3, cin = 1: L.C = 4 (3 taps + 1 zero channel), L.FW = 1
 * fillOuterInput(L, g, x, images, n0, buf);
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { fillPadded, paddedSize } from './depthwiseFilterSimd.js';
import { heapFloats } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** The kernel's view of x: channels `C` (a multiple of 4), taps `FH × FW`, rows `Hp × Wp` per image. */
export interface OuterLayout {
  folded: boolean;
  C: number;
  FW: number;
  Hp: number;
  Wp: number;
  /** Byte strides: between taps kh, taps kw, output rows, output columns. */
  tapRow: number;
  tapCol: number;
  xs: number;
  xstep: number;
}

/** The layout for geometry `g` (folded when `cin % 4 != 0`). */
export function outerLayout(g: ConvGeometry): OuterLayout {
  const [Hp, Wpad] = paddedSize(g);
  const folded = g.inChannels % 4 !== 0;
  const C = folded ? Math.ceil((g.filterWidth * g.inChannels) / 4) * 4 : g.inChannels;
  const Wp = folded ? g.outWidth : Wpad;
  return {
    folded, C, FW: folded ? 1 : g.filterWidth, Hp, Wp,
    tapRow: 4 * g.dilationHeight * Wp * C, tapCol: 4 * g.dilationWidth * C,
    xs: 4 * g.strideHeight * Wp * C, xstep: 4 * (folded ? 1 : g.strideWidth) * C,
  };
}

/** Fill `out` with images `[n0, n0 + images)` of NHWC `x` in layout `L` (zeros where x has no value). */
export function fillOuterInput(L: OuterLayout, g: ConvGeometry, x: Float32Array, images: number, n0: number, out: Float32Array): void {
  if (!L.folded) {
    fillPadded(x, g, L.Hp, L.Wp, images, n0, out);
    return;
  }
  const { inHeight: H, inWidth: W, inChannels: CI, padTop, padLeft, filterWidth: FW, dilationWidth: DW, strideWidth: SW } = g;
  const { C, Hp, Wp } = L;
  out.fill(0, 0, images * Hp * Wp * C);
  for (let n = 0; n < images; n++) {
    for (let i = 0; i < Hp; i++) {
      const ih = i - padTop;
      if (ih < 0 || ih >= H) continue;
      const src = ((n0 + n) * H + ih) * W * CI;
      const row = (n * Hp + i) * Wp * C;
      for (let kw = 0; kw < FW; kw++) {
        // column j·sw + kw·dw - padLeft must lie in [0, W)
        const j0 = Math.max(0, Math.ceil((padLeft - kw * DW) / SW));
        const j1 = Math.min(Wp, Math.ceil((W + padLeft - kw * DW) / SW));
        const s0 = src + (kw * DW - padLeft) * CI;
        const d0 = row + kw * CI;
        if (CI === 1) {
          for (let j = j0; j < j1; j++) out[d0 + j * C] = x[s0 + j * SW];
          continue;
        }
        for (let j = j0; j < j1; j++) {
          for (let c = 0; c < CI; c++) out[d0 + j * C + c] = x[s0 + j * SW * CI + c];
        }
      }
    }
  }
}

/** Images `[n1, n2)` of a group starting at image `n0` (plain data: a pool worker can run it); byte addresses. */
export interface FoldJob { L: OuterLayout; g: ConvGeometry; x: number; out: number; n0: number; n1: number; n2: number }

/** {@link fillOuterInput} of one job's images, on the heap. */
export function foldImages(backend: WasmBackend, job: FoldJob): void {
  const { L, g } = job;
  const perImage = L.Hp * L.Wp * L.C;
  const x = heapFloats(backend, job.x, (job.n0 + job.n2) * g.inHeight * g.inWidth * g.inChannels);
  const out = heapFloats(backend, job.out + 4 * job.n1 * perImage, (job.n2 - job.n1) * perImage);
  fillOuterInput(L, g, x, job.n2 - job.n1, job.n0 + job.n1, out);
}
