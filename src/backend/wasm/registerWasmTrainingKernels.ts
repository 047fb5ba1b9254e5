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
import { squaredDifferenceConfig } from './squaredDifference.js';
import { batchMatMulConfig } from './batchMatMul.js';
import { conv2dConfig } from './conv2d.js';
import { fusedConv2dConfig, fusedMatMulConfig } from './fusedOps.js';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter.js';
import { conv2dBackpropInputConfig } from './conv2dBackpropInput.js';
import { depthwiseBackpropFilterConfig } from './depthwiseBackpropFilter.js';
import { depthwiseBackpropInputConfig } from './depthwiseBackpropInput.js';
import { depthwiseForwardConfig } from './depthwiseForward.js';
import { identityConfig } from './identity.js';
import { castConfig } from './cast.js';
import { multiplyConfig, realDivConfig, reluConfig, stepConfig, subConfig } from './elementwise.js';
import { maxPoolGradConfig } from './maxPoolGrad.js';
import { avgPoolConfig, maxPoolConfig } from './pooling.js';
import { tileConfig } from './tile.js';
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
  squaredDifferenceConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  depthwiseForwardConfig,
  unsortedSegmentSumConfig,
  sumLeadingAxesConfig,
  identityConfig,
  castConfig,
  reluConfig,
  stepConfig,
  multiplyConfig,
  subConfig,
  realDivConfig,
  maxPoolGradConfig,
  transposeConfig,
  tileConfig,
  maxPoolConfig,
  avgPoolConfig,
];

/** Kernel names phasewise registers for the 'wasm' backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = CONFIGS.map((c) => c.kernelName);

function wasmIsReady(): boolean {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  return engine.registry.wasm != null;
}

/**
 * Register phasewise's wasm kernels for the ops that stock tfjs-backend-wasm 4.22 lacks or runs
 * slowly, so convolutional nets and embeddings train on wasm (replaced stock kernels stay in use for
 * the cases phasewise's do not take):
 *
 * - `Conv2D`, `FusedConv2D` (NHWC float32, `cin ≥ 8`): 3×3 stride-1 layers by Winograd F(2×2, 3×3) or
 *   F(4×4, 3×3) (winograd.ts), others with `cout % 8 == 0` by a register-tiled SIMD kernel
 *   (`y = Σ x·W`, 4 positions × 8 channels in registers; directConv.ts); fused bias and activation by
 *   the backend's own element-wise kernels;
 * - `BatchMatMul`, `_FusedMatMul`: `A B`, `Aᵀ B` (Gram matrices `Aᵀ A` by half the products) and
 *   `A Bᵀ` by the same SIMD kernel (batchMatMul.ts);
 * - `Conv2DBackpropFilter`: a SIMD outer-product kernel for `cout % 8 == 0` (`dW = Σ x ⊗ dy`), else
 *   matmul paths;
 * - `Conv2DBackpropInput`: `dx = conv2d(dy, flip(W)ᵀ)` for stride 1 (Winograd / the direct kernel),
 *   `sh·sw` sub-pixel convolutions for strides, `col2im(dy · Wᵀ)` with dilations;
 * - `DepthwiseConv2dNativeBackpropFilter` / `DepthwiseConv2dNativeBackpropInput`:
 *   `dW[kh,kw,c,m] = Σ x[…, c]·dy[…, c*M+m]`, `dx[…, c] = Σ_{kh,kw,m} dy[…, c*M+m]·W[kh,kw,c,m]`
 *   (C·M % 4 == 0: wasm SIMD kernels on the backend's heap, many generated per layer geometry);
 * - `DepthwiseConv2dNative` with `C % 4 == 0`, multiplier 2, or 1 at stride 1: the input gradient's
 *   generated gather kernels on x and the unflipped filter (the stock kernel otherwise);
 * - `UnsortedSegmentSum` (the gradient of gather, i.e. embeddings): `out[s, …] = Σ_{i: ids[i]=s} x[i, …]`;
 * - `Sum` over a block of leading/middle axes, e.g. bias gradients: `out[o, j] = Σ_r x[o, r, j]` in one
 *   pass, without a transpose; `Add` of a per-channel vector (a bias) and `SquaredDifference` of
 *   same-shape tensors in SIMD;
 * - `Identity`: shares the input's data, as the cpu backend does — the tensors a gradient saves are
 *   no longer copied on every step;
 * - `MaxPoolGrad`: the first maximum of each window gets the gradient (2×2 stride-2 windows in SIMD);
 * - `Transpose` of the last two axes (sizes that are multiples of 4): SIMD 4×4 blocks;
 * - `Tile` by block copies (the batch-norm gradient tiles a per-channel vector over the activation);
 * - `MaxPool`, `AvgPool`: the stock kernels, except that an integer pad with a non-square window or
 *   strides (which they compute wrongly) is an error naming the explicit padding (integerPad.ts).
 *
 * The SIMD kernels use relaxed SIMD's fused multiply-add where the engine has it (relaxedSimd.ts;
 * under Node 20 it is switched on at run time, `PHASEWISE_WASM_FMA=0` keeps mul + add).
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
