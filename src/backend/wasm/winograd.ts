/**
 * A 3×3 stride-1 NHWC convolution by Winograd's F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): each 2×2 output tile takes 16 multiplications per
 * channel pair instead of 36, so the multiply-adds drop 2.25×.
 *
 * Formula, per 4×4 input tile `d` (stride 2 over the zero-padded input) and channel pair `(c, k)`:
 * `Y = Aᵀ [ Σ_c (G g_ck Gᵀ) ⊙ (Bᵀ d_c B) ] A` with
 * `G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]]`, `Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]`,
 * `Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]`. Steps: the filter transform `U[ξ] = (G g Gᵀ)[ξ]` once per
 * filter tensor (packed for the direct kernel, kept while the filter lives); the input transform
 * `V[ξ] = (Bᵀ d B)[ξ]` (simdWinograd.ts); 16 products `M[ξ] = V[ξ] [tiles × cin] · U[ξ] [cin × cout]`
 * with the register-tiled direct kernel (simdDirectConv.ts); the output transform `Y = Aᵀ M A`.
 * Every step's jobs write their own memory and every sum has a fixed order, so results do not depend
 * on the thread count. Rounding differs from the direct sum (errors ~1e-6 relative for unit data).
 *
 * @example
 * ```ts
 * const U = winogradFilter(backend, filter, 'forward', [0, 1, 2, 3, 4, 5, 6, 7, 8], 64, 128, false);
 * const y = winogradConv(backend, g, x, U, directConvPlan(backend)!, winogradKernels(backend)!);
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { fillPadded } from './depthwiseFilterSimd.js';
import { derived } from './derivedTensors.js';
import { directConvRows, directConvTuning, withPaddedOutputs, type DirectJob, type DirectPlan } from './directConv.js';
import { poolThreads, runJobs, simdPoolTuning, splitRange } from './simdPool.js';
import { winogradKernels, type WinogradKernels } from './simdWinograd.js';
import { WINOGRAD } from './winogradMatrices.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/**
 * Tuning: use Winograd where it applies (false: the direct kernel); floats of V or M per group of
 * images; the output tile (0: F(4×4, 3×3) from `m4MinPixels` output pixels per image, F(2×2, 3×3)
 * below, where its 36 transformed filters would be streamed for few tiles — measured on VGG16's
 * layers: F(4×4) 1.3–1.6× faster than F(2×2) from 16×16 up, slower at 8×8); the fewest outputs
 * (below, the input transform costs more than the products save: the direct kernel instead).
 * (The transforms count simdPoolTuning.copyCost per value toward the pool's work.)
 */
export const winogradTuning = { enabled: true, groupFloats: 1 << 23, tile: 0 as 0 | 2 | 4, m4MinPixels: 256, minOutChannels: 8 };

/** The output tile size m for geometry `g` (see {@link winogradTuning}). */
export function winogradTile(g: ConvGeometry): 2 | 4 {
  if (winogradTuning.tile) return winogradTuning.tile;
  return g.outHeight * g.outWidth >= winogradTuning.m4MinPixels ? 4 : 2;
}

/**
 * The convolution of `x` by Winograd with the filter made from `filter` as in {@link winogradFilter}
 * (`key`, `taps`, `cin`, `cout`, `transposed`), or undefined without the SIMD kernels. Requires {@link winogradApplies}.
 */
export function winogradRun(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, plan: DirectPlan, filter: TensorInfo, key: string,
  taps: number[], cin: number, cout: number, transposed: boolean): TensorInfo | undefined {
  const m = winogradTile(g);
  const k = winogradKernels(backend, m);
  if (!k) return undefined;
  // outputs padded to a multiple of 8 by zero filters, then cropped
  return withPaddedOutputs(backend, g, (g8) =>
    winogradConv(backend, g8, x, winogradFilter(backend, filter, key, taps, cin, cout, transposed, m), plan, k, m));
}

/** Whether Winograd applies: 3×3, stride 1, dilation 1, `cin % 4 == 0` (and ≥ the direct kernel's minimum), `cout ≥ minOutChannels` (padded to a multiple of 8, then cropped). */
export function winogradApplies(g: ConvGeometry): boolean {
  return winogradTuning.enabled && g.filterHeight === 3 && g.filterWidth === 3 && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.dilationHeight === 1 && g.dilationWidth === 1 && g.inChannels % 4 === 0 && g.inChannels >= directConvTuning.minInChannels &&
    g.outChannels >= winogradTuning.minOutChannels && g.batch * g.outHeight * g.outWidth > 0;
}

