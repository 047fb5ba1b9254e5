import { tf } from '../backend/tf.js';
import type { Dataset } from '../data/dataset.js';
import { checkNumber } from '../phases/checks.js';
import { TrainingPhase, type OptimizerSpec } from '../phases/trainingPhase.js';
import { runFit, type LoopDeps } from './fitLoop.js';
import { lrSuggestions, type LrSuggestions } from './suggestions.js';

/** Options of `learner.lrFind`. */
export interface LrFindOptions {
  /** First lr (a real start, also in linear mode); default 1e-7. */
  startLr?: number;
  /** Last lr (never reached: the lr of iteration k is at pos k/numIt); default 10. */
  endLr?: number;
  /** Iterations; default 100. */
  numIt?: number;
  /** Stop when the smoothed loss diverges (NaN or > 4 × best after 10 iterations); default true. */
  stopDiv?: boolean;
  /** Linear instead of exponential lr growth; default false. */
  linear?: boolean;
  optimizer?: OptimizerSpec;
  momentum?: number;
  /** Data to run on; default the learner's training data. */
  data?: Dataset;
  progress?: boolean;
}

/** The LR range test's curve and suggestions. */
export interface LrFindResult {
  /** The lr of each iteration (highest layer group). */
  lrs: number[];
  /** Smoothed (debiased EMA) losses, what fastai plots. */
  losses: number[];
  rawLosses: number[];
  suggestions: LrSuggestions;
  linear: boolean;
  /** Why it stopped before numIt, when it did. */
  stopped?: string;
}

/**
 * The LR range test (fastai's lr_find as a training phase): train `numIt` batches with the lr
 * growing exponentially (or linearly) from startLr to endLr, stop on divergence, then restore every
 * weight of the model (batch-norm statistics included). The learner's own optimizer is not touched.
 */
export async function lrFind(deps: LoopDeps, o: LrFindOptions = {}): Promise<LrFindResult> {
  const startLr = checkNumber('lrFind startLr', o.startLr ?? 1e-7, (v) => v > 0, 'a finite number > 0');
  const endLr = checkNumber('lrFind endLr', o.endLr ?? 10, (v) => v > startLr, `a finite number > startLr (${startLr})`);
  const numIt = checkNumber('lrFind numIt', o.numIt ?? 100, (v) => Number.isInteger(v) && v >= 2, 'an integer >= 2');
  const linear = o.linear ?? false;
  const data = o.data ?? deps.train;
  const phase = new TrainingPhase({
    epochs: numIt / data.length, optimizer: o.optimizer ?? 'sgd', lr: startLr, lrEnd: endLr, lrDecay: linear ? 'linear' : 'exponential',
    ...(o.momentum !== undefined ? { momentum: o.momentum } : {}), name: 'lr finder',
  });
  const vars = deps.model.weights.map((w) => w.read() as tf.Variable);
  const saved = vars.map((v) => tf.keep(tf.clone(v)));
  let res: Awaited<ReturnType<typeof runFit>> | undefined;
  try {
    res = await runFit(deps, [phase], { stopDiv: o.stopDiv ?? true, validate: false, dataList: [data], progress: o.progress ?? false });
  } finally {
    res?.optimizer?.dispose();
    vars.forEach((v, i) => v.assign(saved[i]));
    tf.dispose(saved);
  }
  const rec = res.recorder;
  const lrs = rec.lrs.map((r) => r[r.length - 1]);
  const losses = rec.smoothLosses.slice();
  const skipStart = Math.min(Math.floor(numIt / 10), Math.max(0, lrs.length - 7));
  return { lrs, losses, rawLosses: rec.losses.slice(), suggestions: lrSuggestions(lrs, losses, { skipStart, skipEnd: Math.min(5, Math.max(0, lrs.length - skipStart - 2)) }), linear, stopped: rec.stopped };
}
