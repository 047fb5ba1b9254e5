/** RMSprop, exactly as torch.optim.RMSprop (centered and momentum variants). */
import { tf } from '../backend/tf.js';
import { Optimizer, type ParamState, type UpdateResult } from './optimizer.js';
import type { Hypers, ParamsInput } from './types.js';
import { buildGroups, resolveOptions } from './validate.js';

/** Options of {@link rmsprop} (each may also be given per param group). */
export interface RmspropOptions {
  /** Learning rate, >= 0; default 1e-2. */
  lr?: number;
  /** Smoothing constant in [0, 1) (the hyper 'beta'); default 0.99. */
  alpha?: number;
  /** Denominator epsilon, > 0; default 1e-8. */
  eps?: number;
  /** Momentum in [0, 1); default 0. */
  momentum?: number;
  /** Normalise by the estimated variance of the gradient; default false. */
  centered?: boolean;
  /** L2 weight decay added to the gradient; default 0. */
  wd?: number;
}

const KEYS = { lr: 'lr', alpha: 'beta', eps: 'eps', momentum: 'momentum', centered: 'centered', wd: 'wd' };
const DEFAULTS = { lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false, wd: 0 };

/** RMSprop (torch.optim.RMSprop). Create it with {@link rmsprop}. */
export class RMSprop extends Optimizer {
  protected readonly bufferNames = ['squareAvg', 'gradAvg', 'momentumBuffer'] as const;

  constructor(params: ParamsInput<RmspropOptions>, opts: RmspropOptions = {}) {
    const base = (opts ?? {}) as unknown as Record<string, unknown>;
    super('rmsprop', buildGroups('rmsprop', params, (spec, field) => resolveOptions(field, base, spec, DEFAULTS, KEYS)), ['lr', 'momentum', 'beta', 'wd', 'eps']);
  }

  protected update(p: tf.Variable, g: tf.Tensor, st: ParamState, h: Hypers, k: (v: number) => tf.Scalar): UpdateResult {
    const lr = h.lr as number, alpha = h.beta as number, eps = h.eps as number, mom = h.momentum as number, wd = h.wd as number;
    const d: tf.Tensor = wd !== 0 ? tf.add(g, tf.mul(p, k(wd))) : g;
    const buffers: Record<string, tf.Tensor> = { ...st.buffers };
    const sq0 = st.buffers.squareAvg;
    const sq = sq0 === undefined ? tf.mul(tf.square(d), k(1 - alpha)) : tf.add(tf.mul(sq0, k(alpha)), tf.mul(tf.square(d), k(1 - alpha)));
    buffers.squareAvg = sq;
    let avg: tf.Tensor;
    if (h.centered) {
      const ga0 = st.buffers.gradAvg;
      const ga = ga0 === undefined ? tf.mul(d, k(1 - alpha)) : tf.add(tf.mul(ga0, k(alpha)), tf.mul(d, k(1 - alpha)));
      buffers.gradAvg = ga;
      avg = tf.add(tf.sqrt(tf.sub(sq, tf.square(ga))), k(eps));
    } else {
      avg = tf.add(tf.sqrt(sq), k(eps));
    }
    if (mom > 0) {
      const b0 = st.buffers.momentumBuffer;
      const q = tf.div(d, avg);
      const buf = b0 === undefined ? q : tf.add(tf.mul(b0, k(mom)), q);
      buffers.momentumBuffer = buf;
      return { param: tf.sub(p, tf.mul(buf, k(lr))), buffers };
    }
    return { param: tf.sub(p, tf.div(tf.mul(d, k(lr)), avg)), buffers };
  }
}

/**
 * RMSprop, exactly torch.optim.RMSprop. With `d = g + wd * p`:
 * `sq = alpha*sq + (1-alpha)*d^2`; centered: `ga = alpha*ga + (1-alpha)*d`, `avg = sqrt(sq - ga^2) + eps`,
 * else `avg = sqrt(sq) + eps`; with momentum: `buf = momentum*buf + d/avg`, `p -= lr*buf`; else
 * `p -= lr * d/avg`. Defaults lr 1e-2, alpha 0.99, eps 1e-8. Hypers: 'lr', 'momentum', 'beta' (alpha), 'wd', 'eps'.
 *
 * @example
 * ```ts
 * const opt = rmsprop([w], { lr: 1e-3, alpha: 0.9, centered: true, momentum: 0.9 });
 * opt.step(() => lossFn());
 * ```
 */
export function rmsprop(params: ParamsInput<RmspropOptions>, opts: RmspropOptions = {}): RMSprop {
  return new RMSprop(params, opts);
}
