import { tf, tfl } from '../backend/tf.js';
import type { Dataset } from '../data/dataset.js';

/** SWA options: average from epoch `start` (1-based) on; evaluate every `evalFreq` epochs. */
export interface SwaOptions {
  start: number;
  evalFreq: number;
}

/** Check SWA options, naming the field. */
export function checkSwa(o: unknown): SwaOptions {
  const s = o as SwaOptions;
  if (s === null || typeof s !== 'object') throw new TypeError(`swa is ${String(o)}; allowed: { start, evalFreq }`);
  if (!Number.isInteger(s.start) || s.start < 1) throw new RangeError(`swa.start is ${String(s.start)}; allowed: an integer >= 1 (1-based epoch, as in the lesson)`);
  if (!Number.isInteger(s.evalFreq) || s.evalFreq < 1) throw new RangeError(`swa.evalFreq is ${String(s.evalFreq)}; allowed: an integer >= 1`);
  return { start: s.start, evalFreq: s.evalFreq };
}

function isBatchNorm(layer: tfl.layers.Layer): layer is tfl.layers.Layer & { momentum: number; movingMean: tfl.LayerVariable; movingVariance: tfl.LayerVariable } {
  return layer.getClassName() === 'BatchNormalization';
}

/**
 * Recompute batch-norm statistics for the model's current weights (fastai 0.7 `fix_batchnorm`,
 * PyTorch `update_bn`): reset every moving mean to 0 and variance to 1, then run the training data
 * once in training mode with a cumulative average (momentum = seen / (seen + batch)). Returns
 * false (and does nothing) when the model has no batch-norm layer.
 */
export async function fixBatchNorm(model: tfl.LayersModel, data: Dataset): Promise<boolean> {
  const bns = model.layers.filter(isBatchNorm);
  if (bns.length === 0) return false;
  const saved = bns.map((l) => l.momentum);
  for (const l of bns) {
    tf.tidy(() => {
      l.movingMean.write(tf.zerosLike(l.movingMean.read()));
      l.movingVariance.write(tf.onesLike(l.movingVariance.read()));
    });
  }
  let seen = 0;
  try {
    for (const batch of data.batches(0)) {
      const b = batch.x.shape[0];
      for (const l of bns) l.momentum = seen / (seen + b);
      tf.tidy(() => {
        model.apply(batch.x, { training: true });
      });
      tf.dispose([batch.x, batch.y]);
      seen += b;
    }
  } finally {
    bns.forEach((l, i) => (l.momentum = saved[i]));
  }
  return true;
}

/**
 * Stochastic weight averaging of a model's trainable weights: `avg = (avg * n + w) / (n + 1)`
 * at each averaging point (the first copies w). Owns its average tensors; `dispose()` frees them.
 *
 * @example
 * ```ts
 * const swa = new SwaAverage(model);
 * swa.update();                         // at each epoch end from swa.start on
 * await swa.withAveraged(train, async () => evaluate(model, valid, …));
 * ```
 */
export class SwaAverage {
  n = 0;
  private avg: tf.Tensor[] = [];
  constructor(readonly model: tfl.LayersModel) {}

  private weights(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Fold the model's current weights into the average. */
  update(): void {
    const ws = this.weights();
    const n = this.n;
    const next = tf.tidy(() => ws.map((w, i) => (n === 0 ? tf.clone(w) : tf.div(tf.add(tf.mul(this.avg[i], n), w), n + 1))));
    tf.dispose(this.avg);
    this.avg = next.map((t) => tf.keep(t));
    this.n += 1;
  }

  /** The averaged weights as arrays (for checkpoints and tests). */
  async arrays(): Promise<Float32Array[]> {
    return Promise.all(this.avg.map(async (t) => (await t.data()) as Float32Array));
  }

  /** Restore from arrays saved by {@link SwaAverage.arrays}. */
  load(n: number, arrays: number[][] | Float32Array[]): void {
    const ws = this.weights();
    if (arrays.length !== ws.length) throw new RangeError(`SWA state has ${arrays.length} tensors; the model has ${ws.length} trainable weights`);
    tf.dispose(this.avg);
    this.avg = ws.map((w, i) => tf.keep(tf.tensor(arrays[i] as number[], w.shape, 'float32')));
    this.n = n;
  }

  /**
   * Run `f` with the averaged weights loaded and batch-norm statistics recomputed on `train`, then
   * put back the model's own weights and statistics.
   */
  async withAveraged<T>(train: Dataset, f: () => Promise<T>): Promise<T> {
    if (this.n === 0) throw new Error('SWA has no averaged weights yet');
    const all = this.model.weights.map((w) => w.read() as tf.Variable);
    const saved = all.map((v) => tf.keep(tf.clone(v)));
    try {
      this.weights().forEach((w, i) => w.assign(this.avg[i]));
      await fixBatchNorm(this.model, train);
      return await f();
    } finally {
      all.forEach((v, i) => v.assign(saved[i]));
      tf.dispose(saved);
    }
  }

  /**
   * A copy of the model holding the averaged weights and recomputed batch-norm statistics.
   * The caller owns (and disposes) it.
   */
  async toModel(train: Dataset): Promise<tfl.LayersModel> {
    const topology = this.model.toJSON(null, false) as object;
    const copy = await tfl.models.modelFromJSON({ modelTopology: topology } as never);
    await this.withAveraged(train, async () => {
      copy.setWeights(this.model.getWeights());
    });
    return copy;
  }

  dispose(): void {
    tf.dispose(this.avg);
    this.avg = [];
    this.n = 0;
  }
}
