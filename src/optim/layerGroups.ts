/** Split a layers model's trainable weights into layer groups (for discriminative learning rates). */
import { tf, tfl } from '../backend/tf.js';

/**
 * Split `model`'s trainable weights into groups at the layers named in `splitAt`: group 0 holds
 * the weights of the layers before `splitAt[0]`, group i the layers from `splitAt[i-1]` up to
 * (not including) `splitAt[i]`, the last group the layers from the last split on. Returns the
 * underlying `tf.Variable`s (not tfjs-layers' LayerVariable wrappers), ready for param groups.
 * An unknown layer name, or split layers out of order, is a RangeError listing the layers.
 *
 * @example
 * ```ts
 * const groups = layerGroups(model, ['conv2', 'dense1']); // 3 groups
 * const opt = sgd(groups.map((params, i) => ({ params, lr: lrRange(1e-4, 1e-2, 3)[i] })), { lr: 1e-2, momentum: 0.9 });
 * ```
 */
export function layerGroups(model: tfl.LayersModel, splitAt: string[]): tf.Variable[][] {
  if (!model || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new TypeError(`layerGroups: model is ${typeof model}; allowed: a tf.LayersModel`);
  }
  if (!Array.isArray(splitAt) || splitAt.some((s) => typeof s !== 'string')) {
    throw new TypeError(`layerGroups: splitAt is ${JSON.stringify(splitAt)}; allowed: an array of layer names`);
  }
  const names = model.layers.map((l) => l.name);
  const idx = splitAt.map((s) => {
    const i = names.indexOf(s);
    if (i < 0) throw new RangeError(`layerGroups: splitAt layer ${JSON.stringify(s)} is not in the model; allowed: ${names.join(', ')}`);
    return i;
  });
  idx.forEach((v, k) => {
    if (k > 0 && v <= idx[k - 1]) {
      throw new RangeError(`layerGroups: splitAt ${JSON.stringify(splitAt)} is not in layer order; allowed: distinct layers in model order (${names.join(', ')})`);
    }
  });
  const bounds = [0, ...idx, names.length];
  const groups: tf.Variable[][] = [];
  for (let g = 0; g + 1 < bounds.length; g++) {
    const vars: tf.Variable[] = [];
    for (const layer of model.layers.slice(bounds[g], bounds[g + 1])) {
      for (const w of layer.trainableWeights) vars.push(w.read() as tf.Variable);
    }
    groups.push(vars);
  }
  return groups;
}
