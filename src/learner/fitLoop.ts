import { tf, type tfl } from '../backend/tf.js';
import type { Dataset } from '../data/dataset.js';
import type { Optimizer, OptimizerStateDict } from '../optim/index.js';
import { phaseSchedule } from '../phases/phaseSchedule.js';
import { optimizerLabel, type TrainingPhase } from '../phases/trainingPhase.js';
import { readCheckpointState, writeCheckpoint, loadWeightsInto } from './checkpoint.js';
import { checkFit, phaseData } from './checkFit.js';
import { evaluate } from './evaluate.js';
import { CancelBatchError, CancelEpochError, CancelFitError, fire, sortCallbacks, type Callback, type FitContext } from './events.js';
import type { LossFn, MetricFn } from './losses.js';
import { makeOptimizer, trySetHyper } from './makeOptimizer.js';
import { progressCallback } from './progress.js';
import { Recorder } from './recorder.js';
import { Divergence, SmoothLoss } from './smoothLoss.js';
import { checkSwa, SwaAverage, type SwaOptions } from './swa.js';

/** Options of `learner.fitOptSched`. */
export interface FitOptions {
  /** One training dataset per phase (progressive resizing); else phase.data or the learner's. */
  dataList?: Dataset[];
  /** Stop when the smoothed loss is NaN or > 4 × the best (after 10 iterations). */
  stopDiv?: boolean;
  /** Stochastic weight averaging from epoch `start` (1-based), evaluated every `evalFreq` epochs. */
  swa?: SwaOptions;
  callbacks?: Callback[];
  /** Progress bar / epoch lines; default true. */
  progress?: boolean;
  /** Write a checkpoint (model, optimizer state, schedule position, history) at every epoch end; `resume` continues from it. */
  checkpoint?: { dir: string; resume?: boolean };
  /** Validate at epoch ends when the learner has valid data; default true. */
  validate?: boolean;
  /** Write the history (Recorder.toCsv) here at every epoch end and when the fit stops. */
  historyCsv?: string;
}

/** What the loop needs from the learner. */
export interface LoopDeps {
  model: tfl.LayersModel;
  train: Dataset;
  valid?: Dataset;
  loss: { name: string; fn: LossFn };
  metrics: { name: string; fn: MetricFn }[];
  groups: tf.Variable[][];
  callbacks: Callback[];
}

/** The checkpointed position and state of a fit. */
interface FitState {
  phaseIndex: number;
  k: number;
  iteration: number;
  epoch: number;
  optimizer?: { label: string; state: OptimizerStateDict };
  smooth: { avg: number; n: number };
  best: number | null;
  recorder: Record<string, unknown>;
  swa?: { n: number; weights: number[][] };
}

class StopFit extends Error {}

/** Broadcast the schedule's lrs (1 or G values) to the learner's G groups. */
const lrsFor = (row: number[], groups: number) => (row.length === groups ? row : new Array<number>(groups).fill(row[0]));

/**
 * Run a list of phases: the body of `learner.fitOptSched`. Returns the record, the last optimizer
 * (owned by the caller) and the SWA average (owned by the caller) when SWA ran.
 */
