/** Adam and AdamW, exactly as torch.optim.Adam / AdamW (bias correction with the current betas). */
import { tf } from '../backend/tf.js';
import { Optimizer, type ParamState, type UpdateResult } from './optimizer.js';
import type { Hypers, ParamsInput } from './types.js';
import { buildGroups, resolveOptions } from './validate.js';

/** Options of {@link adam} and {@link adamw} (each may also be given per param group). */
export interface AdamOptions {
  /** Learning rate, >= 0; default 1e-3. */
  lr: number;
  /** [beta1, beta2], each in [0, 1); default [0.9, 0.999]. beta1 is the hyper 'momentum', beta2 is 'beta'. */
  betas?: [number, number];
  /** Denominator epsilon, > 0; default 1e-8. */
  eps?: number;
  /** Weight decay: L2 added to the gradient (adam, default 0) or decoupled (adamw, default 0.01). */
  wd?: number;
}

const KEYS = { lr: 'lr', betas: ['momentum', 'beta'] as [string, string], eps: 'eps', wd: 'wd' };

/**
 * Adam / AdamW (torch.optim.Adam / AdamW). Create it with {@link adam} or {@link adamw}.
 */
export class Adam extends Optimizer {
  protected readonly bufferNames = ['expAvg', 'expAvgSq'] as const;
  /** True for AdamW (decoupled weight decay). */
  readonly decoupled: boolean;

  constructor(params: ParamsInput<AdamOptions>, opts: AdamOptions, decoupled = false) {
    const name = decoupled ? 'adamw' : 'adam';
    const base = (opts ?? {}) as unknown as Record<string, unknown>;
    const defaults = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, wd: decoupled ? 0.01 : 0 };
    super(name, buildGroups(name, params, (spec, field) => resolveOptions(field, base, spec, defaults, KEYS)), ['lr', 'momentum', 'beta', 'wd', 'eps']);
    this.decoupled = decoupled;
  }

  protected update(p: tf.Variable, g: tf.Tensor, st: ParamState, h: Hypers, k: (v: number) => tf.Scalar): UpdateResult {
    const lr = h.lr as number, b1 = h.momentum as number, b2 = h.beta as number, eps = h.eps as number, wd = h.wd as number;
    let w: tf.Tensor = p;
    let d: tf.Tensor = g;
    if (wd !== 0) {
      if (this.decoupled) w = tf.mul(p, k(1 - lr * wd));
      else d = tf.add(g, tf.mul(p, k(wd)));
    }
    const m0 = st.buffers.expAvg, v0 = st.buffers.expAvgSq;
    const m = m0 === undefined ? tf.mul(d, k(1 - b1)) : tf.add(tf.mul(m0, k(b1)), tf.mul(d, k(1 - b1)));
    const v = v0 === undefined ? tf.mul(tf.square(d), k(1 - b2)) : tf.add(tf.mul(v0, k(b2)), tf.mul(tf.square(d), k(1 - b2)));
    const bc1 = 1 - b1 ** st.step;
    const bc2Sqrt = Math.sqrt(1 - b2 ** st.step);
    // p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)  ==  p -= (lr*sqrt(bc2)/bc1) * m / (sqrt(v) + eps*sqrt(bc2))
    const stepSize = (lr * bc2Sqrt) / bc1;
    const upd = tf.div(tf.mul(m, k(stepSize)), tf.add(tf.sqrt(v), k(eps * bc2Sqrt)));
    return { param: tf.sub(w, upd), buffers: { expAvg: m, expAvgSq: v } };
  }
}

/**
 * Adam, exactly torch.optim.Adam. With `d = g + wd * p` (L2), at step t:
 * `m = b1*m + (1-b1)*d`, `v = b2*v + (1-b2)*d^2`,
 * `p = p - lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps)` — the bias corrections use the
 * CURRENT betas, like PyTorch. Hypers: 'lr', 'momentum' (b1), 'beta' (b2), 'wd', 'eps'.
 *
 * @example
 * ```ts
 * const opt = adam([w], { lr: 1e-3, betas: [0.9, 0.99] });
 * opt.setHyper('momentum', 0.85); // beta1
 * opt.step(() => lossFn());
 * ```
 */
export function adam(params: ParamsInput<AdamOptions>, opts: AdamOptions): Adam {
  return new Adam(params, opts, false);
}

/**
 * AdamW, exactly torch.optim.AdamW: decoupled weight decay `p = p * (1 - lr*wd)` (default wd 0.01),
 * then the Adam update of {@link adam} without L2. Hypers: 'lr', 'momentum', 'beta', 'wd', 'eps'.
 *
 * @example
 * ```ts
 * const opt = adamw(layerGroups(model, ['dense_2']).map((params, i) => ({ params, lr: [1e-4, 1e-3][i] })), { lr: 1e-3, wd: 0.05 });
 * ```
 */
export function adamw(params: ParamsInput<AdamOptions>, opts: AdamOptions): Adam {
  return new Adam(params, opts, true);
}
