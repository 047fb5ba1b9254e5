/**
 * wasm kernel for `DepthwiseConv2dNative` (the forward depthwise convolution), multipliers 1 and 2,
 * by the per-geometry generated gather kernels of depthwiseGatherGen.ts: a forward depthwise
 * convolution has the input gradient's shape — every output value is one sum over the taps of
 * per-channel products — with x in dy's place and the filter unflipped (multiplier 2: x's lanes
 * duplicated, `expand`). Multiplier 1 at stride 1 and multiplier 2 at any stride (any dilation); the
 * stock XNNPACK kernel stays in use for the rest (multiplier-1 strides, other multipliers, `C % 4 ≠ 0`,
 * more than 16 taps, other dtypes or data formats). On 64×28²×32 3×3 stride 1 the stock kernel ran at
 * 63 % of XNNPACK's matMul of the same flops with multiplier 1, 10–15 % with 2 (bench:kernels).
 * An integer `pad` follows tfjs' geometry (computeConv2DInfo sizes both axes with the filter height
 * and stride height), as the cpu backend does; the stock wasm kernel leaves outputs unwritten when
 * that differs from its own sizing (x [1, 4, 7, 5], filter [1, 2, 5, 1], strides [1, 3], pad 1).
 *
 * Formula (NHWC, filter `[fh, fw, C, M]`):
 * `y[n, oh, ow, c·M + m] = Σ_{kh, kw} x[n, oh·sh + kh·dh − padTop, ow·sw + kw·dw − padLeft, c] · W[kh, kw, c, m]`
 * over the in-range input positions. The output rows split into ranges with one set of in-range `kh`
 * (tapRanges), the columns likewise; each (row range × column range) is one generated call per
 * image; outputs no tap reaches are 0.
 *
 * @example
 * ```ts
 * await initBackend('wasm');   // registers it
 * const y = tf.depthwiseConv2d(x, w, 1, 'same');   // x [64, 28, 28, 32], w [3, 3, 32, 1]
 * ```
 */
import { tf } from '../tf.js';
import { convGeometry, convMadds, type ConvGeometry } from './convGeometry.js';
import { generatedGatherKernel, runGenCalls, type GenCall } from './depthwiseGatherGen.js';
import { tapRanges } from './depthwiseFilterGenSweep.js';
import { perMemory } from './heapModule.js';
import { refuseStockIntegerPad } from './integerPad.js';
import { relaxedSimd } from './relaxedSimd.js';
import { POOL_PARTS, runJobs, splitRange } from './simdPool.js';
import { f32, heapAddress, replacingConfig, stockKernel } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'DepthwiseConv2dNative';

/**
 * Tuning: output positions per block of the generated kernels (0: the stock kernel for every call);
 * `strided`: take strided multiplier-1 layers too. Interleaved against the stock kernel (2026-12-01,
 * 2 / 1 threads, `bench/_tmp`): multiplier 1, stride 1: 64×28²×32 0.90 vs 1.67 / 1.60 vs 3.33 ms,
 * 64×14²×128 1.29 vs 1.82 / 2.01 vs 3.09, 64×56²×32 3.81 vs 8.27 / 5.07 vs 13.12; multiplier 2:
 * 64×28²×32 2.61 vs 17.21 / 4.15 vs 27.74, 64×14²×64 1.90 vs 8.94 / 2.44 vs 14.59, stride 2
 * 1.76 vs 5.26 / 1.74 vs 8.04; but multiplier 1, stride 2 (64×28²×64): 1.10–1.26 vs 0.98–1.16 /
 * 2.68–2.74 vs 2.31–3.00 — those stay stock unless their pad is an integer.
 */
export const depthwiseForwardTuning = { positions: 4, strided: false };

