/**
 * wasm kernel for `DepthwiseConv2dNativeBackpropFilter` (missing from stock tfjs-backend-wasm 4.22).
 *
 * Formula (NHWC input `[n, h, w, c]`, filter `[fh, fw, c, M]`, output channel `c*M + m`):
 * `dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh*sh + kh*dh - padTop, ow*sw + kw*dw - padLeft, c] · dy[n, oh, ow, c*M + m]`.
 *
 * `M ∈ {1, 2}`, `C` a multiple of 4, at most 9 taps (the common case): per-geometry generated kernels
 * (depthwiseFilterGenSweep.ts, any stride, dilation and padding; x and dy read in address order; at
 * `M = 2` x's lanes are duplicated by shuffles).
 * Other `C·M` multiples of 4 with `M ∈ {1, 2, 4}`: the wasm SIMD path of depthwiseInPlace.ts
 * (x read in place; with `M = 1`, simdFilterRows.ts's kernels: stride 1 register-accumulating rows,
 * strided all tap rows per call so x streams in address order; with `M = 2`, its register-accumulating
 * rows at any stride, x's lanes duplicated by a shuffle); other `M` with `C·M` a multiple of 4: depthwiseFilterSimd.ts (padded copy). Otherwise every filter entry is a dot product over output positions, so x and dy are laid out channel-major
 * on the phase grid of phasePlanes.ts (x as phase planes; dy on the same grid, 0 at grid padding):
 * `dW[kh, kw, c, m] = Σ_q planes[tapOffset(kh, kw, c) + q] · dyg[(c·M + m)·Q + q]`, contiguous in `q`
 * for every tap, computed three taps at a time against one load of `dy` (accumulating in float64).
 * Depthwise convolution does `2·fh·fw` flops per loaded `dy` value, so this is memory-bound: it runs
 * in JS over plain arrays, per group of images (bounded scratch). Dilations are honoured (the cpu
 * backend's kernel ignores them).
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const g = tf.grad((w: tf.Tensor4D) => tf.sum(tf.depthwiseConv2d(x, w, 1, 'same')))(w);
 * ```
 */
import { tf } from '../tf.js';
import { filterGradArgs } from './gradArgs.js';
import type { ConvGeometry } from './convGeometry.js';
import { fillPhasePlanes, phaseGrid, tapOffset } from './phasePlanes.js';
import type { PhaseGrid } from './phasePlanes.js';
import { depthwiseFilterSimd, simdApplies } from './depthwiseFilterSimd.js';
import { inPlaceApplies } from './depthwiseInPlace.js';
import { depthwiseFilterInPlace } from './depthwiseInPlaceRun.js';
import { depthwiseKernels } from './simdDepthwise.js';
import { filterRowKernels } from './simdFilterRows.js';
import { depthwiseFilterGenerated, genSweepApplies } from './depthwiseFilterGenSweep.js';
import { simdMadd } from './simdMadd.js';
import { f32 } from './wasmHeap.js';
import type { KernelArgs, TensorInfo } from './wasmHeap.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

/** Tuning: floats of the per-group scratch (x's phase planes + dy on the grid); at least one image. */
export const depthwiseFilterChunking = { floats: 1 << 21 };

/**
 * Tuning: `generated` — `M = 1` and `M = 2` (≤ 9 taps, `C % 4 = 0`) at any stride go to the generated kernels
 * (at stride 1 they took the place of `maddr`: 65–72 % → 75–78 % of matMul with 2 threads, 74 → 94 %
 * with 1, on 64×28²×32; interleaved A/B against XNNPACK's matMul, 2026-12-01; at `M = 2`, of
 * `rowsM2`: 4.65–5.10 → 3.30–3.48 ms on 64×28²×32×2, 1 and 2 threads, bench/depthwiseAB.mjs, loaded host). `rows`: otherwise `M = 1` on the in-place path uses simdFilterRows.ts's kernels — stride 1 `maddr`
 * (accumulators in registers along a row; 81 % → 96 % of matMul on 64×28²×32), strided `maddk`
 * (madd1's loop body, all tap rows per call; ~40 % → ~50 % on 64×28²×64 stride 2).
 */
export const depthwiseFilterTuning = { rows: true, generated: true };

