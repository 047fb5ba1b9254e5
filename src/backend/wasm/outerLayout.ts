/**
 * How outerFilter.ts lays x out for the outer-product kernel, which reads input channels four at a
 * time: with `cin % 4 == 0`, x zero-padded (`xp`, fillPadded); otherwise x with its `fw` horizontal
 * taps folded into the channels (`xk`), zero-padded to a multiple of 4 channels, so a first layer on
 * grey or RGB images runs the same kernel with a `fh × 1` filter.
 *
 * Formula (folded): `xk[n, i, j, kw·cin + c] = xp[n, i, j·sw + kw·dw, c]` for `j < ow` (one column per
 * output column), and 0 in channels `fw·cin ≤ m < C4`; then `xp[n, oh·sh + kh·dh, ow·sw + kw·dw, c] = xk[n, oh·sh + kh·dh, ow, kw·cin + c]`,
 * so `dW[kh, kw, c, :]` is row `kw·cin + c` of the folded filter's tap `kh` — the same memory order.
 * At horizontal dilation 1 (`windowed`, the default) no folded copy is made: those `fw·cin` floats are
 * already contiguous in the padded x, from `xp[n, i, j·sw, 0]`, so the kernel reads `C4` floats there
 * (the last `C4 - fw·cin` belong to the next columns; their sums go to the spare channels' rows, which
 * are dropped). Against the folded copy, in the bench's interleaving (in-process A/B, alternate rounds,
 * best / median of 35): 64×28²×1 → 32 1.33–1.38 / 1.65–2.15 ms against 1.26–1.53 / 1.94–2.41 ms
 * (4 runs), 32×32²×3 → 32 and 32×64²×3 → 32 stride 2 better in 3 of 4 best times and 4 of 4 medians.
 *
 * @example
 * ```ts
 * const L = outerLayout(g);              // 3×3, cin = 1, dilation 1: L.C = 4 (3 taps + 1 spare channel), L.FW = 1, L.windowed
 * foldImages(backend, { L, g, x: heapAddress(backend, x), out: heapAddress(backend, buf), n0: 0, n1: 0, n2: g.batch });
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { fillPadded, paddedSize } from './depthwiseFilterSimd.js';
import { heapFloats } from './heapModule.js';
import { copyKernel } from './wasmCopy.js';
import { foldSpanKernel } from './simdFold.js';
import type { WasmBackend } from './wasmHeap.js';

/** The kernel's view of x: channels `C` (a multiple of 4), taps `FH × FW`, rows `Hp × Wp` per image. */
export interface OuterLayout {
  folded: boolean;
  /**
   * Folded without a folded copy (foldTuning.windowed, horizontal dilation 1): x is only zero-padded,
   * `pixel = cin` floats per column, and each output column's `C` channels are the `C` consecutive
   * floats from its window's start — its `fw·cin` taps, then up to 3 floats of the next columns, whose
   * sums land in the spare channels' accumulator rows that are dropped.
   */
  windowed: boolean;
  C: number;
  /** Floats per column of the copy (`C`, or `cin` when windowed). */
  pixel: number;
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
  const windowed = folded && foldTuning.windowed && g.dilationWidth === 1;
  const C = folded ? Math.ceil((g.filterWidth * g.inChannels) / 4) * 4 : g.inChannels;
  const Wp = folded && !windowed ? g.outWidth : Wpad;
  const pixel = windowed ? g.inChannels : C;
  return {
    folded, windowed, C, pixel, FW: folded ? 1 : g.filterWidth, Hp, Wp,
    tapRow: 4 * g.dilationHeight * Wp * pixel, tapCol: 4 * g.dilationWidth * C,
    xs: 4 * g.strideHeight * Wp * pixel, xstep: 4 * (folded && !windowed ? 1 : g.strideWidth) * pixel,
  };
}

/** Images `[n1, n2)` of a group starting at image `n0` (plain data: a pool worker can run it); byte addresses. */
export interface FoldJob { L: OuterLayout; g: ConvGeometry; x: number; out: number; n0: number; n1: number; n2: number }

/**
 * Tuning: at stride 1 and dilation 1, fold the interior columns with the SIMD span copy of simdFold.ts
 * (each folded position's taps are one contiguous span of x), the border columns with the strided
 * copy (false: the strided copy everywhere). 64 images of 28², 3×3 'same', one thread, best of 200:
 * cin 1 0.44 → 0.064 ms, cin 3 0.49 → 0.115 ms. `spanCost`: multiply-add equivalents per folded
 * float toward the pool's work (the strided copy counts simdPoolTuning.copyCost): ~0.3 ns per float,
 * so a first layer's fold at batch 64 stays on the calling thread. `windowed`: at horizontal dilation 1,
 * the padded copy read through overlapping windows instead of a folded copy (false: always fold).
 */
export const foldTuning = { spans: true, spanCost: 8, windowed: true };

/** Whether {@link foldImages} uses the span copy for `g` (a folded layout at stride 1, dilation 1). */
export function foldsBySpans(g: ConvGeometry, L: OuterLayout): boolean {
  return L.folded && !L.windowed && foldTuning.spans && g.strideWidth === 1 && g.dilationWidth === 1;
}

