// Step time of phasewise's sgd(momentum) and adam vs tfjs's tf.train.momentum / tf.train.adam on the
// wasm backend, same ~1M-parameter variables, precomputed gradients, median over many steps.
//
// Run:   npm run build && PHASEWISE_QUIET=1 node bench/optimizers.mjs [steps]
//
// Prints median ms per step and the ratio phasewise / tfjs (< 1 means phasewise is faster), all
// measured in one run (the machine is shared and noisy: compare ratios, not absolute times).
import { initBackend, sgd, adam } from '../dist/index.js';
import * as tf from '@tensorflow/tfjs-core';

const STEPS = Number(process.argv[2] ?? 600);
await initBackend('wasm');

const SHAPES = [[784, 512], [512], [512, 512], [512], [512, 784], [784]]; // ~1.07M params
const total = SHAPES.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);

function makeVars(tag) {
  return SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.05, 'float32', i), true, `${tag}_${i}`));
}
function makeGrads(vars) {
  const named = {};
  vars.forEach((v, i) => { named[v.name] = tf.randomNormal(v.shape, 0, 0.01, 'float32', 100 + i); });
  return named;
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

function timeStep(apply, vars) {
  const t0 = performance.now();
  apply();
  vars[vars.length - 1].dataSync(); // flush the backend
  return performance.now() - t0;
}

function pair(label, makeOurs, makeTheirs) {
  const va = makeVars(`${label}_a`), vb = makeVars(`${label}_b`);
  const ga = makeGrads(va), gb = makeGrads(vb);
  const ours = makeOurs(va), theirs = makeTheirs();
  const stepOurs = () => ours.applyGradients(ga), stepTheirs = () => theirs.applyGradients(gb);
  for (let i = 0; i < 5; i++) { timeStep(stepOurs, va); timeStep(stepTheirs, vb); } // warm-up, creates state
  const n0 = tf.memory().numTensors;
  const a = [], b = [];
  // interleave single steps (alternating which goes first) so machine load hits both sides alike
  for (let i = 0; i < STEPS; i++) {
    if (i % 2 === 0) { a.push(timeStep(stepOurs, va)); b.push(timeStep(stepTheirs, vb)); }
    else { b.push(timeStep(stepTheirs, vb)); a.push(timeStep(stepOurs, va)); }
  }
  const o = median(a), t = median(b);
  console.log(`${label.padEnd(14)} phasewise ${o.toFixed(2)} ms  tfjs ${t.toFixed(2)} ms  ratio ${(o / t).toFixed(2)}  (tensors stable: ${tf.memory().numTensors === n0})`);
  ours.dispose(); theirs.dispose();
  tf.dispose([...va, ...vb, ...Object.values(ga), ...Object.values(gb)]);
}

console.log(`wasm backend, ${total} parameters in ${SHAPES.length} variables, ${STEPS} interleaved steps each, median per step`);
pair('sgd momentum', (v) => sgd(v, { lr: 0.01, momentum: 0.9 }), () => tf.train.momentum(0.01, 0.9));
pair('adam', (v) => adam(v, { lr: 1e-3 }), () => tf.train.adam(1e-3, 0.9, 0.999, 1e-8));
