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
 * foldImages(backend, { L, g, x: heapAddress(backend, x), out: heapAddress(backend, buf), n0: 0, n1: 0, n2: g.batch });
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { fillPadded, paddedSize } from './depthwiseFilterSimd.js';
import { heapFloats } from './heapModule.js';
import { copyKernel } from './wasmCopy.js';
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

/** Images `[n1, n2)` of a group starting at image `n0` (plain data: a pool worker can run it); byte addresses. */
export interface FoldJob { L: OuterLayout; g: ConvGeometry; x: number; out: number; n0: number; n1: number; n2: number }

/**
 * Write the job's images of NHWC `x` in layout `L` (zeros where x has no value): fillPadded's copy,
 * or for a folded layout one strided wasm copy (wasmCopy.ts) per image and tap kw.
 */
export function foldImages(backend: WasmBackend, job: FoldJob): void {
  const { L, g } = job;
  const { inHeight: H, inWidth: W, inChannels: CI, padTop, padLeft, filterWidth: FW, dilationWidth: DW, strideWidth: SW } = g;
  const { C, Hp, Wp } = L;
  const perImage = Hp * Wp * C;
  const images = job.n2 - job.n1;
  const out = heapFloats(backend, job.out + 4 * job.n1 * perImage, images * perImage);
  if (!L.folded) {
    fillPadded(heapFloats(backend, job.x, (job.n0 + job.n2) * H * W * CI), g, Hp, Wp, images, job.n0 + job.n1, out);
    return;
  }
  const copy = copyKernel(backend);
  if (!copy) throw new Error('phasewise conv filter gradient: no wasm copy kernel on this memory');
  out.fill(0);
  const i0 = Math.max(0, padTop);
  const i1 = Math.min(Hp, H + padTop);
  for (let kw = 0; kw < FW && i1 > i0; kw++) {
    // column j·sw + kw·dw - padLeft must lie in [0, W)
    const j0 = Math.max(0, Math.ceil((padLeft - kw * DW) / SW));
    const j1 = Math.min(Wp, Math.ceil((W + padLeft - kw * DW) / SW));
    if (j1 <= j0) continue;
    for (let n = 0; n < images; n++) {
      const src = job.x + 4 * ((((job.n0 + job.n1 + n) * H + i0 - padTop) * W + j0 * SW + kw * DW - padLeft) * CI);
      const dst = job.out + 4 * ((((job.n1 + n) * Hp + i0) * Wp + j0) * C + kw * CI);
      copy(src, dst, i1 - i0, 4 * W * CI, 4 * Wp * C, j1 - j0, 4 * SW * CI, 4 * C, CI);
    }
  }
}
