/**
 * wasm kernel for `BatchMatMul` (replaces stock tfjs-backend-wasm's, XNNPACK, where phasewise's
 * kernels apply — its transposed cases run at 1–2 GFLOP/s here, against 25–50 for its plain one,
 * and a dense layer's gradients are exactly those: `dW = xᵀ dy`, `dx = dy Wᵀ`):
 *
 * - `C = A B`: a 1×1 convolution of A's rows with B packed in blocks of 8 columns (once per B
 *   tensor) through the direct SIMD kernel (directConv.ts), `m % 4 == 0`;
 * - `C = Aᵀ B` (a weight gradient, a Gram matrix `Fᵀ F`): the direct kernel reading A and B in place,
 *   k in cached bands (directMatMul.ts), `m % 4 == 0` — for `Aᵀ A` (the same tensor twice) only the
 *   upper triangle's blocks, mirrored (exactly symmetric, half the products); otherwise the outer-product kernel
 *   (outerFilter.ts: the filter gradient of a 1×1 convolution, k cut into parts summed in order);
 * - `C = A Bᵀ`: a 1×1 convolution of A's rows with B as the filter (packed once per tensor), `k ≥ 8`.
 *
 * Formula: `C[i, m, n] = Σ_k A'[i, m, k] · B'[i, k, n]` with `A' = A` or `Aᵀ`, `B' = B` or `Bᵀ`, per
 * batch entry. Needs float32, rank 2 or 3, equal batch sizes, `n % 8 == 0`; everything else (both
 * transposed, batch broadcasting, other sizes) goes to the stock kernel. Results do not depend on the
 * thread count.
 *
 * @example
 * ```ts
 * const y = tf.matMul(x, w);                   // x [64, 784], w [784, 128]: packed B, direct kernel
 * const dW = tf.matMul(x, dy, true, false);    // x [64, 784], dy [64, 128]: in place, k in bands
 * const dx = tf.matMul(dy, w, false, true);    // dy [64, 128], w [784, 128]: packed Bᵀ, direct kernel
 * ```
 */
import { tf } from '../tf.js';
import type { ConvGeometry } from './convGeometry.js';
import { directConv, directConvPlan, directConvTuning, packedFilter, type DirectPlan } from './directConv.js';
import { directCalls, gramJobs, matMulJobs, mirrorGram } from './directMatMul.js';
import { outerFilterGradient } from './outerFilter.js';
import { relaxedSimd } from './relaxedSimd.js';
import { outerFilterKernel, type OuterFilter } from './simdOuterFilter.js';
import { POOL_PARTS, poolThreads, runJobs } from './simdPool.js';
import { disposeInfo, f32, heapAddress, replacedStockKernel, replacingConfig, withAlias } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'BatchMatMul';

/** Tuning: phasewise's kernels for `A B`, `Aᵀ B`, `A Bᵀ` (false: the stock kernel for that case); `gram`: `Aᵀ A` by half the products. */
export const matMulTuning = { plain: true, transposedA: true, transposedB: true, gram: true };

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

/** The same data under another shape of the same size (the wasm backend keeps no shape with the data). */
const reshaped = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

/** A 1×1 convolution's geometry: `rows × cols` pixels of `k` channels to `n` outputs. */
const pointwise = (rows: number, cols: number, k: number, n: number): ConvGeometry => ({
  batch: 1, inHeight: rows, inWidth: cols, inChannels: k, outHeight: rows, outWidth: cols, outChannels: n,
  filterHeight: 1, filterWidth: 1, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
  padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
});

/**
 * `[batch, m, n]` from `entry(i)`, the `m × n` product of batch entry i (a new tensor, copied in and
 * freed; for one entry, the result itself). A failure frees the output before rethrowing.
 */
