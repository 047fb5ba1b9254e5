import { tf } from '../backend/tf.js';

/**
 * A batch transform that resizes NHWC images bilinearly to `size` × `size` (or [h, w]), for
 * progressive resizing (fastai's data_list with two image sizes).
 *
 * @example
 * ```ts
 * const small = arrayDataset(x, y, { batchSize: 64, transform: resizeImages(16) });
 * const large = arrayDataset(x, y, { batchSize: 64, transform: resizeImages(28) });
 * await learner.fitOptSched(phases, { dataList: [small, large] });
 * ```
 */
export function resizeImages(size: number | [number, number]): (x: tf.Tensor) => tf.Tensor {
  const [h, w] = Array.isArray(size) ? size : [size, size];
  for (const [name, v] of [['height', h], ['width', w]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`resizeImages ${name} is ${v}; allowed: a positive integer`);
  }
  return (x: tf.Tensor) => {
    if (x.rank !== 4) throw new RangeError(`resizeImages got a rank-${x.rank} batch; allowed: NHWC images (rank 4)`);
    return tf.image.resizeBilinear(x as tf.Tensor4D, [h, w], true);
  };
}
