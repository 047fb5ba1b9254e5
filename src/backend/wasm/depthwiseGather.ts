/**
 * Depthwise input gradient as a gather (the sub-pixel idea): every `dx` value is written exactly
 * once, with no zeroing and no read-modify-write.
 *
 * Formula (filter `[fh, fw, C, M]`, dy channel `c·M + m`):
 * `dx[n, ih, iw, c] = Σ_{kh, kw, m} dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]` over the taps with
 * `oh = (ih + padTop - kh·dh) / sh` and `ow = (iw + padLeft - kw·dw) / sw` integral and inside dy.
 * Along each axis, dx indices of one phase (`ih mod sh`) step dy by exactly one row per `sh` rows,
 * so the indices of a phase split into a few segments (gatherSegments.ts: borders, interior) with a
 * constant tap list; each (row segment × column segment) of an image is one call of a kernel with
 * `T = rowTaps · colTaps` taps (dx positions no tap reaches are set to 0): at stride 1 the kernel
 * generated for that call's geometry (depthwiseGatherGen.ts), strided the table-driven kernel of
 * simdGather.ts. The segments, calls and tap table (weights as offsets into the filter, which each call
 * adds its filter's address to) are kept per geometry: the call's own JavaScript on the 64×28²×64
 * stride-2 layer, in the bench's interleaving, went from 139–180 to 69–121 µs (medians of 3 runs each,
 * alternating builds).
 *
 * @example
 * ```ts
 * const k = gatherKernels(backend);
 * if (k && gatherApplies(g)) dx = depthwiseInputGather(backend, g, dy, filter, k, [64, 28, 28, 64]);
 * ```
 */
import { convMadds, type ConvGeometry } from './convGeometry.js';
import { depthwiseGatherGenImages, gatherGenPlan, type GatherGenJob } from './depthwiseGatherGen.js';
import { axisSegments } from './gatherSegments.js';
import { relaxedSimd } from './relaxedSimd.js';
import { gatherKernels, MAX_TAPS } from './simdGather.js';
import type { GatherKernels } from './simdGather.js';
import { POOL_PARTS, runJobs, splitRange } from './simdPool.js';
import { perMemory } from './heapModule.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Whether the gather applies: `M ∈ {1, 2}`, `C % 4 == 0`, non-empty dy, at most MAX_TAPS taps per call. */
export function gatherApplies(g: ConvGeometry): boolean {
  const M = g.outChannels / g.inChannels;
  if ((M !== 1 && M !== 2) || g.inChannels % 4 !== 0 || g.batch * g.outHeight * g.outWidth === 0) return false;
  const rowTaps = Math.ceil(g.filterHeight / Math.max(1, g.strideHeight / gcd(g.strideHeight, g.dilationHeight)));
  const colTaps = Math.ceil(g.filterWidth / Math.max(1, g.strideWidth / gcd(g.strideWidth, g.dilationWidth)));
  return rowTaps * colTaps <= MAX_TAPS;
}

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}

/**
 * Tuning: `generated` = positions per block of the per-geometry generated kernels
 * (depthwiseGatherGen.ts) used at stride 1 (`strided`: at every stride);
 * 0: the table-driven kernels of simdGather.ts. On 64×28²×32 3×3 stride 1, interleaved in one
 * process (2026-12-01; `node bench/depthwiseAB.mjs 28,32,1,1` times both): 1.2–1.5 ms against 2.2–3.3 ms
 * with 1 or 2 threads, P = 3…6 alike;
 * on 64×28²×64 stride 2 the table kernels stayed ahead (1.74–2.00 against 1.88–2.55 ms), hence `strided: false`.
 */
export const gatherTuning = { generated: 4, strided: false };

/** The gather calls of images `[n0, n1)` (plain data: a worker can run it); sizes in bytes. */
export interface GatherJob {
  calls: { dx: number; n: number; rows: number; T: number; tab: number }[];
  dx: number; dy: number; tab: number; key: number; xstep: number; xs: number; ds: number;
  image: number; dyImage: number; C: number; CM: number; n0: number; n1: number;
}

/** Run the gather calls for images `[job.n0, job.n1)` (kernels: the backend's own when not given). */
export function depthwiseGatherImages(backend: WasmBackend, job: GatherJob, kernels = gatherKernels(backend)): void {
  const ks = kernels?.[job.key];
  if (!ks) throw new Error('phasewise depthwise gather: no SIMD kernels on this memory');
  for (let n = job.n0; n < job.n1; n++) {
    const xImg = job.dx + n * job.image;
    const dImg = job.dy + n * job.dyImage;
    for (const c of job.calls) ks[c.T](xImg + 4 * c.dx, job.xstep, job.xs, dImg, 4 * job.CM, job.ds, job.tab + 4 * c.tab, 4 * job.C, c.n, c.rows);
  }
}

/** The dx positions of `g` no tap reaches (float offsets from the image's start, per row segment × column segment). */
function unreached(g: ConvGeometry): { dx: number; n: number; rows: number }[] {
  const { inHeight: H, inWidth: W, inChannels: C } = g;
  const rows = axisSegments(H, g.strideHeight, g.filterHeight, g.dilationHeight, g.padTop, g.outHeight);
  const cols = axisSegments(W, g.strideWidth, g.filterWidth, g.dilationWidth, g.padLeft, g.outWidth);
  return rows.flatMap((rs) => cols.filter((cs) => !rs.taps.length || !cs.taps.length)
    .map((cs) => ({ dx: (rs.start * W + cs.start) * C, n: cs.count, rows: rs.count })));
}