function perEntry(backend: WasmBackend, batch: number, m: number, n: number, entry: (i: number) => TensorInfo): TensorInfo {
  if (batch === 1) return reshaped(entry(0), [1, m, n]);
  const out = backend.makeOutput([batch, m, n], 'float32');
  for (let i = 0; i < batch; i++) {
    let c: TensorInfo;
    try {
      c = entry(i);
    } catch (e) {
      disposeInfo(backend, out);
      throw e;
    }
    f32(backend, out).set(f32(backend, c), i * m * n);
    disposeInfo(backend, c);
  }
  return out;
}

/** `Aᵀ B` per batch entry with the outer-product kernel. */
function transposedA(backend: WasmBackend, a: TensorInfo, b: TensorInfo, outer: OuterFilter, fma: boolean): TensorInfo {
  const [batch, k, m] = a.shape;
  const n = b.shape[2];
  const g = transposedAGeometry(k, m, n);
  return perEntry(backend, batch, m, n, (i) =>
    withAlias(backend, a, i * k * m, [g.batch, g.inHeight, g.inWidth, m], (av) =>
      withAlias(backend, b, i * k * n, [g.batch, g.outHeight, g.outWidth, n], (bv) => outerFilterGradient(backend, g, av, bv, outer, [1, 1, m, n], fma))));
}

/**
 * `A Bᵀ` per batch entry with the direct-convolution kernel: a 1×1 convolution of the `m` rows of A
 * (one image row of `m` pixels, `k` channels) with B packed in blocks of 8 rows (once per B tensor).
 */
function transposedB(backend: WasmBackend, a: TensorInfo, b: TensorInfo, plan: DirectPlan): TensorInfo {
  const [batch, m, k] = a.shape;
  const n = b.shape[1];
  const g = pointwise(1, m, k, n);
  return perEntry(backend, batch, m, n, (i) => {
    const packed = packedFilter(backend, b, `matMulB:${i}`, [i], n, k, true); // (made before the alias: it allocates)
    return withAlias(backend, a, i * m * k, [1, 1, m, k], (av) => directConv(backend, g, av, packed, plan));
  });
}

/**
 * `A B` per batch entry with the direct kernel: a 1×1 convolution of A's `m` rows (laid out as
 * `rows × cols` pixels, cols a multiple of 4: read in place) with B packed in blocks of 8 columns
 * (once per B tensor, a strided wasm copy) — B read in place would cost a cache line per row per tile.
 */
function packedB(backend: WasmBackend, a: TensorInfo, b: TensorInfo, plan: DirectPlan): TensorInfo {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const cols = 4 * divisorUpTo(m / 4, 16);
  const g = pointwise(m / cols, cols, k, n);
  return perEntry(backend, batch, m, n, (i) => {
    const packed = packedFilter(backend, b, `matMulAB:${i}`, [i], k, n, false); // (made before the alias: it allocates)
    return withAlias(backend, a, i * m * k, [1, g.inHeight, cols, k], (av) => directConv(backend, g, av, packed, plan));
  });
}

/** `Aᵀ A` for every batch entry (the same tensor twice: a Gram matrix), half the products (directMatMul.ts). */
function gram(backend: WasmBackend, a: TensorInfo, plan: DirectPlan): TensorInfo {
  const [batch, k, m] = a.shape;
  const out = backend.makeOutput([batch, m, m], 'float32');
  const [aAt, cAt] = [a, out].map((t) => heapAddress(backend, t));
  const threads = poolThreads(backend);
  const jobs = Array.from({ length: batch }, (_, i) => gramJobs(plan.fma, aAt + 4 * i * k * m, cAt + 4 * i * m * m, m, k, threads)).flat();
  try {
    runJobs(backend, 'directCalls', jobs, (job) => directCalls(backend, job, plan.conv), (batch * m * k * m) / 2);
  } catch (e) {
    disposeInfo(backend, out); // a failed job (a worker's error): free the output before rethrowing
    throw e;
  }
  const c = f32(backend, out);
  for (let i = 0; i < batch; i++) mirrorGram(c.subarray(i * m * m, (i + 1) * m * m), m);
  return out;
}

