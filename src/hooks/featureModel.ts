/** A multi-output feature extractor sharing a model's layers (and weights). */
import { tfl } from '../backend/tf.js';
import { findLayer } from './hookOutputs.js';

/**
 * A `tfl.LayersModel` from `model`'s inputs to the outputs of `layerNames` (in that order), built with
 * `tf.model({ inputs, outputs })`: it shares the layer instances and weights, computes only what those
 * outputs need, and `apply` / `predict` return one tensor per layer. Do not `dispose()` it while
 * `model` is in use (the layers are shared).
 *
 * @example
 * ```ts
 * const feats = featureModel(vgg, ['block1_conv1', 'block2_conv1']);
 * const [f1, f2] = feats.predict(x) as tf.Tensor[];
 * ```
 */
export function featureModel(model: tfl.LayersModel, layerNames: string[]): tfl.LayersModel {
  if (!Array.isArray(layerNames) || layerNames.length === 0) {
    throw new TypeError(`featureModel: layerNames is ${JSON.stringify(layerNames)}; allowed: a non-empty array of layer names`);
  }
  const outputs = layerNames.map((n) => findLayer(model, n, 'featureModel: layer').output as tfl.SymbolicTensor);
  return tfl.model({ inputs: model.inputs, outputs, name: `${model.name}_features_${layerNames.join('_')}` });
}
