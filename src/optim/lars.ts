/** LARS: layer-wise adaptive rate scaling on top of SGD momentum (You, Gitman & Ginsburg 2017). */
import { tf } from '../backend/tf.js';
import { Optimizer, type ParamState, type UpdateResult } from './optimizer.js';
import type { Hypers, ParamsInput } from './types.js';
import { buildGroups, resolveOptions } from './validate.js';

/** Options of {@link lars} (each may also be given per param group). */
export interface LarsOptions {
  /** Global learning rate, >= 0 (required). */
  lr: number;
  /** Momentum in [0, 1); default 0.9. */
  momentum?: number;
  /** Weight decay (added to the gradient and to the trust-ratio denominator); default 0. */
  wd?: number;
  /** Trust coefficient eta, > 0; default 0.001. */
  trustCoefficient?: number;
  /** Added to the trust-ratio denominator, > 0; default 1e-8. */
  eps?: number;
}

const KEYS = { lr: 'lr', momentum: 'momentum', wd: 'wd', trustCoefficient: 'trustCoefficient', eps: 'eps' };
const DEFAULTS = { momentum: 0.9, wd: 0, trustCoefficient: 0.001, eps: 1e-8 };

/** LARS. Create it with {@link lars}. */
export class LARS extends Optimizer {
  protected readonly bufferNames = ['momentumBuffer'] as const;

  constructor(params: ParamsInput<LarsOptions>, opts: LarsOptions) {
    const base = (opts ?? {}) as unknown as Record<string, unknown>;
    super('lars', buildGroups('lars', params, (spec, field) => resolveOptions(field, base, spec, DEFAULTS, KEYS)), ['lr', 'momentum', 'wd', 'eps']);
  }

  protected update(p: tf.Variable, g: tf.Tensor, st: ParamState, h: Hypers, k: (v: number) => tf.Scalar): UpdateResult {
    const lr = h.lr as number, mom = h.momentum as number, wd = h.wd as number;
    const trust = h.trustCoefficient as number, eps = h.eps as number;
    const wNorm = tf.norm(p);
    const gNorm = tf.norm(g);
    const ratio = tf.div(tf.mul(wNorm, k(trust)), tf.add(tf.add(gNorm, tf.mul(wNorm, k(wd))), eps));
    const ok = tf.logicalAnd(tf.greater(wNorm, 0), tf.greater(gNorm, 0));
    const localLr = tf.mul(tf.where(ok, ratio, tf.onesLike(ratio)), lr);
    const d = wd !== 0 ? tf.add(g, tf.mul(p, k(wd))) : g;
    const scaled = tf.mul(d, localLr);
    const b0 = st.buffers.momentumBuffer;
    const buf = b0 === undefined || mom === 0 ? scaled : tf.add(tf.mul(b0, k(mom)), scaled);
    return { param: tf.sub(p, buf), buffers: mom === 0 && b0 === undefined ? {} : { momentumBuffer: buf } };
  }
}

/**
 * LARS: per variable (tensor), `ratio = trust * ||w|| / (||g|| + wd*||w|| + eps)` (1 when ||w|| or
 * ||g|| is 0), `localLr = lr * ratio`; then SGD momentum on the scaled, decayed gradient:
 * `buf = momentum*buf + localLr*(g + wd*w)` (buf starts at 0), `w = w - buf`.
 * Defaults momentum 0.9, trustCoefficient 0.001, eps 1e-8, wd 0. Hypers: 'lr', 'momentum', 'wd', 'eps'.
 *
 * @example
 * ```ts
 * const opt = lars(model.trainableWeights.map((w) => w.read() as tf.Variable), { lr: 1, momentum: 0.9, wd: 5e-4 });
 * ```
 */
export function lars(params: ParamsInput<LarsOptions>, opts: LarsOptions): LARS {
  return new LARS(params, opts);
}