/** `dyg[cm·Q + q] = dy[n0 + n, i, j, cm]` for grid position `q = (n·Hg + i)·Wg + j` inside the output, else 0. */
function fillDyGrid(dy: Float32Array, g: ConvGeometry, grid: PhaseGrid, n0: number, dyg: Float32Array): void {
  const { outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const { Hg, Wg, Q } = grid;
  dyg.fill(0, 0, CM * Q);
  for (let n = 0; n < grid.images; n++) {
    for (let i = 0; i < OH; i++) {
      let s = ((n0 + n) * OH + i) * OW * CM;
      const q0 = (n * Hg + i) * Wg;
      for (let j = 0; j < OW; j++) {
        for (let cm = 0, d = q0 + j; cm < CM; cm++, d += Q) dyg[d] = dy[s++];
      }
    }
  }
}

/** `acc[((kh·fw + kw)·C + c)·M + m] += Σ_q planes[tapOffset(kh, kw, c) + q] · dyg[(c·M + m)·Q + q]`. */
function accumulateTaps(g: ConvGeometry, grid: PhaseGrid, planes: Float32Array, dyg: Float32Array, acc: Float64Array): void {
  const { inChannels: C, outChannels: CM, filterHeight: FH, filterWidth: FW } = g;
  const M = CM / C;
  const Q = grid.Q;
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < M; m++) {
      const dBase = (c * M + m) * Q;
      for (let kh = 0; kh < FH; kh++) {
        for (let kw = 0; kw < FW; kw += 3) {
          const taps = Math.min(3, FW - kw);
          const o0 = tapOffset(g, grid, kh, kw, c) - dBase;
          const o1 = (taps > 1 ? tapOffset(g, grid, kh, kw + 1, c) : tapOffset(g, grid, kh, kw, c)) - dBase;
          const o2 = (taps > 2 ? tapOffset(g, grid, kh, kw + 2, c) : tapOffset(g, grid, kh, kw, c)) - dBase;
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          for (let q = dBase, end = dBase + Q; q < end; q++) {
            const d = dyg[q];
            a0 += planes[o0 + q] * d;
            a1 += planes[o1 + q] * d;
            a2 += planes[o2 + q] * d;
          }
          const w = ((kh * FW + kw) * C + c) * M + m;
          acc[w] += a0;
          if (taps > 1) acc[w + C * M] += a1;
          if (taps > 2) acc[w + 2 * C * M] += a2;
        }
      }
    }
  }
}

function depthwiseBackpropFilter(args: KernelArgs): TensorInfo {
  const { backend, x, dy, filterShape, g } = filterGradArgs(KERNEL, args, true);
  const inPlace = inPlaceApplies(g, false) ? depthwiseKernels(backend) : undefined;
  const M = g.outChannels / g.inChannels;
  const stride1 = g.strideHeight === 1 && g.strideWidth === 1;
  const rows = inPlace && M === 1 && depthwiseFilterTuning.rows ? filterRowKernels(backend) : undefined;
  const gen = depthwiseFilterTuning.generated && genSweepApplies(g);
  const generated = gen ? depthwiseFilterGenerated(backend, g, x, dy, filterShape) : undefined;
  if (generated) return generated;
  if (inPlace && rows && stride1) return depthwiseFilterInPlace(backend, g, x, dy, { module: 'rows', key: g.outChannels % 8 === 0 ? 2 : 1 }, filterShape);
  // multiplier 2 (stride 1 or not): accumulators in registers along rows, U = 2 channel groups when C·M allows
  const rowsM2 = inPlace && M === 2 && depthwiseFilterTuning.rows ? filterRowKernels(backend) : undefined;
  if (rowsM2) return depthwiseFilterInPlace(backend, g, x, dy, { module: 'rowsM2', key: g.outChannels % 8 === 0 ? 2 : 1 }, filterShape);
  if (inPlace) return depthwiseFilterInPlace(backend, g, x, dy, { module: 'madd', key: M as 1 | 2 | 4 }, filterShape, rows !== undefined);
  const madd = simdApplies(g) ? simdMadd(backend) : undefined;
  if (madd) return depthwiseFilterSimd(backend, g, x, dy, madd, filterShape);
  const acc = new Float64Array(g.filterHeight * g.filterWidth * g.outChannels);
  if (g.batch * g.outHeight * g.outWidth > 0) {
    const perImage = phaseGrid(g, 1);
    const images = Math.max(1, Math.min(g.batch, Math.floor(depthwiseFilterChunking.floats / (perImage.planeFloats + g.outChannels * perImage.Q))));
    const planes = new Float32Array(phaseGrid(g, images).planeFloats);
    const dyg = new Float32Array(g.outChannels * phaseGrid(g, images).Q);
    const xs = f32(backend, x);
    const dys = f32(backend, dy);
    for (let n0 = 0; n0 < g.batch; n0 += images) {
      const grid = phaseGrid(g, Math.min(images, g.batch - n0));
      fillPhasePlanes(xs, g, grid, planes, n0);
      fillDyGrid(dys, g, grid, n0, dyg);
      accumulateTaps(g, grid, planes, dyg, acc);
    }
  }
  const out = backend.makeOutput(filterShape, 'float32');
  f32(backend, out).set(acc);
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels}. */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
};
