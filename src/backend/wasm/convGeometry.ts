/**
 * Shapes and padding of a 2-D convolution seen from its gradient kernels, via tfjs-core's
 * `backend_util.computeConv2DInfo` (the same arithmetic as the forward op, so 'same', 'valid',
 * a number, or explicit `[[0,0],[top,bottom],[left,right],[0,0]]` padding all agree with it).
 *
 * Output position `(oh, ow)` reads input row `ih = oh*strideH + kh*dilationH - padTop` and column
 * `iw = ow*strideW + kw*dilationW - padLeft` for filter tap `(kh, kw)`.
 *
 * @example
 * ```ts
 * const g = convGeometry('Conv2DBackpropFilter', [8, 28, 28, 1], [3, 3, 1, 32], attrs, false);
 * g.outHeight; // 28 for pad 'same', stride 1
 * ```
 */
import { tf } from '../tf.js';

/** Geometry of one NHWC convolution (the fields phasewise's kernels read). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

function checkPositiveInts(kernel: string, field: string, value: unknown): void {
  const list = Array.isArray(value) ? value : [value];
  if (list.length < 1 || list.length > 2 || !list.every((v) => Number.isInteger(v) && (v as number) >= 1)) {
    throw new RangeError(`${kernel}: ${field} is ${JSON.stringify(value)}; allowed: a positive integer or a pair of positive integers`);
  }
}

/**
 * Compute the geometry of the convolution whose gradient a kernel computes.
 *
 * @param kernel   kernel name, for error messages
 * @param inShape  NHWC input shape `[n, h, w, c]`
 * @param filterShape `[fh, fw, cin, cout]` (depthwise: `[fh, fw, c, multiplier]`)
 * @param attrs    the kernel's attrs: strides, pad, dilations?, dataFormat?, dimRoundingMode?
 * @param depthwise whether the filter is depthwise
 */
export function convGeometry(
  kernel: string,
  inShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
  depthwise: boolean,
): ConvGeometry {
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC') {
    throw new TypeError(`${kernel}: dataFormat is ${JSON.stringify(dataFormat)}; phasewise's wasm kernels support only 'NHWC' (the wasm backend's forward Conv2D is NHWC-only too)`);
  }
  if (inShape.length !== 4 || filterShape.length !== 4) {
    throw new RangeError(`${kernel}: input shape ${JSON.stringify(inShape)} and filter shape ${JSON.stringify(filterShape)} must both have rank 4`);
  }
  const strides = attrs.strides ?? 1;
  const dilations = attrs.dilations ?? 1;
  checkPositiveInts(kernel, 'strides', strides);
  checkPositiveInts(kernel, 'dilations', dilations);
  const pad = attrs.pad as Pad;
  const okPad = pad === 'same' || pad === 'valid' || (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0) ||
    (Array.isArray(pad) && pad.length === 4 && pad.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0)));
  if (!okPad) {
    throw new RangeError(`${kernel}: pad is ${JSON.stringify(pad)}; allowed: 'same', 'valid', a non-negative integer, or explicit [[0,0],[top,bottom],[left,right],[0,0]]`);
  }
  if (Array.isArray(pad) && (pad[0][0] !== 0 || pad[0][1] !== 0 || pad[3][0] !== 0 || pad[3][1] !== 0)) {
    throw new RangeError(`${kernel}: pad is ${JSON.stringify(pad)}; padding of the batch and channel dimensions must be 0`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides as number | [number, number],
    dilations as number | [number, number],
    pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    padBottom: info.padInfo.bottom,
    padRight: info.padInfo.right,
  };
}

/** Check that a kernel input has the shape the geometry implies. */
export function checkShape(kernel: string, name: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((v, i) => v !== expected[i])) {
    throw new RangeError(`${kernel}: ${name} has shape ${JSON.stringify(actual)}; expected ${JSON.stringify(expected)} from the other inputs and attrs`);
  }
}

/** Check that a kernel input is float32. */
export function checkFloat32(kernel: string, name: string, info: tf.TensorInfo): void {
  if (info.dtype !== 'float32') {
    throw new TypeError(`${kernel}: ${name} has dtype '${info.dtype}'; allowed: 'float32'`);
  }
}

/**
 * Multiply-adds of a gradient of the convolution over `images` images (default: the batch):
 * `images·oh·ow·cout·fh·fw`, times `cin` for a dense convolution (depthwise: `cout = cin·multiplier`).
 *
 * @example
 * ```ts
 * convMadds(g, g.batch, true);   // a dense layer's filter gradient
 * ```
 */
export function convMadds(g: ConvGeometry, images = g.batch, dense = false): number {
  return images * g.outHeight * g.outWidth * g.outChannels * g.filterHeight * g.filterWidth * (dense ? g.inChannels : 1);
}
