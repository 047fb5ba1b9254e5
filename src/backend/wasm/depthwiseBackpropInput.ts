/**
 * wasm kernel for `DepthwiseConv2dNativeBackpropInput` (missing from stock tfjs-backend-wasm 4.22).
 *
 * Formula (NHWC, filter `[fh, fw, c, M]`, output channel `c*M + m`):
 * `dx[n, ih, iw, c] = Σ_{kh, kw, m} dy[n, oh, ow, c*M + m] · W[kh, kw, c, m]` over the `(oh, ow)` with
 * `ih = oh*sh + kh*dh - padTop`, `iw = ow*sw + kw*dw - padLeft`.
 *
 * Paths, in order (dilations are honoured by all):
 * - `M ∈ {1, 2}`, `C` a multiple of 4: the gather of depthwiseGather.ts (every dx value written once);
 *   at stride 1 with the per-geometry generated kernels of depthwiseGatherGen.ts (64×28²×32 3×3:
 *   1.2–1.5 ms against 2.2–3.3 ms for the table kernels at M = 1, and 3.3–5.0 against 6.9–10 ms for
 *   the in-place row kernel at M = 2, interleaved on a loaded host, 2026-12-01), strided with its
 *   table-driven kernels (simdGather.ts).
 * - Otherwise, strided or `M = 2`, `C` a multiple of 4: the in-place wasm SIMD scatter of
 *   depthwiseInPlace.ts; strided with `C·M` a multiple of 4: the padded SIMD scatter of depthwiseInputSimd.ts.
 * - Stride 1 otherwise (when the flipped padding `top' = dh·(fh-1) - padTop` etc. is not negative):
 *   the wasm backend's own XNNPACK depthwise conv of `dy` with the flipped filter
 *   `Wf[kh, kw, c·M + m] = W[fh-1-kh, fw-1-kw, c, m]` gives `[n, h, w, c·M]`, then a sum over `m`.
 * - Else a scatter-add over output positions in a typed-array loop over contiguous channels.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const g = tf.grad((x: tf.Tensor4D) => tf.sum(tf.depthwiseConv2d(x, w, 2, 'same')))(x);
 * ```
 */
import { tf } from '../tf.js';
import { inputGradArgs } from './gradArgs.js';
import type { ConvGeometry } from './convGeometry.js';
import { simdApplies } from './depthwiseFilterSimd.js';
import { depthwiseInputSimd } from './depthwiseInputSimd.js';
import { depthwiseInputGather, gatherApplies, gatherTuning } from './depthwiseGather.js';
import { inPlaceApplies } from './depthwiseInPlace.js';
import { depthwiseInputInPlace } from './depthwiseInPlaceRun.js';
import { gatherKernels } from './simdGather.js';
import { derived } from './derivedTensors.js';
import { depthwiseKernels } from './simdDepthwise.js';
import { simdKernels } from './simdMadd.js';
import { inputRowKernels } from './simdInputRows.js';
import { disposeInfo, f32, stockKernel } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

/**
 * Tuning: use the gather of depthwiseGather.ts for strided cases it applies to (else the in-place
 * scatter); for stride 1 (`gatherStride1`): 'auto' = the gather whatever the thread count — 2–20 %
 * faster than XNNPACK's depthwise conv with two threads too in 6 paired comparisons on 2026-12-01
 * (64×28²×32 and ×64, 3×3; earlier sessions measured XNNPACK ahead with two threads);
 * `rows`: multiplier 2 in place through simdInputRows.ts's row kernel (false: maxpy2; same sums).
 */
export const depthwiseInputTuning: { gather: boolean; gatherStride1: 'auto' | 'always' | 'never'; rows: boolean } = { gather: true, gatherStride1: 'auto', rows: true };

