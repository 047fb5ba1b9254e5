/**
 * Depthwise filter gradient (`M = 1`, or 2 with the channels-innermost body; at most 9 taps) with
 * per-geometry generated kernels (depthwiseFilterGen.ts), reading x and dy in place and accumulating
 * straight into the output.
 *
 * Formula (filter `[fh, fw, C, M]`, `ih = oh·sh + kh·dh - padTop`, `iw = ow·sw + kw·dw - padLeft`):
 * `dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, ih, iw, c] · dy[n, oh, ow, c·M + m]` over in-range `(ih, iw)`.
 *
 * The output rows split into ranges where the set of in-range `kh` is constant (breakpoints at each
 * `kh`'s valid range), the columns likewise for `kw`; each (row range × column range) rectangle has
 * one tap set (a product of `kh`s and `kw`s) and is one call of the kernel generated for it, per image
 * (a 3×3 'same' stride-2 layer: the interior, the last row, the last column, the corner).
 *
 * @example
 * ```ts
 * const dW = depthwiseFilterGenerated(backend, g, x, dy, [3, 3, 64, 1]); // undefined: use another path
 * ```
 */
import { convMadds, type ConvGeometry } from './convGeometry.js';
import { generatedFilterKernel, genTuning } from './depthwiseFilterGen.js';
import { perMemory } from './heapModule.js';
import type { GenKernel } from './depthwiseFilterGen.js';
import { validRange } from './depthwiseInPlace.js';
import { relaxedSimd } from './relaxedSimd.js';
import { POOL_PARTS, runJobs, splitRange, sumParts } from './simdPool.js';
import { partBlocks } from './partBlocks.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Whether this path applies: `M = 1` (or 2 with the channels-innermost body), `C` a multiple of 4, 1 to 9 taps, some output. */
export function genSweepApplies(g: ConvGeometry): boolean {
  const taps = g.filterHeight * g.filterWidth;
  const M = g.outChannels / g.inChannels;
  return (M === 1 || (M === 2 && genTuning.stream > 0)) && g.inChannels % 4 === 0 && taps >= 1 && taps <= 9 && g.batch * g.outHeight * g.outWidth > 0;
}

/** Ranges `[lo, hi)` of `0..n` on which the set of valid filter indices `k` is constant, with that set. */
export function tapRanges(n: number, s: number, d: number, pad: number, size: number, K: number): { lo: number; hi: number; ks: number[] }[] {
  const valid = Array.from({ length: K }, (_, k) => validRange(n, s, k * d - pad, size));
  const cuts = [...new Set([0, n, ...valid.flat()])].filter((v) => v >= 0 && v <= n).sort((a, b) => a - b);
  const out: { lo: number; hi: number; ks: number[] }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [lo, hi] = [cuts[i], cuts[i + 1]];
    const ks = valid.flatMap(([a, b], k) => (a <= lo && hi <= b ? [k] : []));
    if (ks.length) out.push({ lo, hi, ks });
  }
  return out;
}

interface Call {
  k: GenKernel;
  /** Byte offsets of the first tap's x and of dy from the image's start, and the rows. */
  x: number;
  d: number;
  rows: number;
}

/** The calls per image (kernels compiled or taken from the cache), or undefined if a kernel is unavailable. */
function makePlan(backend: WasmBackend, g: ConvGeometry, fma: boolean): Call[] | undefined {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = g;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const cb = 4 * C;
  const M = g.outChannels / C as 1 | 2;
  const db = M * cb; // bytes of one dy position (and of one tap's accumulators)
  const calls: Call[] = [];
  for (const r of tapRanges(OH, SH, DH, padTop, H, FH)) {
    for (const q of tapRanges(OW, SW, DW, padLeft, W, FW)) {
      const [kh0, kw0] = [r.ks[0], q.ks[0]];
      const taps = r.ks.flatMap((kh) => q.ks.map((kw) => [kh, kw]));
      const k = generatedFilterKernel(backend, {
        cb, n: q.hi - q.lo, xstep: SW * cb, xs: SH * W * cb, ds: OW * db,
        xoff: taps.map(([kh, kw]) => ((kh - kh0) * DH * W + (kw - kw0) * DW) * cb),
        aoff: taps.map(([kh, kw]) => (kh * FW + kw) * db),
        fma, M,
      });
      if (!k) return undefined;
      calls.push({ k, x: ((r.lo * SH + kh0 * DH - padTop) * W + q.lo * SW + kw0 * DW - padLeft) * cb, d: (r.lo * OW + q.lo) * db, rows: r.hi - r.lo });
    }
  }
  return calls;
}

const plans = new WeakMap<object, Map<string, Call[] | undefined>>();

/** {@link makePlan}, kept per geometry and memory (heapModule.ts's perMemory). */
function plan(backend: WasmBackend, g: ConvGeometry, fma: boolean): Call[] | undefined {
  // the kernels depend on the tuning too
  return perMemory(backend, plans, JSON.stringify([g, fma, genTuning]), () => makePlan(backend, g, fma));
}

/** Images `[n0, n1)` into the accumulators at `acc` (plain data: a worker can run it; byte addresses). */
export interface GenJob { g: ConvGeometry; x: number; d: number; acc: number; n0: number; n1: number; fma: boolean }

/** Accumulate images `[job.n0, job.n1)` of the filter gradient at `job.acc` with this memory's generated kernels. */
export function depthwiseGenImages(backend: WasmBackend, job: GenJob): void {
  const { g } = job;
  const calls = plan(backend, g, job.fma);
  if (!calls) throw new Error('phasewise depthwise filter: no generated kernels on this memory');
  const xImage = 4 * g.inHeight * g.inWidth * g.inChannels;
  const dImage = 4 * g.outHeight * g.outWidth * g.outChannels;
  for (let n = job.n0; n < job.n1; n++) {
    for (const c of calls) c.k(job.x + n * xImage + c.x, job.d + n * dImage + c.d, job.acc, c.rows);
  }
}

/**
 * The filter gradient `[fh, fw, C, 1]` (a new tensor), or undefined when a kernel is unavailable.
 * Requires {@link genSweepApplies}. Images are cut into POOL_PARTS ranges, each into its own
 * accumulators (partBlocks.ts: no two share a cache line; summed in order), run on the SIMD pool's threads when it is ready.
 */
export function depthwiseFilterGenerated(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo, filterShape: number[]): TensorInfo | undefined {
  const fma = relaxedSimd();
  if (!plan(backend, g, fma)) return undefined;
  const ptr = (t: TensorInfo) => heapAddress(backend, t);
  const ranges = splitRange(g.batch, POOL_PARTS);
  const size = filterShape.reduce((a, b) => a * b, 1);
  const parts = partBlocks(backend, ranges.length, size);
  const jobs: GenJob[] = ranges.map(([n0, n1], i) => ({ g, x: ptr(x), d: ptr(dy), acc: parts.address(i), n0, n1, fma }));
  runJobs(backend, 'depthwiseGenerated', jobs, (job) => depthwiseGenImages(backend, job), convMadds(g));
  const out = backend.makeOutput(filterShape, 'float32');
  sumParts(parts.view(), ranges.length, parts.stride, size, f32(backend, out));
  disposeInfo(backend, parts.info);
  return out;
}