export async function runFit(deps: LoopDeps, phases: TrainingPhase[], opts: FitOptions = {}): Promise<{ recorder: Recorder; optimizer?: Optimizer; swa?: SwaAverage }> {
  const { model, groups } = deps;
  const G = groups.length;
  const vars = groups.flat();
  const datasets = phaseData(phases, opts.dataList, deps.train);
  const table = phaseSchedule(phases, datasets.map((d) => d.length));
  const swaOpts = opts.swa === undefined ? undefined : checkSwa(opts.swa);
  await checkFit(model, G, phases, table, datasets, deps.loss.name);
  const ckpt = opts.checkpoint;
  const saved = ckpt?.resume ? readCheckpointState<FitState>(ckpt.dir) : undefined;
  if (saved) loadWeightsInto(model, ckpt!.dir);

  const rec = saved ? Recorder.fromJSON(saved.recorder) : new Recorder();
  rec.boundaries = table.boundaries;
  rec.optimizers = table.optimizers;
  const smooth = new SmoothLoss();
  const div = new Divergence();
  if (saved) {
    smooth.load(saved.smooth);
    div.best = saved.best ?? Infinity;
  }
  const swa = swaOpts ? new SwaAverage(model) : undefined;
  if (swa && saved?.swa) swa.load(saved.swa.n, saved.swa.weights);
  const callbacks = sortCallbacks([...deps.callbacks, ...(opts.callbacks ?? []), ...(opts.progress === false ? [] : [progressCallback(rec)])]);

  let opt: Optimizer | undefined;
  let optSpec: TrainingPhase['optimizer'] | undefined;
  let stopReason: string | undefined;
  let it = saved?.iteration ?? 0;
  let epoch = saved?.epoch ?? 0;
  let curData: Dataset | undefined;
  let iter: Iterator<import('../data/dataset.js').Batch> | undefined;
  let inEpoch = false;
  let batchInEpoch = 0;
  let epochStart = 0;
  let position = { phaseIndex: 0, k: 0 };
  const onSigint = () => (stopReason = 'interrupted (SIGINT)');
  process.once('SIGINT', onSigint);
  const ctx: FitContext = {
    model, iteration: it, epoch, epochBatches: datasets[0].length, phaseIndex: 0, phase: phases[0], lrs: [], momentum: 0,
    stop: (reason: string) => (stopReason = reason),
  };

  const beginEpoch = async (data: Dataset) => {
    iter = data.batches(epoch)[Symbol.iterator]();
    inEpoch = true;
    batchInEpoch = 0;
    epochStart = Date.now();
    Object.assign(ctx, { epoch, epochBatches: data.length, valid: undefined });
    await fire(callbacks, 'beforeEpoch', ctx);
  };

  const endEpoch = async () => {
    inEpoch = false;
    iter?.return?.();
    let valid: { loss: number; metrics: Record<string, number> } | undefined;
    await fire(callbacks, 'beforeValidate', ctx);
    if (deps.valid && opts.validate !== false) valid = await evaluate(model, deps.valid, deps.loss.fn, deps.metrics);
    let swaRes: typeof valid;
    if (swa && swaOpts && epoch + 1 >= swaOpts.start) {
      swa.update();
      const last = it >= table.iterations;
      if (deps.valid && ((epoch + 1 - swaOpts.start) % swaOpts.evalFreq === 0 || last)) {
        swaRes = await swa.withAveraged(deps.train, () => evaluate(model, deps.valid!, deps.loss.fn, deps.metrics));
      }
    }
    rec.epochs.push({
      epoch, iterations: it, trainLoss: smooth.value, validLoss: valid?.loss, metrics: valid?.metrics ?? {},
      ...(swaRes ? { swaLoss: swaRes.loss, swaMetrics: swaRes.metrics } : {}), seconds: (Date.now() - epochStart) / 1000,
    });
    ctx.valid = valid;
    await fire(callbacks, 'afterValidate', ctx);
    await fire(callbacks, 'afterEpoch', ctx);
    epoch++;
    if (ckpt) {
      const state: FitState = {
        ...position, iteration: it, epoch, smooth: smooth.state(), best: Number.isFinite(div.best) ? div.best : null, recorder: rec.toJSON(),
        ...(opt ? { optimizer: { label: optimizerLabel(optSpec!), state: opt.stateDict() } } : {}),
        ...(swa && swa.n > 0 ? { swa: { n: swa.n, weights: (await swa.arrays()).map((a) => Array.from(a)) } } : {}),
      };
      await writeCheckpoint(ckpt.dir, model, state);
    }
    if (opts.historyCsv) rec.toCsv(opts.historyCsv);
  };

  try {
    await fire(callbacks, 'beforeFit', ctx);
    for (let p = saved?.phaseIndex ?? 0; p < phases.length; p++) {
      const phase = phases[p];
      const data = datasets[p];
      if (data !== curData && inEpoch) await endEpoch();
      curData = data;
      const first = table.boundaries[p];
      if (!opt || optSpec !== phase.optimizer) {
        opt?.dispose();
        opt = makeOptimizer(phase.optimizer, groups, { lr: lrsFor(table.lr[first], G), momentum: table.momentum[first], beta: phase.beta });
        optSpec = phase.optimizer;
        if (saved?.optimizer && p === saved.phaseIndex && saved.optimizer.label === optimizerLabel(phase.optimizer)) opt.loadStateDict(saved.optimizer.state);
      }
      if (phase.beta !== undefined) trySetHyper(opt, 'beta', phase.beta);
      if (table.wd[p] !== undefined) opt.setHyper('wd', lrsFor(table.wd[p]!, G));
      Object.assign(ctx, { phaseIndex: p, phase, optimizer: opt });
      await fire(callbacks, 'beforePhase', ctx);
      const k0 = saved && p === saved.phaseIndex ? saved.k : 0;
      for (let k = k0; k < table.batches[p]; k++) {
        if (!inEpoch) await beginEpoch(data);
        let next = iter!.next();
        if (next.done) {
          await endEpoch();
          await beginEpoch(data);
          next = iter!.next();
        }
        const batch = next.value;
        const lrs = lrsFor(table.lr[it], G);
        const mom = table.momentum[it];
        opt.setHyper('lr', lrs);
        trySetHyper(opt, 'momentum', mom);
        Object.assign(ctx, { iteration: it, batch, lrs, momentum: mom, loss: undefined });
        try {
          await fire(callbacks, 'beforeBatch', ctx);
          const { value, grads } = tf.variableGrads(() => deps.loss.fn(batch.y, model.apply(batch.x, { training: true }) as tf.Tensor), vars);
          const loss = (await value.data())[0];
          value.dispose();
          ctx.loss = loss;
          try {
            await fire(callbacks, 'afterLoss', ctx);
            opt.applyGradients(grads);
          } finally {
            tf.dispose(Object.values(grads));
          }
          await fire(callbacks, 'afterStep', ctx);
          ctx.smoothLoss = smooth.add(loss);
          rec.addIteration(lrs, mom, loss, ctx.smoothLoss, p);
        } catch (e) {
          if (!(e instanceof CancelBatchError)) throw e;
        } finally {
          tf.dispose([batch.x, batch.y]);
          ctx.batch = undefined;
        }
        it++;
        position = k + 1 < table.batches[p] ? { phaseIndex: p, k: k + 1 } : { phaseIndex: p + 1, k: 0 };
        if (opts.stopDiv && ctx.smoothLoss !== undefined) stopReason ??= div.check(ctx.smoothLoss, it);
        try {
          await fire(callbacks, 'afterBatch', ctx);
        } catch (e) {
          if (!(e instanceof CancelEpochError)) throw e;
          await endEpoch();
        }
        await new Promise<void>((r) => setImmediate(r));
        if (stopReason) throw new StopFit(stopReason);
        if (inEpoch && ++batchInEpoch === data.length) await endEpoch();
      }
      await fire(callbacks, 'afterPhase', ctx);
    }
    if (inEpoch) await endEpoch();
  } catch (e) {
    if (e instanceof StopFit || e instanceof CancelFitError) rec.stopped = e.message;
    else {
      opt?.dispose();
      swa?.dispose();
      throw e;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (opts.historyCsv) rec.toCsv(opts.historyCsv);
  }
  await fire(callbacks, 'afterFit', ctx);
  return { recorder: rec, optimizer: opt, swa };
}
