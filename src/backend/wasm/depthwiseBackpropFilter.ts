/**
 * wasm kernel for `DepthwiseConv2dNativeBackpropFilter` (missing from stock tfjs-backend-wasm 4.22).
 *
 * Formula (NHWC input `[n, h, w, c]`, filter `[fh, fw, c, M]`, output channel `c*M + m`):
 * `dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh*sh + kh*dh - padTop, ow*sw + kw*dw - padLeft, c] · dy[n, oh, ow, c*M + m]`.
 *
 * Depthwise convolution does `2*fh*fw` flops per loaded value, so it is memory-bound and a matmul
 * buys nothing: a tight typed-array loop over contiguous channels, accumulating in float64.
 * Unlike the cpu backend's kernel (which ignores them), dilations are honoured.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const g = tf.grad((w: tf.Tensor4D) => tf.sum(tf.depthwiseConv2d(x, w, 1, 'same')))(w);
 * ```
 */
import { tf } from '../tf.js';
import { checkFloat32, checkShape, convGeometry } from './convGeometry.js';
import { f32, wasmBackendOf } from './wasmHeap.js';
import type { KernelArgs, TensorInfo } from './wasmHeap.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

function depthwiseBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs ?? {};
  const filterShape = attrs.filterShape as number[];
  checkFloat32(KERNEL, 'x', x);
  checkFloat32(KERNEL, 'dy', dy);
  const g = convGeometry(KERNEL, x.shape, filterShape, attrs, true);
  checkShape(KERNEL, 'filterShape', filterShape, [g.filterHeight, g.filterWidth, g.inChannels, filterShape[3]]);
  checkShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  const M = CM / C;
  const acc = new Float64Array(FH * FW * CM);
  const out = backend.makeOutput(filterShape, 'float32');
  const xs = f32(backend, x);
  const dys = f32(backend, dy);
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < FH; kh++) {
        const ih = oh * SH + kh * DH - padTop;
        if (ih < 0 || ih >= H) continue;
        const xRow = (n * H + ih) * W;
        const dyRow = (n * OH + oh) * OW;
        for (let ow = 0; ow < OW; ow++) {
          const dyBase = (dyRow + ow) * CM;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW + kw * DW - padLeft;
            if (iw < 0 || iw >= W) continue;
            const xBase = (xRow + iw) * C;
            const wBase = (kh * FW + kw) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[wBase + c] += xs[xBase + c] * dys[dyBase + c];
            } else {
              for (let m = 0; m < M; m++) {
                for (let c = 0, j = m; c < C; c++, j += M) acc[wBase + j] += xs[xBase + c] * dys[dyBase + j];
              }
            }
          }
        }
      }
    }
  }
  f32(backend, out).set(acc);
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels}. */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
};
