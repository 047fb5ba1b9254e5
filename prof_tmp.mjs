import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from 'phasewise';
import { cnnWorkload, timeInterleaved } from './bench/workloads.mjs';
process.env.PHASEWISE_QUIET = '1';
const info = await initBackend('wasm');
const w = cnnWorkload(64);
const [a, b] = [tf.randomNormal([576, 4096]), tf.randomNormal([4096, 128])];
const [step, mm] = timeInterleaved([w.step, () => tf.matMul(a, b)], 10, 2);
const mmG = 2 * 576 * 4096 * 128 / mm / 1e6, cnnG = 2.83 / step * 1000;
console.log('threads', info.threads, 'step', step.toFixed(1), 'ms', cnnG.toFixed(1), 'GF/s; matMul', mmG.toFixed(1), '→', (100 * cnnG / mmG).toFixed(0), '%');
const agg = {}; let total = 1e9;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const p = await tf.profile(() => { const l = w.step(); l.dataSync(); return l; });
  const ms = performance.now() - t0;
  if (ms < total) { total = ms; for (const k in agg) delete agg[k]; for (const k of p.kernels) agg[k.name] = (agg[k.name] ?? 0) + (await k.kernelTimeMs); }
}
Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 12).forEach(([k, v]) => console.log(k.padEnd(28), v.toFixed(2)));
