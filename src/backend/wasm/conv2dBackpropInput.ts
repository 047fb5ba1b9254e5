/**
 * wasm kernel for `Conv2DBackpropInput` (replaces stock tfjs-backend-wasm's, which runs ~4 GFLOP/s).
 *
 * Formula (NHWC, filter `[fh, fw, cin, cout]`):
 * `dx[n, ih, iw, ci] = Σ_{kh, kw, co} dy[n, oh, ow, co] · W[kh, kw, ci, co]` over the `(oh, ow)` with
 * `ih = oh*sh + kh*dh - padTop`, `iw = ow*sw + kw*dw - padLeft`.
 *
 * - dilation 1 (always, for tfjs's ops): `sh·sw` stride-1 forward convolutions (the wasm backend's
 *   own XNNPACK Conv2D) of `dy` with flipped, in/out-swapped sub-filters, one per input phase
 *   (see subPixelInput.ts); for stride 1 that is one conv with `Wf[kh, kw, co, ci] = W[fh-1-kh, fw-1-kw, ci, co]`;
 * - dilation > 1, stride 1: one such conv with dilations and explicit padding
 *   `top' = dh*(fh-1) - padTop` (likewise the other sides) when none is negative;
 * - otherwise: `cols[P, K] = dy[P, cout] · Wᵀ[cout, K]` with the wasm matmul, then col2im
 *   scatter-adds `cols` into `dx`, chunked over positions.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const dx = tf.conv2dTranspose(dy, w, [8, 28, 28, 1], 2, 'same'); // runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { col2imAdd } from './col2im.js';
import { derived } from './derivedTensors.js';
import { inputGradArgs } from './gradArgs.js';
import type { ConvGeometry } from './convGeometry.js';
import { subPixelInputGradient } from './subPixelInput.js';
import { conv2dForward } from './conv2d.js';
import { disposeInfo, f32, matMul, stockKernel } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Conv2DBackpropInput';

/** Tuning: floats of one `cols` chunk on the matmul + col2im path. */
export const inputChunking = { colsFloats: 1 << 21 };

/** Explicit padding of the equivalent forward convolution, or undefined if one side is negative. */
function flippedPadding(g: ConvGeometry): [[number, number], [number, number], [number, number], [number, number]] | undefined {
  const top = g.dilationHeight * (g.filterHeight - 1) - g.padTop;
  const left = g.dilationWidth * (g.filterWidth - 1) - g.padLeft;
  const bottom = g.inHeight - g.outHeight - top + g.dilationHeight * (g.filterHeight - 1);
  const right = g.inWidth - g.outWidth - left + g.dilationWidth * (g.filterWidth - 1);
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

function viaForwardConv(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, pad: ReturnType<typeof flippedPadding>): TensorInfo {
  const { filterHeight: FH, filterWidth: FW, inChannels: CI, outChannels: CO } = g;
  // once per filter tensor (tfjs tensors are immutable): XNNPACK then packs it once
  const flipped = derived(backend, filter, 'flipped', () => {
    const t = backend.makeOutput([FH, FW, CO, CI], 'float32');
    const w = f32(backend, filter);
    const wf = f32(backend, t);
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const src = ((FH - 1 - kh) * FW + (FW - 1 - kw)) * CI * CO;
        const dst = (kh * FW + kw) * CO * CI;
        for (let co = 0; co < CO; co++) {
          for (let ci = 0; ci < CI; ci++) wf[dst + co * CI + ci] = w[src + ci * CO + co];
        }
      }
    }
    return t;
  });
  // phasewise's Conv2D: the direct SIMD kernel where it applies (it packs the flipped filter once too)
  const out = conv2dForward({
    inputs: { x: dy, filter: flipped },
    backend,
    attrs: { strides: 1, dilations: [g.dilationHeight, g.dilationWidth], pad, dataFormat: 'NHWC', dimRoundingMode: undefined },
  });
  return out;
}

/** `dx` by matmul with the transposed filter and col2im, chunked over output rows. */
export function viaMatMulCol2im(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, inShape: number[]): TensorInfo {
  const batchMatMul = stockKernel('BatchMatMul');
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const CO = g.outChannels;
  const rows = g.batch * g.outHeight;
  const step = Math.max(1, Math.min(rows, Math.floor(inputChunking.colsFloats / (g.outWidth * K))));
  const dx = backend.makeOutput(inShape, 'float32');
  const wT = derived(backend, filter, 'transposed', () => {
    const out = backend.makeOutput([CO, K], 'float32');
    const w = f32(backend, filter);
    const t = f32(backend, out);
    for (let k = 0; k < K; k++) {
      for (let co = 0; co < CO; co++) t[co * K + k] = w[k * CO + co];
    }
    return out;
  });
  f32(backend, dx).fill(0);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    const P = (r1 - r0) * g.outWidth;
    let a: TensorInfo;
    let ownA = false;
    if (r0 === 0 && r1 === rows) {
      a = { dataId: dy.dataId, shape: [P, CO], dtype: 'float32' };
    } else {
      a = backend.makeOutput([P, CO], 'float32');
      ownA = true;
      f32(backend, a).set(f32(backend, dy).subarray(r0 * g.outWidth * CO, r1 * g.outWidth * CO));
    }
    const cols = matMul(backend, batchMatMul, a, wT);
    if (ownA) disposeInfo(backend, a);
    col2imAdd(f32(backend, cols), g, r0, r1, f32(backend, dx));
    disposeInfo(backend, cols);
  }
  return dx;
}

/**
 * Input gradient of an NHWC convolution on the wasm backend (see the module comment for the
 * formula and the two strategies).
 */
export function inputGradient(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, inShape: number[]): TensorInfo {
  if (g.batch * g.outHeight * g.outWidth === 0) {
    const dx = backend.makeOutput(inShape, 'float32');
    f32(backend, dx).fill(0);
    return dx;
  }
  if (g.dilationHeight === 1 && g.dilationWidth === 1) return subPixelInputGradient(backend, g, dy, filter, inShape);
  const pad = g.strideHeight === 1 && g.strideWidth === 1 ? flippedPadding(g) : undefined;
  if (pad) return viaForwardConv(backend, g, dy, filter, pad);
  return viaMatMulCol2im(backend, g, dy, filter, inShape);
}

function conv2dBackpropInput(args: KernelArgs): TensorInfo {
  const { backend, dy, filter, inShape, g } = inputGradArgs(KERNEL, args, false);
  return inputGradient(backend, g, dy, filter, inShape);
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