/**
 * The transformed filter `U[ξ][b][c][l] = (G g Gᵀ)[ξ]` of `g[r][s] = W[taps[3r + s]][c][8b + l]`
 * (`transposed`: `W[taps[3r + s]][8b + l][c]`), W being `filter`'s data viewed as `[taps][cin][cout]`;
 * made once per `(filter, key)` while the filter lives. The input side has `transposed ? cout : cin` channels;
 * the output side is padded with zero filters to a multiple of 8.
 */
export function winogradFilter(backend: WasmBackend, filter: TensorInfo, key: string, taps: number[], cin: number, cout: number, transposed: boolean, m: 2 | 4 = 2): TensorInfo {
  return derived(backend, filter, `winograd${m}:${key}`, () => {
    const { n, G } = WINOGRAD[m];
    const [C, K] = transposed ? [cout, cin] : [cin, cout];
    const K8 = Math.ceil(K / 8) * 8; // outputs padded to whole blocks of 8 (zero filters)
    const t = backend.makeOutput([n * n * C * K8], 'float32');
    const w = f32(backend, filter);
    const u = f32(backend, t);
    if (K8 !== K) u.fill(0);
    const g = new Float64Array(9);
    const h = new Float64Array(3 * n); // G g: n×3
    for (let c = 0; c < C; c++) {
      for (let k = 0; k < K; k++) {
        for (let i = 0; i < 9; i++) g[i] = transposed ? w[(taps[i] * cin + k) * cout + c] : w[(taps[i] * cin + c) * cout + k];
        for (let r = 0; r < n; r++) {
          for (let s = 0; s < 3; s++) h[3 * r + s] = G[r][0] * g[s] + G[r][1] * g[3 + s] + G[r][2] * g[6 + s];
        }
        const base = (((k >> 3) * C + c) << 3) + (k & 7);
        for (let r = 0; r < n; r++) {
          for (let s = 0; s < n; s++) u[(n * r + s) * C * K8 + base] = h[3 * r] * G[s][0] + h[3 * r + 1] * G[s][1] + h[3 * r + 2] * G[s][2];
        }
      }
    }
    return t;
  });
}

/** A transform job (plain data: a pool worker can run it): tile rows `[ty0, ty1)` of image `n`; byte addresses. */
export interface WinogradJob {
  kind: 'in' | 'out'; m: 2 | 4; src: number; dst: number; bytes: number; tilesY: number; tilesX: number; stride: number; xi: number;
  /** wOut: bytes between tiles of M. */
  tile: number;
}

/** Run one transform job. */
export function winogradTransform(backend: WasmBackend, job: WinogradJob, k = winogradKernels(backend, job.m)): void {
  if (!k) throw new Error('phasewise conv2d: no SIMD Winograd transform kernels on this memory');
  if (job.kind === 'in') k.wIn(job.src, job.dst, job.bytes, job.tilesY, job.tilesX, job.stride, job.xi);
  else k.wOut(job.src, job.dst, job.bytes, job.tilesY, job.tilesX, job.xi, job.stride, job.tile);
}

