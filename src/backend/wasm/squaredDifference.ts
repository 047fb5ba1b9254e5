/**
 * wasm kernel for `SquaredDifference` (replaces stock tfjs-backend-wasm's for two float32 tensors of
 * the same shape with a multiple of 4 values — a mean-squared-error loss; everything else goes to the
 * stock kernel): `out = (a - b)²` by a SIMD loop (simdSquaredDifference.ts).
 *
 * @example
 * ```ts
 * const l = tf.mean(tf.squaredDifference(gram, target));   // the difference runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { squaredDifferenceKernel } from './simdSquaredDifference.js';
import { heapAddress, replacedStockKernel, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'SquaredDifference';

function squaredDifference(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const n = a.shape.reduce((p, d) => p * d, 1);
  const same = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  const kernel = same && n % 4 === 0 && n > 0 ? squaredDifferenceKernel(backend) : undefined;
  if (!kernel) return replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
  const out = backend.makeOutput(a.shape, 'float32');
  kernel(heapAddress(backend, a), heapAddress(backend, b), heapAddress(backend, out), 4 * n);
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const squaredDifferenceConfig: tf.KernelConfig = replacingConfig(KERNEL, squaredDifference);
