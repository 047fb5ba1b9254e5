// Small models and data for the learner tests (fast on the wasm backend).
import { initBackend } from '../../src/backend/initBackend.js';
import { tf, tfl } from '../../src/backend/tf.js';
import { arrayDataset } from '../../src/data/arrayDataset.js';
import { loadDigits } from '../../src/data/loadDigits.js';
import { trainValidSplit } from '../../src/data/split.js';
import type { Dataset } from '../../src/data/dataset.js';

process.env.PHASEWISE_QUIET = '1';

export async function setup(): Promise<void> {
  await initBackend('wasm');
}

/** Digits split once; datasets built on demand (the caller disposes them). */
export function digits(batchSize = 64, n?: number): { train: Dataset; valid: Dataset; dispose(): void } {
  const { x, y } = loadDigits();
  const s = trainValidSplit(x, y, { validPct: 0.2, seed: 0 });
  const take = (t: tf.Tensor) => (n ? tf.slice(t, 0, Math.min(n, t.shape[0])) : t);
  const [xt, yt] = [take(s.xTrain), take(s.yTrain)];
  const train = arrayDataset(xt, yt, { batchSize, shuffle: true, seed: 3 });
  const valid = arrayDataset(s.xValid, s.yValid, { batchSize: 200 });
  tf.dispose([x, y, s.xTrain, s.yTrain, s.xValid, s.yValid, xt, yt]);
  return { train, valid, dispose: () => { train.dispose(); valid.dispose(); } };
}

/** A small dense model on 8×8 digits: flatten → dense 32 (relu) → dense 10 logits. Layer names d1, d2. */
export function mlp(seed = 0): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.flatten({ inputShape: [8, 8, 1] }));
  m.add(tfl.layers.dense({ name: 'd1', units: 32, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }));
  m.add(tfl.layers.dense({ name: 'd2', units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }));
  return m;
}

/** Values of every model weight. */
export async function weightValues(m: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(m.weights.map(async (w) => (await w.read().data()) as Float32Array));
}
