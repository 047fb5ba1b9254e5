import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { phaseSchedule } from '../phases/phaseSchedule.js';
import { plotLr } from '../plot/plotLr.js';
import { renderPng, renderSvg } from '../plot/render.js';
import { readPhases } from './readPhases.js';
import { num, presetPhases, UsageError, type PresetOptions } from './presetOptions.js';

export { UsageError };

/** Options of the `plot-schedule` command, as commander parses them. */
export interface PlotScheduleOptions extends PresetOptions {
  batchesPerEpoch: string;
  output: string;
  text: boolean;
  moms: boolean;
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
