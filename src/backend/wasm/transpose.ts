/**
 * wasm kernel for `Transpose` that swaps the last two axes with the SIMD 4×4-block scatter of
 * simdTranspose.ts (stock tfjs-backend-wasm moves ~7 ns per value: 15 ms of a VGG16 128 px
 * style-loss gradient, whose Gram matrices transpose the features).
 *
 * `out[..., j, i] = x[..., i, j]` for `perm = [0, 1, …, r-3, r-1, r-2]` (rank r ≥ 2, 4-byte dtypes,
 * both swapped sizes multiples of 4): per matrix `[R, K]`, `tr4` treats each row as a pixel of K
 * channels and writes K planes of R values. Every other permutation, size or dtype goes to the
 * stock kernel.
 *
 * @example
 * ```ts
 * const ft = tf.transpose(f, [0, 2, 1]);   // [b, h·w, c] → [b, c, h·w] on wasm: this kernel
 * ```
 */
import { tf } from '../tf.js';
import { transposeKernels } from './simdTranspose.js';
import { heapAddress, replacedStockKernel, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Transpose';

/** Whether `perm` swaps exactly the last two of `rank` axes. */
export function swapsLastTwo(perm: readonly number[], rank: number): boolean {
  if (perm.length !== rank || rank < 2) return false;
  for (let i = 0; i < rank - 2; i++) if (perm[i] !== i) return false;
  return perm[rank - 2] === rank - 1 && perm[rank - 1] === rank - 2;
}

function transpose(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x;
  const perm = (args.attrs as { perm: number[] }).perm;
  const rank = x.shape.length;
  const R = x.shape[rank - 2];
  const K = x.shape[rank - 1];
  const k = (x.dtype === 'float32' || x.dtype === 'int32') && swapsLastTwo(perm, rank) && R % 4 === 0 && K % 4 === 0 && R > 0 && K > 0
    ? transposeKernels(backend) : undefined;
  if (!k) return replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
  const outShape = [...x.shape.slice(0, rank - 2), K, R];
  const out = backend.makeOutput(outShape, x.dtype);
  const src = heapAddress(backend, x);
  const dst = heapAddress(backend, out);
  const batches = x.shape.slice(0, rank - 2).reduce((a, b) => a * b, 1);
  for (let b = 0; b < batches; b++) k.tr4(src + 4 * b * R * K, 4 * K, dst + 4 * b * R * K, 4 * R, 4 * K, R / 4);
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const transposeConfig: tf.KernelConfig = replacingConfig(KERNEL, transpose);
