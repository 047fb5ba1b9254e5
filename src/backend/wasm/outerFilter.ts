/**
 * Filter gradient of a dense NHWC convolution with the SIMD outer-product kernel of
 * simdOuterFilter.ts, for `cin % 4 == 0` and `cout % 8 == 0`: x is copied zero-padded once
 * (fillPadded) and dy is read in place; nothing is packed (the wasm matmul re-packs its `dy` operand
 * on every call, single-threaded — that packing was most of the old path's time on small layers).
 *
 * Formula: `dW[kh, kw, ci, co] = Σ_{n, oh, ow} xp[n, oh·sh + kh·dh, ow·sw + kw·dw, ci] · dy[n, oh, ow, co]`
 * (xp: x padded by `padTop`, `padLeft`). Images are visited in order and each in bands of output rows
 * (so a band's x and dy stay in cache while every channel block and tap reads them). Threads split
 * the output channel blocks (each block summed by one thread, in that fixed order) or, for small
 * filters, the images into POOL_PARTS ranges with their own accumulators, summed in order: either way
 * the result does not depend on the thread count.
 *
 * @example
 * ```ts
 * const dW = outerFilterGradient(backend, g, x, dy, outerFilterKernel(backend, true)!, [3, 3, 32, 64], true);
 * ```
 */