/** Set the positions `zeros` of every image of dx to 0. */
function zeroUnreached(backend: WasmBackend, g: ConvGeometry, dx: TensorInfo, zeros: { dx: number; n: number; rows: number }[]): void {
  const { inHeight: H, inWidth: W, inChannels: C, strideHeight: SH, strideWidth: SW } = g;
  if (!zeros.length) return;
  const d = f32(backend, dx);
  for (let n = 0; n < g.batch; n++) {
    for (const z of zeros) {
      for (let r = 0; r < z.rows; r++) {
        for (let j = 0; j < z.n; j++) {
          const s = n * H * W * C + z.dx + r * SH * W * C + j * SW * C;
          d.fill(0, s, s + C);
        }
      }
    }
  }
}

/** The gather by the generated kernels of depthwiseGatherGen.ts (requires their plan for `g`). */
function generatedGather(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, P: number, fma: boolean, inShape: number[]): TensorInfo {
  const dx = backend.makeOutput(inShape, 'float32');
  const [dxPtr, dyPtr, w] = [heapAddress(backend, dx), heapAddress(backend, dy), heapAddress(backend, filter)];
  const jobs: GatherGenJob[] = splitRange(g.batch, POOL_PARTS).map(([n0, n1]) => ({ g, P, fma, dx: dxPtr, dy: dyPtr, w, n0, n1 }));
  runJobs(backend, 'depthwiseGatherGen', jobs, (job) => depthwiseGatherGenImages(backend, job), convMadds(g));
  zeroUnreached(backend, g, dx, gatherPlan(backend, g).zeros);
  return dx;
}

/**
 * What the table-driven gather does for a geometry, independent of the tensors: its calls per image,
 * its tap table with weight offsets relative to the filter (`[dy byte offset, weight byte offset]`
 * per tap, calls in order) and the dx positions no tap reaches.
 */
interface GatherPlan {
  calls: { dx: number; n: number; rows: number; T: number; tab: number }[];
  tab: Int32Array;
  zeros: { dx: number; n: number; rows: number }[];
}

function makeGatherPlan(g: ConvGeometry): GatherPlan {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const { filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const rows = axisSegments(H, SH, g.filterHeight, g.dilationHeight, g.padTop, OH);
  const cols = axisSegments(W, SW, FW, g.dilationWidth, g.padLeft, OW);
  const calls: GatherPlan['calls'] = [];
  const tab: number[] = [];
  for (const rs of rows) {
    for (const cs of cols) {
      const T = rs.taps.length * cs.taps.length;
      if (T) calls.push({ dx: (rs.start * W + cs.start) * C, n: cs.count, rows: rs.count, T, tab: tab.length });
      for (const th of rs.taps) {
        for (const tw of cs.taps) tab.push(4 * (th.o * OW + tw.o) * CM, 4 * (th.k * FW + tw.k) * CM);
      }
    }
  }
  return { calls, tab: Int32Array.from(tab), zeros: unreached(g) };
}

const gatherPlans = new WeakMap<object, Map<string, GatherPlan>>();

/** {@link makeGatherPlan}, kept per geometry (segments, calls and table offsets do not depend on the tensors). */
function gatherPlan(backend: WasmBackend, g: ConvGeometry): GatherPlan {
  return perMemory(backend, gatherPlans, JSON.stringify(g), () => makeGatherPlan(g));
}

/** The input gradient `inShape` (a new tensor). Requires {@link gatherApplies}`(g)`. */
export function depthwiseInputGather(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, kernels: GatherKernels, inShape: number[]): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const { strideHeight: SH, strideWidth: SW } = g;
  const M = CM / C;
  const fma = relaxedSimd();
  const P = gatherTuning.generated;
  const strided = g.strideHeight > 1 || g.strideWidth > 1;
  if (P > 0 && (!strided || gatherTuning.strided) && gatherGenPlan(backend, g, P, fma)) return generatedGather(backend, g, dy, filter, P, fma, inShape);
  const plan = gatherPlan(backend, g);
  const tab = backend.makeOutput([Math.max(1, plan.tab.length)], 'int32');
  const dx = backend.makeOutput(inShape, 'float32');
  const tabPtr = heapAddress(backend, tab);
  const wPtr = heapAddress(backend, filter);
  {
    const t = backend.typedArrayFromHeap(tab) as Int32Array;
    t.set(plan.tab);
    for (let i = 1; i < plan.tab.length; i += 2) t[i] += wPtr;
  }
  const dxPtr = heapAddress(backend, dx);
  const dyPtr = heapAddress(backend, dy);
  const xstep = 4 * SW * C;
  const xs = 4 * SH * W * C;
  const ds = 4 * OW * CM;
  const key = (C % 16 === 0 ? 40 : 10) + M; // four channel groups per step when C allows
  const jobs: GatherJob[] = splitRange(g.batch, POOL_PARTS).map(([n0, n1]) => ({
    calls: plan.calls, dx: dxPtr, dy: dyPtr, tab: tabPtr, key, xstep, xs, ds, image: 4 * H * W * C, dyImage: 4 * OH * OW * CM, C, CM, n0, n1,
  }));
  runJobs(backend, 'depthwiseGather', jobs, (job) => depthwiseGatherImages(backend, job, kernels), convMadds(g));
  zeroUnreached(backend, g, dx, plan.zeros);
  disposeInfo(backend, tab);
  return dx;
}
