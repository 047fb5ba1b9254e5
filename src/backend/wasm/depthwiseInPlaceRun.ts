/**
 * The in-place depthwise gradients (depthwiseInPlace.ts) as kernels: tensors, accumulator blocks and
 * the split of the batch into image ranges, each a job a SIMD pool worker can run (plain data).
 *
 * Filter: `dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, ih, iw, c] · dy[n, oh, ow, c·M + m]`, each image range
 * into its own accumulators, summed in order. Input: `dx[n, ih, iw, c] = Σ_{kh, kw, m} dy[…, c·M + m] · W[kh, kw, c, m]`,
 * each range writing its own images.
 *
 * @example
 * ```ts
 * const dW = depthwiseFilterInPlace(backend, g, x, dy, { module: 'madd', key: 2 }, [3, 3, 32, 2]);
 * const dx = depthwiseInputInPlace(backend, g, dy, filter, { module: 'maxpy', key: 2 }, [64, 28, 28, 32]);
 * ```
 */
import { convMadds, type ConvGeometry } from './convGeometry.js';
import { sweepImage, sweepRows, type Targets } from './depthwiseInPlace.js';
import { heapFloats } from './heapModule.js';
import { depthwiseKernels } from './simdDepthwise.js';
import { filterRowKernels } from './simdFilterRows.js';
import { inputRowKernels } from './simdInputRows.js';
import type { Madd } from './simdMadd.js';
import { partBlocks } from './partBlocks.js';
import { POOL_PARTS, runJobs, splitRange } from './simdPool.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/**
 * Which kernel a sweep calls: `filterRowKernels(backend)[key]` (multiplier 1) or `.m2[key]`
 * (multiplier 2; `key` = channel groups per step), `inputRowKernels(backend)` (input gradient,
 * multiplier 2), or `depthwiseKernels(backend).madd / maxpy[key]`.
 */
export interface KernelRef {
  module: 'rows' | 'rowsM2' | 'inputRowsM2' | 'madd' | 'maxpy';
  key: 1 | 2 | 4;
}

const KERNELS: Record<KernelRef['module'], (backend: WasmBackend, key: 1 | 2 | 4) => Madd | undefined> = {
  rows: (backend, key) => filterRowKernels(backend)?.[key as 1 | 2],
  rowsM2: (backend, key) => filterRowKernels(backend)?.m2[key as 1 | 2],
  inputRowsM2: (backend) => inputRowKernels(backend),
  madd: (backend, key) => depthwiseKernels(backend)?.madd[key],
  maxpy: (backend, key) => depthwiseKernels(backend)?.maxpy[key],
};

function resolve(backend: WasmBackend, ref: KernelRef): Madd {
  const k = KERNELS[ref.module](backend, ref.key);
  if (!k) throw new Error(`phasewise depthwise kernels: no ${ref.module}[${ref.key}] kernel on this memory`);
  return k;
}

/** Filter-gradient sweep of images `[n0, n1)` into the accumulator block at `acc` (plain data: a worker can run it). */
export interface FilterJob { g: ConvGeometry; x: number; d: number; acc: number; n0: number; n1: number; madd: KernelRef; maddk: boolean }

/** Floats of one filter-gradient accumulator block (see {@link depthwiseFilterImages}). */
function accFloats(g: ConvGeometry): number {
  const taps = g.filterHeight * g.filterWidth;
  return (taps + 3 * taps + 3 * g.filterHeight * Math.ceil(g.filterWidth / 3)) * g.outChannels;
}

/**
 * Accumulate images `[n0, n1)` of the filter gradient into the block at `job.acc` (zeroed by the
 * caller): `[taps, CM]` accumulators | `[taps, 3, CM]` single-tap triples | `[FH, T, 3, CM]` spare
 * triples (when FW % 3 ≠ 0).
 */
