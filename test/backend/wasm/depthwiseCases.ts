/**
 * Depthwise-convolution gradient cases shared by the depthwise kernel tests: the case shape, its
 * output shape (tfjs's own conv geometry) and the two gradient kernels run on one case.
 */
import { tf } from '../../../src/backend/tf.js';
import { randInt } from './helpers.js';

export type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/**
 * A padding for random cases, by `kind` (already drawn, 0–3): 'same', 'valid', an integer in
 * `[0, max]`, or explicit `[[0,0],[t,b],[l,r],[0,0]]` with each side in `[0, max]`.
 */
export function randomPad(r: () => number, kind: number, max: number): Pad {
  if (kind === 0) return 'same';
  if (kind === 1) return 'valid';
  if (kind === 2) return randInt(r, 0, max);
  return [[0, 0], [randInt(r, 0, max), randInt(r, 0, max)], [randInt(r, 0, max), randInt(r, 0, max)], [0, 0]];
}

/** x [n, h, w, c], filter [fh, fw, c, multiplier]; strides and dilations default to 1. */
export interface DwCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  pad: Pad;
  strides?: [number, number];
  dilations?: [number, number];
}

/** dy's shape for a case. */
export const dwOutShape = (c: DwCase): number[] =>
  tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides ?? 1, c.dilations ?? 1, c.pad, undefined, true).outShape;

/** The DepthwiseConv2dNativeBackpropFilter kernel on the current backend, for cpuAndWasm. */
export function dwFilterGrad(c: DwCase, xv: Float32Array, dyv: Float32Array): () => tf.Tensor {
  return () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, dwOutShape(c)) },
    { strides: c.strides ?? 1, dilations: c.dilations ?? 1, pad: c.pad, filterShape: c.f } as never) as tf.Tensor;
}

/** The DepthwiseConv2dNativeBackpropInput kernel on the current backend, for cpuAndWasm. */
export function dwInputGrad(c: DwCase, dyv: Float32Array, wv: Float32Array): () => tf.Tensor {
  return () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dyv, dwOutShape(c)), filter: tf.tensor4d(wv, c.f) },
    { strides: c.strides ?? 1, dilations: c.dilations ?? 1, pad: c.pad, inputShape: c.x } as never) as tf.Tensor;
}
