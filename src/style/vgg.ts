/** VGG16 / VGG19 convolutional feature networks with Keras layer names. */
import { tfl } from '../backend/tf.js';
import { setLayerWeights, type LayerWeights } from './layerWeights.js';

/** Options of {@link vgg16} and {@link vgg19}. */
export interface VggOptions {
  /** Last layer to build (e.g. 'block3_conv4'); the network is cut after it. Default: block5_pool. */
  upTo?: string;
  /** Pooling between blocks: 'max' (default, Keras) or 'avg' (Gatys et al. 2016). */
  pooling?: 'max' | 'avg';
  /** Pretrained weights per layer (from {@link readH5Weights}); layers without an entry keep random weights. */
  weights?: LayerWeights;
  /** Seed of the (glorot-uniform) random initial weights; default 0. */
  seed?: number;
}

/** Conv layers per block: VGG16 [2, 2, 3, 3, 3], VGG19 [2, 2, 4, 4, 4]. */
const CONVS: Record<'vgg16' | 'vgg19', number[]> = { vgg16: [2, 2, 3, 3, 3], vgg19: [2, 2, 4, 4, 4] };
const FILTERS = [64, 128, 256, 512, 512];

/** The Keras layer names of a VGG (input_1, block1_conv1, …, block5_pool), in order. */
export function vggLayerNames(kind: 'vgg16' | 'vgg19'): string[] {
  const names = ['input_1'];
  CONVS[kind].forEach((n, b) => {
    for (let i = 1; i <= n; i++) names.push(`block${b + 1}_conv${i}`);
    names.push(`block${b + 1}_pool`);
  });
  return names;
}

function build(kind: 'vgg16' | 'vgg19', opts: VggOptions = {}): tfl.LayersModel {
  const fn = `${kind}(opts)`;
  const names = vggLayerNames(kind);
  const upTo = opts.upTo ?? names[names.length - 1];
  const stop = names.indexOf(upTo);
  if (stop <= 0) throw new RangeError(`${fn}: upTo is ${JSON.stringify(opts.upTo)}; allowed: one of ${names.slice(1).join(', ')}`);
  const pooling = opts.pooling ?? 'max';
  if (pooling !== 'max' && pooling !== 'avg') throw new RangeError(`${fn}: pooling is ${JSON.stringify(pooling)}; allowed: 'max', 'avg'`);
  const seed = opts.seed ?? 0;
  const input = tfl.input({ shape: [null, null, 3] as unknown as number[], name: 'input_1' });
  let x: tfl.SymbolicTensor = input;
  let k = 0;
  for (const name of names.slice(1, stop + 1)) {
    const block = Number(name[5]) - 1;
    const layer = name.endsWith('_pool')
      ? (pooling === 'max' ? tfl.layers.maxPooling2d : tfl.layers.averagePooling2d)({ poolSize: 2, strides: 2, name })
      : tfl.layers.conv2d({
        filters: FILTERS[block], kernelSize: 3, padding: 'same', activation: 'relu', name,
        // tfjs treats seed 0 as "no seed": offset by 1 so every seed is reproducible
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + ++k }),
      });
    x = layer.apply(x) as tfl.SymbolicTensor;
  }
  const model = tfl.model({ inputs: input, outputs: x, name: kind });
  if (opts.weights) setLayerWeights(model, opts.weights, fn);
  return model;
}

/**
 * VGG16's convolutional part (Simonyan & Zisserman 2014, Keras `VGG16(include_top=False)`): 13 3×3
 * convs in 5 blocks of [2, 2, 3, 3, 3] with 64, 128, 256, 512, 512 filters, ReLU fused into each conv
 * (`block{b}_conv{i}` outputs relu{b}_{i}), 2×2 stride-2 pooling `block{b}_pool`. Input `[null, null, 3]`
 * (any size), NHWC, expecting {@link preprocess} 'caffe' for Keras weights.
 *
 * @example
 * ```ts
 * const net = vgg16({ upTo: 'block4_conv3', weights: await readH5Weights('vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5') });
 * ```
 */
export function vgg16(opts?: VggOptions): tfl.LayersModel {
  return build('vgg16', opts);
}

/**
 * VGG19's convolutional part: as {@link vgg16} with blocks of [2, 2, 4, 4, 4] convs (16 convs).
 *
 * @example
 * ```ts
 * const net = vgg19({ upTo: 'block3_conv4', pooling: 'avg' });   // random weights, Gatys' avg pooling
 * ```
 */
export function vgg19(opts?: VggOptions): tfl.LayersModel {
  return build('vgg19', opts);
}

/**
 * The "block ends": the layers whose output feeds a pooling layer (max or average), plus the model's
 * last layer when the model does not end with a pooling layer (a network cut mid-block still has a
 * last block end). fast.ai lesson 13 takes the layer before each MaxPool. For vgg19-block3
 * (cut after block3_conv4): ['block1_conv2', 'block2_conv2', 'block3_conv4'].
 *
 * @example
 * ```ts
 * blockEnds(vgg16());   // ['block1_conv2', 'block2_conv2', 'block3_conv3', 'block4_conv3', 'block5_conv3']
 * ```
 */
export function blockEnds(model: tfl.LayersModel): string[] {
  const isPool = (l: tfl.layers.Layer) => /Pooling/.test(l.getClassName());
  const ends: string[] = [];
  for (const layer of model.layers) {
    if (!isPool(layer)) continue;
    for (const node of layer.inboundNodes) {
      for (const src of node.inboundLayers) if (!ends.includes(src.name)) ends.push(src.name);
    }
  }
  const last = model.outputLayers[0];
  if (last && !isPool(last) && !ends.includes(last.name)) ends.push(last.name);
  return ends;
}
