import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { initBackend } from '../backend/initBackend.js';
import { Learner } from '../learner/learner.js';
import { simpleCnn } from '../learner/simpleCnn.js';
import { plotLrFind } from '../plot/plotLrFind.js';
import { renderPng, renderSvg } from '../plot/render.js';
import { cliData } from './cliData.js';
import { num, UsageError } from './presetOptions.js';

/** Options of `phasewise lr-find`. */
export interface LrFindCommandOptions {
  data: string;
  startLr: string;
  endLr: string;
  numIt: string;
  linear?: boolean;
  optimizer: string;
  batchSize: string;
  seed: string;
  output: string;
}

/** `phasewise lr-find`: the LR range test on the CLI's CNN; writes the plot and prints the suggestions. */
export async function lrFindCommand(o: LrFindCommandOptions): Promise<string> {
  const ext = extname(o.output).toLowerCase();
  if (!['.png', '.svg', '.json'].includes(ext)) throw new UsageError(`-o ${o.output}: the extension is ${JSON.stringify(ext)}; allowed: .png, .svg, .json`);
  const startLr = num('--start-lr', o.startLr);
  const endLr = num('--end-lr', o.endLr);
  const numIt = num('--num-it', o.numIt);
  const batchSize = num('--batch-size', o.batchSize);
  const seed = num('--seed', o.seed);
  await initBackend();
  const data = cliData(o.data, { batchSize, validPct: 0.2, seed });
  const model = simpleCnn({ channels: data.shape[2], classes: 10, seed });
  const learner = new Learner(model, { train: data.train, valid: data.valid }, { loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
  try {
    const r = await learner.lrFind({ startLr, endLr, numIt, linear: o.linear, optimizer: o.optimizer as 'sgd' });
    const spec = plotLrFind(r);
    const out = ext === '.png' ? await renderPng(spec) : ext === '.svg' ? await renderSvg(spec) : `${JSON.stringify(spec)}\n`;
    mkdirSync(dirname(o.output), { recursive: true });
    writeFileSync(o.output, out);
    const s = r.suggestions;
    return `${r.lrs.length} iterations${r.stopped ? ` (stopped: ${r.stopped})` : ''}; suggestions (heuristics): valley ${s.valley.toExponential(2)}, minimum/10 ${s.minimum.toExponential(2)}, steep ${s.steep.toExponential(2)}\nwrote ${o.output}`;
  } finally {
    learner.dispose();
    model.dispose();
    data.train.dispose();
    data.valid.dispose();
  }
}
