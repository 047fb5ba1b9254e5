/** Content, style and total-variation losses (plain quantities; styleTransfer applies the weights). */
import { tf } from '../backend/tf.js';
import { gramDiagonal, gramMatrix } from './gramMatrix.js';

/** Options of {@link styleLoss}. */
export interface StyleLossOptions {
  /** Compare only the Grams' diagonals (per-channel second moments), not the full matrices. */
  diagonal?: boolean;
}

function sameShape(a: tf.Tensor, b: tf.Tensor, fn: string, what: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i] && b.shape[i] !== 1 && d !== 1)) {
    throw new RangeError(`${fn}: ${what} shapes [${a.shape}] and [${b.shape}] differ; allowed: equal (or broadcastable batch) shapes`);
  }
}

/**
 * Content loss: the mean squared difference `mean((a − b)²)` over all elements (`F.mse_loss`).
 *
 * @example
 * ```ts
 * contentLoss(tf.tensor([1, 2]), tf.tensor([1, 4]));   // (0 + 4) / 2 = 2
 * ```
 */
export function contentLoss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  sameShape(a, b, 'contentLoss', 'a and b');
  return tf.tidy(() => tf.mean(tf.squaredDifference(a, b)) as tf.Scalar);
}

/**
 * Style loss: `Σ_l w_l · mean((G_l − T_l)²)` with `G_l = gramMatrix(feats[l])` (per image, `[b, c, c]`)
 * and `T_l = targetGrams[l]` (`[b, c, c]` or `[1, c, c]`, broadcast over the batch). `weights` default 1
 * per layer. With `{ diagonal: true }` only the diagonals are compared: `mean((diag G_l − diag T_l)²)`.
 * For a batch, the mean runs over images too (the average of the per-image losses).
 *
 * @example
 * ```ts
 * const targets = styleFeats.map((f) => gramMatrix(f));
 * const loss = styleLoss(imgFeats, targets, [1, 0.5]);
 * ```
 */
export function styleLoss(feats: tf.Tensor4D[], targetGrams: tf.Tensor3D[], weights?: number[], opts: StyleLossOptions = {}): tf.Scalar {
  if (!Array.isArray(feats) || !Array.isArray(targetGrams) || feats.length !== targetGrams.length || feats.length === 0) {
    throw new RangeError(`styleLoss: ${feats?.length} feature maps and ${targetGrams?.length} target Grams; allowed: the same positive number`);
  }
  const w = weights ?? feats.map(() => 1);
  if (w.length !== feats.length || w.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`styleLoss: weights is ${JSON.stringify(weights)}; allowed: ${feats.length} finite numbers (one per layer)`);
  }
  return tf.tidy(() => {
    const terms = feats.map((f, l) => {
      const t = targetGrams[l];
      let d: tf.Tensor;
      if (opts.diagonal) {
        const c = t.shape[2];
        const tDiag = tf.sum(tf.mul(t, tf.reshape(tf.eye(c), [1, c, c])), 2);
        const g = gramDiagonal(f);
        sameShape(g, tDiag, 'styleLoss', `layer ${l} Gram diagonal`);
        d = tf.squaredDifference(g, tDiag);
      } else {
        const g = gramMatrix(f);
        sameShape(g, t, 'styleLoss', `layer ${l} Gram`);
        d = tf.squaredDifference(g, t);
      }
      return tf.mul(tf.mean(d), w[l]);
    });
    return tf.addN(terms) as tf.Scalar;
  });
}

/**
 * Total-variation loss (squared, "L2-TV", as neural-style's TVLoss gradient): the MEAN of squared
 * neighbour differences, `mean((x[i+1,j] − x[i,j])²) + mean((x[i,j+1] − x[i,j])²)` over the batch,
 * rows, columns and channels of an NHWC image.
 *
 * @example
 * ```ts
 * tvLoss(tf.tensor4d([0, 1, 0, 1], [1, 2, 2, 1]));   // vertical 0, horizontal 1 → 1
 * ```
 */
export function tvLoss(img: tf.Tensor4D): tf.Scalar {
  if (!(img instanceof tf.Tensor) || img.rank !== 4 || img.shape[1] < 2 || img.shape[2] < 2) {
    throw new TypeError(`tvLoss: img has ${img instanceof tf.Tensor ? `shape [${img.shape}]` : typeof img}; allowed: NHWC [b, h, w, c] with h, w >= 2`);
  }
  const [b, h, w, c] = img.shape;
  return tf.tidy(() => {
    const dv = tf.sub(tf.slice(img, [0, 1, 0, 0], [b, h - 1, w, c]), tf.slice(img, [0, 0, 0, 0], [b, h - 1, w, c]));
    const dh = tf.sub(tf.slice(img, [0, 0, 1, 0], [b, h, w - 1, c]), tf.slice(img, [0, 0, 0, 0], [b, h, w - 1, c]));
    return tf.add(tf.mean(tf.square(dv)), tf.mean(tf.square(dh))) as tf.Scalar;
  });
}
