/**
 * Depthwise input gradient as a gather (the sub-pixel idea): every `dx` value is written exactly
 * once, with no zeroing and no read-modify-write.
 *
 * Formula (filter `[fh, fw, C, M]`, dy channel `c·M + m`):
 * `dx[n, ih, iw, c] = Σ_{kh, kw, m} dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]` over the taps with
 * `oh = (ih + padTop - kh·dh) / sh` and `ow = (iw + padLeft - kw·dw) / sw` integral and inside dy.
 * Along each axis, dx indices of one phase (`ih mod sh`) step dy by exactly one row per `sh` rows,
 * so the indices of a phase split into a few segments (borders, interior) with a constant tap list;
 * each (row segment × column segment) of an image is one call of simdGather.ts's kernel with
 * `T = rowTaps · colTaps` taps (dx positions no tap reaches are set to 0).
 *
 * @example
 * ```ts
 * const k = gatherKernels(backend);
 * if (k && gatherApplies(g)) dx = depthwiseInputGather(backend, g, dy, filter, k, [64, 28, 28, 64]);
 * ```
 */
import { convMadds, type ConvGeometry } from './convGeometry.js';
import { gatherKernels, MAX_TAPS } from './simdGather.js';
import type { GatherKernels } from './simdGather.js';
import { POOL_PARTS, runJobs, splitRange } from './simdPool.js';
import { disposeInfo, f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** dx indices `start + i·stride` (`i < count`) whose taps are `k` at dy index `o + i`. */
export interface Segment {
  start: number;
  count: number;
  taps: { k: number; o: number }[];
}

/** Segments of one axis: dx size, stride, filter size, dilation, padding before, dy size. */
export function axisSegments(size: number, s: number, f: number, d: number, pad: number, out: number): Segment[] {
  const segs: Segment[] = [];
  for (let r = 0; r < Math.min(s, size); r++) {
    let cur: Segment | undefined;
    let key = '';
    for (let i = r; i < size; i += s) {
      const taps: { k: number; o: number }[] = [];
      for (let k = 0; k < f; k++) {
        const num = i + pad - k * d;
        if (num % s === 0 && num >= 0 && num / s < out) taps.push({ k, o: num / s });
      }
      const kk = taps.map((t) => t.k).join(',');
      if (cur && kk === key) {
        cur.count++;
      } else {
        cur = { start: i, count: 1, taps };
        key = kk;
        segs.push(cur);
      }
    }
  }
  return segs;
}

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

/** The input gradient `inShape` (a new tensor). Requires {@link gatherApplies}`(g)`. */
export function depthwiseInputGather(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, kernels: GatherKernels, inShape: number[]): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const { filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const M = CM / C;
  const rows = axisSegments(H, SH, g.filterHeight, g.dilationHeight, g.padTop, OH);
  const cols = axisSegments(W, SW, FW, g.dilationWidth, g.padLeft, OW);
  const calls: { dx: number; n: number; rows: number; T: number; tab: number }[] = [];
  const zeros: { dx: number; n: number; rows: number }[] = [];
  let tabInts = 0;
  for (const rs of rows) {
    for (const cs of cols) {
      const T = rs.taps.length * cs.taps.length;
      const at = { dx: (rs.start * W + cs.start) * C, n: cs.count, rows: rs.count };
      if (T === 0) zeros.push(at);
      else calls.push({ ...at, T, tab: tabInts });
      tabInts += 2 * T;
    }
  }
  const tab = backend.makeOutput([Math.max(1, tabInts)], 'int32');
  const dx = backend.makeOutput(inShape, 'float32');
  const tabPtr = heapAddress(backend, tab);
  const wPtr = heapAddress(backend, filter);
  {
    const t = backend.typedArrayFromHeap(tab) as Int32Array;
    let i = 0;
    for (const rs of rows) {
      for (const cs of cols) {
        for (const th of rs.taps) {
          for (const tw of cs.taps) {
            t[i++] = 4 * (th.o * OW + tw.o) * CM;
            t[i++] = wPtr + 4 * (th.k * FW + tw.k) * CM;
          }
        }
      }
    }
  }
  const dxPtr = heapAddress(backend, dx);
  const dyPtr = heapAddress(backend, dy);
  const xstep = 4 * SW * C;
  const xs = 4 * SH * W * C;
  const ds = 4 * OW * CM;
  const key = (C % 16 === 0 ? 40 : 10) + M; // four channel groups per step when C allows
  const jobs: GatherJob[] = splitRange(g.batch, POOL_PARTS).map(([n0, n1]) => ({
    calls, dx: dxPtr, dy: dyPtr, tab: tabPtr, key, xstep, xs, ds, image: 4 * H * W * C, dyImage: 4 * OH * OW * CM, C, CM, n0, n1,
  }));
  runJobs(backend, 'depthwiseGather', jobs, (job) => depthwiseGatherImages(backend, job, kernels), convMadds(g));
  if (zeros.length) {
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
  disposeInfo(backend, tab);
  return dx;
}
