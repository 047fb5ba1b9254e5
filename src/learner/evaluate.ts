import { tf, type tfl } from '../backend/tf.js';
import type { Dataset } from '../data/dataset.js';
import type { LossFn, MetricFn } from './losses.js';

/**
 * Mean loss and metrics of `model` over every batch of `data` (inference mode), weighted by batch
 * size. Nothing is kept: each batch runs in tf.tidy.
 *
 * @example
 * ```ts
 * const { loss, metrics } = await evaluate(model, valid, softmaxCrossEntropy, [{ name: 'accuracy', fn: accuracy }]);
 * ```
 */
export async function evaluate(
  model: tfl.LayersModel,
  data: Dataset,
  loss: LossFn,
  metrics: { name: string; fn: MetricFn }[],
): Promise<{ loss: number; metrics: Record<string, number> }> {
  let n = 0;
  let total = 0;
  const sums = metrics.map(() => 0);
  for (const batch of data.batches(0)) {
    const values = tf.tidy(() => {
      const pred = model.apply(batch.x, { training: false }) as tf.Tensor;
      return tf.stack([loss(batch.y, pred), ...metrics.map((m) => m.fn(batch.y, pred))]);
    });
    const b = batch.x.shape[0];
    const v = await values.data();
    tf.dispose([values, batch.x, batch.y]);
    total += v[0] * b;
    metrics.forEach((_, i) => (sums[i] += v[i + 1] * b));
    n += b;
  }
  return { loss: total / n, metrics: Object.fromEntries(metrics.map((m, i) => [m.name, sums[i] / n])) };
}
