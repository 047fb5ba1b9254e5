/**
 * Filter gradient of convolutions with few taps·input channels (`K = fh·fw·cin` small: a first layer
 * on grey or RGB images) with the wasm SIMD `madds` kernel (simdMadd.ts), for `cout % 4 == 0`.
 *
 * Formula: `dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh·dh - padTop, ow·sw + kw·dw - padLeft, ci] · dy[n, oh, ow, co]`.
 *
 * Why not the matmul: the wasm backend's matmul (XNNPACK fully-connected) re-packs its right-hand
 * operand `dy [P, cout]` on every call, which for small `K` costs more than the product (measured
 * ~6 of ~9 ms for a 1→32 3×3 layer at batch 64, 28²). Here x is copied zero-padded
 * (depthwiseFilterSimd.ts) and each tap `k = (kh·fw + kw)·cin + ci` reads one x value per output
 * position, broadcast against dy's `cout` channels, read in place: three taps per pass over dy.
 *
 * @example
 * ```ts
 * const dW = smallKFilterGradient(backend, g, x, dy, madds, [3, 3, 1, 32]);
 * ```
 */
import { convMadds, type ConvGeometry } from './convGeometry.js';
import { fillPadded, paddedSize } from './depthwiseFilterSimd.js';
import { heapFloats } from './heapModule.js';
import { simdKernels, type Madd } from './simdMadd.js';
import { partBlocks } from './partBlocks.js';
import { POOL_PARTS, runJobs, splitRange, sumParts } from './simdPool.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Tuning: the largest `K` for this path, and floats of the padded copy of one group of images. */
export const smallKChunking = { maxK: 27, paddedFloats: 1 << 22 };

/** Whether the path applies: small K, `cout % 4 == 0`, some output. */
export function smallKApplies(g: ConvGeometry): boolean {
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  return K <= smallKChunking.maxK && g.outChannels % 4 === 0 && g.batch * g.outHeight * g.outWidth > 0;
}

/** Images `[n1, n2)` of one padded group (plain data: a worker can run it); byte addresses and strides. */
export interface SmallKJob {
  xp: number; perImage: number; dy: number; dyImage: number; acc: number; n1: number; n2: number;
  K: number; CO: number; taps: number[]; xs: number; xstep: number; ds: number; rows: number;
}

/**
 * Accumulate images `[job.n1, job.n2)` of a padded group into the `[K + 3, CO]` block at `job.acc`:
 * triples of taps with `madds`, a trailing incomplete triple through the 3 spare rows, folded in.
 */
export function smallKImages(backend: WasmBackend, job: SmallKJob, madds = simdKernels(backend)?.madds): void {
  if (!madds) throw new Error('phasewise conv filter gradient: no SIMD kernels on this memory');
  const { K, CO, taps: tap } = job;
  for (let k = 0; k < K; k += 3) {
    const taps = Math.min(3, K - k);
    const o1 = taps > 1 ? tap[k + 1] - tap[k] : 0;
    const o2 = taps > 2 ? tap[k + 2] - tap[k] : 0;
    const accAt = job.acc + 4 * (taps === 3 ? k : K) * CO;
    for (let n = job.n1; n < job.n2; n++) {
      madds(job.xp + n * job.perImage + tap[k], o1, o2, job.xs, job.xstep, job.dy + n * job.dyImage, job.ds, accAt, 4 * CO, 4 * CO, job.ds, job.rows);
    }
    if (taps < 3) {
      const av = heapFloats(backend, job.acc, (K + 3) * CO);
      for (let i = 0; i < taps * CO; i++) av[k * CO + i] += av[K * CO + i];
      av.fill(0, K * CO);
    }
  }
}

/**
 * `dW` as a new `filterShape` tensor. Requires {@link smallKApplies}. Each padded group's images are
 * cut into POOL_PARTS ranges, each into its own accumulators (summed in order), run on the SIMD
 * pool's threads when it is ready.
 */
export function smallKFilterGradient(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo, madds: Madd, filterShape: number[]): TensorInfo {
  const { inChannels: CI, outChannels: CO, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = g;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = g;
  const K = FH * FW * CI;
  const [Hp, Wp] = paddedSize(g);
  const perImage = Hp * Wp * CI;
  const images = Math.max(1, Math.min(g.batch, Math.floor(smallKChunking.paddedFloats / perImage)));
  const parts = Math.min(POOL_PARTS, images);
  const size = (K + 3) * CO; // accumulators [K taps + 3 spare taps, cout] per image range
  const acc = partBlocks(backend, parts, size);
  const xp = backend.makeOutput([images * perImage], 'float32');
  const ptr = (t: TensorInfo) => heapAddress(backend, t);
  const taps = Array.from({ length: K }, (_, k) => {
    const ci = k % CI;
    const kw = ((k - ci) / CI) % FW;
    const kh = (k - ci - kw * CI) / (CI * FW);
    return 4 * (((kh * DH) * Wp + kw * DW) * CI + ci);
  });
  for (let n0 = 0; n0 < g.batch; n0 += images) {
    const count = Math.min(images, g.batch - n0);
    fillPadded(f32(backend, x), g, Hp, Wp, count, n0, f32(backend, xp));
    const jobs: SmallKJob[] = splitRange(count, parts).map(([n1, n2], i) => ({
      xp: ptr(xp), perImage: 4 * perImage, dy: ptr(dy) + 4 * n0 * OH * OW * CO, dyImage: 4 * OH * OW * CO, acc: acc.address(i),
      n1, n2, K, CO, taps, xs: 4 * SH * Wp * CI, xstep: 4 * SW * CI, ds: 4 * OW * CO, rows: OH,
    }));
    runJobs(backend, 'smallKFilter', jobs, (job) => smallKImages(backend, job, madds), convMadds(g, count, true));
  }
  disposeInfo(backend, xp);
  const out = backend.makeOutput(filterShape, 'float32');
  sumParts(acc.view(), parts, acc.stride, K * CO, f32(backend, out));
  disposeInfo(backend, acc.info);
  return out;
}
