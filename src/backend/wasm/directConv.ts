/**
 * A dense NHWC convolution with the register-tiled SIMD kernel of simdDirectConv.ts, for
 * `cout % 8 == 0`: x is copied zero-padded once per group of images and the filter is packed once
 * per filter tensor (`[cout/8][fh][fw][cin][8]`, kept while the filter lives: derivedTensors.ts);
 * every output value is then one sum in registers, stored once. Threads split the output rows (or,
 * with fewer rows than threads, the channel blocks); every value is computed the same way whatever
 * the split, so results do not depend on the thread count.
 *
 * Formula: `y[n, oh, ow, co] = Σ_{kh, kw, ci} xp[n, oh·sh + kh·dh, ow·sw + kw·dw, ci] · W[kh, kw, ci, co]`
 * (xp: x padded by `padTop`, `padLeft`).
 *
 * @example
 * ```ts
 * const packed = packedFilter(backend, filter, 'direct', [0, 1, 2, 3, 4, 5, 6, 7, 8], cin, cout, false);
 * const y = directConv(backend, g, x, packed, directConvPlan(backend)!);
 * ```
 */
import { convMadds, type ConvGeometry } from './convGeometry.js';
import { fillPadded, paddedSize } from './depthwiseFilterSimd.js';
import { derived } from './derivedTensors.js';
import { directConvKernel, type DirectConv } from './simdDirectConv.js';
import { relaxedSimd } from './relaxedSimd.js';
import { poolThreads, runJobs, splitRange } from './simdPool.js';
import { copyKernel } from './wasmCopy.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/**
 * Tuning: use the kernel (false: the wasm backend's XNNPACK convolution everywhere); the fewest
 * input channels it takes (below, XNNPACK's is faster); floats of the padded copy of one group of
 * images; bytes of padded x per band of output rows (a band is read by every channel block while it
 * stays in cache).
 */
export const directConvTuning = { enabled: true, minInChannels: 8, paddedFloats: 1 << 22, bandBytes: 1 << 18 };

/** The kernel and whether it fuses multiply-adds (a pool worker must use the same one). */
export interface DirectPlan { conv: DirectConv; fma: boolean }

/** The plan for `backend`, or undefined when the kernel is off or cannot be instantiated. */
export function directConvPlan(backend: WasmBackend): DirectPlan | undefined {
  if (!directConvTuning.enabled) return undefined;
  const fma = relaxedSimd();
  const conv = directConvKernel(backend, fma);
  return conv ? { conv, fma } : undefined;
}

/** Whether the kernel applies to geometry `g`: `cout % 8 == 0`, enough input channels, some output. */
export function directApplies(g: ConvGeometry): boolean {
  return g.outChannels % 8 === 0 && g.inChannels >= directConvTuning.minInChannels && g.batch * g.outHeight * g.outWidth > 0;
}

/**
 * A filter packed for the kernel, made once per `(filter, key)` while `filter` lives:
 * `packed[b][t][k][l] = W[taps[t]][k][8b + l]` (`transposed`: `W[taps[t]][8b + l][k]`), W being
 * `filter`'s data viewed as `[taps][cin][cout]` — `transposed` with a flipped `taps` order gives the
 * filter of an input gradient (`cout` becomes the input side). `K` is the packed input side; the
 * output side is padded with zero filters to a multiple of 8 (see {@link withPaddedOutputs}).
 */
export function packedFilter(backend: WasmBackend, filter: TensorInfo, key: string, taps: number[], cin: number, cout: number, transposed: boolean): TensorInfo {
  return derived(backend, filter, `direct:${key}`, () => {
    const [K, N] = transposed ? [cout, cin] : [cin, cout];
    const blocks = Math.ceil(N / 8); // outputs padded with zero filters to whole blocks of 8
    const t = backend.makeOutput([blocks * taps.length * K * 8], 'float32');
    const copy = transposed || N % 8 ? undefined : copyKernel(backend);
    if (copy) {
      // rows of 8 floats, one strided wasm copy per tap: [k][n] → [n/8][tap][k][8]
      const [src, dst] = [heapAddress(backend, filter), heapAddress(backend, t)];
      taps.forEach((tap, ti) => copy(src + 4 * tap * K * N, dst + 32 * ti * K, N / 8, 32, 32 * taps.length * K, K, 4 * N, 32, 8));
      return t;
    }
    const w = f32(backend, filter);
    const p = f32(backend, t);
    let i = 0;
    for (let b = 0; b < blocks; b++) {
      for (const tap of taps) {
        const base = tap * cin * cout;
        for (let k = 0; k < K; k++) {
          for (let l = 0; l < 8; l++) {
            const o = 8 * b + l;
            p[i++] = o >= N ? 0 : transposed ? w[base + o * cout + k] : w[base + k * cout + o];
          }
        }
      }
    }
    return t;
  });
}

/** A share of the work (plain data: a pool worker can run it); byte addresses. */
export interface DirectJob {
  x: number; xImage: number; out: number; outImage: number; w: number; fma: boolean;
  /** Output rows `[r0, r1)` counted over the group's images, channel blocks `[b0, b1)`. */
  r0: number; r1: number; b0: number; b1: number;
  OH: number; OW: number; cBytes: number; FH: number; FW: number; tapRow: number; tapCol: number;
  xs: number; xstep: number; outRow: number; co4: number; wBlock: number; band: number;
}

/** Run one job: its rows image by image, in bands, every channel block of the job per band. */
export function directConvRows(backend: WasmBackend, job: DirectJob, conv = directConvKernel(backend, job.fma)): void {
  if (!conv) throw new Error('phasewise conv2d: no SIMD direct-convolution kernel on this memory');
  for (let r = job.r0; r < job.r1;) {
    const n = Math.floor(r / job.OH);
    const row = r - n * job.OH;
    const rows = Math.min(job.band, job.OH - row, job.r1 - r);
    conv(job.x + n * job.xImage + row * job.xs, job.w + job.b0 * job.wBlock, job.out + n * job.outImage + row * job.outRow + 32 * job.b0,
      job.cBytes, job.FH, job.FW, job.tapRow, job.tapCol, job.xs, job.xstep, rows, job.OW, job.outRow, job.co4, job.b1 - job.b0, job.wBlock, 4, 32, 0);
    r += rows;
  }
}

/** `y [n, oh, ow, cout]` of NHWC `x` and a {@link packedFilter} (see the module comment). Requires {@link directApplies}. */
export function directConv(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, packed: TensorInfo, plan: DirectPlan): TensorInfo {
  const { batch: N, inChannels: C, outChannels: CO, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = g;
  // no padding, every row and column read, whole tiles: the kernel reads x itself, no copy
  const inPlace = g.padTop === 0 && g.padLeft === 0 && OW % 4 === 0 && paddedSize(g)[0] === g.inHeight && paddedSize(g)[1] === g.inWidth;
  const [Hp, Wp] = paddedSize(g);
  const perImage = Hp * Wp * C;
  const slack = 3 * g.strideWidth * C + 4; // the last tile of the last row reads up to 3 columns beyond
  const images = inPlace ? N : Math.max(1, Math.min(N, Math.floor(directConvTuning.paddedFloats / perImage)));
  const out = backend.makeOutput([N, OH, OW, CO], 'float32');
  const xp = inPlace ? undefined : backend.makeOutput([images * perImage + slack], 'float32');
  const xs = 4 * g.strideHeight * Wp * C;
  const band = Math.max(1, Math.min(OH, Math.floor(directConvTuning.bandBytes / xs)));
  const blocks = CO / 8;
  const threads = poolThreads(backend);
  const [outAt, wAt] = [out, packed].map((t) => heapAddress(backend, t));
  const xpAt = heapAddress(backend, xp ?? x);
  try {
    for (let n0 = 0; n0 < N; n0 += images) {
      const count = Math.min(images, N - n0);
      if (xp) {
        const pv = f32(backend, xp);
        fillPadded(f32(backend, x), g, Hp, Wp, count, n0, pv);
        pv.fill(0, count * perImage, count * perImage + slack);
      }
      const rows = count * OH;
      const rowRanges = splitRange(rows, Math.min(rows, threads));
      const blockRanges = rowRanges.length < threads ? splitRange(blocks, Math.min(blocks, threads)) : [[0, blocks]];
      const jobs: DirectJob[] = rowRanges.flatMap(([r0, r1]) => blockRanges.map(([b0, b1]) => ({
        x: xpAt, xImage: 4 * perImage, out: outAt + 4 * n0 * OH * OW * CO, outImage: 4 * OH * OW * CO, w: wAt, fma: plan.fma,
        r0, r1, b0, b1, OH, OW, cBytes: 4 * C, FH, FW,
        tapRow: 4 * g.dilationHeight * Wp * C, tapCol: 4 * g.dilationWidth * C, xs, xstep: 4 * g.strideWidth * C,
        outRow: 4 * OW * CO, co4: 4 * CO, wBlock: 32 * FH * FW * C, band,
      })));
      runJobs(backend, 'directConv', jobs, (job) => directConvRows(backend, job, plan.conv), convMadds(g, count, true));
    }
  } catch (e) {
    disposeInfo(backend, out); // a failed job (a worker's error): free the output before rethrowing
    throw e;
  } finally {
    if (xp) disposeInfo(backend, xp);
  }
  return out;
}

/**
 * `conv(g8)` for any output count: `g8` is `g` with its outputs padded to a multiple of 8 (the
 * filters' zero filters give the extra channels), and the first `g.outChannels` of each position are
 * kept by a strided wasm copy (a first layer's 1 or 3 channels, seen from its input gradient); `conv(g)`
 * itself when nothing is padded. Undefined without the copy kernel.
 */
export function withPaddedOutputs(backend: WasmBackend, g: ConvGeometry, conv: (g8: ConvGeometry) => TensorInfo): TensorInfo | undefined {
  const K = g.outChannels;
  const K8 = Math.ceil(K / 8) * 8;
  if (K8 === K) return conv(g);
  const copy = copyKernel(backend);
  if (!copy) return undefined;
  const y = conv({ ...g, outChannels: K8 });
  const out = backend.makeOutput([g.batch, g.outHeight, g.outWidth, K], 'float32');
  copy(heapAddress(backend, y), heapAddress(backend, out), 1, 0, 0, g.batch * g.outHeight * g.outWidth, 4 * K8, 4 * K, K);
  disposeInfo(backend, y);
  return out;
}
