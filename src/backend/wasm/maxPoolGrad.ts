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
 * full 2×2 windows are unrolled. Ties go to the first maximum as on tfjs' cpu backend and in PyTorch
 * (stock tfjs-backend-wasm gives them to the last).
 *
 * @example
 * ```ts
 * const dx = tf.grad((x: tf.Tensor4D) => tf.sum(tf.maxPool(x, 2, 2, 'valid')))(x);   // runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { f32 } from './wasmHeap.js';
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

function maxPoolGrad(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, input } = args.inputs;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as {
    filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = backend.makeOutput(input.shape, 'float32');
  maxPoolBackprop(f32(backend, input), f32(backend, dy), f32(backend, dx), info);
  return dx;
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
