/**
 * Registration of phasewise's wasm training kernels.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from 'phasewise';
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels();   // conv nets now train on wasm
 * ```
 */
import { tf } from '../tf.js';
import { addConfig } from './add.js';
import { batchMatMulConfig } from './batchMatMul.js';
import { conv2dConfig } from './conv2d.js';
import { fusedConv2dConfig, fusedMatMulConfig } from './fusedOps.js';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter.js';
import { conv2dBackpropInputConfig } from './conv2dBackpropInput.js';
import { depthwiseBackpropFilterConfig } from './depthwiseBackpropFilter.js';
import { depthwiseBackpropInputConfig } from './depthwiseBackpropInput.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './maxPoolGrad.js';
import { transposeConfig } from './transpose.js';
import { sumLeadingAxesConfig } from './sumLeadingAxes.js';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum.js';
import { rememberReplacedKernel } from './wasmHeap.js';

const CONFIGS: readonly tf.KernelConfig[] = [
  conv2dConfig,
  batchMatMulConfig,
  fusedConv2dConfig,
  fusedMatMulConfig,
  addConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
  sumLeadingAxesConfig,
  identityConfig,
  maxPoolGradConfig,
  transposeConfig,
];

/** Kernel names phasewise registers for the 'wasm' backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = CONFIGS.map((c) => c.kernelName);

function wasmIsReady(): boolean {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  return engine.registry.wasm != null;
}

/**
 * Register phasewise's wasm kernels for the gradient ops that stock tfjs-backend-wasm 4.22 lacks
 * or runs slowly, so convolutional nets and embeddings train on wasm:
 *
 * - `Conv2DBackpropFilter`: `dW = im2col(x)ᵀ · dy` as one non-transposed XNNPACK matmul per chunk (small
 *   `K = fh·fw·cin` such as a first layer: a wasm SIMD kernel, no matmul packing);
 * - `Conv2DBackpropInput` (replaces the stock one): `dx = conv2d(dy, flip(W)ᵀ)` for stride 1,
 *   `dx = col2im(dy · Wᵀ)` otherwise;
 * - `DepthwiseConv2dNativeBackpropFilter` / `DepthwiseConv2dNativeBackpropInput`:
 *   `dW[kh,kw,c,m] = Σ x[…, c]·dy[…, c*M+m]`, `dx[…, c] = Σ_{kh,kw,m} dy[…, c*M+m]·W[kh,kw,c,m]`
 *   (C·M % 4 == 0: small hand-assembled wasm SIMD kernels on the backend's heap;
 *   stride-1 dx: XNNPACK's depthwise conv with the flipped filter);
 * - `UnsortedSegmentSum` (the gradient of gather, i.e. embeddings): `out[s, …] = Σ_{i: ids[i]=s} x[i, …]`;
 * - `Sum` (replaces the stock one, which it calls for other cases) over a block of leading/middle
 *   axes, e.g. bias gradients: `out[o, j] = Σ_r x[o, r, j]` in one pass, without a transpose;
 * - `Identity` (replaces the stock copy): shares the input's data, as the cpu backend does — the
 *   tensors a gradient saves are no longer copied on every step;
 * - `MaxPoolGrad` (replaces the stock one, ~4× faster): the first maximum of each window gets the gradient;
 * - `Transpose` of the last two axes (replaces the stock one for sizes that are multiples of 4): SIMD 4×4 blocks.
 *
 * Idempotent. Call it after the wasm backend is initialised (`await tf.setBackend('wasm')`);
 * `initBackend('wasm')` calls it for you. Throws an Error if the wasm backend is not ready.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels();
 * const g = tf.grad((w: tf.Tensor4D) => tf.sum(tf.conv2d(x, w, 1, 'same')))(w);
 * ```
 */
export function registerWasmTrainingKernels(): void {
  if (!wasmIsReady()) {
    throw new Error(
      "registerWasmTrainingKernels: the 'wasm' backend is not initialised; import '@tensorflow/tfjs-backend-wasm' and " +
        "`await tf.setBackend('wasm')` (or `await initBackend('wasm')`) first",
    );
  }
  for (const config of CONFIGS) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing === config) continue;
    if (existing) {
      rememberReplacedKernel(existing, config);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}
