import { checkNumber, checkPerGroup, mapGroups, type PerGroup } from './checks.js';
import { TrainingPhase, type OptimizerSpec } from './trainingPhase.js';

/** Options of {@link sgdrPhases}. */
export interface SgdrPhasesOptions {
  lr: PerGroup;
  optimizer?: OptimizerSpec;
  cycles: number;
  cycleLen: number;
  cycleMult: number;
}

/** Options of {@link oneCyclePhases}. */
export interface OneCyclePhasesOptions {
  cycleLen: number;
  lr: PerGroup;
  /** lr / div is the low learning rate, > 0. */
  div: number;
  /** Percentage (0 < pct < 100) of the cycle spent annihilating the lr at the end. */
  pct: number;
  maxMom: number;
  minMom: number;
  optimizer?: OptimizerSpec;
}

const pos = (v: number) => v > 0;
const unit = (v: number) => v >= 0 && v < 1;

/**
 * SGDR as phases (the lesson notebook's `phases_sgdr`): a warm-up at lr/100 for cycleLen/20 epochs,
 * a cosine phase lr → 0 for cycleLen·19/20 epochs, then `cycles - 1` cosine phases lr → 0 of
 * cycleLen·cycleMult^i epochs (i = 1 … cycles-1). Momentum stays at the phase default 0.9.
 *
 * @example
 * ```ts
 * sgdrPhases({ lr: 1e-2, optimizer: 'adam', cycles: 2, cycleLen: 1, cycleMult: 2 });
 * // epochs [0.05, 0.95, 2], lr [1e-4 const, 1e-2 → 0 cosine, 1e-2 → 0 cosine]
 * ```
 */
export function sgdrPhases(opts: SgdrPhasesOptions): TrainingPhase[] {
  const F = 'sgdrPhases';
  const lr = checkPerGroup(`${F}.lr`, opts.lr, pos, 'a finite number > 0');
  const cycles = checkNumber(`${F}.cycles`, opts.cycles, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  const cycleLen = checkNumber(`${F}.cycleLen`, opts.cycleLen, pos, 'a finite number > 0 (epochs)');
  const cycleMult = checkNumber(`${F}.cycleMult`, opts.cycleMult, pos, 'a finite number > 0');
  const optimizer = opts.optimizer ?? 'sgd';
  const phases = [
    new TrainingPhase({ epochs: cycleLen / 20, optimizer, lr: mapGroups(lr, (v) => v / 100), name: 'warm-up' }),
    new TrainingPhase({ epochs: (cycleLen * 19) / 20, optimizer, lr, lrDecay: 'cosine', name: 'cycle 1' }),
  ];
  for (let i = 1; i < cycles; i++) {
    phases.push(new TrainingPhase({ epochs: cycleLen * cycleMult ** i, optimizer, lr, lrDecay: 'cosine', name: `cycle ${i + 1}` }));
  }
  return phases;
}

/**
 * The 1cycle policy as three linear phases (the lesson notebook's `phases_1cycle`), with
 * tri = (1 - pct/100) · cycleLen:
 * 1. tri/2 epochs: lr lr/div → lr, momentum maxMom → minMom;
 * 2. tri/2 epochs: lr lr → lr/div, momentum minMom → maxMom;
 * 3. cycleLen - tri epochs: lr lr/div → lr/(100·div), momentum maxMom.
 *
 * @example
 * ```ts
 * oneCyclePhases({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 });
 * // epochs [1.35, 1.35, 0.3]
 * ```
 */
export function oneCyclePhases(opts: OneCyclePhasesOptions): TrainingPhase[] {
  const F = 'oneCyclePhases';
  const cycleLen = checkNumber(`${F}.cycleLen`, opts.cycleLen, pos, 'a finite number > 0 (epochs)');
  const lr = checkPerGroup(`${F}.lr`, opts.lr, pos, 'a finite number > 0');
  const div = checkNumber(`${F}.div`, opts.div, pos, 'a finite number > 0');
  const pct = checkNumber(`${F}.pct`, opts.pct, (v) => v > 0 && v < 100, 'a percentage in (0, 100)');
  const maxMom = checkNumber(`${F}.maxMom`, opts.maxMom, unit, 'a number in [0, 1)');
  const minMom = checkNumber(`${F}.minMom`, opts.minMom, unit, 'a number in [0, 1)');
  const optimizer = opts.optimizer ?? 'sgd';
  const tri = (1 - pct / 100) * cycleLen;
  const low = mapGroups(lr, (v) => v / div);
  return [
    new TrainingPhase({ epochs: tri / 2, optimizer, lr: low, lrEnd: lr, lrDecay: 'linear', momentum: maxMom, momentumEnd: minMom, momentumDecay: 'linear', name: 'warm-up' }),
    new TrainingPhase({ epochs: tri / 2, optimizer, lr, lrEnd: low, lrDecay: 'linear', momentum: minMom, momentumEnd: maxMom, momentumDecay: 'linear', name: 'cool-down' }),
    new TrainingPhase({ epochs: cycleLen - tri, optimizer, lr: low, lrEnd: mapGroups(lr, (v) => v / (100 * div)), lrDecay: 'linear', momentum: maxMom, name: 'annihilation' }),
  ];
}
