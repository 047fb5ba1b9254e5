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
 * Throw for an integer `pad` with a non-square filter or strides, which a stock wasm kernel would be
 * handed: tfjs sizes the output from the filter height and stride height alone, and stock
 * tfjs-backend-wasm 4.22 computes wrong values there (x [1, 4, 7, 3], filter [1, 2, 3, 4], strides
 * [1, 3], pad 1: off by up to 1.23 against the cpu backend). The error names the explicit padding.
 */
export function refuseStockIntegerPad(kernel: string, filter: TensorInfo, attrs: Record<string, unknown>): void {
  const { pad, strides } = attrs as { pad?: unknown; strides?: number | number[] };
  const [sh, sw] = Array.isArray(strides) ? [strides[0], strides[1] ?? strides[0]] : [strides, strides];
  if (typeof pad === 'number' && pad > 0 && (filter.shape[0] !== filter.shape[1] || sh !== sw)) {
    throw new Error(`${kernel}: pad is ${pad} with filter ${filter.shape[0]}×${filter.shape[1]} and strides ${JSON.stringify(strides)}; ` +
      `the wasm backend computes wrong values for an integer pad unless filter and strides are square (tfjs sizes the output from their heights): ` +
      `pass the padding explicitly, [[0, 0], [${pad}, ${pad}], [${pad}, ${pad}], [0, 0]], or 'same' / 'valid'`);
  }
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
  refuseStockIntegerPad(KERNEL, filter, attrs);
  return stockKernel('Conv2D')(args as Parameters<ReturnType<typeof stockKernel>>[0]);
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const conv2dConfig: tf.KernelConfig = replacingConfig(KERNEL, conv2dForward);
