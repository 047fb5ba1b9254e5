/** Per-image Gram matrices of NHWC feature maps. */
import { tf } from '../backend/tf.js';

function check(features: tf.Tensor, fn: string): void {
  if (!(features instanceof tf.Tensor) || features.rank !== 4) {
    throw new TypeError(`${fn}: features has ${features instanceof tf.Tensor ? `shape [${features.shape}]` : typeof features}; allowed: a rank-4 NHWC tensor [b, h, w, c]`);
  }
}

/**
 * Gram matrix per image: with F the c×(h·w) view of one image's features,
 * `G = F Fᵀ / (c·h·w)`, i.e. `G[i][j] = Σ_p F[p,i] F[p,j] / (c·h·w)` for NHWC input. A batch gives one
 * Gram per image, `[b, c, c]` (the lesson-14 fix: channels of different images are never mixed), so a
 * batch of 2 equals two single calls. Computed as `matMul(F, F, transposeA)` on the `[b, h·w, c]` view
 * (on wasm, phasewise's kernel computes the upper triangle's blocks and mirrors them: an exactly
 * symmetric Gram for about half the products; stock wasm's `transposeA` product ran at 1–2 GFLOP/s),
 * with a hand-written gradient `dF = F (dG + dGᵀ) / (c·h·w)` (one plain product instead of tfjs'
 * two transposed ones).
 *
 * @example
 * ```ts
 * gramMatrix(tf.ones([1, 2, 2, 3]));   // [1, 3, 3], every entry 4 / 12 = 1/3
 * ```
 */
export function gramMatrix(features: tf.Tensor4D): tf.Tensor3D {
  check(features, 'gramMatrix');
  const [b, h, w, c] = features.shape;
  return tf.tidy(() => gramOfRows(tf.reshape(features, [b, h * w, c]), c * h * w)) as tf.Tensor3D;
}

/** `Fᵀ F / n` for F `[b, m, c]`, with a hand-written gradient `dF = F (dG + dGᵀ) / n` (one product). */
const gramOfRows = (f: tf.Tensor, n: number): tf.Tensor =>
  tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.div(tf.matMul(x, x, true, false), n),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.div(tf.matMul(saved[0], tf.add(dy, tf.transpose(dy, [0, 2, 1]))), n),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0])(f);

/**
 * The diagonal of {@link gramMatrix} without the full product: `diag(G)[i] = Σ_p F[p,i]² / (c·h·w)`,
 * shape `[b, c]` (per-channel uncentred second moments).
 *
 * @example
 * ```ts
 * gramDiagonal(tf.ones([1, 2, 2, 3]));   // [[1/3, 1/3, 1/3]]
 * ```
 */
export function gramDiagonal(features: tf.Tensor4D): tf.Tensor2D {
  check(features, 'gramDiagonal');
  const [, h, w, c] = features.shape;
  return tf.tidy(() => tf.div(tf.sum(tf.square(features), [1, 2]), c * h * w) as tf.Tensor2D);
}
