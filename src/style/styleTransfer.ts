/** Gatys neural style transfer by optimising the image (fast.ai lesson 13, neural-style options). */
import { tf, tfl } from '../backend/tf.js';
import { hookOutputs } from '../hooks/hookOutputs.js';
import { adam } from '../optim/adam.js';
import { lbfgs } from '../optim/lbfgs.js';
import type { Optimizer } from '../optim/optimizer.js';
import { gramMatrix } from './gramMatrix.js';
import { readImage } from './image.js';
import { contentLoss, styleLoss, tvLoss } from './losses.js';
import { medianNoise } from './medianNoise.js';
import { preprocess } from './preprocess.js';
import { preserveColor } from './preserveColor.js';
import { resolveStyleOptions, type ImageInput, type StyleTransferOptions } from './styleOptions.js';

/** Resize the shorter side to `size` (bilinear) and centre-crop size×size. */
function fitSize(img: tf.Tensor4D, size: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = img.shape;
    const s = size / Math.min(h, w);
    const nh = Math.max(size, Math.round(h * s)), nw = Math.max(size, Math.round(w * s));
    const r = nh === h && nw === w ? img : tf.image.resizeBilinear(img, [nh, nw]);
    return tf.slice(r, [0, Math.floor((nh - size) / 2), Math.floor((nw - size) / 2), 0], [-1, size, size, 3]);
  });
}

/** Load every input (paths read, tensors resized if `size`); returns the tensors this call owns. */
async function loadImages(list: ImageInput[], size: number | undefined, owned: tf.Tensor[]): Promise<tf.Tensor4D[]> {
  const out: tf.Tensor4D[] = [];
  for (const x of list) {
    if (typeof x === 'string') {
      const t = await readImage(x, { size });
      owned.push(t);
      out.push(t);
    } else if (size !== undefined) {
      const t = fitSize(x, size);
      owned.push(t);
      out.push(t);
    } else {
      out.push(x);
    }
  }
  return out;
}

/**
 * Gatys et al. neural style transfer: optimise an image `x` (0..1 RGB, `[b, h, w, 3]`) to minimise
 *
 *   `L = Σ_images [ contentWeight · mean((F_c(x) − F_c(content))²)
 *        + styleWeight · Σ_l w_l · mean((G_l(x) − T_l)²) + tvWeight · TV(x) ]`
 *
 * with `F_l` the net's activations at layer l (read with {@link hookOutputs} during the net's own
 * forward pass), `G_l` the per-image Gram `F Fᵀ / (c·h·w)` and `T_l = Σ_s blend_s · G_l(style_s)` (blend
 * normalised to sum 1). The image goes through {@link preprocess} inside the loss, so any net input
 * convention works. Optimiser: L-BFGS (torch semantics; tolerances 0 like neural-style) or Adam, looping
 * `while (evals < iterations) opt.step(closure)` as the lesson (iterations count loss evaluations).
 * Several content images form one batch, each with its own content target; the loss is summed over
 * images, so with Adam (element-wise) a batch equals separate runs, while L-BFGS couples the images
 * through its shared history. Every intermediate tensor is freed: after the call,
 * `tf.memory().numTensors` is back to where it was plus the returned image.
 *
 * @example
 * ```ts
 * const net = await loadLayersModelDir('test/fixtures/vgg19-block3');
 * const { image, losses } = await styleTransfer({
 *   net, content: 'chelsea.png', style: 'starry_night_512.jpg', size: 256, iterations: 300,
 *   contentLayer: 'block3_conv2', styleLayers: ['block1_conv1', 'block2_conv1', 'block3_conv1'],
 * });
 * await writeImage('cat.png', image);
 * ```
 */
