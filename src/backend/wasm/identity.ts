/**
 * wasm kernel for `Identity` that shares its input's data (reference-counted) instead of copying it.
 *
 * tfjs clones every tensor a gradient saves (`saveTensorsForBackwardMode` → Identity), so stock
 * tfjs-backend-wasm copies each saved input on every training step: every layer's weights and
 * activations (12 ms of a VGG16 128 px style-loss gradient). A tensor's data never changes once
 * written, so the clone can share it — as the cpu backend's Identity and wasm's own Reshape do —
 * and keeps the same id, so XNNPACK's per-tensor caches (packed weights) and phasewise's derived
 * filters (derivedTensors.ts) stay valid across steps. Strings keep the stock path.
 *
 * `identity(x)` = x: same values, same data buffer; disposing either tensor leaves the other intact.
 *
 * @example
 * ```ts
 * const c = tf.clone(w);   // no copy on wasm once registerWasmTrainingKernels() ran
 * ```
 */
import { tf } from '../tf.js';
import { replacedStockKernel } from './wasmHeap.js';
import type { KernelArgs, TensorInfo } from './wasmHeap.js';

const KERNEL = 'Identity';

/** `x` itself under a new reference (the backend counts one more owner of its data); for Identity and a same-dtype Cast. */
export function sharedData(args: KernelArgs): TensorInfo {
  const x = args.inputs.x;
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function identity(args: KernelArgs): TensorInfo {
  if (args.inputs.x.dtype === 'string') return replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
  return sharedData(args);
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const identityConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};
