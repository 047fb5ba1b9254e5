import { annealerFor } from '../schedules/decay.js';
import { broadcast, checkNumber } from './checks.js';
import { TrainingPhase } from './trainingPhase.js';

/**
 * Every iteration's hyper-parameters for a list of phases: what `plotLr` draws and what the runner
 * applies before each batch.
 */
export interface ScheduleTable {
  /** Total number of iterations (batches). */
  iterations: number;
  /** lr[iter][group]. */
  lr: number[][];
  /** momentum[iter] (SGD/RMSprop momentum, Adam beta1). */
  momentum: number[];
  /** phase[iter]: the index of the phase the iteration belongs to. */
  phase: number[];
  /** The first iteration of each phase. */
  boundaries: number[];
  /** One optimizer name per phase. */
  optimizers: string[];
  /** Batches in each phase: round(epochs * batchesPerEpoch[i]), at least 1. */
  batches: number[];
  /** One beta per phase (Adam beta2 / RMSprop alpha), undefined when the phase leaves it alone. */
  beta: (number | undefined)[];
  /** One weight decay per phase (per group), undefined when the phase leaves it alone. */
  wd: (number[] | undefined)[];
}

/** The number of batches of each phase: `max(1, round(epochs * batchesPerEpoch[i]))`. */
export function phaseBatches(phases: TrainingPhase[], batchesPerEpoch: number | number[]): number[] {
  if (!Array.isArray(phases) || phases.length === 0) {
    throw new TypeError(`phases is ${Array.isArray(phases) ? '[]' : String(phases)}; allowed: a non-empty array of TrainingPhase`);
  }
  phases.forEach((p, i) => {
    if (!(p instanceof TrainingPhase)) throw new TypeError(`phases[${i}] is ${typeof p}; allowed: a TrainingPhase (new TrainingPhase({...}))`);
  });
  const isInt = (v: number) => Number.isInteger(v) && v > 0;
  const allowed = 'a positive integer';
  let perPhase: number[];
  if (Array.isArray(batchesPerEpoch)) {
    if (batchesPerEpoch.length !== phases.length) {
      throw new RangeError(`batchesPerEpoch has ${batchesPerEpoch.length} entries for ${phases.length} phases; allowed: one number, or one per phase`);
    }
    perPhase = batchesPerEpoch.map((b, i) => checkNumber(`batchesPerEpoch[${i}]`, b, isInt, allowed));
  } else {
    perPhase = phases.map(() => checkNumber('batchesPerEpoch', batchesPerEpoch, isInt, allowed));
  }
  return phases.map((p, i) => Math.max(1, Math.round(p.epochs * perPhase[i])));
}

/** The number of layer groups across phases: the common per-group length, else 1. */
function tableGroups(phases: TrainingPhase[]): number {
  let groups: number | undefined;
  phases.forEach((p, i) => {
    const g = p.groups;
    if (g === undefined) return;
    if (groups !== undefined && g !== groups) {
      throw new RangeError(`phases[${i}] has ${g} layer groups but an earlier phase has ${groups}; allowed: the same number of groups in every phase (or a scalar)`);
    }
    groups = g;
  });
  return groups ?? 1;
}

/**
 * Build the per-iteration schedule of a list of phases.
 *
 * Phase i has n_i = max(1, round(epochs_i * batchesPerEpoch_i)) batches; its batch k uses
 * `lr = decay(lr, lrEnd, k / n_i)` per layer group and likewise for momentum, so the end value is
 * never applied inside the phase (fastai 0.7). Scalars broadcast to the common number of groups.
 *
 * @param batchesPerEpoch one number, or one per phase (per-phase datasets differ in length).
 * @example
 * ```ts
 * const t = phaseSchedule([new TrainingPhase({ epochs: 1, lr: 1, lrDecay: 'linear' })], 4);
 * t.lr;         // [[1], [0.75], [0.5], [0.25]]
 * t.boundaries; // [0]
 * ```
 */
export function phaseSchedule(phases: TrainingPhase[], batchesPerEpoch: number | number[]): ScheduleTable {
  const batches = phaseBatches(phases, batchesPerEpoch);
  const groups = tableGroups(phases);
  const table: ScheduleTable = {
    iterations: 0,
    lr: [],
    momentum: [],
    phase: [],
    boundaries: [],
    optimizers: phases.map((p) => p.optimizerName),
    batches,
    beta: phases.map((p) => p.beta),
    wd: phases.map((p) => (p.wd === undefined ? undefined : broadcast(p.wd, groups))),
  };
  phases.forEach((p, i) => {
    const n = batches[i];
    const lrStart = broadcast(p.lr, groups);
    const lrEnd = broadcast(p.lrTarget, groups);
    const lrAnneal = annealerFor(p.lrDecay);
    const momAnneal = annealerFor(p.momentumDecay);
    table.boundaries.push(table.lr.length);
    for (let k = 0; k < n; k++) {
      const pos = k / n;
      table.lr.push(lrStart.map((s, g) => lrAnneal(s, lrEnd[g], pos)));
      table.momentum.push(momAnneal(p.momentum, p.momentumTarget, pos));
      table.phase.push(i);
    }
  });
  table.iterations = table.lr.length;
  return table;
}
