/**
 * `C = Aᵀ B` (A `[k, m]`, B `[k, n]`: a weight gradient `xᵀ dy`, a Gram matrix `Fᵀ F`) with the
 * register-tiled direct kernel (simdDirectConv.ts), A and B read in place (no transposes, no
 * packing: A's columns are the kernel's pixels, 4 adjacent floats; its rows the channels,
 * `cStep = 4m`; B's rows the weights, `wStep = 4n`). k is walked in bands of rows that stay in
 * cache, each band adding to C (`accumulate`), so every sum runs over k in order whatever the split:
 * results do not depend on the thread count. Threads split the column blocks of C (or, with fewer
 * blocks than threads, its rows).
 *
 * Formula: `C[i, j] = Σ_k A[k, i] · B[k, j]`. Requires `m % 4 == 0`, `n % 8 == 0`, `k ≥ 1`.
 *
 * @example
 * ```ts
 * const jobs = matMulJobs(plan.fma, a, b, c, 64, 16384, 64, 2);   // byte addresses: a Gram matrix
 * runJobs(backend, 'directCalls', jobs, (job) => directCalls(backend, job, plan.conv), 64 * 16384 * 64);
 * ```
 */
import { directConvTuning } from './directConv.js';
import { directConvKernel, type DirectConv } from './simdDirectConv.js';
import { splitRange } from './simdPool.js';
import type { WasmBackend } from './wasmHeap.js';

/** Kernel calls (plain data: a pool worker can run them), each the kernel's 19 arguments. */
export interface CallsJob { fma: boolean; calls: number[][] }

/** Run a job's calls in order. */
export function directCalls(backend: WasmBackend, job: CallsJob, conv = directConvKernel(backend, job.fma)): void {
  if (!conv) throw new Error('phasewise matMul: no SIMD direct kernel on this memory');
  for (const c of job.calls) (conv as (...a: number[]) => void)(...c);
}

/** `[k0, rows]` bands of `[0, k)` whose rows (`rowBytes` each, of A and B together) fit directConvTuning.bandBytes; at least 16 rows. */
function kBands(k: number, rowBytes: number): [number, number][] {
  const kb = Math.max(16, Math.floor(directConvTuning.bandBytes / rowBytes));
  const bands: [number, number][] = [];
  for (let k0 = 0; k0 < k; k0 += kb) bands.push([k0, Math.min(kb, k - k0)]);
  return bands;
}

/**
 * The jobs of `C = Aᵀ B` (byte addresses `a` of A `[k, m]`, `b` of B `[k, n]`, `c` of C `[m, n]`),
 * about `threads` of them.
 */
export function matMulJobs(fma: boolean, a: number, b: number, c: number, m: number, k: number, n: number, threads: number): CallsJob[] {
  const blocks = n / 8;
  // Aᵀ B: bands of k rows (A and B rows of the band fit the cache), each adding to C
  const bands = kBands(k, 4 * (m + n));
  const split = blocks >= threads
    ? splitRange(blocks, threads).map(([b0, b1]) => [0, m / 4, b0, b1])
    : splitRange(m / 4, Math.min(m / 4, threads)).map(([q0, q1]) => [q0, q1, 0, blocks]);
  return split.map(([q0, q1, b0, b1]) => {
    const calls = bands.map(([k0, rowsK]) => [a + 4 * (k0 * m + 4 * q0), b + 4 * k0 * n + 32 * b0, c + 4 * 4 * q0 * n + 32 * b0, 4 * rowsK * m, 1, 1, 0, 0, 0, 4,
      1, 4 * (q1 - q0), 0, 4 * n, b1 - b0, 32, 4 * m, 4 * n, k0 > 0 ? 1 : 0]);
    return { fma, calls };
  });
}

/**
 * The jobs of a Gram matrix `C = Aᵀ A` (A `[k, m]`, `m % 8 == 0`), symmetric: for each group j of
 * 8 rows only the column blocks `≥ j` are computed (the upper triangle and the diagonal blocks, about
 * half the products), one call per row group and k band; {@link mirrorGram} then copies the rest
 * across the diagonal, so C is exactly symmetric. Row groups are dealt round-robin to the jobs
 * (earlier groups have more blocks), k in cached bands as in {@link matMulJobs}; every value is one
 * ordered sum whatever the split. (By row groups rather than by column blocks — the same sums, bitwise —
 * took 2.41–2.76 vs 2.80–3.11 ms on [16384, 64] and 2.18–2.27 vs 2.49–2.77 on [4096, 128] with
 * 2 threads, and equal or less at the other VGG sizes: interleaved, 2026-12-01.)
 */
export function gramJobs(fma: boolean, a: number, c: number, m: number, k: number, threads: number): CallsJob[] {
  const blocks = m / 8;
  const bands = kBands(k, 8 * m);
  const jobs = Array.from({ length: Math.min(blocks, threads) }, (_, t) => {
    const calls: number[][] = [];
    for (const [k0, rowsK] of bands) {
      for (let j = t; j < blocks; j += threads) {
        // rows 8j … 8j + 7 against the column blocks j … end
        calls.push([a + 4 * k0 * m + 32 * j, a + 4 * k0 * m + 32 * j, c + 4 * 8 * j * m + 32 * j, 4 * rowsK * m, 1, 1, 0, 0, 0, 4,
          1, 8, 0, 4 * m, blocks - j, 32, 4 * m, 4 * m, k0 > 0 ? 1 : 0]);
      }
    }
    return { fma, calls };
  });
  return jobs;
}

/** Complete a {@link gramJobs} result: `C[i][j] = C[j][i]` for `i` in a later block of 8 than `j`. */
export function mirrorGram(c: Float32Array, m: number): void {
  for (let i = 8; i < m; i++) {
    const lastJ = (i & ~7) - 1; // columns of the earlier blocks
    for (let j = 0; j <= lastJ; j++) c[i * m + j] = c[j * m + i];
  }
}

