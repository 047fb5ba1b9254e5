// L-BFGS overhead on a style-transfer-sized variable (~200k floats, 1x256x256x3) on the wasm backend.
//
// Run:   npm run build && PHASEWISE_QUIET=1 node bench/lbfgs.mjs
//
// Prints ms per loss evaluation for a cheap quadratic loss, with and without the optimizer, so the
// difference is lbfgs's own cost (flat-vector bookkeeping, two-loop recursion, line search).
import { initBackend, lbfgs } from '../dist/index.js';
import * as tf from '@tensorflow/tfjs-core';

await initBackend('wasm');
const shape = [1, 256, 256, 3];
const target = tf.randomUniform(shape, 0, 1, 'float32', 1);
const scale = tf.randomUniform(shape, 0.5, 2, 'float32', 2);
const img = tf.variable(tf.zeros(shape));
const loss = () => tf.sum(tf.mul(scale, tf.square(tf.sub(img, target))));

// the closure + gradient alone
let t0 = performance.now();
for (let i = 0; i < 20; i++) { const { value, grads } = tf.variableGrads(loss, [img]); value.dataSync(); grads[img.name].dataSync(); tf.dispose([value, grads[img.name]]); }
const evalMs = (performance.now() - t0) / 20;

const opt = lbfgs([img], { lineSearch: 'strongWolfe', maxIter: 20, historySize: 100 });
t0 = performance.now();
const l0 = opt.step(loss);
opt.step(loss);
const ms = performance.now() - t0;
console.log(`${img.size} floats: closure+grad ${evalMs.toFixed(1)} ms/eval; lbfgs ${(ms / opt.state.funcEvals).toFixed(1)} ms/eval over ${opt.state.funcEvals} evals, ${opt.state.nIter} iterations (loss ${l0.toFixed(1)} -> ${loss().dataSync()[0].toFixed(4)})`);
opt.dispose();
tf.dispose([img, target, scale]);
