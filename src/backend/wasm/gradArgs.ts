/**
 * The checked inputs of the convolution gradient kernels: the part every Conv2DBackprop* and
 * DepthwiseConv2dNativeBackprop* kernel starts with (backend, float32 inputs, geometry, shapes).
 *
 * @example
 * ```ts
 * const { backend, x, dy, filterShape, g } = filterGradArgs('Conv2DBackpropFilter', args, false);
 * ```
 */
import { checkFloat32, checkShape, convGeometry, type ConvGeometry } from './convGeometry.js';
import { wasmBackendOf, type KernelArgs, type TensorInfo, type WasmBackend } from './wasmHeap.js';

function checkDy(kernel: string, dy: TensorInfo, g: ConvGeometry): void {
  checkShape(kernel, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
}

/** Inputs of a filter-gradient kernel: `x`, `dy` and `attrs.filterShape` [fh, fw, cin, cout|M]. */
export function filterGradArgs(kernel: string, args: KernelArgs, depthwise: boolean): { backend: WasmBackend; x: TensorInfo; dy: TensorInfo; filterShape: number[]; g: ConvGeometry } {
  const backend = wasmBackendOf(args);
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs ?? {};
  const filterShape = attrs.filterShape as number[];
  checkFloat32(kernel, 'x', x);
  checkFloat32(kernel, 'dy', dy);
  const g = convGeometry(kernel, x.shape, filterShape, attrs, depthwise);
  checkShape(kernel, 'filterShape', filterShape, [g.filterHeight, g.filterWidth, g.inChannels, filterShape[3]]);
  checkDy(kernel, dy, g);
  return { backend, x, dy, filterShape, g };
}

/** Inputs of an input-gradient kernel: `dy`, `filter` and `attrs.inputShape` [n, h, w, cin]. */
export function inputGradArgs(kernel: string, args: KernelArgs, depthwise: boolean): { backend: WasmBackend; dy: TensorInfo; filter: TensorInfo; inShape: number[]; g: ConvGeometry } {
  const backend = wasmBackendOf(args);
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs ?? {};
  const inShape = attrs.inputShape as number[];
  checkFloat32(kernel, 'dy', dy);
  checkFloat32(kernel, 'filter', filter);
  const g = convGeometry(kernel, inShape, filter.shape, attrs, depthwise);
  checkShape(kernel, 'filter', filter.shape, [g.filterHeight, g.filterWidth, g.inChannels, filter.shape[3]]);
  checkDy(kernel, dy, g);
  return { backend, dy, filter, inShape, g };
}
