/** styleTransfer's options: types, defaults and validation (all checked before any work starts). */
import { tf, tfl } from '../backend/tf.js';
import type { LbfgsOptions } from '../optim/lbfgs.js';
import { findLayer } from '../hooks/hookOutputs.js';
import { checkSize } from './image.js';
import type { PreprocessMode } from './preprocess.js';
import { blockEnds } from './vgg.js';

/** An image: a `[b, h, w, 3]` tensor of 0..1 RGB, or a file path. */
export type ImageInput = tf.Tensor4D | string;

/** What {@link StyleTransferOptions.onProgress} receives after every loss evaluation. */
export interface StyleProgress {
  /** Loss evaluations so far (closure calls), 1-based. */
  evals: number;
  /** The total loss (= contentLoss + styleLoss + tvLoss), summed over the batch. */
  loss: number;
  /** contentWeight × content loss, summed over the batch. */
  contentLoss: number;
  /** styleWeight × style loss, summed over the batch. */
  styleLoss: number;
  /** tvWeight × TV loss, summed over the batch. */
  tvLoss: number;
  /** Every `snapshotEvery` evaluations: the current image (0..1 RGB, clipped). Valid during the call only
   * (disposed after it returns): `tf.keep(tf.clone(image))` to keep it. */
  image?: tf.Tensor4D;
}

/** Options of {@link styleTransfer}. */
export interface StyleTransferOptions {
  /** Content image(s): a tensor `[b, h, w, 3]` (0..1 RGB), a path, or several (one batch, each with its own target). */
  content: ImageInput | ImageInput[];
  /** Style image(s); their Grams are blended with `blend`. */
  style: ImageInput | ImageInput[];
  /** Blend weights of the style images (normalised to sum 1, as neural-style); default equal. */
  blend?: number[];
  /** The feature network (e.g. {@link loadLayersModelDir} of vgg19-block3, or {@link vgg16} with weights). */
  net: tfl.LayersModel;
  /** The net's input convention; default 'caffe' (Keras VGG weights). */
  preprocess?: PreprocessMode;
  /** Content layer; default 'block4_conv2' when the net has it (Gatys), else the last block end. */
  contentLayer?: string;
  /** Style layers; default the net's `block{n}_conv1` layers (Gatys), else its block ends. */
  styleLayers?: string[];
  /** Per-style-layer weights; default 1 each. */
  styleLayerWeights?: number[];
  /** Compare only the Gram diagonals. */
  diagonal?: boolean;
  /** Default 1 (tuned for caffe VGG19 at 256 px: see docs/style-transfer.md). */
  contentWeight?: number;
  /** Default 1 (same tuning). */
  styleWeight?: number;
  /** Default 0. */
  tvWeight?: number;
  /** 'noise' (default; the lesson's median-filtered noise), 'content', or a `[b, h, w, 3]` tensor. */
  init?: 'noise' | 'content' | tf.Tensor4D;
  /** 'lbfgs' (default, torch semantics, lr 1) or 'adam' (lr 0.02). */
  optimizer?: 'lbfgs' | 'adam';
  /** Optimizer learning rate; default 1 for lbfgs, 0.02 for adam. */
  lr?: number;
  /** Extra L-BFGS options. Defaults: maxIter 20, historySize 100, tolerances 0 (never stop early, as
   * neural-style), lineSearch 'strongWolfe' (without it, the second step of a run from noise can jump to a
   * loss of ~1e18 and waste evaluations; pass `lineSearch: null` for the lesson's exact setting). */
  lbfgs?: Omit<LbfgsOptions, 'lr'>;
  /** Loss evaluations to run (the lesson's count), default 300; the last L-BFGS step is not cut short. */
  iterations?: number;
  /** Content images: shorter side resized to `size`, centre crop size×size (≤ 2048). */
  size?: number;
  /** Style images' size (same crop); default `size`. */
  styleSize?: number;
  /** Keep the content's colours (luminance-only transfer, neural-style -original_colors). */
  preserveColor?: boolean;
  /** Called after every loss evaluation. */
  onProgress?: (p: StyleProgress) => void;
  /** Pass the image to onProgress every N evaluations. */
  snapshotEvery?: number;
  /** Seed of the noise init; default 0. */
  seed?: number;
}

/** Validated options with defaults filled in. */
export interface ResolvedStyleOptions {
  contents: ImageInput[];
  styles: ImageInput[];
  blend: number[];
  net: tfl.LayersModel;
  preprocess: PreprocessMode;
  contentLayer: string;
  styleLayers: string[];
  styleLayerWeights: number[];
  diagonal: boolean;
  contentWeight: number;
  styleWeight: number;
  tvWeight: number;
  init: 'noise' | 'content' | tf.Tensor4D;
  optimizer: 'lbfgs' | 'adam';
  lr: number;
  lbfgs: Omit<LbfgsOptions, 'lr'>;
  iterations: number;
  size?: number;
  styleSize?: number;
  preserveColor: boolean;
  onProgress?: (p: StyleProgress) => void;
  snapshotEvery?: number;
  seed: number;
}

const F = 'styleTransfer';

function num(v: unknown, field: string, def: number, ok: (x: number) => boolean, allowed: string): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new RangeError(`${F}: ${field} is ${JSON.stringify(v)}; allowed: ${allowed}`);
  return v;
}

function images(v: unknown, field: string): ImageInput[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new RangeError(`${F}: ${field} is an empty array; allowed: at least one image`);
  list.forEach((x, i) => {
    const ok = typeof x === 'string' ? x.length > 0 : x instanceof tf.Tensor && x.rank === 4 && x.shape[3] === 3 && !x.isDisposed;
    if (!ok) throw new TypeError(`${F}: ${field}${Array.isArray(v) ? `[${i}]` : ''} is ${x instanceof tf.Tensor ? `a tensor of shape [${x.shape}]` : JSON.stringify(x)}; allowed: a file path or a live [b, h, w, 3] tensor of 0..1 RGB`);
  });
  return list as ImageInput[];
}

