/** SGD with momentum, dampening, Nesterov and L2 weight decay, exactly as torch.optim.SGD. */
import { tf } from '../backend/tf.js';
import { Optimizer, type ParamState, type UpdateResult } from './optimizer.js';
import type { Hypers, ParamsInput } from './types.js';
import { buildGroups, resolveOptions } from './validate.js';

/** Options of {@link sgd} (each may also be given per param group). */
export interface SgdOptions {
  /** Learning rate, >= 0 (required). */
  lr: number;
  /** Momentum in [0, 1); default 0. */
  momentum?: number;
  /** Dampening in [0, 1]; default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov?: boolean;
  /** L2 weight decay added to the gradient; default 0. */
  wd?: number;
}

const KEYS = { lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov', wd: 'wd' } as const;
const DEFAULTS = { momentum: 0, dampening: 0, nesterov: false, wd: 0 };

/**
 * Stochastic gradient descent (torch.optim.SGD). Create it with {@link sgd}.
 */
export class SGD extends Optimizer {
  protected readonly bufferNames = ['momentumBuffer'] as const;

  constructor(params: ParamsInput<SgdOptions>, opts: SgdOptions) {
    const base = (opts ?? {}) as unknown as Record<string, unknown>;
    super('sgd', buildGroups('sgd', params, (spec, field) => resolveOptions(field, base, spec, DEFAULTS, KEYS)), ['lr', 'momentum', 'wd']);
  }

  protected override checkGroup(h: Hypers, field: string): void {
    if (h.nesterov && ((h.momentum as number) <= 0 || h.dampening !== 0)) {
      throw new RangeError(`${field}: nesterov is true with momentum ${h.momentum} and dampening ${h.dampening}; allowed: nesterov only with momentum > 0 and dampening 0`);
    }
  }

  protected update(p: tf.Variable, g: tf.Tensor, st: ParamState, h: Hypers, k: (v: number) => tf.Scalar): UpdateResult {
    const lr = h.lr as number, mom = h.momentum as number, damp = h.dampening as number, wd = h.wd as number;
    let d: tf.Tensor = wd !== 0 ? tf.add(g, tf.mul(p, k(wd))) : g;
    const buffers: Record<string, tf.Tensor> = { ...st.buffers };
    if (mom !== 0) {
      const prev = st.buffers.momentumBuffer;
      const buf = prev === undefined ? d : tf.add(tf.mul(prev, k(mom)), damp !== 0 ? tf.mul(d, k(1 - damp)) : d);
      buffers.momentumBuffer = buf;
      d = h.nesterov ? tf.add(d, tf.mul(buf, k(mom))) : buf;
    }
    return { param: tf.sub(p, tf.mul(d, k(lr))), buffers };
  }
}

/**
 * SGD, exactly torch.optim.SGD. With `d = g + wd * p`:
 * `buf = d` on the first step, then `buf = momentum * buf + (1 - dampening) * d`;
 * the step direction is `d + momentum * buf` (nesterov) or `buf` (momentum > 0) or `d`;
 * `p = p - lr * direction`. Hypers: 'lr', 'momentum', 'wd'.
 *
 * @example
 * ```ts
 * const opt = sgd([w, b], { lr: 0.1, momentum: 0.9, nesterov: true, wd: 1e-4 });
 * const loss = opt.step(() => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar);
 * ```
 */
export function sgd(params: ParamsInput<SgdOptions>, opts: SgdOptions): SGD {
  return new SGD(params, opts);
}
