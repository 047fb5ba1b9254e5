/**
 * Phase planes: x rearranged so that every filter tap of a strided, dilated, padded convolution
 * reads a *contiguous* run of memory, which turns im2col into one native memcpy per row.
 *
 * Output positions are laid on a grid of `Hg × Wg` per image (`Hg = outHeight + uMax`,
 * `uMax = ⌊(fh-1)·dh / sh⌋`, likewise `Wg`), flattened as `q = (n·Hg + i)·Wg + j`. Plane `(a, b)`
 * (`a < sh`, `b < sw`) holds, channel-major with plane stride `S ≥ Q` (planeStride),
 * `planes[((a·sw + b)·C + ci)·S + q] = x[n, i·sh + a - padTop, j·sw + b - padLeft, ci]` (0 outside x),
 * `Q = n·Hg·Wg`. Tap `(kh, kw)` with `kh·dh = u·sh + a`, `kw·dw = v·sw + b` then reads, for grid
 * position `q = (n, oh, ow)`, `planes[((a·sw + b)·C + ci)·S + q + u·Wg + v]`
 * = `x[n, oh·sh + kh·dh - padTop, ow·sw + kw·dw - padLeft, ci]`: a constant shift, so the im2col row of
 * `(kh, kw, ci)` over grid positions `[q0, q1)` is one slice of `planes`. Grid positions with
 * `oh ≥ outHeight` or `ow ≥ outWidth` are padding: their dy is 0, so whatever they read is harmless.
 *
 * @example
 * ```ts
 * const grid = phaseGrid(g);
 * fillPhasePlanes(xData, g, grid, planes);   // planes.length === grid.planeFloats
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';

/** Sizes of the phase-plane layout of a geometry. */
export interface PhaseGrid {
  /** grid rows / columns per image */
  Hg: number;
  Wg: number;
  /** images the planes hold, and their grid positions (`images·Hg·Wg`) */
  images: number;
  Q: number;
  /** floats from one channel's plane to the next (≥ Q; see {@link planeStride}) */
  stride: number;
  /** floats of the planes buffer, including the tail margin that the largest shift reads */
  planeFloats: number;
  /** grid columns per output column (≥ 1): the flop overhead of the grid (rows past outHeight are skipped) */
  overhead: number;
}

/**
 * The plane stride for `Q` grid positions: `Q`, or `Q + 16` when `Q` is a multiple of 64 — a stride
 * of a multiple of 256 bytes maps every channel's plane onto the same few cache sets, which made
 * the scatter of fillPhasePlanes ~3× slower (64×14²×64 stride 2: Q = 4096). The gap is grid
 * padding of a kind: its planes entries are 0 and its dy rows are 0.
 */
export function planeStride(Q: number): number {
  return Q % 64 === 0 ? Q + 16 : Q;
}

/** Grid sizes for a geometry, for planes holding `images` images (default: the whole batch). */
export function phaseGrid(g: ConvGeometry, images = g.batch): PhaseGrid {
  const uMax = Math.floor(((g.filterHeight - 1) * g.dilationHeight) / g.strideHeight);
  const vMax = Math.floor(((g.filterWidth - 1) * g.dilationWidth) / g.strideWidth);
  const Hg = g.outHeight + uMax;
  const Wg = g.outWidth + vMax;
  const Q = images * Hg * Wg;
  const phases = g.strideHeight * g.strideWidth;
  return {
    Hg,
    Wg,
    images,
    Q,
    stride: planeStride(Q),
    planeFloats: phases * g.inChannels * planeStride(Q) + uMax * Wg + vMax,
    overhead: Wg / Math.max(1, g.outWidth),
  };
}

/** Offset in `planes` of tap `(kh, kw)`, channel `ci`, grid position 0. */
export function tapOffset(g: ConvGeometry, grid: PhaseGrid, kh: number, kw: number, ci: number): number {
  const a = (kh * g.dilationHeight) % g.strideHeight;
  const u = Math.floor((kh * g.dilationHeight) / g.strideHeight);
  const b = (kw * g.dilationWidth) % g.strideWidth;
  const v = Math.floor((kw * g.dilationWidth) / g.strideWidth);
  return ((a * g.strideWidth + b) * g.inChannels + ci) * grid.stride + u * grid.Wg + v;
}

/**
 * Every run of input pixels that lands contiguously in the planes, for images `[n0, n0 + grid.images)`:
 * per image, input row and column phase `b`, the row's pixels `iw ≡ b - padLeft (mod sw)` go to
 * consecutive grid columns (only the group's images `[first, end)` when given). `visit(s0, d0, count, step)`: `count` pixels, pixel `p` at `x[s0 + p·step]`
 * (its C channels contiguous), channel `ci` of it to `planes[d0 + ci·stride + p]`.
 */
export function forEachPlaneRun(g: ConvGeometry, grid: PhaseGrid, n0: number, visit: (s0: number, d0: number, count: number, step: number) => void,
  first = 0, end = grid.images): void {
  const { inHeight: H, inWidth: W, inChannels: C, strideHeight: SH, strideWidth: SW, padTop, padLeft } = g;
  const { Hg, Wg, stride } = grid;
  for (let n = first; n < end; n++) {
    for (let ih = 0; ih < H; ih++) {
      const r = ih + padTop;
      const a = r % SH;
      const i = (r - a) / SH;
      if (i >= Hg) continue;
      for (let b = 0; b < SW; b++) {
        const iw0 = (((b - padLeft) % SW) + SW) % SW; // first column of phase b
        if (iw0 >= W) continue;
        const j0 = (iw0 + padLeft - b) / SW;
        const count = Math.min(Math.ceil((W - iw0) / SW), Wg - j0);
        if (count > 0) visit((((n0 + n) * H + ih) * W + iw0) * C, (a * SW + b) * C * stride + (n * Hg + i) * Wg + j0, count, SW * C);
      }
    }
  }
}

/** Scalar copy of pixels `[p0, count)` of a run (see {@link forEachPlaneRun}). */
export function copyRun(x: Float32Array, planes: Float32Array, C: number, stride: number, s0: number, d0: number, p0: number, count: number, step: number): void {
  for (let p = p0; p < count; p++) {
    const s = s0 + p * step;
    for (let ci = 0, d = d0 + p; ci < C; ci++, d += stride) planes[d] = x[s + ci];
  }
}

/**
 * Fill `planes` (length ≥ `grid.planeFloats`) from images `[n0, n0 + grid.images)` of NHWC `x`:
 * zero it, then scatter each pixel (plane image index `n - n0`).
 */
export function fillPhasePlanes(x: Float32Array, g: ConvGeometry, grid: PhaseGrid, planes: Float32Array, n0 = 0): void {
  planes.fill(0, 0, grid.planeFloats);
  forEachPlaneRun(g, grid, n0, (s0, d0, count, step) => copyRun(x, planes, g.inChannels, grid.stride, s0, d0, 0, count, step));
}
