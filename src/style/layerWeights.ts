/** Plain-data layer weights and setting them on a model with shape checks. */
import { tf, tfl } from '../backend/tf.js';

/** One weight array of a layer (row-major, Keras/tfjs layout: conv kernels HWIO). */
export interface WeightArray {
  /** The name in the source file, e.g. 'block1_conv1_W_1:0' or 'block1_conv1/kernel:0'. */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Weights per layer name, in the layer's order (kernel, then bias). Plain data: no tensors to dispose. */
export type LayerWeights = Record<string, WeightArray[]>;

const fmt = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;

/**
 * Set every weighted layer of `model` from `weights` (entries for layers the model lacks are ignored,
 * so a truncated model takes a full file). Checked first, set after: a model layer with weights but no
 * entry, a different number of arrays, or a different shape is a RangeError naming the layer, the
 * expected and the actual shapes, and nothing is changed.
 *
 * @example
 * ```ts
 * setLayerWeights(vgg16({ upTo: 'block3_conv3' }), await readH5Weights('vgg16_notop.h5'));
 * ```
 */
export function setLayerWeights(model: tfl.LayersModel, weights: LayerWeights, field = 'setLayerWeights'): void {
  const plan: [tfl.layers.Layer, WeightArray[]][] = [];
  for (const layer of model.layers) {
    const expected = layer.weights.map((w) => w.shape);
    if (expected.length === 0) continue;
    const got = weights[layer.name];
    if (!got) {
      const have = Object.keys(weights);
      throw new RangeError(`${field}: the weights have no entry for layer '${layer.name}' (expected shapes ${expected.map(fmt).join(' and ')}); the file has: ${have.length ? have.join(', ') : 'no layers'}`);
    }
    const same = got.length === expected.length && got.every((w, i) => w.shape.length === expected[i].length && w.shape.every((d, j) => d === expected[i][j]));
    if (!same) {
      throw new RangeError(`${field}: layer '${layer.name}' expects weight shapes ${expected.map(fmt).join(' and ')}, the weights have ${got.map((w) => `${fmt(w.shape)} (${w.name})`).join(' and ')}`);
    }
    for (const w of got) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.data.length !== n) throw new RangeError(`${field}: layer '${layer.name}' weight ${w.name} has ${w.data.length} values for shape ${fmt(w.shape)}; allowed: ${n}`);
    }
    plan.push([layer, got]);
  }
  for (const [layer, got] of plan) {
    const ts = got.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    layer.setWeights(ts);
    tf.dispose(ts);
  }
}
