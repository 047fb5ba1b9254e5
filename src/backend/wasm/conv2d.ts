/**
 * wasm kernel for the forward `Conv2D` (replaces stock tfjs-backend-wasm's XNNPACK convolution where
 * phasewise's register-tiled SIMD kernel applies: NHWC float32, `cout % 8 == 0`, at least
 * `directConvTuning.minInChannels` input channels; any stride, dilation and padding). Everything
 * else goes to the stock kernel.
 *
 * Formula: `y[n, oh, ow, co] = Σ_{kh, kw, ci} x[n, oh·sh + kh·dh - padTop, ow·sw + kw·dw - padLeft, ci] · W[kh, kw, ci, co]`
 * (terms outside x are 0). See directConv.ts for the packing and threading.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * const y = tf.conv2d(x, w, 1, 'same');   // runs this kernel for w [3, 3, 64, 128]
 * ```
 */
import { tf } from '../tf.js';
import { convGeometry } from './convGeometry.js';
import { refuseStockIntegerPad } from './integerPad.js';
import { directApplies, directConv, directConvPlan, packedFilter } from './directConv.js';
import { winogradApplies, winogradRun } from './winograd.js';
import { stockKernel, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Conv2D';

/**
 * `y` by phasewise's kernels (Winograd or the direct kernel), or undefined where they do not apply
 * (other dtypes or data formats, `cout % 8 ≠ 0`, few input channels).
 */
export function conv2dOurs(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, attrs: Record<string, unknown>): TensorInfo | undefined {
  const nhwc = (attrs.dataFormat ?? 'NHWC') === 'NHWC';
  const plan = nhwc && x.dtype === 'float32' && filter.dtype === 'float32' && x.shape.length === 4 && filter.shape.length === 4
    ? directConvPlan(backend) : undefined;
  const g = plan ? convGeometry(KERNEL, x.shape, filter.shape, attrs, false) : undefined;
  if (!plan || !g) return undefined;
  const taps = Array.from({ length: g.filterHeight * g.filterWidth }, (_, t) => t);
  const wino = winogradApplies(g) ? winogradRun(backend, g, x, plan, filter, 'forward', taps, g.inChannels, g.outChannels, false) : undefined;
  if (wino || !directApplies(g)) return wino;
  const packed = packedFilter(backend, filter, 'forward', taps, g.inChannels, g.outChannels, false);
  return directConv(backend, g, x, packed, plan);
}

/**
 * The kernel function (also called directly by the input gradient of a dilated convolution): phasewise's
 * kernels, else the stock one (see {@link refuseStockIntegerPad}).
 */
export function conv2dForward(args: KernelArgs): TensorInfo {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs ?? {};
  const ours = conv2dOurs(args.backend as WasmBackend, x, filter, attrs);
  if (ours) return ours;
  refuseStockIntegerPad(KERNEL, filter.shape, attrs);
  return stockKernel('Conv2D')(args as Parameters<ReturnType<typeof stockKernel>>[0]);
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const conv2dConfig: tf.KernelConfig = replacingConfig(KERNEL, conv2dForward);
