/**
 * The Optimizer base class: param groups with per-group hypers read on every step, per-variable
 * state, gradient computation, hyper setters and a JSON-safe state dictionary.
 */
import { tf } from '../backend/tf.js';
import type { GradientsInput, HyperName, Hypers, OptimizerStateDict, ParamGroup } from './types.js';
import { checkHyper, checkVariable, describeValue, perGroup } from './validate.js';
import { lossAndGrads } from './gradients.js';
import { checkDictHypers, checkDictSlots, dictToSlots, slotsToDict } from './stateDict.js';

/** The state an optimizer keeps for one variable: its step count and its buffers. */
export interface ParamState {
  step: number;
  buffers: Record<string, tf.Tensor>;
}

/** What a first-order update returns for one variable (computed inside `tf.tidy`). */
export interface UpdateResult {
  param: tf.Tensor;
  buffers: Record<string, tf.Tensor>;
}

/**
 * Base class of phasewise's optimizers (`sgd`, `adam`, `adamw`, `rmsprop`, `lars`, `lbfgs`).
 *
 * Holds param groups `{ params, hypers }`; every hyper is read from its group on every step (never
 * cached as a tensor), so `setHyper` takes effect on the next step. State is keyed by the
 * `tf.Variable` itself. Each update runs in `tf.tidy`; state tensors are owned by the optimizer and
 * freed by {@link Optimizer.dispose}.
 *
 * @example
 * ```ts
 * const opt = sgd([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 100; i++) {
 *   opt.setHyper('lr', schedule(i));
 *   const loss = opt.step(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))));
 * }
 * opt.dispose();
 * ```
 */
export abstract class Optimizer {
  /** The optimizer kind: 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'lars' | 'lbfgs'. */
  readonly name: string;
  /** Param groups; `paramGroups[g].hypers` are read on every step. Change them with {@link setHyper}. */
  readonly paramGroups: ParamGroup[];
  /** The hyper names {@link setHyper} / {@link getHyper} accept for this optimizer. */
  readonly hyperNames: readonly HyperName[];
  /** Per-variable state (buffers and step counts), keyed by the variable. */
  protected readonly slots = new Map<tf.Variable, ParamState>();
  /** Buffer names this optimizer may keep per variable (checked by loadStateDict). */
  protected abstract readonly bufferNames: readonly string[];

  protected constructor(name: string, groups: ParamGroup[], hyperNames: readonly HyperName[]) {
    this.name = name;
    this.paramGroups = groups;
    this.hyperNames = hyperNames;
    groups.forEach((g, i) => this.checkGroup(g.hypers, this.groupField(i)));
  }