export async function styleTransfer(opts: StyleTransferOptions): Promise<{ image: tf.Tensor4D; losses: number[] }> {
  const o = resolveStyleOptions(opts);
  const owned: tf.Tensor[] = [];
  const cleanup: (() => void)[] = [];
  try {
    const contents = await loadImages(o.contents, o.size, owned);
    const styles = await loadImages(o.styles, o.styleSize, owned);
    const [, h, w] = contents[0].shape;
    contents.forEach((c, i) => {
      if (c.shape[1] !== h || c.shape[2] !== w) throw new RangeError(`styleTransfer: content[${i}] is ${c.shape[2]}×${c.shape[1]}, content[0] is ${w}×${h}; allowed: equal sizes (or pass size)`);
    });
    const content = contents.length === 1 ? contents[0] : tf.concat(contents, 0);
    if (contents.length > 1) owned.push(content);
    const b = content.shape[0];
    if (h < 2 || w < 2) throw new RangeError(`styleTransfer: content is ${w}×${h}; allowed: at least 2×2`);
    if (o.init instanceof tf.Tensor && o.init.shape.join() !== content.shape.join()) {
      throw new RangeError(`styleTransfer: init has shape [${o.init.shape}]; allowed: the content's shape [${content.shape}]`);
    }

    // The net up to the deepest layer needed (shares the layers and weights; never disposed here).
    const wanted = [o.contentLayer, ...o.styleLayers];
    const deepest = o.net.layers.filter((l) => wanted.includes(l.name)).pop()!;
    const sub = tfl.model({ inputs: o.net.inputs, outputs: deepest.output as tfl.SymbolicTensor });
    const hooks = hookOutputs(sub, wanted);
    cleanup.push(() => hooks.remove());
    const run = (img: tf.Tensor4D): tf.Tensor[] => {
      tf.dispose(sub.apply(preprocess(img, o.preprocess)) as tf.Tensor);
      return hooks.outputs();
    };

    // Targets, owned here: content activations, blended style Grams.
    const contentTarget = tf.tidy(() => tf.keep(tf.clone(run(content)[0])));
    owned.push(contentTarget);
    const targetGrams = tf.tidy(() => {
      let acc: tf.Tensor[] | undefined;
      styles.forEach((s, k) => {
        const grams = run(s).slice(1).map((f) => {
          const g = gramMatrix(f as tf.Tensor4D);
          if (g.shape[0] !== 1) throw new RangeError(`styleTransfer: style[${k}] has a batch of ${g.shape[0]}; allowed: one image per style entry`);
          return tf.mul(g, o.blend[k]);
        });
        acc = acc ? acc.map((a, l) => tf.add(a, grams[l])) : grams;
      });
      return acc!.map((t) => tf.keep(t) as tf.Tensor3D);
    });
    owned.push(...targetGrams);

    const init = o.init === 'noise' ? medianNoise([b, h, w, 3], o.seed) : o.init === 'content' ? tf.clone(content) : tf.clone(o.init);
    const x = tf.variable(init, true, undefined, 'float32');
    init.dispose();
    owned.push(x);
    const opt: Optimizer = o.optimizer === 'lbfgs' ? lbfgs([x], { ...o.lbfgs, lr: o.lr }) : adam([x], { lr: o.lr });
    cleanup.push(() => opt.dispose());

    const losses: number[] = [];
    const closure = (): tf.Scalar => {
      const feats = run(x as unknown as tf.Tensor4D);
      const c = tf.mul(contentLoss(feats[0], contentTarget), o.contentWeight * b);
      const s = tf.mul(styleLoss(feats.slice(1) as tf.Tensor4D[], targetGrams, o.styleLayerWeights, { diagonal: o.diagonal }), o.styleWeight * b);
      const t = o.tvWeight > 0 ? tf.mul(tvLoss(x as unknown as tf.Tensor4D), o.tvWeight * b) : tf.scalar(0);
      const total = tf.addN([c, s, t]) as tf.Scalar;
      const loss = total.dataSync()[0];
      losses.push(loss);
      if (o.onProgress) {
        const evals = losses.length;
        const snap = o.snapshotEvery && evals % o.snapshotEvery === 0 ? tf.clipByValue(x, 0, 1) as tf.Tensor4D : undefined;
        try {
          o.onProgress({ evals, loss, contentLoss: c.dataSync()[0], styleLoss: s.dataSync()[0], tvLoss: t.dataSync()[0], image: snap });
        } finally {
          snap?.dispose();
        }
      }
      return total;
    };
    while (losses.length < o.iterations) {
      opt.step(closure);
      if (o.optimizer === 'lbfgs' && (opt as ReturnType<typeof lbfgs>).state.stopReason === 'nanLoss') break;
      await new Promise((r) => setImmediate(r)); // let snapshot writes and progress output run
    }

    const image = tf.tidy(() => {
      const clipped = tf.clipByValue(x, 0, 1) as tf.Tensor4D;
      return o.preserveColor ? preserveColor(clipped, content) : clipped;
    });
    return { image, losses };
  } finally {
    for (const f of cleanup.reverse()) f();
    tf.dispose(owned);
  }
}
