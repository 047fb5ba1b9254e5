/**
 * wasm kernel for `MaxPoolGrad` (replaces stock tfjs-backend-wasm's, ~25 ns per input value:
 * 45 ms of a VGG16 128 px style-loss gradient).
 *
 * Formula (NHWC, as tfjs' cpu backend): for every output `(n, oh, ow, c)` the window's first
 * maximum in row-major scan order, `p* = first argmax_{(r, s) in window} x[n, r, s, c]` (strictly
 * greater than everything before it, starting from -Infinity; none when no value beats -Infinity),
 * receives the gradient: `dx[n, p*, c] += dy[n, oh, ow, c]`; every other `dx` is 0. Windows are
 * `[oh·sh - padTop, oh·sh - padTop + fh) × [ow·sw - padLeft, …)` clipped to the input; they may
 * overlap (then gradients add up). Channels are the inner loop, so x and dx are read in order;
 * full 2×2 windows are unrolled; 2×2 stride-2 windows that tile the input (VGG's pools) run a wasm
 * SIMD kernel, four channels at a time (simdMaxPool2.ts). Ties go to the first maximum as on tfjs' cpu backend and in PyTorch
 * (stock tfjs-backend-wasm gives them to the last).
 *
 * @example
 * ```ts
 * const dx = tf.grad((x: tf.Tensor4D) => tf.sum(tf.maxPool(x, 2, 2, 'valid')))(x);   // runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { maxPool2Kernel } from './simdMaxPool2.js';
import { f32, heapAddress } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'MaxPoolGrad';

/** A full 2×2 window at `p` (row stride `rs`): the same first-maximum rule, unrolled. */
function pool2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, p: number, rs: number, C: number, o: number): void {
  for (let c = 0; c < C; c++) {
    let m = -Infinity;
    let at = -1;
    const i0 = p + c;
    const v0 = x[i0];
    if (v0 > m) { m = v0; at = i0; }
    const v1 = x[i0 + C];
    if (v1 > m) { m = v1; at = i0 + C; }
    const v2 = x[i0 + rs];
    if (v2 > m) { m = v2; at = i0 + rs; }
    const v3 = x[i0 + rs + C];
    if (v3 > m) at = i0 + rs + C;
    if (at >= 0) dx[at] += dy[o + c];
  }
}

/** `dx` of a max pool (see the module comment); `x`, `dy`, `dx` are NHWC float32 arrays. */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: SH, strideWidth: SW, effectiveFilterHeight: FH, effectiveFilterWidth: FW } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  dx.fill(0);
  const best = new Float64Array(C);
  const at = new Int32Array(C);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * SH - padTop;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(H, r0 + FH);
      for (let ow = 0; ow < OW; ow++) {
        const s0 = ow * SW - padLeft;
        const sMin = Math.max(0, s0);
        const sMax = Math.min(W, s0 + FW);
        const o = ((n * OH + oh) * OW + ow) * C;
        if (rMax - rMin === 2 && sMax - sMin === 2) {
          pool2x2(x, dy, dx, ((n * H + rMin) * W + sMin) * C, W * C, C, o);
          continue;
        }
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = rMin; r < rMax; r++) {
          for (let s = sMin; s < sMax; s++) {
            const base = ((n * H + r) * W + s) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c];
              if (v > best[c]) {
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) if (at[c] >= 0) dx[at[c]] += dy[o + c];
      }
    }
  }
}

/** Whether the windows are 2×2, stride 2, unpadded and full, over a multiple of 4 channels: the SIMD kernel (simdMaxPool2.ts). */
export function tiles2x2(info: tf.backend_util.Conv2DInfo): boolean {
  return maxPoolTuning.simd && info.effectiveFilterHeight === 2 && info.effectiveFilterWidth === 2 && info.strideHeight === 2 &&
    info.strideWidth === 2 && info.padInfo.top === 0 && info.padInfo.left === 0 && 2 * info.outHeight <= info.inHeight &&
    2 * info.outWidth <= info.inWidth && info.inChannels % 4 === 0 && info.outHeight * info.outWidth * info.batchSize > 0;
}

/** Tuning: the SIMD kernel for 2×2 stride-2 windows (false: the scalar loop everywhere, for tests). */
export const maxPoolTuning = { simd: true };

function maxPoolGrad(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, input } = args.inputs;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as {
    filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = backend.makeOutput(input.shape, 'float32');
  const pool2 = tiles2x2(info) ? maxPool2Kernel(backend) : undefined;
  if (!pool2) {
    maxPoolBackprop(f32(backend, input), f32(backend, dy), f32(backend, dx), info);
    return dx;
  }
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  if (2 * OH < H || 2 * OW < W) f32(backend, dx).fill(0); // a last odd row or column no window covers
  const [xAt, dyAt, dxAt] = [input, dy, dx].map((t) => heapAddress(backend, t));
  for (let n = 0; n < N; n++) pool2(xAt + 4 * n * H * W * C, dyAt + 4 * n * OH * OW * C, dxAt + 4 * n * H * W * C, OH, OW, 4 * C, 4 * W * C, 4 * OW * C);
  return dx;
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