import { convMadds, type ConvGeometry } from './convGeometry.js';
import { foldImages, foldsBySpans, foldTuning, outerLayout, type FoldJob } from './outerLayout.js';
import { outerFilterKernel, type OuterFilter } from './simdOuterFilter.js';
import { partBlocks } from './partBlocks.js';
import { POOL_PARTS, poolThreads, runJobs, simdPoolTuning, splitRange, sumParts } from './simdPool.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/**
 * Tuning: floats of the padded copy of one group of images; bytes of x and dy per band; the largest
 * accumulator (floats) for which threads split the images (POOL_PARTS ranges, each into its own
 * accumulator, summed in order) rather than the output channels — small filters, where every
 * thread streaming all of dy would cost more than the sums. (The copy of x counts
 * simdPoolTuning.copyCost per float toward the pool's work.)
 */
export const outerChunking = { paddedFloats: 1 << 22, bandBytes: 1 << 17, imageSplitAcc: 1 << 13 };

/** Whether the path applies: `cout % 8 == 0` and some output (any `cin`: outerLayout.ts). */
export function outerApplies(g: ConvGeometry): boolean {
  return g.outChannels % 8 === 0 && g.batch * g.outHeight * g.outWidth > 0;
}

/** A share of the work (plain data: a pool worker can run it): output channels `[coFrom, coTo)` bytes of images `[n1, n2)` of a padded group. */
export interface OuterJob {
  /** Whether the kernel fuses multiply-adds (relaxedSimd.ts): a pool worker must use the same one. */
  fma: boolean;
  x: number; xImage: number; dy: number; dyImage: number; acc: number; n1: number; n2: number;
  /** `[x byte offset, dy byte offset, rows]` of each band of an image. */
  bands: [number, number, number][];
  coFrom: number; coTo: number; C: number; CO: number; FH: number; FW: number;
  tapRow: number; tapCol: number; xs: number; xstep: number; cols: number;
}

/** Run one job: every image and band of its group, its output channels. */
export function outerFilterImages(backend: WasmBackend, job: OuterJob, outer = outerFilterKernel(backend, job.fma)): void {
  if (!outer) throw new Error('phasewise conv filter gradient: no SIMD outer-product kernel on this memory');
  const { C, CO } = job;
  for (let n = job.n1; n < job.n2; n++) {
    for (const [xo, dyo, rows] of job.bands) {
      outer(job.x + n * job.xImage + xo, job.dy + n * job.dyImage + dyo, job.acc, 4 * C, job.coFrom, job.coTo, 4 * CO,
        job.FH, job.FW, job.tapRow, job.tapCol, job.xs, job.xstep, rows, job.cols, 4 * C * CO, CO);
    }
  }
}

/** Bands of output rows: as many rows per band as fit `bandBytes` of x and dy (at least one). */
function bands(g: ConvGeometry, Wp: number, C: number): [number, number, number][] {
  const { outHeight: OH, outWidth: OW, outChannels: CO, strideHeight: SH } = g;
  const span = (g.filterHeight - 1) * g.dilationHeight + 1;
  const bytes = (rows: number) => 4 * (((rows - 1) * SH + span) * Wp * C + rows * OW * CO);
  let rows = OH;
  while (rows > 1 && bytes(rows) > outerChunking.bandBytes) rows = Math.ceil(rows / 2);
  const out: [number, number, number][] = [];
  for (let r = 0; r < OH; r += rows) out.push([4 * r * SH * Wp * C, 4 * r * OW * CO, Math.min(rows, OH - r)]);
  return out;
}

/** `dW` as a new `filterShape` tensor. Requires {@link outerApplies} and the kernel; `fma`: whether `outer` is the fused one (pool workers then use it too). */
export function outerFilterGradient(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo, outer: OuterFilter, filterShape: number[], fma = false): TensorInfo {
  const { outChannels: CO, outHeight: OH, outWidth: OW, filterHeight: FH } = g;
  const L = outerLayout(g);
  const rowsPerTap = L.FW * L.C; // accumulator rows per tap kh; dW has fw·cin of them
  const size = FH * rowsPerTap * CO;
  const byImages = size <= outerChunking.imageSplitAcc;
  const direct = rowsPerTap === g.filterWidth * g.inChannels && !byImages;
  const perImage = L.Hp * L.Wp * L.pixel;
  // no padding and every input row and column read: the kernel reads x itself, no copy
  const inPlace = !L.folded && g.padTop === 0 && g.padLeft === 0 && L.Hp === g.inHeight && L.Wp === g.inWidth;
  const images = inPlace ? g.batch : Math.max(1, Math.min(g.batch, Math.floor(outerChunking.paddedFloats / perImage)));
  const parts = byImages ? Math.min(POOL_PARTS, images) : 1;
  const out = backend.makeOutput(filterShape, 'float32');
  // image ranges: each its own accumulators (partBlocks.ts: no two share a cache line)
  const blocks = direct ? undefined : partBlocks(backend, parts, size);
  // (windowed: the last column's window reads up to 3 floats past the last image)
  const xp = inPlace ? undefined : backend.makeOutput([images * perImage + (L.windowed ? 4 : 0)], 'float32');
  if (direct) f32(backend, out).fill(0);
  const list = bands(g, L.Wp, L.pixel);
  // split images (each range its own accumulator) or output-channel blocks of 8 (each block one owner):
  // either way the sums do not depend on the thread count
  const coRanges = byImages ? [[0, CO / 8]] : splitRange(CO / 8, Math.min(CO / 8, poolThreads(backend)));
  const [xAt, dyAt] = [x, dy].map((t) => heapAddress(backend, t)); // no allocation below
  const accAt = blocks ? blocks.address(0) : heapAddress(backend, out);
  const accStride = blocks ? blocks.stride : size;
  const xpAt = xp ? heapAddress(backend, xp) : xAt;
  try {
    for (let n0 = 0; n0 < g.batch; n0 += images) {
      const count = Math.min(images, g.batch - n0);
      // x laid out for the kernel, by image ranges on the pool's threads
      const folds: FoldJob[] = splitRange(count, Math.min(POOL_PARTS, count)).map(([n1, n2]) => ({
        L, g, x: xAt, out: xpAt, n0, n1, n2 }));
      if (!inPlace) runJobs(backend, 'outerFold', folds, (job) => foldImages(backend, job), (foldsBySpans(g, L) ? foldTuning.spanCost : simdPoolTuning.copyCost) * count * perImage);
      const imageRanges = byImages ? splitRange(count, parts) : [[0, count]];
      const jobs: OuterJob[] = imageRanges.flatMap(([n1, n2], part) => coRanges.map(([b0, b1]) => ({
        fma,
        x: xpAt, xImage: 4 * perImage, dy: dyAt + 4 * n0 * OH * OW * CO, dyImage: 4 * OH * OW * CO,
        acc: accAt + 4 * part * accStride, n1, n2, bands: list, coFrom: 32 * b0, coTo: 32 * b1, C: L.C, CO,
        FH, FW: L.FW, tapRow: L.tapRow, tapCol: L.tapCol, xs: L.xs, xstep: L.xstep, cols: OW,
      })));
      runJobs(backend, 'outerFilter', jobs, (job) => outerFilterImages(backend, job, outer), convMadds(g, count, true));
    }
  } catch (e) {
    // a failed job (a worker's error): free every buffer of this call before rethrowing
    for (const t of blocks ? [out, blocks.info] : [out]) disposeInfo(backend, t);
    throw e;
  } finally {
    if (xp) disposeInfo(backend, xp);
  }
  if (blocks) {
    const a = blocks.view();
    if (parts > 1) sumParts(a, parts, blocks.stride, size, a.subarray(0, size)); // in place: block 0 is read first
    // folded taps: keep the first fw·cin of each tap's C4 rows (the rest multiplied zero channels)
    const o = f32(backend, out);
    const keep = g.filterWidth * g.inChannels * CO;
    for (let kh = 0; kh < FH; kh++) o.set(a.subarray(kh * rowsPerTap * CO, kh * rowsPerTap * CO + keep), kh * keep);
    disposeInfo(backend, blocks.info);
  }
  return out;
}
