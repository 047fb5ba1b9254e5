/**
 * wasm kernel for `Conv2DBackpropFilter` (missing from stock tfjs-backend-wasm 4.22).
 *
 * Formula (NHWC, filter `[fh, fw, cin, cout]`):
 * `dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh*sh + kh*dh - padTop, ow*sw + kw*dw - padLeft, ci] · dy[n, oh, ow, co]`.
 *
 * Computed as `cols[K, P] · dy[P, cout]` with `K = fh*fw*cin`, `P` = output positions and `cols`
 * the im2col of x in taps × positions layout, written straight into the wasm heap, multiplied by the
 * wasm backend's own (XNNPACK) matmul — no transpose anywhere. `cols` rows are native slice copies
 * out of x's phase planes (phasePlanes.ts: one channel-major pass over x instead of a per-element
 * im2col; the grid costs `Wg/outWidth` extra flops), or a plain im2col when that overhead is large.
 * Positions are processed in chunks so the packed `dy` chunk stays in cache and memory stays bounded
 * for big images (planes per group of images, `cols` per chunk); the partial products are summed.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const dW = tf.grad((w: tf.Tensor4D) => tf.sum(tf.conv2d(x, w, 2, 'same')))(w); // runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { checkFloat32, checkShape, convGeometry } from './convGeometry.js';
import type { ConvGeometry } from './convGeometry.js';
import { im2colTapsByPositions } from './im2col.js';
import { simdKernels } from './simdMadd.js';
import { smallKApplies, smallKFilterGradient } from './smallKFilter.js';
import { fillPhasePlanes, phaseGrid, tapOffset } from './phasePlanes.js';
import type { PhaseGrid } from './phasePlanes.js';
import { aliasOf, disposeInfo, f32, matMul, releaseAlias, stockKernel, wasmBackendOf } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Conv2DBackpropFilter';

/**
 * Tuning (floats): the `dy` chunk (the packed matmul operand), the im2col chunk, and the phase
 * planes (a group of whole images; at least one image). Memory stays bounded by these for any input.
 */
export const filterChunking = { dyFloats: 1 << 17, colsFloats: 1 << 22, planeFloats: 1 << 23, maxGridOverhead: 1.6, im2colBelowChannels: 4 };

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

/** A run of consecutive valid grid rows of one image: plane grid position `q`, global image `n`. */
interface Segment { q: number; n: number; i0: number; rows: number }