/** Stride-1 input gradient by the wasm depthwise conv, or undefined when a flipped pad is negative. */
function viaForwardDepthwise(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, inShape: number[]): TensorInfo | undefined {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const { filterHeight: FH, filterWidth: FW, dilationHeight: DH, dilationWidth: DW } = g;
  const top = DH * (FH - 1) - g.padTop;
  const left = DW * (FW - 1) - g.padLeft;
  const bottom = H - OH - top + DH * (FH - 1);
  const right = W - OW - left + DW * (FW - 1);
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  // once per filter tensor (tfjs tensors are immutable): XNNPACK then packs it once
  const flipped = derived(backend, filter, 'depthwiseFlipped', () => {
    const t = backend.makeOutput([FH, FW, CM, 1], 'float32');
    const w = f32(backend, filter);
    const wf = f32(backend, t);
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const src = ((FH - 1 - kh) * FW + (FW - 1 - kw)) * CM;
        wf.set(w.subarray(src, src + CM), (kh * FW + kw) * CM);
      }
    }
    return t;
  });
  const out = stockKernel('DepthwiseConv2dNative')({
    inputs: { x: dy, filter: flipped },
    backend,
    attrs: { strides: 1, dilations: [DH, DW], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dimRoundingMode: undefined },
  });
  const M = CM / C;
  if (M === 1) return out;
  const dx = backend.makeOutput(inShape, 'float32');
  const o = f32(backend, out);
  const d = f32(backend, dx);
  for (let i = 0, j = 0; i < d.length; i++) {
    let sum = 0;
    for (let m = 0; m < M; m++) sum += o[j++];
    d[i] = sum;
  }
  disposeInfo(backend, out);
  return dx;
}

function depthwiseBackpropInput(args: KernelArgs): TensorInfo {
  const { backend, dy, filter, inShape, g } = inputGradArgs(KERNEL, args, true);
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  // strided: the wasm SIMD scatter (stride 1 below is as fast through XNNPACK's depthwise conv)
  const strided = g.strideHeight > 1 || g.strideWidth > 1;
  const stride1Gather = depthwiseInputTuning.gatherStride1 !== 'never';
  const useGather = strided ? depthwiseInputTuning.gather : stride1Gather && (CM === C || gatherTuning.generated > 0);
  const gather = useGather && gatherApplies(g) ? gatherKernels(backend) : undefined;
  if (gather) return depthwiseInputGather(backend, g, dy, filter, gather, inShape);
  const inPlace = (strided || CM > C) && inPlaceApplies(g, true) ? depthwiseKernels(backend) : undefined;
  // multiplier 2: the row kernel (weights in registers along a row; the same sums as maxpy2)
  const rowsM2 = inPlace && CM === 2 * C && depthwiseInputTuning.rows && inputRowKernels(backend) !== undefined;
  if (inPlace) return depthwiseInputInPlace(backend, g, dy, filter, rowsM2 ? { module: 'inputRowsM2', key: 2 } : { module: 'maxpy', key: (CM / C) as 1 | 2 }, inShape);
  const simd = strided && simdApplies(g) ? simdKernels(backend) : undefined;
  if (simd) return depthwiseInputSimd(backend, g, dy, filter, simd.maxpy, inShape);
  if (g.strideHeight === 1 && g.strideWidth === 1 && g.batch * OH * OW > 0) {
    const fast = viaForwardDepthwise(backend, g, dy, filter, inShape);
    if (fast) return fast;
  }
  const M = CM / C;
  const out = backend.makeOutput(inShape, 'float32');
  const dx = f32(backend, out);
  dx.fill(0);
  const dys = f32(backend, dy);
  const w = f32(backend, filter);
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
              for (let c = 0; c < C; c++) dx[xBase + c] += dys[dyBase + c] * w[wBase + c];
            } else {
              for (let m = 0; m < M; m++) {
                for (let c = 0, j = m; c < C; c++, j += M) dx[xBase + c] += dys[dyBase + j] * w[wBase + j];
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels}. */
export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
};
