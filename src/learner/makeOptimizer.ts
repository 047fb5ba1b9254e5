import type { tf } from '../backend/tf.js';
import { adam, adamw, lars, rmsprop, sgd, Optimizer, type HyperName } from '../optim/index.js';
import type { OptimizerSpec } from '../phases/trainingPhase.js';

/** The hyper-parameters a phase starts with, one lr / wd per layer group. */
export interface StartHypers {
  lr: number[];
  momentum: number;
  beta?: number;
  wd?: number[];
}

/**
 * Build the optimizer of a phase over the learner's layer groups (one param group per layer group).
 * A factory receives `(groups, hypers)` and must return a phasewise Optimizer.
 *
 * @example
 * ```ts
 * const opt = makeOptimizer('adam', [[w1], [w2]], { lr: [1e-4, 1e-3], momentum: 0.9, beta: 0.99 });
 * ```
 */
export function makeOptimizer(spec: OptimizerSpec, groups: tf.Variable[][], h: StartHypers): Optimizer {
  const params = groups.map((p, g) => ({ params: p, lr: h.lr[g], ...(h.wd ? { wd: h.wd[g] } : {}) }));
  const lr = h.lr[h.lr.length - 1];
  switch (spec) {
    case 'sgd':
      return sgd(params, { lr, momentum: h.momentum });
    case 'adam':
      return adam(params, { lr, betas: [h.momentum, h.beta ?? 0.999] });
    case 'adamw':
      return adamw(params, { lr, betas: [h.momentum, h.beta ?? 0.999] });
    case 'rmsprop':
      return rmsprop(params, { lr, momentum: h.momentum, alpha: h.beta ?? 0.99 });
    case 'lars':
      return lars(params, { lr, momentum: h.momentum });
    default: {
      const opt = (spec as (g: tf.Variable[][], h: StartHypers) => unknown)(groups, h);
      if (!(opt instanceof Optimizer)) {
        throw new TypeError(`the optimizer factory ${spec.name || '(anonymous)'} returned ${String(opt)}; allowed: a phasewise Optimizer (sgd, adam, … or a subclass of Optimizer)`);
      }
      return opt;
    }
  }
}

/** Set a hyper on the optimizer when it has it; returns false when it does not. */
export function trySetHyper(opt: Optimizer, name: HyperName, value: number | number[]): boolean {
  if (!opt.hyperNames.includes(name)) return false;
  opt.setHyper(name, value);
  return true;
}
