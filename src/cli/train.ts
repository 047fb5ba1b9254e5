import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../backend/initBackend.js';
import { tf } from '../backend/tf.js';
import { Learner } from '../learner/learner.js';
import { saveModel } from '../learner/checkpoint.js';
import { simpleCnn } from '../learner/simpleCnn.js';
import { plotLosses } from '../plot/plotLosses.js';
import { plotLr } from '../plot/plotLr.js';
import { renderPng } from '../plot/render.js';
import type { VegaLiteSpec } from '../plot/spec.js';
import { cliData } from './cliData.js';
import { num, presetPhases, UsageError, type PresetOptions } from './presetOptions.js';
import { readPhases } from './readPhases.js';

/** Options of `phasewise train`, as commander parses them. */
export interface TrainOptions extends PresetOptions {
  data: string;
  phases?: string;
  batchSize: string;
  validPct: string;
  seed: string;
  filters: string;
  out: string;
  stopDiv?: boolean;
  swaStart?: string;
  swaEvalFreq?: string;
  resume?: boolean;
  quiet?: boolean;
}

/** Write a vega-lite spec as JSON and PNG. */
export async function writePlot(dir: string, name: string, spec: VegaLiteSpec): Promise<void> {
  writeFileSync(join(dir, `${name}.vl.json`), `${JSON.stringify(spec)}\n`);
  writeFileSync(join(dir, `${name}.png`), await renderPng(spec));
}

function intFlag(flag: string, v: string, min: number): number {
  const n = num(flag, v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} is ${v}; allowed: an integer >= ${min}`);
  return n;
}

/**
 * `phasewise train`: a small CNN on digits or Fashion-MNIST trained through a preset or a
 * phases.json; writes history.csv, lr and loss plots (PNG + vega-lite JSON), metrics.json, the
 * model (model.json + weights.bin) and an epoch-end checkpoint into the run folder.
 */
export async function trainCommand(o: TrainOptions): Promise<{ summary: string; interrupted: boolean }> {
  if (o.phases && o.preset) throw new UsageError('give either --phases <file> or --preset, not both');
  const phases = o.phases ? readPhases(o.phases) : presetPhases({ ...o, preset: o.preset ?? 'one-cycle' }, { lr: 0.4, cycleLen: 8 });
  const batchSize = intFlag('--batch-size', o.batchSize, 1);
  const seed = intFlag('--seed', o.seed, 0);
  const validPct = num('--valid-pct', o.validPct);
  if (!(validPct > 0 && validPct < 1)) throw new UsageError(`--valid-pct is ${o.validPct}; allowed: a number in (0, 1)`);
  const filters = o.filters.split(',').map((f) => intFlag('--filters', f.trim(), 1));
  const swa = o.swaStart ? { start: intFlag('--swa-start', o.swaStart, 1), evalFreq: intFlag('--swa-eval-freq', o.swaEvalFreq ?? '1', 1) } : undefined;
  await initBackend();
  const data = cliData(o.data, { batchSize, validPct, seed });
  const model = simpleCnn({ channels: data.shape[2], classes: 10, filters, seed });
  const learner = new Learner(model, { train: data.train, valid: data.valid }, { loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  mkdirSync(o.out, { recursive: true });
  const t0 = Date.now();
  try {
    const rec = await learner.fitOptSched(phases, {
      stopDiv: o.stopDiv, swa, progress: !o.quiet, historyCsv: join(o.out, 'history.csv'),
      checkpoint: { dir: join(o.out, 'checkpoint'), resume: o.resume },
    });
    const seconds = (Date.now() - t0) / 1000;
    await writePlot(o.out, 'lr', plotLr(rec));
    await writePlot(o.out, 'losses', plotLosses(rec));
    await saveModel(model, join(o.out, 'model'));
    const last = rec.epochs[rec.epochs.length - 1];
    const metrics = {
      data: data.name, examples: { train: data.train.size, valid: data.valid.size }, phases: phases.length, optimizers: rec.optimizers,
      iterations: rec.losses.length, epochs: rec.epochs.length, seconds, stopped: rec.stopped ?? null,
      trainLoss: last?.trainLoss ?? null, validLoss: last?.validLoss ?? null, ...(last?.metrics ?? {}),
      ...(last?.swaLoss !== undefined ? { swaLoss: last.swaLoss, swaMetrics: last.swaMetrics } : {}),
    };
    writeFileSync(join(o.out, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
    const acc = last?.metrics.accuracy;
    const summary = `${data.name}: ${rec.losses.length} iterations, ${rec.epochs.length} epochs in ${seconds.toFixed(1)}s; valid_loss ${last?.validLoss?.toFixed(4)}, accuracy ${acc === undefined ? '-' : (acc * 100).toFixed(2) + '%'}${rec.stopped ? ` (stopped: ${rec.stopped})` : ''}\nwrote ${o.out}/{history.csv,lr.png,lr.vl.json,losses.png,losses.vl.json,metrics.json,model/,checkpoint/}`;
    return { summary, interrupted: rec.stopped?.startsWith('interrupted') ?? false };
  } finally {
    learner.dispose();
    model.dispose();
    data.train.dispose();
    data.valid.dispose();
    tf.disposeVariables();
  }
}