/** Valid grid rows (`i < outHeight`) of the planes' images, grouped into chunks of at most `step` rows. */
function gridChunks(g: ConvGeometry, grid: PhaseGrid, n0: number, step: number): Segment[][] {
  const chunks: Segment[][] = [];
  let current: Segment[] = [];
  let count = 0;
  for (let n = 0; n < grid.images; n++) {
    for (let i = 0; i < g.outHeight;) {
      const rows = Math.min(g.outHeight - i, step - count);
      current.push({ q: (n * grid.Hg + i) * grid.Wg, n: n0 + n, i0: i, rows });
      count += rows;
      i += rows;
      if (count === step) {
        chunks.push(current);
        current = [];
        count = 0;
      }
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** `Σ_chunks cols · dy` for the images of one planes buffer, accumulated into `result`. */
function planesGroup(backend: WasmBackend, g: ConvGeometry, grid: PhaseGrid, n0: number, x: TensorInfo, dy: TensorInfo, result: TensorInfo | undefined): TensorInfo | undefined {
  const batchMatMul = stockKernel('BatchMatMul');
  const { filterHeight: FH, filterWidth: FW, inChannels: C, outChannels: CO, outHeight: OH, outWidth: OW } = g;
  const Wg = grid.Wg;
  const K = FH * FW * C;
  const planes = backend.makeOutput([grid.planeFloats], 'float32');
  fillPhasePlanes(f32(backend, x), g, grid, f32(backend, planes), n0);
  const offsets: number[] = [];
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      for (let ci = 0; ci < C; ci++) offsets.push(tapOffset(g, grid, kh, kw, ci));
    }
  }
  for (const chunk of gridChunks(g, grid, n0, chunkRows(Wg, K, CO, grid.images * OH))) {
    const Qc = chunk.reduce((t, s) => t + s.rows, 0) * Wg;
    const cols = backend.makeOutput([K, Qc], 'float32');
    const dyChunk = backend.makeOutput([Qc, CO], 'float32');
    const pv = f32(backend, planes);
    const cv = f32(backend, cols);
    for (let k = 0; k < K; k++) {
      let dst = k * Qc;
      for (const s of chunk) {
        const off = offsets[k] + s.q;
        const len = s.rows * Wg;
        cv.set(pv.subarray(off, off + len), dst);
        dst += len;
      }
    }
    const bv = f32(backend, dyChunk);
    const dv = f32(backend, dy);
    bv.fill(0);
    let pos = 0;
    for (const s of chunk) {
      for (let r = 0; r < s.rows; r++, pos += Wg) {
        const src = (s.n * OH + s.i0 + r) * OW * CO;
        bv.set(dv.subarray(src, src + OW * CO), pos * CO);
      }
    }
    const part = matMul(backend, batchMatMul, cols, dyChunk);
    disposeInfo(backend, cols);
    disposeInfo(backend, dyChunk);
    result = accumulate(backend, result, part);
  }
  disposeInfo(backend, planes);
  return result;
}

/** Grid path: phase planes of x (per group of images), im2col rows as native slice copies. */
function viaPhasePlanes(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo): TensorInfo | undefined {
  const perImage = phaseGrid(g, 1).planeFloats;
  const groupSize = Math.max(1, Math.min(g.batch, Math.floor(filterChunking.planeFloats / perImage)));
  let result: TensorInfo | undefined;
  for (let n0 = 0; n0 < g.batch; n0 += groupSize) {
    const grid = phaseGrid(g, Math.min(groupSize, g.batch - n0));
    result = planesGroup(backend, g, grid, n0, x, dy, result);
  }
  return result;
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
    const dyChunk = aliasOf(backend, dy, r0 * g.outWidth * cout, [P, cout]);
    let part: TensorInfo;
    try {
      part = matMul(backend, batchMatMul, cols, dyChunk);
    } finally {
      releaseAlias(backend, dyChunk);
      disposeInfo(backend, cols);
    }
    result = accumulate(backend, result, part);
  }
  return result;
}

/**
 * Filter gradient of an NHWC convolution on the wasm backend: for small `K = fh·fw·cin` the SIMD
 * kernel of smallKFilter.ts; otherwise `dW = Σ_chunks cols_c · dy_c`, with `cols` built from phase
 * planes (see phasePlanes.ts) or, when the grid overhead is large or cin < 4, by im2col.
 */
export function filterGradient(
  backend: WasmBackend,
  g: ConvGeometry,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: number[],
): TensorInfo {
  const madds = smallKApplies(g) ? simdKernels(backend)?.madds : undefined;
  if (madds) return smallKFilterGradient(backend, g, x, dy, madds, filterShape);
  let result: TensorInfo | undefined;
  if (g.batch * g.outHeight * g.outWidth > 0) {
    const grid = g.inChannels >= filterChunking.im2colBelowChannels && phaseGrid(g, 1).overhead <= filterChunking.maxGridOverhead;
    result = grid
      ? viaPhasePlanes(backend, g, x, dy)
      : viaIm2col(backend, g, x, dy);
  }
  if (result === undefined) {
    // no output positions (empty batch): the gradient is zero
    result = backend.makeOutput(filterShape, 'float32');
    f32(backend, result).fill(0);
  }
  return { dataId: result.dataId, shape: filterShape.slice(), dtype: 'float32' };
}

function conv2dBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs ?? {};
  const filterShape = attrs.filterShape as number[];
  checkFloat32(KERNEL, 'x', x);
  checkFloat32(KERNEL, 'dy', dy);
  const g = convGeometry(KERNEL, x.shape, filterShape, attrs, false);
  checkShape(KERNEL, 'filterShape', filterShape, [g.filterHeight, g.filterWidth, g.inChannels, filterShape[3]]);
  checkShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  return filterGradient(backend, g, x, dy, filterShape);
}

/** Kernel config registered by {@link registerWasmTrainingKernels}. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