export function depthwiseFilterImages(backend: WasmBackend, job: FilterJob): void {
  const { g } = job;
  const { outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const taps = FH * FW;
  const T = Math.ceil(FW / 3);
  const madd = resolve(backend, job.madd);
  const maddk = job.maddk ? filterRowKernels(backend)?.k : undefined;
  const singles = job.acc + 4 * taps * CM;
  const spares = singles + 4 * 3 * taps * CM;
  const t: Targets = {
    x: job.x,
    d: job.d,
    triple: (kh, tt) => (3 * tt + 3 <= FW ? job.acc + 4 * (kh * FW + 3 * tt) * CM : spares + 4 * (kh * T + tt) * 3 * CM),
    single: (kh, kw) => singles + 4 * (kh * FW + kw) * 3 * CM,
  };
  for (let n = job.n0; n < job.n1; n++) {
    if (maddk) sweepRows(g, madd, maddk, t, n);
    else sweepImage(g, madd, t, n);
  }
}

/**
 * The filter gradient `[fh, fw, C, M]` (a new tensor). Requires {@link inPlaceApplies}`(g, false)`.
 * Images are cut into POOL_PARTS ranges, each into its own accumulators (summed in order), run on
 * the SIMD pool's threads when it is ready.
 */
export function depthwiseFilterInPlace(backend: WasmBackend, g: ConvGeometry, x: TensorInfo, dy: TensorInfo, madd: KernelRef, filterShape: number[], maddk = false): TensorInfo {
  const { outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const taps = FH * FW;
  const T = Math.ceil(FW / 3);
  const ranges = splitRange(g.batch, POOL_PARTS);
  const size = accFloats(g);
  const blocks = partBlocks(backend, ranges.length, size);
  const jobs: FilterJob[] = ranges.map(([n0, n1], i) => ({ g, x: heapAddress(backend, x), d: heapAddress(backend, dy), acc: blocks.address(i), n0, n1, madd, maddk }));
  runJobs(backend, 'depthwiseFilter', jobs, (job) => depthwiseFilterImages(backend, job), convMadds(g));
  const out = backend.makeOutput(filterShape, 'float32');
  const o = f32(backend, out);
  const a = blocks.view();
  const sOff = taps * CM;
  const pOff = sOff + 3 * taps * CM;
  o.fill(0);
  for (let part = 0; part < ranges.length; part++) {
    const p0 = part * blocks.stride;
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const tap = kh * FW + kw;
        const tt = Math.floor(kw / 3);
        const spare = 3 * tt + 3 > FW ? p0 + pOff + ((kh * T + tt) * 3 + (kw % 3)) * CM : -1;
        for (let i = 0; i < CM; i++) {
          o[tap * CM + i] += a[p0 + tap * CM + i] + a[p0 + sOff + tap * 3 * CM + i] + (spare >= 0 ? a[spare + i] : 0);
        }
      }
    }
  }
  disposeInfo(backend, blocks.info);
  return out;
}

/** Input-gradient sweep of images `[n0, n1)` (plain data: a worker can run it); `wt` holds the weight triples. */
export interface InputJob { g: ConvGeometry; dx: number; d: number; wt: number; n0: number; n1: number; maxpy: KernelRef }

/** Zero and accumulate `dx` for images `[n0, n1)` (each image zeroed just before its scatter: it stays in cache). */
export function depthwiseInputImages(backend: WasmBackend, job: InputJob): void {
  const { g } = job;
  const { inHeight: H, inWidth: W, inChannels: C, outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const T = Math.ceil(FW / 3);
  const maxpy = resolve(backend, job.maxpy);
  const t: Targets = {
    x: job.dx,
    d: job.d,
    triple: (kh, tt) => job.wt + 4 * (kh * T + tt) * 3 * CM,
    single: (kh, kw) => job.wt + 4 * (3 * FH * T + (kh * FW + kw) * 3) * CM,
  };
  const image = H * W * C;
  for (let n = job.n0; n < job.n1; n++) {
    heapFloats(backend, job.dx + 4 * n * image, image).fill(0);
    sweepImage(g, maxpy, t, n);
  }
}

/**
 * The input gradient `inShape` (a new tensor). Requires {@link inPlaceApplies}`(g, true)`.
 * Images are cut into POOL_PARTS ranges (each writes its own images of dx), run on the SIMD pool's
 * threads when it is ready.
 */
export function depthwiseInputInPlace(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, maxpy: KernelRef, inShape: number[]): TensorInfo {
  const { outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const taps = FH * FW;
  const T = Math.ceil(FW / 3);
  // [FH, T, 3, CM] weight triples (0 past fw) | [taps, 3, CM] single-tap triples (rows 1, 2 zero)
  const wt = backend.makeOutput([(3 * FH * T + 3 * taps) * CM], 'float32');
  const dx = backend.makeOutput(inShape, 'float32');
  {
    const w = f32(backend, filter);
    const v = f32(backend, wt);
    v.fill(0);
    const sOff = 3 * FH * T * CM;
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const src = w.subarray((kh * FW + kw) * CM, (kh * FW + kw + 1) * CM);
        v.set(src, ((kh * T + Math.floor(kw / 3)) * 3 + (kw % 3)) * CM);
        v.set(src, sOff + (kh * FW + kw) * 3 * CM);
      }
    }
  }
  const jobs: InputJob[] = splitRange(g.batch, POOL_PARTS)
    .map(([n0, n1]) => ({ g, dx: heapAddress(backend, dx), d: heapAddress(backend, dy), wt: heapAddress(backend, wt), n0, n1, maxpy }));
  runJobs(backend, 'depthwiseInput', jobs, (job) => depthwiseInputImages(backend, job), convMadds(g));
  disposeInfo(backend, wt);
  return dx;
}
