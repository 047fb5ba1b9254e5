/** Input conventions of pretrained VGG weights, and their inverses. */
import { tf } from '../backend/tf.js';

/** 'caffe': Keras / original VGG weights; 'torch': torchvision weights. */
export type PreprocessMode = 'caffe' | 'torch';

/** Keras "caffe" mean pixel, in BGR order, on the 0..255 scale. */
export const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68] as const;
/** torchvision ImageNet mean on 0..1 RGB. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
/** torchvision ImageNet standard deviation on 0..1 RGB. */
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

function checkMode(mode: string, fn: string): asserts mode is PreprocessMode {
  if (mode !== 'caffe' && mode !== 'torch') throw new RangeError(`${fn}: mode is ${JSON.stringify(mode)}; allowed: 'caffe', 'torch'`);
}

/**
 * Map a 0..1 RGB NHWC image to a network's input. Differentiable (used inside loss closures).
 * - 'caffe': `x' = 255·x[..., ::-1] − [103.939, 116.779, 123.68]` (RGB→BGR, 0..255, minus the BGR mean).
 * - 'torch': `x' = (x − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]`.
 *
 * @example
 * ```ts
 * const feats = vgg.apply(preprocess(img, 'caffe'));
 * ```
 */
export function preprocess(img: tf.Tensor4D, mode: PreprocessMode = 'caffe'): tf.Tensor4D {
  checkMode(mode, 'preprocess');
  return tf.tidy(() => {
    if (mode === 'torch') return tf.div(tf.sub(img, tf.tensor1d([...IMAGENET_MEAN])), tf.tensor1d([...IMAGENET_STD])) as tf.Tensor4D;
    return tf.sub(tf.mul(tf.reverse(img, -1), 255), tf.tensor1d([...CAFFE_MEAN_BGR])) as tf.Tensor4D;
  });
}

/**
 * The inverse of {@link preprocess}: a network-input image back to 0..1 RGB (not clipped).
 *
 * @example
 * ```ts
 * deprocess(preprocess(img, 'torch'), 'torch');   // ≈ img
 * ```
 */
export function deprocess(x: tf.Tensor4D, mode: PreprocessMode = 'caffe'): tf.Tensor4D {
  checkMode(mode, 'deprocess');
  return tf.tidy(() => {
    if (mode === 'torch') return tf.add(tf.mul(x, tf.tensor1d([...IMAGENET_STD])), tf.tensor1d([...IMAGENET_MEAN])) as tf.Tensor4D;
    return tf.reverse(tf.div(tf.add(x, tf.tensor1d([...CAFFE_MEAN_BGR])), 255), -1) as tf.Tensor4D;
  });
}
