import { tf } from '../backend/tf.js';
import { permutation, type Batch, type Dataset } from './dataset.js';

/** Options of {@link arrayDataset}. */
export interface ArrayDatasetOptions {
  /** Examples per batch, a positive integer. */
  batchSize: number;
  /** Shuffle every epoch (seeded by seed + epoch); default false. */
  shuffle?: boolean;
  /** Seed of the shuffle; default 0. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize; default false. */
  dropLast?: boolean;
  /** Applied to every batch's x inside tf.tidy (e.g. `resizeImages(16)` for progressive resizing). */
  transform?: (x: tf.Tensor) => tf.Tensor;
}

function checkInt(field: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new RangeError(`arrayDataset ${field} is ${String(v)}; allowed: an integer >= ${min}`);
  }
  return v;
}

/**
 * Mini-batches of in-memory tensors, like a PyTorch DataLoader over a TensorDataset.
 *
 * The dataset keeps its own references (clones) of `x` and `y`, so the caller may dispose theirs;
 * `dispose()` frees them. Epoch e's order is the identity or, with `shuffle`, a Fisher–Yates
 * permutation seeded by `seed + e`; batches are `tf.gather`ed and owned by the receiver.
 *
 * @throws RangeError when x and y differ in length, the batch size is not a positive integer, or
 *   the data contains NaN / Infinity.
 * @example
 * ```ts
 * const { x, y } = loadDigits();
 * const train = arrayDataset(x, y, { batchSize: 64, shuffle: true, seed: 1 });
 * for (const { x: xb, y: yb } of train.batches(0)) { … ; tf.dispose([xb, yb]); }
 * ```
 */
export function arrayDataset(x: tf.Tensor, y: tf.Tensor, opts: ArrayDatasetOptions): Dataset {
  if (!(x instanceof tf.Tensor) || x.isDisposed) throw new TypeError('arrayDataset x is not a live tf.Tensor');
  if (!(y instanceof tf.Tensor) || y.isDisposed) throw new TypeError('arrayDataset y is not a live tf.Tensor');
  if (x.rank < 1 || y.rank < 1) throw new RangeError(`arrayDataset x has rank ${x.rank} and y rank ${y.rank}; allowed: rank >= 1 (examples first)`);
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new RangeError(`arrayDataset x has ${n} examples but y has ${y.shape[0]}; allowed: the same number`);
  if (n === 0) throw new RangeError('arrayDataset x has 0 examples; allowed: at least 1');
  if (opts === null || typeof opts !== 'object') throw new TypeError('arrayDataset options is missing; allowed: { batchSize, shuffle?, seed?, dropLast?, transform? }');
  const batchSize = checkInt('batchSize', opts.batchSize, 1);
  const seed = checkInt('seed', opts.seed ?? 0, 0);
  const dropLast = opts.dropLast ?? false;
  for (const [name, t] of [['x', x], ['y', y]] as const) {
    if (t.dtype !== 'float32') continue;
    const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(t))).dataSync()[0]);
    if (bad) throw new RangeError(`arrayDataset ${name} contains NaN or Infinity; allowed: finite values only`);
  }
  const length = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  if (length === 0) throw new RangeError(`arrayDataset has 0 batches (${n} examples, batchSize ${batchSize}, dropLast); allowed: at least one batch`);
  const xs = tf.keep(tf.clone(x));
  const ys = tf.keep(tf.clone(y));
  let disposed = false;
  const transform = opts.transform;

  function* batches(epoch = 0): Generator<Batch> {
    if (disposed) throw new Error('arrayDataset was disposed');
    const order = opts.shuffle ? permutation(n, seed + epoch) : undefined;
    for (let b = 0; b < length; b++) {
      const start = b * batchSize;
      const end = Math.min(n, start + batchSize);
      yield tf.tidy(() => {
        let xb: tf.Tensor;
        let yb: tf.Tensor;
        if (order) {
          const idx = tf.tensor1d(order.subarray(start, end), 'int32');
          xb = tf.gather(xs, idx);
          yb = tf.gather(ys, idx);
        } else {
          xb = tf.slice(xs, start, end - start);
          yb = tf.slice(ys, start, end - start);
        }
        return { x: transform ? transform(xb) : xb, y: yb };
      });
    }
  }

  return {
    length,
    size: dropLast ? length * batchSize : n,
    batchSize,
    exampleShape: x.shape.slice(1),
    labelShape: y.shape.slice(1),
    batches,
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([xs, ys]);
    },
  };
}
