import { tf } from '../backend/tf.js';

/** A loss: `(yTrue, yPred) => scalar` (mean over the batch). */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
/** A metric: `(yTrue, yPred) => scalar` (mean over the batch). */
export type MetricFn = ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar) & { metricName?: string };

/** Built-in loss names. */
export type LossName = 'softmaxCrossEntropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';
export const LOSS_NAMES: readonly LossName[] = ['softmaxCrossEntropy', 'sparseCategoricalCrossentropy', 'meanSquaredError'];

/** Integer labels [b] (or one-hot [b, C]) as one-hot float [b, C]. */
function oneHotOf(yTrue: tf.Tensor, classes: number): tf.Tensor {
  if (yTrue.rank === 2) return tf.cast(yTrue, 'float32');
  return tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
}

/**
 * Softmax cross-entropy on logits: `mean_i( logsumexp(z_i) - z_i[y_i] )`, with integer labels
 * [b] or one-hot labels [b, C].
 *
 * @example
 * ```ts
 * softmaxCrossEntropy(tf.tensor1d([0], 'int32'), tf.tensor2d([[0, 0]])); // log 2
 * ```
 */
export const softmaxCrossEntropy: LossFn = (yTrue, yPred) =>
  tf.tidy(() => tf.losses.softmaxCrossEntropy(oneHotOf(yTrue, yPred.shape[yPred.rank - 1]), yPred) as tf.Scalar);

/**
 * Keras' sparse categorical cross-entropy on probabilities (a model ending in softmax):
 * `mean_i( -log p_i[y_i] )`, probabilities clipped to [1e-7, 1 - 1e-7].
 */
export const sparseCategoricalCrossentropy: LossFn = (yTrue, yPred) =>
  tf.tidy(() => {
    const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
    const oh = oneHotOf(yTrue, yPred.shape[yPred.rank - 1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(oh, tf.log(p)), -1))) as tf.Scalar;
  });

/** Mean squared error: `mean((yPred - yTrue)^2)`. */
export const meanSquaredError: LossFn = (yTrue, yPred) =>
  tf.tidy(() => tf.mean(tf.square(tf.sub(yPred, tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape)))) as tf.Scalar);

/**
 * Accuracy: the fraction of examples whose arg-max prediction equals the label (integer labels [b]
 * or one-hot [b, C]).
 */
export const accuracy: MetricFn = (yTrue, yPred) =>
  tf.tidy(() => {
    const pred = tf.argMax(yPred, -1);
    const truth = yTrue.rank === 2 ? tf.argMax(yTrue, -1) : tf.cast(tf.reshape(yTrue, [-1]), 'int32');
    return tf.mean(tf.cast(tf.equal(tf.cast(pred, 'int32'), tf.cast(truth, 'int32')), 'float32')) as tf.Scalar;
  });
accuracy.metricName = 'accuracy';

/** Resolve a loss option. */
export function resolveLoss(loss: LossName | LossFn): { name: string; fn: LossFn } {
  if (typeof loss === 'function') return { name: loss.name || 'loss', fn: loss };
  const table: Record<LossName, LossFn> = { softmaxCrossEntropy, sparseCategoricalCrossentropy, meanSquaredError };
  if (typeof loss === 'string' && loss in table) return { name: loss, fn: table[loss] };
  throw new RangeError(`Learner loss is ${JSON.stringify(loss)}; allowed: ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')} or a function (yTrue, yPred) => scalar`);
}

/** Resolve the metrics option: 'accuracy' or functions. */
export function resolveMetrics(metrics: ('accuracy' | MetricFn)[] | undefined): { name: string; fn: MetricFn }[] {
  if (metrics === undefined) return [];
  if (!Array.isArray(metrics)) throw new TypeError(`Learner metrics is ${String(metrics)}; allowed: an array of 'accuracy' or functions`);
  return metrics.map((m, i) => {
    if (m === 'accuracy') return { name: 'accuracy', fn: accuracy };
    if (typeof m === 'function') return { name: m.metricName ?? (m.name || `metric${i}`), fn: m };
    throw new RangeError(`Learner metrics[${i}] is ${JSON.stringify(m)}; allowed: 'accuracy' or a function (yTrue, yPred) => scalar`);
  });
}

/** Whether a loss compares class labels with a [b, C] output (so labels must be integers < C). */
export function isClassification(name: string): boolean {
  return name === 'softmaxCrossEntropy' || name === 'sparseCategoricalCrossentropy';
}
