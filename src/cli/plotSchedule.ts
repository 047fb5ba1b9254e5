import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { phaseSchedule } from '../phases/phaseSchedule.js';
import { oneCyclePhases, sgdrPhases } from '../phases/presets.js';
import type { TrainingPhase } from '../phases/trainingPhase.js';
import { plotLr } from '../plot/plotLr.js';
import { renderPng, renderSvg } from '../plot/render.js';
import { readPhases } from './readPhases.js';

/** Options of the `plot-schedule` command, as commander parses them. */
export interface PlotScheduleOptions {
  batchesPerEpoch: string;
  output: string;
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
  text: boolean;
  moms: boolean;
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

function presetPhases(o: PlotScheduleOptions): TrainingPhase[] {
  const optimizer = (o.optimizer ?? 'sgd') as 'sgd';
  switch (o.preset) {
    case 'one-cycle':
      return oneCyclePhases({
        lr: num('--lr', o.lr, 1e-2),
        cycleLen: num('--cycle-len', o.cycleLen, 3),
        div: num('--div', o.div, 10),
        pct: num('--pct', o.pct, 10),
        maxMom: num('--max-mom', o.maxMom, 0.95),
        minMom: num('--min-mom', o.minMom, 0.85),
        optimizer,
      });
    case 'sgdr':
      return sgdrPhases({
        lr: num('--lr', o.lr, 1e-2),
        cycles: num('--cycles', o.cycles, 3),
        cycleLen: num('--cycle-len', o.cycleLen, 1),
        cycleMult: num('--cycle-mult', o.cycleMult, 2),
        optimizer,
      });
    default:
      throw new UsageError(`--preset is ${JSON.stringify(o.preset)}; allowed: one-cycle, sgdr`);
  }
}

/**
 * `phasewise plot-schedule [phases.json] --batches-per-epoch N -o out.png|out.svg|out.json`, or
 * `--preset one-cycle|sgdr` with its numbers. Everything is validated and rendered before the output
 * file is written, so a bad input writes nothing.
 */
export async function plotScheduleCommand(file: string | undefined, o: PlotScheduleOptions): Promise<string> {
  if (file && o.preset) throw new UsageError('give either a phases.json file or --preset, not both');
  if (!file && !o.preset) throw new UsageError('give a phases.json file or --preset one-cycle|sgdr');
  const ext = extname(o.output).toLowerCase();
  if (!['.png', '.svg', '.json'].includes(ext)) {
    throw new UsageError(`-o ${o.output}: the extension is ${JSON.stringify(ext)}; allowed: .png, .svg, .json`);
  }
  const phases = file ? readPhases(file) : presetPhases(o);
  const bpe = num('--batches-per-epoch', o.batchesPerEpoch);
  const table = phaseSchedule(phases, bpe);
  const spec = plotLr(table, { showText: o.text, showMoms: o.moms });
  const bytes = ext === '.png' ? await renderPng(spec) : ext === '.svg' ? await renderSvg(spec) : `${JSON.stringify(spec, null, 1)}\n`;
  mkdirSync(dirname(o.output), { recursive: true });
  writeFileSync(o.output, bytes);
  return `wrote ${o.output}: ${phases.length} phases, ${table.iterations} iterations (${table.optimizers.join(' → ')})`;
}
