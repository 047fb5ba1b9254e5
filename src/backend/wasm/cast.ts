/**
 * wasm kernel for `Cast` that shares its input's data when the dtype does not change (as the cpu and
 * webgl backends' Cast do), instead of stock tfjs-backend-wasm's copy. Every ReLU's gradient is
 * `dy · cast(step(x), 'float32')` with `step(x)` already float32, so each training step copied every
 * ReLU activation once more (2.1 ms of a VGG16 128 px style-loss gradient, 1.2 ms of the benchmark's
 * CNN step). Casts to bool from float32 or int32 are `x ≠ 0` (NaN included), as on the cpu backend —
 * stock wasm wraps the number into a byte, so -1.7 became 255 and 2.5 became 2; other conversions
 * (float32 → int32, bool → float32, …) keep the stock kernel.
 *
 * `cast(x, x.dtype)` = x: same values, same data buffer (reference-counted, as Identity in identity.ts);
 * disposing either tensor leaves the other intact.
 *
 * @example
 * ```ts
 * const y = tf.cast(x, 'float32');   // x float32: no copy once registerWasmTrainingKernels() ran
 * ```
 */
import { tf } from '../tf.js';
import { sharedData } from './identity.js';
import { replacedStockKernel, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Cast';

function cast(args: KernelArgs): TensorInfo {
  const x = args.inputs.x;
  const backend = args.backend as WasmBackend;
  const { dtype } = (args.attrs ?? {}) as { dtype?: string };
  if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    // true where x ≠ 0 (NaN too), as on the cpu backend; stock wasm wraps the number into a byte (-1.7 → 255, 2.5 → 2)
    const out = backend.makeOutput(x.shape, 'bool');
    const [src, dst] = [backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out)];
    for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  if (dtype !== x.dtype || x.dtype === 'string' || x.dtype === 'complex64') {
    return replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
  }
  return sharedData(args);
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const castConfig: tf.KernelConfig = replacingConfig(KERNEL, cast);
