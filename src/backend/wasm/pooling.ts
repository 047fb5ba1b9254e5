/**
 * `MaxPool` and `AvgPool` on wasm: the stock kernels, behind integerPad.ts's guard (an integer pad
 * with a non-square window or strides is an error naming the explicit padding, instead of the stock
 * kernels' wrong values).
 *
 * Formula (stock): `y[n, oh, ow, c] = max` (or mean) of `x[n, oh·sh + i − padTop, ow·sw + j − padLeft, c]`
 * over the window `i < fh, j < fw` inside x.
 *
 * @example
 * ```ts
 * tf.maxPool(x, [1, 2], [1, 3], 1);   // Error: MaxPool: pad is 1 with filter 1×2 and strides [1,3]; …
 * tf.maxPool(x, [1, 2], [1, 3], [[0, 0], [1, 1], [1, 1], [0, 0]]);   // the stock kernel
 * ```
 */
import { tf } from '../tf.js';
import { refuseStockIntegerPad } from './integerPad.js';
import { replacingConfig, stockKernel } from './wasmHeap.js';
import type { KernelArgs, TensorInfo } from './wasmHeap.js';

function guarded(name: string) {
  return (args: KernelArgs): TensorInfo => {
    const attrs = args.attrs ?? {};
    const fs = attrs.filterSize as number | number[] | undefined;
    refuseStockIntegerPad(name, Array.isArray(fs) ? [fs[0], fs[1] ?? fs[0]] : [fs ?? 1, fs ?? 1], attrs);
    return stockKernel(name)(args as Parameters<ReturnType<typeof stockKernel>>[0]);
  };
}

/** Kernel configs registered by {@link registerWasmTrainingKernels} (wrapping the stock ones). */
export const maxPoolConfig: tf.KernelConfig = replacingConfig('MaxPool', guarded('MaxPool'));
export const avgPoolConfig: tf.KernelConfig = replacingConfig('AvgPool', guarded('AvgPool'));