/** `y [n, oh, ow, cout]` of NHWC `x` and a {@link winogradFilter} of the same `m`. Requires {@link winogradApplies}. */
export function winogradConv(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, U: TensorInfo, plan: DirectPlan, k: WinogradKernels, m: 2 | 4 = 2): TensorInfo {
  const { batch: N, inChannels: C, outChannels: K, outHeight: OH, outWidth: OW } = g;
  const n = m + 2;
  const XI = n * n;
  const [th, tw] = [Math.ceil(OH / m), Math.ceil(OW / m)];
  const [Hp, Wp] = [m * th + 2, m * tw + 2];
  const T = th * tw;
  const images = Math.max(1, Math.min(N, Math.floor(winogradTuning.groupFloats / (XI * T * Math.max(C, K)))));
  const exact = OH === m * th && OW === m * tw;
  const out = backend.makeOutput([N, OH, OW, K], 'float32');
  const bufs = [
    backend.makeOutput([images * Hp * Wp * C], 'float32'),
    backend.makeOutput([XI * images * T * C + 3 * C + 4], 'float32'), // (the last GEMM tile reads 3 tiles beyond)
    backend.makeOutput([XI * images * T * K], 'float32'),
    ...(exact ? [] : [backend.makeOutput([images * m * m * T * K], 'float32')]),
  ];
  const [xpAt, vAt, mAt, yAt] = bufs.map((b) => heapAddress(backend, b));
  const [outAt, uAt] = [heapAddress(backend, out), heapAddress(backend, U)];
  const threads = poolThreads(backend);
  try {
    for (let n0 = 0; n0 < N; n0 += images) {
      const count = Math.min(images, N - n0);
      fillPadded(f32(backend, x), g, Hp, Wp, count, n0, f32(backend, bufs[0]));
      // (V is written whole by the input transform; only the floats past it that the last GEMM tile reads are zeroed)
      f32(backend, bufs[1]).fill(0, XI * count * T * C, XI * count * T * C + 3 * C + 4);
      // V [ξ][tile][cin] (each product reads one slice); M [tile][ξ][cout] (the output transform reads one stream)
      const vXi = 4 * count * T * C;
      const rowsOf = (n: number) => splitRange(th, Math.min(th, threads)).map(([a, b]) => [n, a, b]);
      const tileRows = Array.from({ length: count }, (_, n) => rowsOf(n)).flat();
      const ins: WinogradJob[] = tileRows.map(([n, a, b]) => ({
        kind: 'in', src: xpAt + 4 * (n * Hp + m * a) * Wp * C, dst: vAt + 4 * (n * T + a * tw) * C, bytes: 4 * C,
        tilesY: b - a, tilesX: tw, stride: 4 * Wp * C, xi: vXi, m, tile: 0,
      }));
      runJobs(backend, 'winograd', ins, (job) => winogradTransform(backend, job, k), simdPoolTuning.copyCost * XI * count * T * C);
      const rows = count * th;
      const band = Math.max(1, Math.min(rows, Math.floor(directConvTuning.bandBytes / (4 * tw * C))));
      // one job per ξ and band of tile rows: each U[ξ] is streamed once per band, the band's V[ξ] stays in cache
      const bands = Array.from({ length: Math.ceil(rows / band) }, (_, i) => [i * band, Math.min(rows, (i + 1) * band)]);
      const gemm: DirectJob[] = Array.from({ length: XI }, (_, xi) => bands.map(([r0, r1]) => ({
        x: vAt + xi * vXi, xImage: 0, out: mAt + 4 * xi * K, outImage: 0, w: uAt + 4 * xi * C * K, fma: plan.fma,
        r0, r1, b0: 0, b1: K / 8, OH: rows, OW: tw, cBytes: 4 * C, FH: 1, FW: 1, tapRow: 0, tapCol: 0,
        xs: 4 * tw * C, xstep: 4 * C, outRow: 4 * tw * XI * K, co4: 4 * XI * K, wBlock: 32 * C, band,
      }))).flat();
      runJobs(backend, 'directConv', gemm, (job) => directConvRows(backend, job, plan.conv), XI * rows * tw * C * K);
      const dst = exact ? outAt + 4 * n0 * OH * OW * K : yAt;
      const outs: WinogradJob[] = tileRows.map(([n, a, b]) => ({
        kind: 'out', src: mAt + 4 * (n * T + a * tw) * XI * K, dst: dst + 4 * (n * m * m * T + m * a * m * tw) * K, bytes: 4 * K,
        tilesY: b - a, tilesX: tw, stride: 4 * m * tw * K, xi: 4 * K, m, tile: 4 * XI * K,
      }));
      runJobs(backend, 'winograd', outs, (job) => winogradTransform(backend, job, k), simdPoolTuning.copyCost * XI * count * T * K);
      if (!exact) {
        // sizes not a multiple of m: keep the first oh rows and ow columns of the m·th × m·tw tile grid
        const y = f32(backend, bufs[3]);
        const o = f32(backend, out);
        for (let n = 0; n < count; n++) {
          for (let r = 0; r < OH; r++) {
            const src = ((n * m * th + r) * m * tw) * K;
            o.set(y.subarray(src, src + OW * K), ((n0 + n) * OH + r) * OW * K);
          }
        }
      }
    }
  } catch (e) {
    disposeInfo(backend, out); // a failed job (a worker's error): free the output before rethrowing
    throw e;
  } finally {
    for (const b of bufs) disposeInfo(backend, b);
  }
  return out;
}
