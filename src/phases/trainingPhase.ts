import { checkDecay, type Decay } from '../schedules/decay.js';
import { checkNumber, checkPerGroup, checkSameGroups, type PerGroup } from './checks.js';

/** The optimizers a phase can name. */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'lars';

/**
 * A user-supplied optimizer constructor. It receives the model's parameter groups and the phase's
 * starting hyper-parameters and returns an optimizer; its `name` (or `optimizerName`) labels plots.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OptimizerFactory = ((...args: any[]) => unknown) & { optimizerName?: string };

/** What a phase's `optimizer` field accepts. */
export type OptimizerSpec = OptimizerName | OptimizerFactory;

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'lars'];

/** The options of {@link TrainingPhase}. */
export interface TrainingPhaseOptions {
  /** Length in epochs, > 0; fractional allowed (0.25 is common for LR finding). */
  epochs: number;
  /** 'sgd' (default) | 'adam' | 'adamw' | 'rmsprop' | 'lars' | a factory. */
  optimizer?: OptimizerSpec;
  /** Start learning rate, one value or one per layer group; default 1e-2. */
  lr?: PerGroup;
  /** End learning rate (exclusive inside the phase), same shape as `lr`. */
  lrEnd?: PerGroup;
  /** How lr moves from `lr` to `lrEnd`; default 'none'. */
  lrDecay?: Decay;
  /** Start momentum (SGD/RMSprop momentum, Adam beta1), in [0, 1); default 0.9. */
  momentum?: number;
  /** End momentum, in [0, 1). */
  momentumEnd?: number;
  /** How momentum moves; default 'none'. */
  momentumDecay?: Decay;
  /** Adam's beta2 / RMSprop's alpha, in [0, 1). */
  beta?: number;
  /** Weight decay, >= 0, one value or one per layer group. */
  wd?: PerGroup;
  /** A dataset for this phase (progressive resizing); else the runner's dataList / default data. */
  data?: unknown;
  /** A label for this phase. */
  name?: string;
}

const FIELDS = ['epochs', 'optimizer', 'lr', 'lrEnd', 'lrDecay', 'momentum', 'momentumEnd', 'momentumDecay', 'beta', 'wd', 'data', 'name'];
const inUnit = (v: number) => v >= 0 && v < 1;

function checkOptimizer(value: unknown): OptimizerSpec {
  if (typeof value === 'function') return value as OptimizerFactory;
  if (typeof value === 'string' && (OPTIMIZER_NAMES as readonly string[]).includes(value)) return value as OptimizerName;
  throw new RangeError(`TrainingPhase.optimizer is ${JSON.stringify(value) ?? String(value)}; allowed: ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')} or a factory function`);
}

/** The name an optimizer spec is shown under in plots and records. */
export function optimizerLabel(spec: OptimizerSpec): string {
  if (typeof spec === 'string') return spec;
  return spec.optimizerName ?? (spec.name || 'custom');
}

/**
 * One training phase (fastai 0.7's `TrainingPhase`): a length in epochs, an optimizer, a learning
 * rate that anneals from `lr` to `lrEnd`, a momentum that anneals from `momentum` to `momentumEnd`,
 * beta, weight decay and optionally its own data. Plain, validated, immutable data.
 *
 * Within a phase of n batches, batch k (0 … n-1) uses `decay(start, end, k / n)`; the end value is
 * never applied inside the phase (fastai 0.7). Without `lrEnd`, a decay other than 'none' goes to 0,
 * except 'exponential', which requires `lrEnd`.
 *
 * @throws RangeError/TypeError at construction naming the field, the value and what is allowed.
 * @example
 * ```ts
 * // 1 epoch at 1e-2, then 2 epochs of cosine from 1e-2 to 1e-3 with Adam
 * const phases = [
 *   new TrainingPhase({ epochs: 1, lr: 1e-2 }),
 *   new TrainingPhase({ epochs: 2, optimizer: 'adam', lr: 1e-2, lrEnd: 1e-3, lrDecay: 'cosine' }),
 * ];
 * ```
 */
export class TrainingPhase {
  readonly epochs: number;
  readonly optimizer: OptimizerSpec;
  readonly lr: PerGroup;
  /** The end value as given (undefined: 0 for linear/cosine/polynomial, the start for 'none'). */
  readonly lrEnd: PerGroup | undefined;
  readonly lrDecay: Decay;
  readonly momentum: number;
  readonly momentumEnd: number | undefined;
  readonly momentumDecay: Decay;
  readonly beta: number | undefined;
  readonly wd: PerGroup | undefined;
  readonly data: unknown;
  readonly name: string | undefined;

