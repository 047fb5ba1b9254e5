import { checkNumber, checkPerGroup, mapGroups, type PerGroup } from '../phases/checks.js';
import { TrainingPhase, type OptimizerSpec } from '../phases/trainingPhase.js';

/** Options of fitOneCycle (fastai v2 defaults). */
export interface OneCycleOptions {
  div?: number;
  divFinal?: number;
  pctStart?: number;
  moms?: [number, number, number];
  optimizer?: OptimizerSpec;
  wd?: PerGroup;
}

/** Options of fitSgdr. */
export interface SgdrOptions {
  cycleMult?: number;
  optimizer?: OptimizerSpec;
  wd?: PerGroup;
  momentum?: number;
}

/**
 * fastai v2's fit_one_cycle as two cosine phases:
 * lr lrMax/div → lrMax and momentum moms[0] → moms[1] for pctStart·epochs, then lr lrMax →
 * lrMax/divFinal and momentum moms[1] → moms[2]. Defaults div 25, divFinal 1e5, pctStart 0.25,
 * moms [0.95, 0.85, 0.95], optimizer 'adam'.
 *
 * @example
 * ```ts
 * phaseSchedule(oneCycleFitPhases(1, 1), 8).lr.map((r) => r[0]);
 * // [0.04, 0.52, 1, 0.933, 0.75, 0.5, 0.25, 0.067]  (fastai v2)
 * ```
 */
export function oneCycleFitPhases(epochs: number, lrMax: PerGroup, o: OneCycleOptions = {}): TrainingPhase[] {
  const F = 'fitOneCycle';
  checkNumber(`${F} epochs`, epochs, (v) => v > 0, 'a finite number > 0');
  const lr = checkPerGroup(`${F} lrMax`, lrMax, (v) => v > 0, 'a finite number > 0');
  const div = checkNumber(`${F} div`, o.div ?? 25, (v) => v > 0, 'a finite number > 0');
  const divFinal = checkNumber(`${F} divFinal`, o.divFinal ?? 1e5, (v) => v > 0, 'a finite number > 0');
  const pct = checkNumber(`${F} pctStart`, o.pctStart ?? 0.25, (v) => v > 0 && v < 1, 'a number in (0, 1)');
  const moms = o.moms ?? [0.95, 0.85, 0.95];
  const optimizer = o.optimizer ?? 'adam';
  const common = { optimizer, lrDecay: 'cosine' as const, momentumDecay: 'cosine' as const, ...(o.wd !== undefined ? { wd: o.wd } : {}) };
  return [
    new TrainingPhase({ ...common, epochs: epochs * pct, lr: mapGroups(lr, (v) => v / div), lrEnd: lr, momentum: moms[0], momentumEnd: moms[1], name: 'warm-up' }),
    new TrainingPhase({ ...common, epochs: epochs * (1 - pct), lr, lrEnd: mapGroups(lr, (v) => v / divFinal), momentum: moms[1], momentumEnd: moms[2], name: 'annealing' }),
  ];
}

/**
 * fastai v2's fit_sgdr: cycle i (0-based) is a cosine phase lrMax → 0 of cycleLen·cycleMult^i
 * epochs (total cycleLen·(cycleMult^cycles − 1)/(cycleMult − 1), or cycles·cycleLen when
 * cycleMult is 1). Defaults cycleMult 2, optimizer 'adam'.
 */
export function sgdrFitPhases(cycles: number, cycleLen: number, lrMax: PerGroup, o: SgdrOptions = {}): TrainingPhase[] {
  const F = 'fitSgdr';
  checkNumber(`${F} cycles`, cycles, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  checkNumber(`${F} cycleLen`, cycleLen, (v) => v > 0, 'a finite number > 0');
  const lr = checkPerGroup(`${F} lrMax`, lrMax, (v) => v > 0, 'a finite number > 0');
  const mult = checkNumber(`${F} cycleMult`, o.cycleMult ?? 2, (v) => v > 0, 'a finite number > 0');
  return Array.from({ length: cycles }, (_, i) => new TrainingPhase({
    epochs: cycleLen * mult ** i, optimizer: o.optimizer ?? 'adam', lr, lrDecay: 'cosine', name: `cycle ${i + 1}`,
    ...(o.momentum !== undefined ? { momentum: o.momentum } : {}), ...(o.wd !== undefined ? { wd: o.wd } : {}),
  }));
}