/** `Aᵀ B` for every batch entry with the direct kernel reading A and B in place (directMatMul.ts). */
function inPlace(backend: WasmBackend, a: TensorInfo, b: TensorInfo, plan: DirectPlan): TensorInfo {
  const [batch, k, m] = a.shape;
  const n = b.shape[2];
  const out = backend.makeOutput([batch, m, n], 'float32');
  const [aAt, bAt, cAt] = [a, b, out].map((t) => heapAddress(backend, t));
  const threads = poolThreads(backend);
  const jobs = Array.from({ length: batch }, (_, i) =>
    matMulJobs(plan.fma, aAt + 4 * i * m * k, bAt + 4 * i * k * n, cAt + 4 * i * m * n, m, k, n, threads)).flat();
  try {
    runJobs(backend, 'directCalls', jobs, (job) => directCalls(backend, job, plan.conv), batch * m * k * n);
  } catch (e) {
    disposeInfo(backend, out); // a failed job (a worker's error): free the output before rethrowing
    throw e;
  }
  return out;
}

/** The product by phasewise's kernels, or undefined for the stock kernel's cases (rank 2 or 3 operands). */
export function matMulOurs(backend: WasmBackend, a0: TensorInfo, b0: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  // matrices (rank 2) as a batch of one
  const rank2 = a0.shape.length === 2 && b0.shape.length === 2;
  const [a, b] = [a0, b0].map((t) => (rank2 ? reshaped(t, [1, ...t.shape]) : t));
  const out = ours(backend, a, b, transposeA, transposeB);
  return out && rank2 ? reshaped(out, out.shape.slice(1)) : out;
}

function batchMatMul(args: KernelArgs): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  return matMulOurs(args.backend as WasmBackend, a, b, !!transposeA, !!transposeB) ??
    replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
}

/** The product by one of phasewise's kernels, or undefined for the stock kernel's cases. */
function ours(backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  const plain = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length === 3 && b.shape.length === 3 && a.shape[0] === b.shape[0];
  if (!plain) return undefined;
  const [m, k] = transposeA ? [a.shape[2], a.shape[1]] : [a.shape[1], a.shape[2]];
  const n = transposeB ? b.shape[1] : b.shape[2];
  if (k === 0 && (transposeB ? b.shape[2] : b.shape[1]) === 0) {
    // an empty sum: zeros (the stock kernel leaves the output's memory as it found it)
    const out = backend.makeOutput([a.shape[0], m, n], 'float32');
    f32(backend, out).fill(0);
    return out;
  }
  const plan = b.shape[2] % 8 === 0 && b.shape[2] > 0 && a.shape[1] * a.shape[2] > 0 ? directConvPlan(backend) : undefined;
  if (plan && !transposeA && !transposeB && matMulTuning.plain && b.shape[1] === a.shape[2] && a.shape[1] % 4 === 0) return packedB(backend, a, b, plan);
  if (plan && transposeA && !transposeB && matMulTuning.transposedA && b.shape[1] === a.shape[1] && a.shape[2] % 4 === 0) {
    return a.dataId === b.dataId && matMulTuning.gram ? gram(backend, a, plan) : inPlace(backend, a, b, plan);
  }
  if (transposeA && !transposeB && matMulTuning.transposedA && b.shape[1] === a.shape[1] && b.shape[2] % 8 === 0 && b.shape[2] > 0 && a.shape[1] * a.shape[2] > 0) {
    const fma = relaxedSimd();
    const outer = outerFilterKernel(backend, fma);
    if (outer) return transposedA(backend, a, b, outer, fma);
  }
  if (transposeB && !transposeA && matMulTuning.transposedB && b.shape[2] === a.shape[2] && b.shape[1] % 8 === 0 && b.shape[1] > 0 &&
    a.shape[2] >= directConvTuning.minInChannels && a.shape[1] > 0) {
    const tplan = directConvPlan(backend);
    if (tplan) return transposedB(backend, a, b, tplan);
  }
  return undefined;
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const batchMatMulConfig: tf.KernelConfig = replacingConfig(KERNEL, batchMatMul);