/**
 * Validate `opts` and fill in defaults; throws a RangeError/TypeError naming the field (no image is read).
 *
 * @example
 * ```ts
 * resolveStyleOptions({ net, content: 'a.jpg', style: 'b.jpg', blend: [1] }).blend;   // [1]
 * ```
 */
export function resolveStyleOptions(opts: StyleTransferOptions): ResolvedStyleOptions {
  if (!opts || typeof opts !== 'object') throw new TypeError(`${F}: opts is ${JSON.stringify(opts)}; allowed: an options object`);
  const net = opts.net;
  if (!(net instanceof tfl.LayersModel)) throw new TypeError(`${F}: net is ${typeof net}; allowed: a tf.LayersModel (e.g. loadLayersModelDir(dir) or vgg19({ weights }))`);
  const contents = images(opts.content, 'content');
  const styles = images(opts.style, 'style');
  const blendRaw = opts.blend ?? styles.map(() => 1);
  if (!Array.isArray(blendRaw) || blendRaw.length !== styles.length || blendRaw.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)) {
    throw new RangeError(`${F}: blend is ${JSON.stringify(opts.blend)}; allowed: ${styles.length} finite numbers >= 0 (one per style image)`);
  }
  const sum = blendRaw.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new RangeError(`${F}: blend ${JSON.stringify(blendRaw)} sums to ${sum}; allowed: a positive sum (weights are normalised to sum 1)`);
  const preprocess = opts.preprocess ?? 'caffe';
  if (preprocess !== 'caffe' && preprocess !== 'torch') throw new RangeError(`${F}: preprocess is ${JSON.stringify(preprocess)}; allowed: 'caffe', 'torch'`);
  const names = net.layers.map((l) => l.name);
  const ends = blockEnds(net);
  const contentLayer = opts.contentLayer ?? (names.includes('block4_conv2') ? 'block4_conv2' : ends[ends.length - 1]);
  findLayer(net, contentLayer, `${F}: contentLayer`);
  const conv1 = names.filter((n) => /^block\d+_conv1$/.test(n));
  const styleLayers = opts.styleLayers ?? (conv1.length > 0 ? conv1 : ends);
  if (!Array.isArray(styleLayers) || styleLayers.length === 0) throw new RangeError(`${F}: styleLayers is ${JSON.stringify(opts.styleLayers)}; allowed: a non-empty array of layer names`);
  styleLayers.forEach((n, i) => findLayer(net, n, `${F}: styleLayers[${i}]`));
  const lw = opts.styleLayerWeights ?? styleLayers.map(() => 1);
  if (!Array.isArray(lw) || lw.length !== styleLayers.length || lw.some((w) => typeof w !== 'number' || !Number.isFinite(w))) {
    throw new RangeError(`${F}: styleLayerWeights is ${JSON.stringify(opts.styleLayerWeights)}; allowed: ${styleLayers.length} finite numbers (one per style layer)`);
  }
  const init = opts.init ?? 'noise';
  if (!(init === 'noise' || init === 'content' || (init instanceof tf.Tensor && init.rank === 4 && !init.isDisposed))) {
    throw new RangeError(`${F}: init is ${init instanceof tf.Tensor ? `a tensor of shape [${init.shape}]` : JSON.stringify(init)}; allowed: 'noise', 'content' or a [b, h, w, 3] tensor`);
  }
  const optimizer = opts.optimizer ?? 'lbfgs';
  if (optimizer !== 'lbfgs' && optimizer !== 'adam') throw new RangeError(`${F}: optimizer is ${JSON.stringify(optimizer)}; allowed: 'lbfgs', 'adam'`);
  const nonNeg = (x: number) => x >= 0;
  const snapshotEvery = opts.snapshotEvery === undefined ? undefined
    : num(opts.snapshotEvery, 'snapshotEvery', 0, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw new TypeError(`${F}: onProgress is ${typeof opts.onProgress}; allowed: a function`);
  return {
    contents, styles, net, preprocess, contentLayer, styleLayers, init, optimizer, snapshotEvery,
    blend: blendRaw.map((w) => w / sum),
    styleLayerWeights: lw,
    diagonal: opts.diagonal ?? false,
    contentWeight: num(opts.contentWeight, 'contentWeight', 1, nonNeg, 'a finite number >= 0'),
    styleWeight: num(opts.styleWeight, 'styleWeight', 1, nonNeg, 'a finite number >= 0'),
    tvWeight: num(opts.tvWeight, 'tvWeight', 0, nonNeg, 'a finite number >= 0'),
    lr: num(opts.lr, 'lr', optimizer === 'lbfgs' ? 1 : 0.02, (x) => x > 0, 'a finite number > 0'),
    lbfgs: { toleranceGrad: 0, toleranceChange: 0, lineSearch: 'strongWolfe', ...(opts.lbfgs ?? {}) },
    iterations: num(opts.iterations, 'iterations', 300, (x) => Number.isInteger(x) && x > 0, 'a positive integer'),
    size: opts.size === undefined ? undefined : checkSize(opts.size, `${F}: size`),
    styleSize: opts.styleSize === undefined ? (opts.size === undefined ? undefined : opts.size) : checkSize(opts.styleSize, `${F}: styleSize`),
    preserveColor: opts.preserveColor ?? false,
    onProgress: opts.onProgress,
    seed: num(opts.seed, 'seed', 0, Number.isInteger, 'an integer'),
  };
}
