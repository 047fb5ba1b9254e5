/**
 * wasm kernel for `Conv2DBackpropFilter` (missing from stock tfjs-backend-wasm 4.22).
 *
 * Formula (NHWC, filter `[fh, fw, cin, cout]`):
 * `dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh*sh + kh*dh - padTop, ow*sw + kw*dw - padLeft, ci] · dy[n, oh, ow, co]`.
 *
 * Computed as `cols[K, P] · dy[P, cout]` with `K = fh*fw*cin`, `P` = output positions, `cols` the
 * im2col of x in taps × positions layout written straight into the wasm heap, and the product by
 * the wasm backend's own (XNNPACK) matmul — no transpose anywhere. Positions are processed in
 * chunks so the packed `dy` chunk stays in cache and memory stays bounded for big images; the
 * partial products are summed.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const dW = tf.conv2dBackpropFilter(x, dy, [3, 3, 1, 32], 1, 'same'); // now runs on wasm
 * ```
 */
import { tf } from '../tf.js';
import { checkFloat32, checkShape, convGeometry } from './convGeometry.js';
import type { ConvGeometry } from './convGeometry.js';
import { im2colTapsByPositions } from './im2col.js';
import { disposeInfo, f32, matMul, stockKernel, wasmBackendOf } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Conv2DBackpropFilter';

/** Tuning: floats of the `dy` chunk (the packed matmul operand) and of the im2col chunk. */
export const filterChunking = { dyFloats: 1 << 16, colsFloats: 1 << 22 };

/** Output rows `(n, oh)` per chunk for a geometry: bounded by the dy chunk and the im2col chunk. */
export function rowsPerChunk(g: ConvGeometry, K: number, cout: number): number {
  const byDy = Math.floor(filterChunking.dyFloats / (g.outWidth * cout));
  const byCols = Math.floor(filterChunking.colsFloats / (g.outWidth * K));
  return Math.max(1, Math.min(byDy, byCols, g.batch * g.outHeight));
}

/**
 * Filter gradient of an NHWC convolution on the wasm backend: `dW = Σ_chunks cols_c · dy_c`.
 * `xData`/`dyData` accessors re-read heap views (they move when the heap grows).
 */
export function filterGradient(
  backend: WasmBackend,
  g: ConvGeometry,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: number[],
): TensorInfo {
  const batchMatMul = stockKernel('BatchMatMul');
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const cout = g.outChannels;
  const rows = g.batch * g.outHeight;
  const step = rowsPerChunk(g, K, cout);
  let result: TensorInfo | undefined;
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    const P = (r1 - r0) * g.outWidth;
    const cols = backend.makeOutput([K, P], 'float32');
    const dyChunk = backend.makeOutput([P, cout], 'float32');
    // views after both allocations (an allocation may grow, and so detach, the heap)
    im2colTapsByPositions(f32(backend, x), g, r0, r1, f32(backend, cols));
    const dyAll = f32(backend, dy);
    f32(backend, dyChunk).set(dyAll.subarray(r0 * g.outWidth * cout, r1 * g.outWidth * cout));
    const part = matMul(backend, batchMatMul, cols, dyChunk);
    disposeInfo(backend, cols);
    disposeInfo(backend, dyChunk);
    if (result === undefined) {
      result = part;
    } else {
      const acc = f32(backend, result);
      const add = f32(backend, part);
      for (let i = 0; i < acc.length; i++) acc[i] += add[i];
      disposeInfo(backend, part);
    }
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
  checkShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  return filterGradient(backend, g, x, dy, filterShape);
}

/** Kernel config registered by {@link registerWasmTrainingKernels}. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
