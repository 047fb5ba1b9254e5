// The end-to-end workloads of `npm run bench:kernels` (issue 3), in tfjs; bench/torch_workloads.py
// computes exactly the same things in PyTorch.
//
// - CNN train step: conv3x3 1→32 s1, 32→64 s2, 64→128 s2 ('same'), ReLU after each, global average
//   pool, dense 10; batch 64, 28×28×1; softmax cross-entropy; tf.train.momentum(0.01, 0.9).
//   2.85 GFLOP per step (forward 0.95, filter gradients 0.95, input gradients of conv2/conv3 0.92).
// - VGG16 style/content loss + gradient w.r.t. the input image: the 13 conv layers of Keras' VGG16
//   (random He-normal weights, ReLU, 2×2 max-pools), truncated after block5_conv1 (the last layer the
//   loss reads); batch 1, S×S×3. Loss = MSE(block4_conv2, target) + Σ_{l ∈ block{1..5}_conv1}
//   MSE(Gram(F_l), target_l), Gram per image F Fᵀ/(c·h·w), on the post-ReLU layer outputs.
//   The Gram avoids transposed matmuls (slow on wasm): value Fᵀ·F with the transpose done explicitly,
//   and a custom gradient dF = F·(dG + dGᵀ)/(c·h·w), as phasewise's style module does.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Best (minimum) ms of `reps` runs of `f` after `warm` warm-ups, reading every returned tensor back.
 * The machine is shared by several processes: the minimum is the least-contended run, so ratios of
 * minima within one run are the most stable numbers it can give.
 */
export function time(f, reps, warm = 1) {
  const once = () => {
    const t0 = performance.now();
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    list.forEach((t) => t.dataSync());
    const ms = performance.now() - t0;
    tf.dispose(list);
    return ms;
  };
  for (let i = 0; i < warm; i++) once();
  const ts = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return ts[0];
}

/**
 * Best ms of each of `fs`, timed interleaved (f0, f1, …, f0, f1, …) so that every function sees the
 * same contention: ratios between them are far steadier than between separately timed minima.
 */
export function timeInterleaved(fs, reps, warm = 1) {
  const best = fs.map(() => Infinity);
  for (let i = 0; i < warm + reps; i++) {
    fs.forEach((f, k) => {
      const ms = time(f, 1, 0);
      if (i >= warm) best[k] = Math.min(best[k], ms);
    });
  }
  return best;
}

export const CNN_GFLOP = (() => {
  const conv = (hOut, cin, cout) => 2 * 9 * cin * cout * 64 * hOut * hOut;
  const f = [conv(28, 1, 32), conv(14, 32, 64), conv(7, 64, 128)];
  return (2 * (f[0] + f[1] + f[2]) + f[1] + f[2]) / 1e9;
})();

function buildCnn() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

/** A CNN training step at `batch`: `{ step, dispose }`, `step()` returns the loss. */
export function cnnWorkload(batch) {
  const model = buildCnn();
  const opt = tf.train.momentum(0.01, 0.9);
  const xs = tf.randomNormal([batch, 28, 28, 1]);
  const ys = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  return {
    step: () => opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs)), true),
    dispose: () => { tf.dispose([xs, ys]); opt.dispose(); model.dispose(); },
  };
}

/** Best ms per CNN training step at `batch` (throws where a gradient kernel is missing). */
export function cnnStepMs(batch, reps, warm = 1) {
  const w = cnnWorkload(batch);
  try {
    return time(w.step, reps, warm);
  } finally {
    w.dispose();
  }
}

const VGG16 = [[3, 64], [64, 64], 'M', [64, 128], [128, 128], 'M', [128, 256], [256, 256], [256, 256], 'M',
  [256, 512], [512, 512], [512, 512], 'M', [512, 512]];
const NAMES = ['block1_conv1', 'block1_conv2', 'block2_conv1', 'block2_conv2', 'block3_conv1', 'block3_conv2',
  'block3_conv3', 'block4_conv1', 'block4_conv2', 'block4_conv3', 'block5_conv1'];
const STYLE = ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block5_conv1'];
const CONTENT = 'block4_conv2';

/** GFLOP of the VGG workload at size S (forward convs + input gradients of all convs but the first). */
export function vggGflop(S) {
  let h = S;
  let fwd = 0;
  let first = 0;
  for (const spec of VGG16) {
    if (spec === 'M') { h /= 2; continue; }
    const f = 2 * 9 * spec[0] * spec[1] * h * h;
    if (!first) first = f;
    fwd += f;
  }
  return (2 * fwd - first) / 1e9;
}

function features(x, weights) {
  const out = {};
  let i = 0;
  for (const spec of VGG16) {
    if (spec === 'M') { x = tf.maxPool(x, 2, 2, 'valid'); continue; }
    const [w, b] = weights[i];
    x = tf.relu(tf.add(tf.conv2d(x, w, 1, 'same'), b));
    out[NAMES[i++]] = x;
  }
  return out;
}

const gramOfRows = (n) => tf.customGrad((x, save) => {
  save([x]);
  return {
    value: tf.div(tf.matMul(x, x, true, false), n),
    gradFunc: (dy, [xs]) => tf.div(tf.matMul(xs, tf.add(dy, tf.transpose(dy, [0, 2, 1]))), n),
  };
});

/** Per-image Gram `F Fᵀ / (c·h·w)` of NHWC features, `[b, c, c]`. */
export function gram(f) {
  const [b, h, w, c] = f.shape;
  return gramOfRows(c * h * w)(tf.reshape(f, [b, h * w, c]));
}

/** A VGG workload at size S: `{ step, dispose }`, `step()` returns [loss, dLoss/dImage]. */
export function vggWorkload(S) {
  const weights = VGG16.filter((s) => s !== 'M').map(([cin, cout]) => [
    tf.randomNormal([3, 3, cin, cout], 0, Math.sqrt(2 / (9 * cin)), 'float32', 1), tf.zeros([cout])]);
  const targets = tf.tidy(() => {
    const f = features(tf.randomUniform([1, S, S, 3], 0, 1, 'float32', 2), weights);
    return { content: tf.mul(f[CONTENT], 0.5), style: STYLE.map((k) => tf.mul(gram(f[k]), 0.5)) };
  });
  const img = tf.randomUniform([1, S, S, 3], 0, 1, 'float32', 3);
  const loss = (x) => {
    const f = features(x, weights);
    let l = tf.mean(tf.squaredDifference(f[CONTENT], targets.content));
    STYLE.forEach((k, i) => { l = tf.add(l, tf.mean(tf.squaredDifference(gram(f[k]), targets.style[i]))); });
    return l;
  };
  const vg = tf.valueAndGrad(loss);
  return {
    step: () => { const { value, grad } = vg(img); return [value, grad]; },
    dispose: () => tf.dispose([weights, targets.content, targets.style, img]),
  };
}

/** Best ms of the VGG workload at size S. */
export function vggMs(S, reps, warm = 1) {
  const w = vggWorkload(S);
  try {
    return time(w.step, reps, warm);
  } finally {
    w.dispose();
  }
}
