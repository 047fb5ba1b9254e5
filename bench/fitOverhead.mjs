// fitOptSched against a hand-written tfjs training loop (tf.train.momentum, fixed lr) on the same
// model, data and backend. Run: npm run build && node bench/fitOverhead.mjs [epochs=10]
//
// The machine is shared and noisy, so the two are interleaved epoch by epoch inside one run: at each
// phasewise epoch start (a beforeEpoch callback) one epoch of the hand-written loop runs on its own
// copy of the model; then phasewise's epoch is timed from the end of that callback to afterEpoch.
// Prints per-epoch medians, the ratio, and phasewise's one-time pre-flight check.
import { initBackend, loadDigits, trainValidSplit, arrayDataset, simpleCnn, Learner, TrainingPhase, tf } from '../dist/index.js';

process.env.PHASEWISE_QUIET = '1';
const info = await initBackend();
const epochs = Number(process.argv[2] ?? 10);
const { x, y } = loadDigits();
const s = trainValidSplit(x, y, { validPct: 0.2, seed: 0 });
const train = arrayDataset(s.xTrain, s.yTrain, { batchSize: 64, shuffle: true, seed: 1 });
const ce = (yb, logits) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(yb, 'int32'), 10), logits);

const handModel = simpleCnn({ filters: [32, 64, 128], seed: 1 });
const handVars = handModel.trainableWeights.map((w) => w.read());
const handOpt = tf.train.momentum(0.05, 0.9);
async function handEpoch(epoch) {
  const t0 = performance.now();
  for (const b of train.batches(epoch)) {
    const cost = handOpt.minimize(() => ce(b.y, handModel.apply(b.x, { training: true })), true, handVars);
    await cost.data(); // a hand-written loop logs its loss too
    cost.dispose();
    tf.dispose([b.x, b.y]);
  }
  return performance.now() - t0;
}

const hand = [], ours = [];
let t0 = 0;
const model = simpleCnn({ filters: [32, 64, 128], seed: 1 });
const learner = new Learner(model, { train }, { loss: 'softmaxCrossEntropy' });
const tFit = performance.now();
let tFirstEpoch = 0;
await learner.fitOptSched([new TrainingPhase({ epochs, lr: 0.05, momentum: 0.9 })], {
  progress: false,
  callbacks: [{
    async beforeEpoch(ctx) {
      if (ctx.epoch === 0) tFirstEpoch = performance.now();
      hand.push(await handEpoch(ctx.epoch));
      t0 = performance.now();
    },
    beforeValidate() { ours.push(performance.now() - t0); },
  }],
});
const setup = tFirstEpoch - tFit;
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
// the first epoch of each warms up kernels and wasm memory: leave it out
const h = median(hand.slice(1)), o = median(ours.slice(1));
console.log(`backend ${info.name}; digits ${train.size} examples, ${train.length} batches of 64; simpleCnn [32,64,128]; ${epochs} interleaved epochs (first dropped)`);
console.log(`hand-written loop (tf.train.momentum):  median ${h.toFixed(1)} ms/epoch  [${hand.map((v) => v.toFixed(0)).join(' ')}]`);
console.log(`phasewise fitOptSched:                  median ${o.toFixed(1)} ms/epoch  [${ours.map((v) => v.toFixed(0)).join(' ')}]`);
console.log(`per-epoch overhead: ${((o / h - 1) * 100).toFixed(1)} %  (ratio ${(o / h).toFixed(3)})`);
console.log(`one-time pre-flight check (data scan + a forward pass): ${setup.toFixed(0)} ms`);
