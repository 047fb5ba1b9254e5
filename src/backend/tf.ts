/**
 * The one place phasewise imports TensorFlow.js from.
 *
 * Importing `@tensorflow/tfjs-layers` registers the gradients of every op (tfjs-core alone has the
 * ops but not all their gradients), so every module that needs `tf` imports it from here.
 *
 * @example
 * ```ts
 * import { tf } from './backend/tf.js';
 * const y = tf.sum(tf.square(x));
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export { tf, tfl };
