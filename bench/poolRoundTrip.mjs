// The SIMD pool's fixed cost: one `pool.run` of two empty jobs (the second goes to a worker through its
// mailbox and back), best and mean of N, on the threaded wasm build. `node bench/poolRoundTrip.mjs [N=200]`
// (after npm run build; needs 2+ threads: PHASEWISE_WASM_THREADS unset or ≥ 2). Never used by tests.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../dist/index.js';
import { simdPool, simdPoolReady } from '../dist/backend/wasm/simdPool.js';
import { relaxedSimd } from '../dist/backend/wasm/relaxedSimd.js';
import { directCalls } from '../dist/backend/wasm/directMatMul.js';

process.env.PHASEWISE_QUIET = '1';
await initBackend('wasm');
const backend = tf.backend();
if (!(await simdPoolReady(backend))) {
  console.log('no SIMD pool (single-threaded build): nothing to time');
  process.exit(0);
}
const pool = simdPool(backend);
const N = Number(process.argv[2] ?? 200);
const fma = relaxedSimd();
const jobs = [{ fma, calls: [] }, { fma, calls: [] }]; // 'directCalls' with no calls: the task does nothing
const local = (job) => directCalls(backend, job);
for (let round = 0; round < 3; round++) {
  let best = Infinity;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    pool.run('directCalls', jobs, local);
    const us = (performance.now() - t0) * 1000;
    best = Math.min(best, us);
    sum += us;
  }
  console.log(`empty pool.run with ${pool.size} worker(s): best ${best.toFixed(0)} µs, mean ${(sum / N).toFixed(0)} µs (${N} calls)`);
}
