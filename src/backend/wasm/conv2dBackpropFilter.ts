/**
 * wasm kernel for `Conv2DBackpropFilter` (missing from stock tfjs-backend-wasm 4.22).
 *
 * Formula (NHWC, filter `[fh, fw, cin, cout]`):
 * `dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh*sh + kh*dh - padTop, ow*sw + kw*dw - padLeft, ci] · dy[n, oh, ow, co]`.
 *
 * Four strategies, all on the wasm backend's own kernels or phasewise's SIMD kernels:
 * - `cout % 8 == 0` (any cin, stride, dilation, padding): outerFilter.ts, register-blocked outer
 *   products of x and dy read in place, output channels split over threads (no packing of dy);
 * - small `K = fh·fw·cin` (≤ 27, e.g. a first layer) and `cout % 4 == 0`: smallKFilter.ts, one x
 *   value per position splat against dy's channels (the matmul would spend its time packing dy);
 * - otherwise, when x's phase grid (phasePlanes.ts) costs at most `maxGridOverhead` extra flops:
 *   tapProducts.ts, `dW[kh, kw] = planes-view[cin, Q] · dy-on-grid[Q, cout]` per tap, zero-copy `A`;
 * - else (big filters on small images, or cin < 4): `cols[K, P] · dy[P, cout]` with `cols` the im2col
 *   of x in taps × positions layout and dy chunks as zero-copy views, chunked over positions so the
 *   packed `dy` chunk stays in cache; the partial products are summed.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const dW = tf.grad((w: tf.Tensor4D) => tf.sum(tf.conv2d(x, w, 2, 'same')))(w); // runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { filterGradArgs } from './gradArgs.js';
import type { ConvGeometry } from './convGeometry.js';
import { im2colTapsByPositions } from './im2col.js';
import { simdKernels } from './simdMadd.js';
import { smallKApplies, smallKFilterGradient } from './smallKFilter.js';
import { tapProductsFilterGradient } from './tapProducts.js';
import { outerApplies, outerFilterGradient } from './outerFilter.js';
import { outerFilterKernel } from './simdOuterFilter.js';
import { relaxedSimd } from './relaxedSimd.js';
import { phaseGrid } from './phasePlanes.js';
import { disposeInfo, f32, matMul, stockKernel, withAlias } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Conv2DBackpropFilter';

/**
 * Tuning of the im2col path (floats): the `dy` chunk (the packed matmul operand) and the im2col
 * chunk; the largest grid overhead for the tap-products path, and its smallest channel count;
 * `outer`: use outerFilter.ts where it applies (false: the matmul paths, for comparisons).
 */
export const filterChunking = { dyFloats: 1 << 17, colsFloats: 1 << 22, maxGridOverhead: 1.6, im2colBelowChannels: 4, outer: true };

/** Rows per chunk, where a row holds `rowPositions` positions: bounded by the dy and im2col chunk sizes. */
function chunkRows(rowPositions: number, K: number, cout: number, totalRows: number): number {
  const byDy = Math.floor(filterChunking.dyFloats / (rowPositions * cout));
  const byCols = Math.floor(filterChunking.colsFloats / (rowPositions * K));
  return Math.max(1, Math.min(byDy, byCols, totalRows));
}

/** `acc += part` (both `[K, cout]`), freeing `part`; returns the accumulator. */
function accumulate(backend: WasmBackend, acc: TensorInfo | undefined, part: TensorInfo): TensorInfo {
  if (acc === undefined) return part;
  const a = f32(backend, acc);
  const p = f32(backend, part);
  for (let i = 0; i < a.length; i++) a[i] += p[i];
  disposeInfo(backend, part);
  return acc;
}

/** im2col path (for grids with a large overhead: big filters on small images). */
function viaIm2col(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo): TensorInfo | undefined {
  const batchMatMul = stockKernel('BatchMatMul');
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const cout = g.outChannels;
  const rows = g.batch * g.outHeight;
  const step = chunkRows(g.outWidth, K, cout, rows);
  let result: TensorInfo | undefined;
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    const P = (r1 - r0) * g.outWidth;
    const cols = backend.makeOutput([K, P], 'float32');
    im2colTapsByPositions(f32(backend, x), g, r0, r1, f32(backend, cols));
    // dy's rows [r0, r1) are contiguous: a view of dy's memory, no copy
    let part: TensorInfo;
    try {
      part = withAlias(backend, dy, r0 * g.outWidth * cout, [P, cout], (dyChunk) => matMul(backend, batchMatMul, cols, dyChunk));
    } finally {
      disposeInfo(backend, cols);
    }
    result = accumulate(backend, result, part);
  }
  return result;
}

/**
 * Filter gradient of an NHWC convolution on the wasm backend: for `cout % 8 == 0` the outer-product
 * kernel of outerFilter.ts; for small `K = fh·fw·cin` the SIMD kernel of smallKFilter.ts; otherwise one matmul per tap over x's phase planes (tapProducts.ts) or,
 * when the grid overhead is large or cin < 4, `dW = Σ_chunks im2col(x)_c · dy_c`.
 */
export function filterGradient(
  backend: WasmBackend,
  g: ConvGeometry,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: number[],
): TensorInfo {
  const fma = relaxedSimd();
  const outer = filterChunking.outer && outerApplies(g) ? outerFilterKernel(backend, fma) : undefined;
  if (outer) return outerFilterGradient(backend, g, x, dy, outer, filterShape, fma);
  const madds = smallKApplies(g) ? simdKernels(backend)?.madds : undefined;
  if (madds) return smallKFilterGradient(backend, g, x, dy, madds, filterShape);
  const positions = g.batch * g.outHeight * g.outWidth;
  if (positions > 0 && g.inChannels >= filterChunking.im2colBelowChannels && phaseGrid(g, 1).overhead <= filterChunking.maxGridOverhead) {
    return tapProductsFilterGradient(backend, g, x, dy, filterShape);
  }
  const result = positions > 0 ? viaIm2col(backend, g, x, dy) : undefined;
  if (result === undefined) {
    // no output positions (empty batch): the gradient is zero
    const zero = backend.makeOutput(filterShape, 'float32');
    f32(backend, zero).fill(0);
    return zero;
  }
  return { dataId: result.dataId, shape: filterShape.slice(), dtype: 'float32' };
}

function conv2dBackpropFilter(args: KernelArgs): TensorInfo {
  const { backend, x, dy, filterShape, g } = filterGradArgs(KERNEL, args, false);
  return filterGradient(backend, g, x, dy, filterShape);
}

/** Kernel config registered by {@link registerWasmTrainingKernels}. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
