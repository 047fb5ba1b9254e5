/**
 * `MaxPool` and `AvgPool` on wasm: 2×2 stride-2 max pools by a SIMD kernel (below), everything else by
 * the stock kernels behind integerPad.ts's guard (an integer pad with a non-square window or strides is
 * an error naming the explicit padding, instead of the stock kernels' wrong values).
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
import { tiles2x2 } from './maxPoolGrad.js';
import { maxPool2Forward } from './simdMaxPool2.js';
import { heapAddress, replacingConfig, stockKernel } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

function guarded(name: string) {
  return (args: KernelArgs): TensorInfo => {
    const attrs = args.attrs ?? {};
    const fs = attrs.filterSize as number | number[] | undefined;
    refuseStockIntegerPad(name, Array.isArray(fs) ? [fs[0], fs[1] ?? fs[0]] : [fs ?? 1, fs ?? 1], attrs);
    return stockKernel(name)(args as Parameters<ReturnType<typeof stockKernel>>[0]);
  };
}

/**
 * `MaxPool` with 2×2 windows at stride 2 that tile x (no padding), float32, `C % 4 == 0` — every VGG
 * pool — by simdMaxPool2.ts's SIMD kernel on the calling thread (stock wasm hands it to XNNPACK's
 * pool: 0.6–4.1 ms per VGG16 128 px step for its four pools); otherwise the guarded stock kernel.
 */
function maxPool(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x;
  const { filterSize, strides, pad, dimRoundingMode } = (args.attrs ?? {}) as { filterSize: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const info = x.dtype === 'float32' && x.shape.length === 4
    ? tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode)
    : undefined;
  const max2 = info && tiles2x2(info) ? maxPool2Forward(backend) : undefined;
  if (!info || !max2) return guarded('MaxPool')(args);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const out = backend.makeOutput([N, OH, OW, C], 'float32');
  const [xAt, oAt] = [heapAddress(backend, x), heapAddress(backend, out)];
  for (let n = 0; n < N; n++) max2(xAt + 4 * n * H * W * C, oAt + 4 * n * OH * OW * C, OH, OW, 4 * C, 4 * W * C, 4 * OW * C);
  return out;
}

/** Kernel configs registered by {@link registerWasmTrainingKernels} (wrapping the stock ones). */
export const maxPoolConfig: tf.KernelConfig = replacingConfig('MaxPool', maxPool);
export const avgPoolConfig: tf.KernelConfig = replacingConfig('AvgPool', guarded('AvgPool'));
