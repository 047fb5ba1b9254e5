/**
 * wasm kernel for `BatchMatMul` with one transposed operand (replaces stock tfjs-backend-wasm's for
 * those cases, which run at 1–2 GFLOP/s here against 16–42 for its plain matmul — and a dense
 * layer's gradients are exactly these: `dW = xᵀ dy`, `dx = dy Wᵀ`):
 *
 * - `C = Aᵀ B` (a weight gradient, a Gram matrix `Fᵀ F`) is the filter gradient of a 1×1
 *   convolution: phasewise's outer-product SIMD kernel (outerFilter.ts) reads A and B in place;
 *   the k range is cut into at most POOL_PARTS parts summed in order (or the columns into blocks
 *   of 8, each summed by one thread);
 * - `C = A Bᵀ` is a 1×1 convolution of A's rows with B as the filter: the direct SIMD kernel
 *   (directConv.ts), B packed once per tensor.
 *
 * Formula: `C[i, m, n] = Σ_k A'[i, m, k] · B'[i, k, n]` with `A' = Aᵀ` or `B' = Bᵀ` per batch entry.
 * Needs `n % 8 == 0` (and `k ≥ 8` for `A Bᵀ`), float32, equal batch sizes; everything else (no
 * transpose, both transposed, batch broadcasting) goes to the stock kernel. Results do not depend on
 * the thread count.
 *
 * @example
 * ```ts
 * const dW = tf.matMul(x, dy, true, false);   // x [64, 784], dy [64, 128]: the outer-product kernel
 * const dx = tf.matMul(dy, w, false, true);   // dy [64, 128], w [784, 128]: the direct kernel
 * ```
 */
import { tf } from '../tf.js';
import type { ConvGeometry } from './convGeometry.js';
import { directConv, directConvPlan, directConvTuning, packedFilter, type DirectPlan } from './directConv.js';
import { outerFilterGradient } from './outerFilter.js';
import { relaxedSimd } from './relaxedSimd.js';
import { outerFilterKernel, type OuterFilter } from './simdOuterFilter.js';
import { POOL_PARTS } from './simdPool.js';
import { aliasOf, disposeInfo, f32, releaseAlias, replacedSetup, replacedStockKernel } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'BatchMatMul';

/** Tuning: use the outer-product kernel for `Aᵀ B`, the direct kernel for `A Bᵀ` (false: the stock kernel). */
export const matMulTuning = { transposedA: true, transposedB: true };

/** The largest divisor of `n` that is at most `limit`. */
function divisorUpTo(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/**
 * `Aᵀ B` for one batch entry as a 1×1 convolution's filter gradient: k positions laid out as
 * `parts` images of `rows × cols` (so the kernel works in cache-sized bands of rows and the pool
 * can split the images).
 */
export function transposedAGeometry(k: number, m: number, n: number): ConvGeometry {
  const parts = divisorUpTo(k, POOL_PARTS);
  const cols = divisorUpTo(k / parts, 64);
  const rows = k / parts / cols;
  return {
    batch: parts, inHeight: rows, inWidth: cols, inChannels: m, outHeight: rows, outWidth: cols, outChannels: n,
    filterHeight: 1, filterWidth: 1, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
    padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
  };
}

/** `Aᵀ B` per batch entry with the outer-product kernel. */
function transposedA(backend: WasmBackend, a: TensorInfo, b: TensorInfo, outer: OuterFilter, fma: boolean): TensorInfo {
  const [batch, k, m] = a.shape;
  const n = b.shape[2];
  const g = transposedAGeometry(k, m, n);
  const out = backend.makeOutput([batch, m, n], 'float32');
  for (let i = 0; i < batch; i++) {
    const av = aliasOf(backend, a, i * k * m, [g.batch, g.inHeight, g.inWidth, m]);
    const bv = aliasOf(backend, b, i * k * n, [g.batch, g.outHeight, g.outWidth, n]);
    let c: TensorInfo;
    try {
      c = outerFilterGradient(backend, g, av, bv, outer, [1, 1, m, n], fma);
    } catch (e) {
      disposeInfo(backend, out);
      throw e;
    } finally {
      releaseAlias(backend, av);
      releaseAlias(backend, bv);
    }
    f32(backend, out).set(f32(backend, c), i * m * n);
    disposeInfo(backend, c);
  }
  return out;
}

/**
 * `A Bᵀ` per batch entry with the direct-convolution kernel: a 1×1 convolution of the `m` rows of A
 * (one image row of `m` pixels, `k` channels) with B packed in blocks of 8 rows (once per B tensor).
 */
function transposedB(backend: WasmBackend, a: TensorInfo, b: TensorInfo, plan: DirectPlan): TensorInfo {
  const [batch, m, k] = a.shape;
  const n = b.shape[1];
  const g: ConvGeometry = {
    batch: 1, inHeight: 1, inWidth: m, inChannels: k, outHeight: 1, outWidth: m, outChannels: n,
    filterHeight: 1, filterWidth: 1, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
    padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
  };
  if (batch === 1) return reshaped(directConv(backend, g, a, packedFilter(backend, b, 'matMulB:0', [0], n, k, true), plan), [1, m, n]);
  const out = backend.makeOutput([batch, m, n], 'float32');
  for (let i = 0; i < batch; i++) {
    const packed = packedFilter(backend, b, `matMulB:${i}`, [i], n, k, true); // (made before the alias: it allocates)
    const av = aliasOf(backend, a, i * m * k, [1, 1, m, k]);
    let c: TensorInfo;
    try {
      c = directConv(backend, g, av, packed, plan);
    } catch (e) {
      disposeInfo(backend, out);
      throw e;
    } finally {
      releaseAlias(backend, av);
    }
    f32(backend, out).set(f32(backend, c), i * m * n);
    disposeInfo(backend, c);
  }
  return out;
}

/** The same data under another shape of the same size (the wasm backend keeps no shape with the data). */
const reshaped = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

function batchMatMul(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const plain = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length === 3 && b.shape.length === 3 && a.shape[0] === b.shape[0];
  if (plain && transposeA && !transposeB && matMulTuning.transposedA && b.shape[1] === a.shape[1] && b.shape[2] % 8 === 0 && a.shape[1] * a.shape[2] > 0) {
    const fma = relaxedSimd();
    const outer = outerFilterKernel(backend, fma);
    if (outer) return transposedA(backend, a, b, outer, fma);
  }
  if (plain && transposeB && !transposeA && matMulTuning.transposedB && b.shape[2] === a.shape[2] && b.shape[1] % 8 === 0 &&
    a.shape[2] >= directConvTuning.minInChannels && a.shape[1] > 0) {
    const plan = directConvPlan(backend);
    if (plan) return transposedB(backend, a, b, plan);
  }
  return replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
  // the stock kernel it defers to binds its wasm function in its setup, run when the backend starts
  setupFunc: replacedSetup(KERNEL) as unknown as tf.KernelSetupFunc,
};