  /** Every variable of every group, in group order. */
  get params(): tf.Variable[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  protected groupField(g: number): string {
    return this.paramGroups.length > 1 ? `${this.name}: param group ${g}` : this.name;
  }

  /** Cross-field checks on one group's hypers (e.g. nesterov needs momentum); throws RangeError. */
  protected checkGroup(_hypers: Hypers, _field: string): void {}

  /** Throw a TypeError naming the first disposed variable, if any. */
  protected checkLive(): void {
    this.paramGroups.forEach((g, gi) => g.params.forEach((p, i) => checkVariable(`${this.groupField(gi)}: params[${i}]`, p)));
  }

  /**
   * Evaluate `closure` and the gradients of its result with respect to every trainable param.
   * Checks that the closure returned a scalar tensor (TypeError otherwise, nothing changed).
   */
  protected computeGradients(closure: () => tf.Scalar): { loss: number; grads: Map<tf.Variable, tf.Tensor> } {
    this.checkLive();
    return lossAndGrads(this.name, this.params, closure);
  }

  /**
   * One optimisation step: evaluate `closure`, compute the gradients of its result with respect to
   * the params, apply them. Returns the loss at the start of the step.
   *
   * @example
   * ```ts
   * const loss = opt.step(() => tf.sum(tf.square(w)));
   * ```
   */
  step(closure: () => tf.Scalar): number {
    const { loss, grads } = this.computeGradients(closure);
    try {
      this.applyGradients(grads);
    } finally {
      tf.dispose([...grads.values()]);
    }
    return loss;
  }

  /**
   * Apply precomputed gradients: a `Map<tf.Variable, tf.Tensor>` or a `NamedTensorMap` keyed by
   * `variable.name` (the `grads` of `tf.variableGrads`). Variables without a gradient are skipped;
   * gradients of variables the optimizer does not hold are ignored. The caller keeps ownership of
   * the gradient tensors.
   *
   * @example
   * ```ts
   * const { value, grads } = tf.variableGrads(() => lossFn());
   * opt.applyGradients(grads);
   * tf.dispose([value, ...Object.values(grads)]);
   * ```
   */
  applyGradients(grads: GradientsInput): void {
    if (grads === null || typeof grads !== 'object') {
      throw new TypeError(`${this.name}.applyGradients: grads is ${describeValue(grads)}; allowed: a Map<tf.Variable, tf.Tensor> or a NamedTensorMap keyed by variable name`);
    }
    const work: [ParamGroup, tf.Variable, tf.Tensor][] = [];
    this.paramGroups.forEach((group, gi) => group.params.forEach((p, i) => {
      const field = `${this.groupField(gi)}: params[${i}]`;
      checkVariable(field, p);
      const g = grads instanceof Map ? grads.get(p) : (grads as Record<string, tf.Tensor | null | undefined>)[p.name];
      if (g === null || g === undefined) return;
      if (!(g instanceof tf.Tensor) || g.isDisposed) {
        throw new TypeError(`${this.name}.applyGradients: the gradient of '${p.name}' is ${g instanceof tf.Tensor ? 'a disposed tensor' : describeValue(g)}; allowed: a live tf.Tensor`);
      }
      if (!tf.util.arraysEqual(g.shape, p.shape)) {
        throw new RangeError(`${this.name}.applyGradients: the gradient of '${p.name}' has shape [${g.shape.join(', ')}]; allowed: the variable's shape [${p.shape.join(', ')}] (${field})`);
      }
      work.push([group, p, g]);
    }));
    // Scalars of this call only (hypers are re-read on every call), shared by all variables.
    const scalars = new Map<number, tf.Scalar>();
    const k = (v: number): tf.Scalar => {
      let t = scalars.get(v);
      if (!t) { t = tf.keep(tf.scalar(v, 'float32')); scalars.set(v, t); }
      return t;
    };
    try {
      for (const [group, p, g] of work) this.applyOne(group.hypers, p, g, k);
    } finally {
      tf.dispose([...scalars.values()]);
    }
  }

  private applyOne(hypers: Hypers, p: tf.Variable, g: tf.Tensor, k: (v: number) => tf.Scalar): void {
    let st = this.slots.get(p);
    if (!st) {
      st = { step: 0, buffers: {} };
      this.slots.set(p, st);
    }
    const state = st;
    state.step += 1;
    const old = state.buffers;
    const fresh = tf.tidy(() => {
      const r = this.update(p, g, state, hypers, k);
      if (r.param !== p) p.assign(r.param);
      const out: Record<string, tf.Tensor> = {};
      for (const [k, b] of Object.entries(r.buffers)) {
        out[k] = b === g || b === p ? tf.clone(b) : b;
        if (out[k] !== old[k]) tf.keep(out[k]);
      }
      return out;
    });
    for (const [k, b] of Object.entries(old)) if (fresh[k] !== b) b.dispose();
    state.buffers = fresh;
  }

  /**
   * The first-order update of one variable, run inside `tf.tidy`. `st.step` is already incremented
   * (1 on the first update). `k(v)` gives a float32 scalar tensor of `v`, shared by the variables of
   * this call (cheaper than one upload per op). Returns the new parameter value and new buffers.
   */
  protected abstract update(p: tf.Variable, g: tf.Tensor, st: ParamState, h: Hypers, k: (v: number) => tf.Scalar): UpdateResult;

  protected checkHyperName(name: unknown, verb: string): HyperName {
    if (typeof name !== 'string' || !(this.hyperNames as readonly string[]).includes(name)) {
      throw new RangeError(`${this.name}.${verb}: hyper name is ${describeValue(name)}; allowed: ${this.hyperNames.map((n) => `'${n}'`).join(', ')}`);
    }
    return name as HyperName;
  }

  /**
   * Set a hyper-parameter for every group (one number) or per group (an array, one per group).
   * Validated before anything changes. 'momentum' is Adam's beta1, 'beta' Adam's beta2 / RMSprop's alpha.
   *
   * @example
   * ```ts
   * opt.setHyper('lr', 1e-3);
   * opt.setHyper('lr', lrRange(1e-5, 1e-3, opt.paramGroups.length));
   * ```
   */
  setHyper(name: HyperName, value: number | number[]): void {
    const key = this.checkHyperName(name, 'setHyper');
    const values = perGroup(`${this.name}.setHyper('${key}')`, value, this.paramGroups.length);
    const next = this.paramGroups.map((g, i) => {
      const field = `${this.name}.setHyper('${key}')${this.paramGroups.length > 1 ? ` for param group ${i}` : ''}: value`;
      const h = { ...g.hypers, [key]: checkHyper(field, key, values[i]) };
      this.checkGroup(h, `${this.name}.setHyper('${key}')${this.paramGroups.length > 1 ? ` for param group ${i}` : ''}`);
      return h;
    });
    next.forEach((h, i) => { this.paramGroups[i].hypers = h; });
  }

  /**
   * The current value of a hyper-parameter, one per group.
   *
   * @example
   * ```ts
   * opt.getHyper('momentum'); // e.g. [0.9]
   * ```
   */
  getHyper(name: HyperName): number[] {
    const key = this.checkHyperName(name, 'getHyper');
    return this.paramGroups.map((g) => g.hypers[key] as number);
  }

  /**
   * The optimizer's state as plain JSON-safe data: hypers per group, and for parameter `i` of
   * group `g`, `state[g][i] = { step, shape, buffers: { name: number[] } }` (or null).
   *
   * @example
   * ```ts
   * fs.writeFileSync('opt.json', JSON.stringify(opt.stateDict()));
   * ```
   */
  stateDict(): OptimizerStateDict {
    return slotsToDict(this.name, this.paramGroups, this.slots);
  }

  /** Check a state dict against this optimizer's groups; throws before anything changes. */
  protected checkStateDict(s: OptimizerStateDict): Hypers[] {
    return checkDictHypers(`${this.name}.loadStateDict`, this.name, s, this.paramGroups, (h, f) => this.checkGroup(h, f));
  }

  /**
   * Restore a state saved by {@link stateDict} into an optimizer over the same param groups (same
   * counts and shapes). Restores the hypers and every buffer; validated before anything changes.
   *
   * @example
   * ```ts
   * const opt2 = adam([w], { lr: 1e-3 });
   * opt2.loadStateDict(JSON.parse(fs.readFileSync('opt.json', 'utf8')));
   * ```
   */
  loadStateDict(s: OptimizerStateDict): void {
    const hypers = this.checkStateDict(s);
    checkDictSlots(`${this.name}.loadStateDict`, s, this.paramGroups, this.bufferNames);
    this.disposeState();
    this.paramGroups.forEach((g, gi) => { g.hypers = hypers[gi]; });
    for (const [p, st] of dictToSlots(s, this.paramGroups)) this.slots.set(p, st);
  }

  protected disposeState(): void {
    for (const st of this.slots.values()) tf.dispose(Object.values(st.buffers));
    this.slots.clear();
  }

  /**
   * Free every state tensor. The optimizer stays usable (state restarts from scratch).
   *
   * @example
   * ```ts
   * opt.dispose();
   * ```
   */
  dispose(): void {
    this.disposeState();
  }
}
