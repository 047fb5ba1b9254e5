/** Loss and gradients of a closure with respect to an optimizer's params, with input checks. */
import { tf } from '../backend/tf.js';
import { describeValue } from './validate.js';

/**
 * Evaluate `closure` under `tf.variableGrads` over the trainable `params`; returns the loss as a
 * number and the gradients by variable (variables the loss does not reach get none). A closure
 * that does not return a scalar tensor is a TypeError, thrown after cleaning up (no tensor leaks).
 *
 * @example
 * ```ts
 * const { loss, grads } = lossAndGrads('sgd', [w], () => tf.sum(tf.square(w)));
 * tf.dispose([...grads.values()]);
 * ```
 */
export function lossAndGrads(
  name: string, params: tf.Variable[], closure: () => tf.Scalar,
): { loss: number; grads: Map<tf.Variable, tf.Tensor> } {
  if (typeof closure !== 'function') {
    throw new TypeError(`${name}.step(closure): closure is ${describeValue(closure)}; allowed: a function returning a scalar tf.Tensor`);
  }
  const vars = params.filter((v) => v.trainable);
  if (vars.length === 0) throw new RangeError(`${name}.step: none of the ${params.length} params is trainable; allowed: at least one trainable tf.Variable`);
  let bad: string | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const y: unknown = closure();
    if (y instanceof tf.Tensor && y.rank === 0) return y as tf.Scalar;
    bad = describeValue(y);
    // A scalar connected to the params, so variableGrads finishes cleanly (no tape leak).
    return tf.mul(tf.addN(vars.map((v) => tf.sum(v))), 0) as tf.Scalar;
  }, vars);
  const map = new Map<tf.Variable, tf.Tensor>();
  for (const v of vars) {
    const g = grads[v.name];
    if (g) map.set(v, g);
  }
  if (bad !== undefined) {
    tf.dispose([value, ...map.values()]);
    throw new TypeError(`${name}.step(closure): closure returned ${bad}; allowed: a scalar (rank-0) tf.Tensor`);
  }
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, grads: map };
}
