/**
 * Filter gradient as one matmul per filter tap over x's phase planes, with no im2col copy.
 *
 * Formula: `dW[kh, kw, :, :] = A_(kh,kw) · dyg`, where `dyg [Q, cout]` is dy laid on the phase grid
 * of phasePlanes.ts (0 at grid padding) and `A_(kh,kw) [cin, Q]` is the `[cin, Q]` block of the
 * channel-major phase planes that starts at `tapOffset(kh, kw, 0)`: row `ci` of that block is
 * `planes[tapOffset(kh, kw, ci) + q] = x[n, oh·sh + kh·dh - padTop, ow·sw + kw·dw - padLeft, ci]`
 * (rows are the plane stride `S ≥ Q` long; dyg has `S` rows, 0 past `Q`), so each `A` is a zero-copy view (aliasOf) of the planes. (Reads that run past a channel's plane
 * into the next one only meet grid padding, where dyg is 0.) The wasm matmul packs its right-hand
 * operand once per tensor, so `dyg` is packed once and reused by all `fh·fw` products. Images are
 * processed in groups of at most `maxPositions` grid positions (the packed dyg stays in cache).
 *
 * @example
 * ```ts
 * const dW = tapProductsFilterGradient(backend, g, x, dy, [3, 3, 32, 64]);
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { phaseGrid, tapOffset } from './phasePlanes.js';
import { fillPhasePlanesOnHeap } from './phasePlanesSimd.js';
import { disposeInfo, f32, matMul, stockKernel, withAlias } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Tuning: grid positions per group of images (at least one image). */
export const tapChunking = { maxPositions: 1 << 12 };

/** `dyg[q, :] = dy[n0 + n, i, j, :]` for grid position `q = (n·Hg + i)·Wg + j` inside the output, else 0. */
function fillDyGrid(dy: Float32Array, g: ConvGeometry, Hg: number, Wg: number, images: number, n0: number, dyg: Float32Array): void {
  const { outHeight: OH, outWidth: OW, outChannels: CO } = g;
  dyg.fill(0);
  for (let n = 0; n < images; n++) {
    for (let i = 0; i < OH; i++) {
      const src = ((n0 + n) * OH + i) * OW * CO;
      dyg.set(dy.subarray(src, src + OW * CO), (n * Hg + i) * Wg * CO);
    }
  }
}

/** The filter gradient as a new `filterShape` tensor. Requires at least one output position. */
export function tapProductsFilterGradient(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo, filterShape: number[]): TensorInfo {
  const batchMatMul = stockKernel('BatchMatMul');
  const { filterHeight: FH, filterWidth: FW, inChannels: C, outChannels: CO } = g;
  const one = phaseGrid(g, 1);
  const images = Math.max(1, Math.min(g.batch, Math.floor(tapChunking.maxPositions / (one.Hg * one.Wg))));
  const out = backend.makeOutput(filterShape, 'float32');
  f32(backend, out).fill(0);
  for (let n0 = 0; n0 < g.batch; n0 += images) {
    const grid = phaseGrid(g, Math.min(images, g.batch - n0));
    const planes = backend.makeOutput([grid.planeFloats], 'float32');
    const dyg = backend.makeOutput([grid.stride, CO], 'float32'); // rows past Q (plane-stride gap) stay 0
    fillPhasePlanesOnHeap(backend, x, g, grid, planes, n0);
    fillDyGrid(f32(backend, dy), g, grid.Hg, grid.Wg, grid.images, n0, f32(backend, dyg));
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const part = withAlias(backend, planes, tapOffset(g, grid, kh, kw, 0), [C, grid.stride], (a) => matMul(backend, batchMatMul, a, dyg));
        const o = f32(backend, out);
        const p = f32(backend, part);
        const base = (kh * FW + kw) * C * CO;
        for (let i = 0; i < C * CO; i++) o[base + i] += p[i];
        disposeInfo(backend, part);
      }
    }
    disposeInfo(backend, dyg);
    disposeInfo(backend, planes);
  }
  return out;
}
