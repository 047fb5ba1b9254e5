import { tf } from '../backend/tf.js';
import { permutation } from './dataset.js';

/**
 * Split examples into a training and a validation part with a seeded shuffle.
 *
 * @param validPct fraction of examples for validation, in (0, 1).
 * @returns four new tensors owned by the caller.
 * @example
 * ```ts
 * const { x, y } = loadDigits();
 * const s = trainValidSplit(x, y, { validPct: 0.2, seed: 0 }); // 1438 train, 359 valid
 * ```
 */
export function trainValidSplit(
  x: tf.Tensor,
  y: tf.Tensor,
  { validPct = 0.2, seed = 0 }: { validPct?: number; seed?: number } = {},
): { xTrain: tf.Tensor; yTrain: tf.Tensor; xValid: tf.Tensor; yValid: tf.Tensor } {
  if (!(validPct > 0 && validPct < 1)) throw new RangeError(`trainValidSplit validPct is ${validPct}; allowed: a number in (0, 1)`);
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new RangeError(`trainValidSplit x has ${n} examples but y has ${y.shape[0]}`);
  const nValid = Math.round(n * validPct);
  if (nValid < 1 || nValid >= n) throw new RangeError(`trainValidSplit gives ${nValid} validation examples of ${n}; allowed: at least 1 in each part`);
  const order = permutation(n, seed);
  return tf.tidy(() => {
    const valid = tf.tensor1d(order.subarray(0, nValid), 'int32');
    const train = tf.tensor1d(order.subarray(nValid), 'int32');
    return { xTrain: tf.gather(x, train), yTrain: tf.gather(y, train), xValid: tf.gather(x, valid), yValid: tf.gather(y, valid) };
  });
}
