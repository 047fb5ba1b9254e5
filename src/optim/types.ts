/**
 * Shared types of phasewise's optimizers: hyper-parameter names, param groups and the
 * serialisable state dictionary.
 */
import type { tf } from '../backend/tf.js';

/**
 * The hyper-parameters a schedule can change on every step.
 * - `lr`: learning rate.
 * - `momentum`: SGD / RMSprop / LARS momentum, Adam's `betas[0]` (beta1).
 * - `beta`: Adam's `betas[1]` (beta2), RMSprop's `alpha`.
 * - `wd`: weight decay.
 * - `eps`: the denominator epsilon.
 *
 * @example
 * ```ts
 * const name: HyperName = 'momentum';
 * opt.setHyper(name, 0.85);
 * ```
 */
export type HyperName = 'lr' | 'momentum' | 'beta' | 'wd' | 'eps';

/** The list of {@link HyperName}s, in a fixed order (for validation and messages). */
export const HYPER_NAMES: readonly HyperName[] = ['lr', 'momentum', 'beta', 'wd', 'eps'];

/**
 * A group's resolved hyper-parameters, keyed by canonical name (`lr`, `momentum`, `beta`, `wd`,
 * `eps` plus optimizer-specific ones such as `dampening`, `nesterov`, `centered`).
 *
 * @example
 * ```ts
 * const h: Hypers = { lr: 0.1, momentum: 0.9, wd: 0, dampening: 0, nesterov: false };
 * ```
 */
export type Hypers = Record<string, number | boolean>;

/**
 * One param group: the variables it updates and its own hyper-parameters, read on every step.
 *
 * @example
 * ```ts
 * const g: ParamGroup = { params: [w, b], hypers: { lr: 1e-3, momentum: 0.9, wd: 0 } };
 * ```
 */
export interface ParamGroup {
  params: tf.Variable[];
  hypers: Hypers;
}

/**
 * What optimizer constructors accept as `params`: a plain list of variables (one group) or param
 * groups `{ params, ...hypers }` whose hypers override the constructor's options for that group.
 *
 * @example
 * ```ts
 * sgd([w, b], { lr: 0.1 });
 * sgd([{ params: [w] }, { params: [b], lr: 0.01 }], { lr: 0.1, momentum: 0.9 });
 * ```
 */
export type ParamsInput<O> = tf.Variable[] | (Partial<O> & { params: tf.Variable[] })[];

/**
 * Gradients for {@link Optimizer.applyGradients}: a `Map` from variable to gradient, or a
 * `NamedTensorMap` keyed by `variable.name` (what `tf.variableGrads(f).grads` returns). A `null` or
 * missing gradient leaves that variable (and its state) untouched.
 *
 * @example
 * ```ts
 * const { value, grads } = tf.variableGrads(loss);
 * opt.applyGradients(grads);
 * ```
 */
export type GradientsInput = Map<tf.Variable, tf.Tensor> | Record<string, tf.Tensor | null | undefined>;

/**
 * Serialisable state of one parameter: its step count and state buffers as plain number arrays.
 *
 * @example
 * ```ts
 * const s: ParamStateDict = { step: 3, shape: [2], buffers: { momentumBuffer: [0.1, -0.2] } };
 * ```
 */
export interface ParamStateDict {
  step: number;
  shape: number[];
  buffers: Record<string, number[]>;
}

/**
 * A first-order optimizer's state as plain JSON-safe data. `state[g][i]` belongs to parameter `i`
 * of group `g` (null when it has no state yet); `groups[g].hypers` are the group's hypers.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(opt.stateDict());
 * opt2.loadStateDict(JSON.parse(saved));
 * ```
 */
export interface OptimizerStateDict {
  name: string;
  groups: { hypers: Hypers }[];
  state: (ParamStateDict | null)[][];
  /** Optimizer-wide state (used by lbfgs). */
  extra?: Record<string, unknown>;
}
