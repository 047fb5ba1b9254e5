/**
 * wasm kernel for `UnsortedSegmentSum` (missing from stock tfjs-backend-wasm 4.22; it is the
 * gradient of `gather`, so embeddings need it to train).
 *
 * Formula: with 1-D `segmentIds` of length `x.shape[0]` (the op's documented contract, and what the
 * gradient of gather passes), `out[s, …] = Σ_{i : ids[i] = s} x[i, …]` for `s` in `[0, numSegments)`;
 * ids outside that range are dropped (as on the cpu backend). Output shape
 * `[numSegments, ...x.shape.slice(1)]`, dtype of `x`. Higher-rank ids are rejected: the cpu
 * backend broadcasts them in a way that differs from TensorFlow's, so there is no agreed answer.
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
  if (segmentIds.shape.length !== 1 || x.shape.length < 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new RangeError(`${KERNEL}: segmentIds has shape ${JSON.stringify(segmentIds.shape)}; allowed: 1-D of length x.shape[0] (x has shape ${JSON.stringify(x.shape)})`);
  }
  const rows = x.shape[0];
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  const o = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  o.fill(0);
  for (let i = 0; i < rows; i++) {
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
