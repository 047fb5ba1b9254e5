// A/B of the strided depthwise gradient paths: `node bench/depthwiseAB.mjs [h,c,M,stride] [reps]` (after npm run build).
// Times, interleaved in one process (best of `reps`, order reversed every other round), the default path, the previous path (tuning
// flag off: depthwiseInputTuning.gather / depthwiseFilterTuning.generated), the generated filter kernels' register-accumulating
// body (genTuning.stream = 0) and the wasm matMul of the
// same flops ([9, P]·[P, c·M], as in kernelRows.mjs), on a 64-image batch, 3×3 'same'. Timing is
// the synchronous wasm call (no readback of the output). Never used by tests.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../dist/index.js';
import { depthwiseInputTuning } from '../dist/backend/wasm/depthwiseBackpropInput.js';
import { depthwiseFilterTuning } from '../dist/backend/wasm/depthwiseBackpropFilter.js';
import { genTuning } from '../dist/backend/wasm/depthwiseFilterGen.js';
import { gatherTuning } from '../dist/backend/wasm/depthwiseGather.js';

process.env.PHASEWISE_QUIET = '1';
await initBackend('wasm');
const [h, c, M, s] = (process.argv[2] ?? '28,64,1,2').split(',').map(Number);
const reps = Number(process.argv[3] ?? 30);
const xShape = [64, h, h, c];
const wShape = [3, 3, c, M];
const dyShape = tf.backend_util.computeConv2DInfo(xShape, wShape, s, 1, 'same', undefined, true).outShape;
const [x, w, dy] = [tf.randomNormal(xShape), tf.randomNormal(wShape), tf.randomNormal(dyShape)];
const P = dyShape[0] * dyShape[1] * dyShape[2];
const [a, b] = [tf.randomNormal([9, P]), tf.randomNormal([P, c * M])];
const flop = 2 * 9 * P * c * M;
const attrs = { strides: s, dilations: 1, pad: 'same' };
const filter = () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: wShape });
const input = () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape });
const runs = {
  matMul: () => tf.matMul(a, b),
  'filter (default)': () => { depthwiseFilterTuning.generated = true; return filter(); },
  'filter (previous)': () => { depthwiseFilterTuning.generated = false; return filter(); },
  'filter (register body)': () => { depthwiseFilterTuning.generated = true; genTuning.stream = 0; const o = filter(); genTuning.stream = 2; return o; },
  ...(process.env.NOTOUCH ? { 'filter (reg., no touch)': () => { depthwiseFilterTuning.generated = true; genTuning.stream = 0; genTuning.touch = false; const o = filter(); genTuning.touch = true; genTuning.stream = 2; return o; } } : {}),
  'input (default)': () => { depthwiseInputTuning.gather = true; return input(); },
  'input (table gather)': () => { const P = gatherTuning.generated; gatherTuning.generated = 0; const o = input(); gatherTuning.generated = P; return o; },
  'input (previous)': () => { depthwiseInputTuning.gather = false; return input(); },
};
const best = Object.fromEntries(Object.keys(runs).map((k) => [k, Infinity]));
const names = Object.keys(runs);
for (let i = 0; i <= reps; i++) {
  // every other round swaps each default / previous pair, so neither always runs first
  const order = i % 2 ? [0, ...names.slice(1).map((_, j) => j + 1).reverse()] : names.map((_, j) => j);
  for (const k of order.map((j) => names[j])) {
    const f = runs[k];
    const t0 = performance.now();
    const out = f();
    const ms = performance.now() - t0;
    tf.dispose(out);
    if (i > 0) best[k] = Math.min(best[k], ms);
  }
}
depthwiseFilterTuning.generated = true;
depthwiseInputTuning.gather = true;
console.log(`depthwise ${xShape.join('×')} ×${M} stride ${s}, best of ${reps}, load ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
for (const [k, ms] of Object.entries(best)) {
  console.log(`${k.padEnd(20)}${ms.toFixed(2).padStart(7)} ms ${(flop / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s ${((100 * best.matMul) / ms).toFixed(0).padStart(4)} % of matMul`);
}