/**
 * Write the job's images of NHWC `x` in layout `L` (zeros where x has no value): fillPadded's copy;
 * for a windowed layout the same padded copy, one wasm copy call per image; for a folded layout one
 * strided wasm copy (wasmCopy.ts) per image and tap kw — at stride 1 and dilation 1 only for the border
 * columns, the interior ones by the span copy of simdFold.ts.
 */
export function foldImages(backend: WasmBackend, job: FoldJob): void {
  const { L, g } = job;
  const { inHeight: H, inWidth: W, inChannels: CI, padTop, padLeft, filterWidth: FW, dilationWidth: DW, strideWidth: SW } = g;
  const { C, Hp, Wp } = L;
  const perImage = Hp * Wp * L.pixel;
  const images = job.n2 - job.n1;
  const out = heapFloats(backend, job.out + 4 * job.n1 * perImage, images * perImage);
  if (!L.folded) {
    fillPadded(heapFloats(backend, job.x, (job.n0 + job.n2) * H * W * CI), g, Hp, Wp, images, job.n0 + job.n1, out);
    return;
  }
  const copy = copyKernel(backend);
  if (!copy) throw new Error('phasewise conv filter gradient: no wasm copy kernel on this memory');
  if (L.windowed) {
    // fillPadded's copy, each image's rows by one wasm call (a first layer's rows are short: one
    // TypedArray.set per row took 0.25–0.28 ms at 64 × 28² inside the bench, against ~0.2 for the fold)
    out.fill(0);
    const [c0, c1] = [Math.max(0, -padLeft), Math.min(W, Wp - padLeft)];
    const [r0, r1] = [Math.max(0, -padTop), Math.min(H, Hp - padTop)];
    if (c1 <= c0 || r1 <= r0) return;
    for (let n = 0; n < images; n++) {
      const src = job.x + 4 * ((((job.n0 + job.n1 + n) * H + r0) * W + c0) * CI);
      const dst = job.out + 4 * ((((job.n1 + n) * Hp + r0 + padTop) * Wp + c0 + padLeft) * CI);
      copy(src, dst, r1 - r0, 4 * W * CI, 4 * Wp * CI, 1, 0, 0, (c1 - c0) * CI);
    }
    return;
  }
  const i0 = Math.max(0, padTop);
  const i1 = Math.min(Hp, H + padTop);
  const srcAt = (n: number, i: number, col: number) => job.x + 4 * ((((job.n0 + job.n1 + n) * H + i - padTop) * W + col) * CI);
  const dstAt = (n: number, i: number, j: number) => job.out + 4 * ((((job.n1 + n) * Hp + i) * Wp + j) * C);
  /** Columns `[from, to)` of rows `[r0, r1)` of image n, one strided copy per tap kw. */
  const strided = (n: number, r0: number, r1: number, from: number, to: number) => {
    for (let kw = 0; kw < FW && r1 > r0; kw++) {
      // column j·sw + kw·dw - padLeft must lie in [0, W)
      const j0 = Math.max(from, Math.ceil((padLeft - kw * DW) / SW));
      const j1 = Math.min(to, Math.ceil((W + padLeft - kw * DW) / SW));
      if (j1 > j0) copy(srcAt(n, r0, j0 * SW + kw * DW - padLeft), dstAt(n, r0, j0) + 4 * kw * CI, r1 - r0, 4 * W * CI, 4 * Wp * C, j1 - j0, 4 * SW * CI, 4 * C, CI);
    }
  };
  // interior columns [jA, jB) (every tap inside x) by the span copy, whose last vector reads past the span
  const [jA, jB] = [Math.max(0, padLeft), Math.min(Wp, W + padLeft - FW + 1)];
  const span = foldsBySpans(g, L) && i1 > i0 && jB > jA ? foldSpanKernel(backend, FW * CI) : undefined;
  const zero = span ? foldSpanKernel(backend, C, true) : undefined;
  if (!span || !zero) {
    out.fill(0);
    for (let n = 0; n < images; n++) strided(n, i0, i1, 0, Wp);
    return;
  }
  const xEnd = job.x + 4 * g.batch * H * W * CI;
  const over = 16 * Math.ceil((FW * CI) / 4); // bytes read from a span's start
  /** Zero columns `[from, to)` of rows `[r0, r1)` of image n. */
  const zeros = (n: number, r0: number, r1: number, from: number, to: number) => {
    if (r1 > r0 && to > from) zero(0, dstAt(n, r0, from), r1 - r0, 0, 4 * Wp * C, to - from, 0, 4 * C);
  };
  for (let n = 0; n < images; n++) {
    // zeros where the copies below leave gaps: padding rows, border columns (taps outside x, spare channels)
    zeros(n, 0, i0, 0, Wp);
    zeros(n, i1, Hp, 0, Wp);
    zeros(n, i0, i1, 0, jA);
    zeros(n, i0, i1, jB, Wp);
    // (a last row whose last read would pass x's end goes to the strided copy)
    const lastRead = srcAt(n, i1 - 1, jB - 1 - padLeft) + over;
    const r1 = lastRead > xEnd ? i1 - 1 : i1;
    if (r1 > i0) span(srcAt(n, i0, jA - padLeft), dstAt(n, i0, jA), r1 - i0, 4 * W * CI, 4 * Wp * C, jB - jA, 4 * CI, 4 * C);
    zeros(n, r1, i1, jA, jB);
    strided(n, r1, i1, jA, jB);
    strided(n, i0, i1, 0, jA);
    strided(n, i0, i1, jB, Wp);
  }
}