  constructor(opts: TrainingPhaseOptions) {
    if (opts === null || typeof opts !== 'object') {
      throw new TypeError(`TrainingPhase options is ${String(opts)}; allowed: an object with at least { epochs }`);
    }
    for (const k of Object.keys(opts)) {
      if (!FIELDS.includes(k)) throw new TypeError(`TrainingPhase has unknown field ${JSON.stringify(k)}; allowed: ${FIELDS.join(', ')}`);
    }
    const P = 'TrainingPhase';
    this.epochs = checkNumber(`${P}.epochs`, opts.epochs, (v) => v > 0, 'a finite number > 0 (fractions allowed)');
    this.optimizer = checkOptimizer(opts.optimizer ?? 'sgd');
    this.lrDecay = checkDecay(`${P}.lrDecay`, opts.lrDecay ?? 'none');
    this.momentumDecay = checkDecay(`${P}.momentumDecay`, opts.momentumDecay ?? 'none');
    const exp = this.lrDecay === 'exponential';
    const lrOk = exp ? (v: number) => v > 0 : (v: number) => v >= 0;
    const lrAllowed = exp ? 'a finite number > 0 (exponential decay)' : 'a finite number >= 0';
    this.lr = checkPerGroup(`${P}.lr`, opts.lr ?? 1e-2, lrOk, lrAllowed);
    this.lrEnd = opts.lrEnd === undefined ? undefined : checkPerGroup(`${P}.lrEnd`, opts.lrEnd, lrOk, lrAllowed);
    if (this.lrEnd !== undefined && this.lrDecay === 'none') {
      throw new RangeError(`${P}.lrEnd is ${JSON.stringify(this.lrEnd)} but lrDecay is 'none'; allowed: lrEnd only with a decay ('linear', 'cosine', 'exponential', polynomial)`);
    }
    if (exp && this.lrEnd === undefined) {
      throw new RangeError(`${P}.lrEnd is undefined but lrDecay is 'exponential'; allowed: an lrEnd > 0 (exponential decay cannot reach 0)`);
    }
    const momExp = this.momentumDecay === 'exponential';
    const momOk = momExp ? (v: number) => v > 0 && v < 1 : inUnit;
    const momAllowed = momExp ? 'a number in (0, 1) (exponential decay)' : 'a number in [0, 1)';
    this.momentum = checkNumber(`${P}.momentum`, opts.momentum ?? 0.9, momOk, momAllowed);
    this.momentumEnd = opts.momentumEnd === undefined ? undefined : checkNumber(`${P}.momentumEnd`, opts.momentumEnd, momOk, momAllowed);
    if (this.momentumEnd !== undefined && this.momentumDecay === 'none') {
      throw new RangeError(`${P}.momentumEnd is ${this.momentumEnd} but momentumDecay is 'none'; allowed: momentumEnd only with a decay`);
    }
    if (momExp && this.momentumEnd === undefined) {
      throw new RangeError(`${P}.momentumEnd is undefined but momentumDecay is 'exponential'; allowed: a momentumEnd in (0, 1)`);
    }
    this.beta = opts.beta === undefined ? undefined : checkNumber(`${P}.beta`, opts.beta, inUnit, 'a number in [0, 1)');
    this.wd = opts.wd === undefined ? undefined : checkPerGroup(`${P}.wd`, opts.wd, (v) => v >= 0, 'a finite number >= 0');
    checkSameGroups(P, { lr: this.lr, lrEnd: this.lrEnd, wd: this.wd });
    if (opts.name !== undefined && typeof opts.name !== 'string') {
      throw new TypeError(`${P}.name is ${String(opts.name)}; allowed: a string`);
    }
    this.data = opts.data;
    this.name = opts.name;
    Object.freeze(this);
  }

  /** The end learning rate actually used by the schedule: lrEnd, else the start ('none') or 0. */
  get lrTarget(): PerGroup {
    if (this.lrEnd !== undefined) return this.lrEnd;
    if (this.lrDecay === 'none') return this.lr;
    return Array.isArray(this.lr) ? this.lr.map(() => 0) : 0;
  }

  /** The end momentum actually used: momentumEnd, else the start ('none') or 0. */
  get momentumTarget(): number {
    if (this.momentumEnd !== undefined) return this.momentumEnd;
    return this.momentumDecay === 'none' ? this.momentum : 0;
  }

  /** The number of layer groups the phase names (undefined when lr and wd are scalars). */
  get groups(): number | undefined {
    return checkSameGroups('TrainingPhase', { lr: this.lr, lrEnd: this.lrEnd, wd: this.wd });
  }

  /** The optimizer's display name ('sgd', 'adam', or a factory's name). */
  get optimizerName(): string {
    return optimizerLabel(this.optimizer);
  }
}
