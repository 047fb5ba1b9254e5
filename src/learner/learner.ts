import { tf, type tfl } from '../backend/tf.js';
import type { Dataset } from '../data/dataset.js';
import { layerGroups, type Optimizer } from '../optim/index.js';
import type { TrainingPhase } from '../phases/trainingPhase.js';
import type { Callback } from './events.js';
import { runFit, type FitOptions, type LoopDeps } from './fitLoop.js';
import { resolveLoss, resolveMetrics, type LossFn, type LossName, type MetricFn } from './losses.js';
import type { Recorder } from './recorder.js';
import type { SwaAverage } from './swa.js';
import { lrFind, type LrFindOptions, type LrFindResult } from './lrFind.js';
import { oneCycleFitPhases, sgdrFitPhases, type OneCycleOptions, type SgdrOptions } from './fitPresets.js';

/** Options of {@link Learner}. */
export interface LearnerOptions {
  loss: LossName | LossFn;
  metrics?: ('accuracy' | MetricFn)[];
  /** Layer names where new layer groups start (discriminative lrs), or explicit variable groups. */
  layerGroups?: string[] | tf.Variable[][];
  callbacks?: Callback[];
}

/**
 * A model, its data and its loss, trained by phases (fastai 0.7's Learner + fit_opt_sched).
 *
 * @example
 * ```ts
 * const learner = new Learner(model, { train, valid }, { loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
 * const rec = await learner.fitOptSched(oneCyclePhases({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 }));
 * await renderPng(plotLr(rec));
 * ```
 */
export class Learner {
  readonly model: tfl.LayersModel;
  readonly data: { train: Dataset; valid?: Dataset };
  readonly groups: tf.Variable[][];
  private readonly loss: { name: string; fn: LossFn };
  private readonly metrics: { name: string; fn: MetricFn }[];
  private readonly callbacks: Callback[];
  /** The optimizer of the last fit (its state survives until the next fit or dispose). */
  opt?: Optimizer;
  /** The SWA average of the last fit that used `swa`. */
  swa?: SwaAverage;
  /** The record of the last fit. */
  recorder?: Recorder;

  constructor(model: tfl.LayersModel, data: { train: Dataset; valid?: Dataset }, opts: LearnerOptions) {
    if (!model || typeof (model as tfl.LayersModel).apply !== 'function' || !Array.isArray((model as tfl.LayersModel).layers)) {
      throw new TypeError('Learner model is not a tf.LayersModel');
    }
    if (!data || typeof data !== 'object' || !data.train) throw new TypeError('Learner data is missing { train }; allowed: { train: Dataset, valid?: Dataset }');
    if (!opts || typeof opts !== 'object') throw new TypeError("Learner options are missing; allowed: { loss: 'softmaxCrossEntropy' | …, metrics?, layerGroups?, callbacks? }");
    this.model = model;
    this.data = data;
    this.loss = resolveLoss(opts.loss);
    this.metrics = resolveMetrics(opts.metrics);
    this.callbacks = opts.callbacks ?? [];
    const lg = opts.layerGroups;
    if (lg === undefined || lg.length === 0) this.groups = layerGroups(model, []);
    else if (typeof lg[0] === 'string') this.groups = layerGroups(model, lg as string[]);
    else this.groups = lg as tf.Variable[][];
    if (this.groups.flat().length === 0) throw new RangeError('Learner model has no trainable weights; allowed: a model with at least one trainable layer');
  }

  private deps(): LoopDeps {
    return { model: this.model, train: this.data.train, valid: this.data.valid, loss: this.loss, metrics: this.metrics, groups: this.groups, callbacks: this.callbacks };
  }

  /**
   * Train through `phases` (fastai's fit_opt_sched): before each batch the schedule's lr (every
   * layer group) and momentum are set; a phase with a different optimizer type starts fresh state,
   * the same type keeps it; each phase trains on `dataList[i]`, `phase.data` or the learner's data.
   */
  async fitOptSched(phases: TrainingPhase[], opts: FitOptions = {}): Promise<Recorder> {
    const res = await runFit(this.deps(), phases, opts);
    this.opt?.dispose();
    this.opt = res.optimizer;
    if (res.swa) {
      this.swa?.dispose();
      this.swa = res.swa;
    }
    this.recorder = res.recorder;
    return res.recorder;
  }

  /**
   * fastai v2's fit_one_cycle: cosine lr from lrMax/div up to lrMax over pctStart of the run, then
   * cosine down to lrMax/divFinal; momentum 0.95 → 0.85 → 0.95 the same way.
   */
  fitOneCycle(epochs: number, lrMax: number | number[], opts: OneCycleOptions & FitOptions = {}): Promise<Recorder> {
    return this.fitOptSched(oneCycleFitPhases(epochs, lrMax, opts), opts);
  }

  /** fastai v2's fit_sgdr: `cycles` cosine cycles lrMax → 0, of cycleLen·cycleMult^i epochs. */
  fitSgdr(cycles: number, cycleLen: number, lrMax: number | number[], opts: SgdrOptions & FitOptions = {}): Promise<Recorder> {
    return this.fitOptSched(sgdrFitPhases(cycles, cycleLen, lrMax, opts), opts);
  }

  /** The LR range test; weights and optimizer state are restored afterwards. */
  lrFind(opts: LrFindOptions = {}): Promise<LrFindResult> {
    return lrFind(this.deps(), opts);
  }

  /** A copy of the model with the SWA-averaged weights (batch-norm statistics recomputed); the caller owns it. */
  async swaModel(): Promise<tfl.LayersModel> {
    if (!this.swa || this.swa.n === 0) throw new Error('no SWA average: run fitOptSched with { swa: { start, evalFreq } } first');
    return this.swa.toModel(this.data.train);
  }

  /** Free the optimizer state and SWA average (the model and data belong to the caller). */
  dispose(): void {
    this.opt?.dispose();
    this.opt = undefined;
    this.swa?.dispose();
    this.swa = undefined;
  }
}
