import { oneCyclePhases, sgdrPhases } from '../phases/presets.js';
import { OPTIMIZER_NAMES, type OptimizerName, type TrainingPhase } from '../phases/trainingPhase.js';

/** The preset flags shared by `plot-schedule` and `train`. */
export interface PresetOptions {
  preset?: string;
  lr?: string;
  optimizer?: string;
  cycleLen?: string;
  div?: string;
  pct?: string;
  maxMom?: string;
  minMom?: string;
  cycles?: string;
  cycleMult?: string;
}

/** A CLI usage problem (bad flag value); printed without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parse a numeric flag: a finite number, else a UsageError naming the flag. */
export function num(flag: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`${flag} is required`);
  }
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag} is ${JSON.stringify(value)}; allowed: a number`);
  return v;
}

/** Defaults of the preset numbers (the lesson's values unless overridden by the caller). */
export interface PresetDefaults {
  lr?: number;
  cycleLen?: number;
}

/** The phases of `--preset one-cycle|sgdr` with its flags. */
export function presetPhases(o: PresetOptions, d: PresetDefaults = {}): TrainingPhase[] {
  const optimizer = (o.optimizer ?? 'sgd') as OptimizerName;
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) {
    throw new UsageError(`--optimizer is ${JSON.stringify(o.optimizer)}; allowed: ${OPTIMIZER_NAMES.join(', ')}`);
  }
  switch (o.preset) {
    case 'one-cycle':
      return oneCyclePhases({
        lr: num('--lr', o.lr, d.lr ?? 1e-2),
        cycleLen: num('--cycle-len', o.cycleLen, d.cycleLen ?? 3),
        div: num('--div', o.div, 10),
        pct: num('--pct', o.pct, 10),
        maxMom: num('--max-mom', o.maxMom, 0.95),
        minMom: num('--min-mom', o.minMom, 0.85),
        optimizer,
      });
    case 'sgdr':
      return sgdrPhases({
        lr: num('--lr', o.lr, d.lr ?? 1e-2),
        cycles: num('--cycles', o.cycles, 3),
        cycleLen: num('--cycle-len', o.cycleLen, d.cycleLen ?? 1),
        cycleMult: num('--cycle-mult', o.cycleMult, 2),
        optimizer,
      });
    default:
      throw new UsageError(`--preset is ${JSON.stringify(o.preset)}; allowed: one-cycle, sgdr`);
  }
}

