// Where the VGG16 style-loss step's time goes on wasm: every wasm kernel's function is wrapped with a
// timer (wasm kernels run synchronously, so the wrapper times the kernel alone), the step is run N times,
// and the milliseconds per step are printed by kernel name and by kernel + input shapes (convolutions,
// matMuls, adds). Single measurements on a shared machine: compare within a run, not across runs.
//
// Run:  npm run build && node bench/vggProfile.mjs [size=128] [steps=5]
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../dist/index.js';
import { simdPoolReady } from '../dist/backend/wasm/simdPool.js';
import { vggWorkload } from './workloads.mjs';

const S = Number(process.argv[2] ?? 128);
const N = Number(process.argv[3] ?? 5);
await initBackend('wasm');
await simdPoolReady(tf.backend());
const SHAPED = new Set(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', 'Add', 'Multiply', 'RealDiv', 'Relu', 'Step', 'Sub']);
const acc = {};
let on = false;
for (const k of tf.getKernelsForBackend('wasm')) {
  const f = k.kernelFunc;
  k.kernelFunc = (args) => {
    if (!on) return f(args);
    const t0 = performance.now();
    const r = f(args);
    const key = k.kernelName + (SHAPED.has(k.kernelName) ? ' ' + JSON.stringify(Object.values(args.inputs).map((t) => t.shape)) : '');
    acc[key] = (acc[key] ?? 0) + performance.now() - t0;
    return r;
  };
}
const w = vggWorkload(S);
for (let i = 0; i < 3; i++) tf.dispose(w.step());
on = true;
const t0 = performance.now();
for (let i = 0; i < N; i++) tf.dispose(w.step());
const step = (performance.now() - t0) / N;
on = false;
w.dispose();
const byName = {};
for (const [k, v] of Object.entries(acc)) byName[k.split(' ')[0]] = (byName[k.split(' ')[0]] ?? 0) + v / N;
console.log(`VGG16 ${S} px: ${step.toFixed(1)} ms per step, ${Object.values(byName).reduce((a, b) => a + b, 0).toFixed(1)} ms in kernels`);
for (const [k, v] of Object.entries(byName).sort((a, b) => b[1] - a[1])) console.log(`${v.toFixed(2).padStart(8)}  ${k}`);
console.log('--- by shape');
for (const [k, v] of Object.entries(acc).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30))) console.log(`${(v / N).toFixed(2).padStart(8)}  ${k}`);
