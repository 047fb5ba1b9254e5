import { tfl } from '../backend/tf.js';

/** Options of {@link simpleCnn}. */
export interface SimpleCnnOptions {
  /** Input channels (1 for grey images). */
  channels?: number;
  classes?: number;
  /** Filters of each conv block; each block after the first halves the resolution. */
  filters?: number[];
  batchNorm?: boolean;
  seed?: number;
}

/**
 * A small CNN for image classification that accepts any input size (global average pooling):
 * conv3×3 (stride 1) then conv3×3 stride 2 per extra block, each followed by batch norm and ReLU,
 * global average pooling, a dense layer of `classes` logits. Layer names: conv1…, bn1…, pool, logits.
 *
 * @example
 * ```ts
 * const model = simpleCnn({ channels: 1, classes: 10, filters: [32, 64, 128] });
 * model.predict(tf.zeros([2, 8, 8, 1]));   // [2, 10] logits
 * ```
 */
export function simpleCnn(o: SimpleCnnOptions = {}): tfl.Sequential {
  const channels = o.channels ?? 1;
  const filters = o.filters ?? [32, 64, 128];
  const classes = o.classes ?? 10;
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`simpleCnn channels is ${channels}; allowed: an integer >= 1`);
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`simpleCnn classes is ${classes}; allowed: an integer >= 2`);
  if (!Array.isArray(filters) || filters.length === 0 || filters.some((f) => !Number.isInteger(f) || f < 1)) {
    throw new RangeError(`simpleCnn filters is ${JSON.stringify(filters)}; allowed: a non-empty array of positive integers`);
  }
  const seed = o.seed ?? 0;
  // tfjs treats a seed of 0 as "no seed" (Math.random): offset every seed by 1 so seed 0 is reproducible too
  const init = (i: number) => tfl.initializers.heNormal({ seed: seed + i + 1 });
  const model = tfl.sequential();
  filters.forEach((f, i) => {
    model.add(tfl.layers.conv2d({
      name: `conv${i + 1}`, filters: f, kernelSize: 3, strides: i === 0 ? 1 : 2, padding: 'same', useBias: !(o.batchNorm ?? true),
      kernelInitializer: init(i), ...(i === 0 ? { inputShape: [null, null, channels] as unknown as number[] } : {}),
    }));
    // momentum 0.9 = PyTorch's 0.1: Keras' default 0.99 leaves the running statistics near their init for ~100s of steps
    if (o.batchNorm ?? true) model.add(tfl.layers.batchNormalization({ name: `bn${i + 1}`, momentum: 0.9 }));
    model.add(tfl.layers.reLU({ name: `relu${i + 1}` }));
  });
  model.add(tfl.layers.globalAveragePooling2d({ name: 'pool' }));
  model.add(tfl.layers.dense({ name: 'logits', units: classes, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 99 }) }));
  return model;
}
