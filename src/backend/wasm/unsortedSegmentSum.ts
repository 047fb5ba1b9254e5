/**
 * wasm kernel for `UnsortedSegmentSum` (missing from stock tfjs-backend-wasm 4.22; it is the
 * gradient of `gather`, so embeddings need it to train).
 *
 * Formula: with `segmentIds` of shape `x.shape[0..r)` flattened to `S` ids and `x` to `[S, inner]`,
 * `out[s, j] = Σ_{i : ids[i] = s} x[i, j]` for `s` in `[0, numSegments)`; ids outside that range are
 * dropped (as on the cpu backend). Output shape `[numSegments, ...x.shape.slice(r)]`, dtype of `x`.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 2, 0], 'int32'), 3); // [4, 0, 2]
 * ```
 */
import { tf } from '../tf.js';
import { wasmBackendOf } from './wasmHeap.js';
import type { KernelArgs, TensorInfo } from './wasmHeap.js';

const KERNEL = 'UnsortedSegmentSum';

function unsortedSegmentSum(args: KernelArgs): TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (args.attrs ?? {}).numSegments as number;
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new RangeError(`${KERNEL}: numSegments is ${JSON.stringify(numSegments)}; allowed: a non-negative integer`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new TypeError(`${KERNEL}: x has dtype '${x.dtype}'; allowed: 'float32', 'int32'`);
  }
  if (segmentIds.dtype !== 'int32') {
    throw new TypeError(`${KERNEL}: segmentIds has dtype '${segmentIds.dtype}'; allowed: 'int32'`);
  }
  const r = segmentIds.shape.length;
  if (r > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(`${KERNEL}: segmentIds has shape ${JSON.stringify(segmentIds.shape)}; allowed: a prefix of x's shape ${JSON.stringify(x.shape)}`);
  }
  const S = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(r).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(r)], x.dtype);
  const o = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  o.fill(0);
  for (let i = 0; i < S; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j];
  }
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels}. */
export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