/** The generated calls of `g` and whether they cover every output (else the rest is zeroed first); undefined when a kernel is unavailable. */
function makePlan(backend: WasmBackend, g: ConvGeometry, P: number, fma: boolean): { calls: GenCall[]; covered: boolean } | undefined {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = g;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const M = g.outChannels / C as 1 | 2;
  const [cb, ob] = [4 * C, 4 * C * M]; // bytes of one input position, of one output position
  const calls: GenCall[] = [];
  let outputs = 0;
  for (const r of tapRanges(OH, SH, DH, padTop, H, FH)) {
    for (const q of tapRanges(OW, SW, DW, padLeft, W, FW)) {
      const [kh0, kw0] = [r.ks[0], q.ks[0]];
      const taps = r.ks.flatMap((kh) => q.ks.map((kw) => ({ d: ((kh - kh0) * DH * W + (kw - kw0) * DW) * cb, w: (kh * FW + kw) * ob })));
      const k = generatedGatherKernel(backend, { cb, n: q.hi - q.lo, xstep: ob, xs: OW * ob, dstep: SW * cb, ds: SH * W * cb, taps, P, M, expand: M === 2, fma });
      if (!k) return undefined;
      calls.push({ k, out: (r.lo * OW + q.lo) * ob, in: ((r.lo * SH + kh0 * DH - padTop) * W + q.lo * SW + kw0 * DW - padLeft) * cb, rows: r.hi - r.lo });
      outputs += (r.hi - r.lo) * (q.hi - q.lo);
    }
  }
  return { calls, covered: outputs === OH * OW };
}

const plans = new WeakMap<object, Map<string, { calls: GenCall[]; covered: boolean } | undefined>>();

function plan(backend: WasmBackend, g: ConvGeometry, P: number, fma: boolean) {
  return perMemory(backend, plans, JSON.stringify([g, P, fma]), () => makePlan(backend, g, P, fma));
}

/** Images `[n0, n1)` of a forward depthwise convolution (plain data: a worker can run it; byte addresses). */
export interface ForwardJob { g: ConvGeometry; P: number; fma: boolean; y: number; x: number; w: number; n0: number; n1: number }

/** Run the generated calls of images `[job.n0, job.n1)` with this memory's kernels. */
export function depthwiseForwardImages(backend: WasmBackend, job: ForwardJob): void {
  const { g } = job;
  const p = plan(backend, g, job.P, job.fma);
  if (!p) throw new Error('phasewise depthwise forward: no generated kernels on this memory');
  runGenCalls(p.calls, job.y, 4 * g.outHeight * g.outWidth * g.outChannels, job.x, 4 * g.inHeight * g.inWidth * g.inChannels, job.w, job.n0, job.n1);
}

/** `y` by the generated kernels, or undefined where they do not apply (see the module comment). */
export function depthwiseForwardOurs(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, attrs: Record<string, unknown>): TensorInfo | undefined {
  const P = depthwiseForwardTuning.positions;
  if (P <= 0 || (attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if (x.shape.length !== 4 || filter.shape.length !== 4 || (filter.shape[3] !== 1 && filter.shape[3] !== 2) || x.shape[3] % 4 !== 0) return undefined;
  const g = convGeometry(KERNEL, x.shape, filter.shape, attrs, true);
  // strided multiplier-1 layers go to the stock kernel, except with an integer pad (which it gets wrong, see above)
  const strided = g.strideHeight > 1 || g.strideWidth > 1;
  if (strided && g.outChannels === g.inChannels && !depthwiseForwardTuning.strided && typeof attrs.pad !== 'number') return undefined;
  const fma = relaxedSimd();
  const p = g.batch * g.outHeight * g.outWidth > 0 ? plan(backend, g, P, fma) : undefined;
  if (!p) return undefined;
  const y = backend.makeOutput([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32');
  if (!p.covered) f32(backend, y).fill(0);
  const [yAt, xAt, w] = [heapAddress(backend, y), heapAddress(backend, x), heapAddress(backend, filter)];
  const jobs: ForwardJob[] = splitRange(g.batch, POOL_PARTS).map(([n0, n1]) => ({ g, P, fma, y: yAt, x: xAt, w, n0, n1 }));
  runJobs(backend, 'depthwiseForward', jobs, (job) => depthwiseForwardImages(backend, job), convMadds(g));
  return y;
}

/** The kernel: the generated path where it applies, else the stock kernel behind integerPad.ts's guard (as Conv2D's fallback). */
function depthwiseForward(args: KernelArgs): TensorInfo {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs ?? {};
  const ours = depthwiseForwardOurs(args.backend as WasmBackend, x, filter, attrs);
  if (ours) return ours;
  refuseStockIntegerPad(KERNEL, filter.shape, attrs);
  return stockKernel(KERNEL)(args as Parameters<ReturnType<typeof stockKernel>>[0]);
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const depthwiseForwardConfig: tf.KernelConfig = replacingConfig(KERNEL, depthwiseForward);
