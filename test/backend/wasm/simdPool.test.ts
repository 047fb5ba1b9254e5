import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { simdPool, splitRange } from '../../../src/backend/wasm/simdPool.js';
import type { WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';

process.env.PHASEWISE_QUIET = '1';

const dist = (f: string) => pathToFileURL(resolve('dist/backend/wasm', f)).href;

// Depthwise and conv gradients through every pooled path, with the pool and without; run by the compiled
// package in a child process (the workers load dist/backend/wasm/simdWorker.js).
const SCRIPT = `
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from 'phasewise';
const { simdPool, simdPoolReady, simdPoolTuning } = await import(${JSON.stringify(dist('simdPool.js'))});
const { elementwiseTuning } = await import(${JSON.stringify(dist('elementwise.js'))});
await initBackend('wasm');
const backend = tf.backend();
const ready = await simdPoolReady(backend);
simdPoolTuning.minWork = 0; // pool every call, however small
elementwiseTuning.poolFloats = 0; // element-wise loops too
const cases = [
  { x: [5, 14, 14, 16], M: 1, s: 1 },   // filter: generated kernels; input: generated gather kernels
  { x: [4, 10, 9, 8], M: 2, s: 1 },     // in-place madd / maxpy
  { x: [6, 15, 13, 16], M: 1, s: 2 },   // filter: generated kernels; input: gather
  { x: [3, 12, 12, 4], M: 2, s: 2 },    // in-place filter (M = 2), gather input
  { x: [5, 12, 12, 1], conv: [3, 3, 1, 4], s: 1 },   // conv filter gradient, small K = 9 (madds)
  { x: [3, 9, 11, 2], conv: [2, 2, 2, 4], s: 2 },    // small K = 8: a trailing pair of taps (spares)
  { x: [9, 14, 14, 8], conv: [3, 3, 8, 12], s: 2 },  // tap products: phase planes filled by the pool
  { x: [9, 14, 14, 8], conv: [3, 3, 8, 16], s: 2 },  // outer products, small filter: image ranges split over threads
  { x: [5, 9, 9, 32], conv: [3, 3, 32, 32], s: 1 },  // outer products, larger filter: output-channel blocks split over threads
  { x: [7, 15, 13, 3], conv: [3, 3, 3, 32], s: 1 },  // outer products on taps folded into channels (fold pooled)
  { x: [3, 13, 11, 16], conv: [3, 3, 16, 24], s: 2 }, // direct forward conv (rows split), sub-pixel input phases
  { x: [96, 40], dense: [40, 32] },                    // Aᵀ B (outer products) and A Bᵀ (direct kernel, blocks split)
  { x: [4, 16, 16, 33], elt: true },                   // element-wise loops in ranges (ReLU, ×, −, ÷ and their gradients)
];
const out = [];
for (const [i, c] of cases.entries()) {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 10 + i);
  const w = tf.randomNormal(c.elt ? c.x : c.dense ?? c.conv ?? [3, 3, c.x[3], c.M], 0, 1, 'float32', 20 + i);
  const op = (x, w) => (c.elt ? tf.sub(tf.mul(tf.relu(x), w), tf.div(x, 3)) : c.dense ? tf.matMul(x, w) : c.conv ? tf.conv2d(x, w, c.s, 'same') : tf.depthwiseConv2d(x, w, c.s, 'same'));
  const f = () => tf.grads((x, w) => tf.sum(tf.square(op(x, w))))([x, w]);
  const results = {};
  // single-threaded; pooled with jobs claimed from one counter (shared); pooled with a fixed group per thread
  for (const [mode, on, shared] of [['single', false, true], ['shared', true, true], ['groups', true, false]]) {
    simdPoolTuning.enabled = on;
    simdPoolTuning.shared = shared;
    const gs = f();
    results[mode] = gs.map((g) => Array.from(g.dataSync()));
    tf.dispose(gs);
  }
  simdPoolTuning.shared = true;
  // max |pooled - single| / max |single|, per gradient and pooled mode
  out.push(results.single.map((g, k) => {
    const scale = Math.max(1, ...g.map(Math.abs));
    const rel = (mode) => Math.max(...g.map((v, j) => Math.abs(v - results[mode][k][j]))) / scale;
    return { n: g.length, nonzero: g.some((v) => v !== 0), rel: Math.max(rel('shared'), rel('groups')) };
  }));
}
let failure = '';
// (the calling thread claims both jobs at once: without revoke = false it would withdraw the message
// of a worker that has not woken yet, and the worker would never see the unknown task)
simdPoolTuning.revoke = false;
try { simdPool(backend).run('noSuchTask', [{}, {}], () => {}); } catch (e) { failure = e.message; }
simdPoolTuning.revoke = true;
console.log(JSON.stringify({ ready, size: simdPool(backend)?.size, out, failure }));
`;

describe('SIMD worker pool (simdPool.ts)', () => {
  it('splitRange cuts [0, n) into contiguous, nearly equal, non-empty ranges', () => {
    expect(splitRange(64, 2)).toEqual([[0, 32], [32, 64]]);
    expect(splitRange(5, 2)).toEqual([[0, 2], [2, 5]]);
    expect(splitRange(1, 2)).toEqual([[0, 1]]);
    expect(splitRange(7, 3)).toEqual([[0, 2], [2, 4], [4, 7]]);
    expect(splitRange(0, 2)).toEqual([]);
  });

  it('has no pool when running from sources (no compiled worker) or on one thread', async () => {
    await initBackend('wasm');
    expect(simdPool(tf.backend() as unknown as WasmBackend)).toBeUndefined();
  });

  it('gives bitwise the same depthwise and small-K conv gradients with the pool (jobs claimed from a shared counter, or a fixed group per thread) as without, reports a worker failure, and lets the process exit', () => {
    const res = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      env: { ...process.env, PHASEWISE_WASM_THREADS: '2', PHASEWISE_QUIET: '1' }, encoding: 'utf8', timeout: 120_000,
    })) as { ready: boolean; size: number; out: { n: number; nonzero: boolean; rel: number }[][]; failure: string };
    expect(res.ready).toBe(true);
    expect(res.size).toBe(1);
    expect(res.out).toHaveLength(13);
    for (const [i, grads] of res.out.entries()) {
      for (const [k, g] of grads.entries()) {
        expect(g.nonzero, `case ${i} gradient ${k} is not all zero`).toBe(true);
        expect(g.rel, `case ${i} gradient ${k}: pooled vs single-threaded`).toBe(0); // same image ranges, same sums
      }
    }
    expect(res.failure).toMatch(/SIMD worker task 'noSuchTask' failed on worker\(s\) 0/);
  });

  it('PHASEWISE_XNN_THREADS=1: XNNPACK on the calling thread, phasewise\'s pool still on both threads, and the kernels split their work for both', () => {
    const script = `
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from 'phasewise';
const { simdPool, simdPoolReady, simdPoolTuning, poolThreads } = await import(${JSON.stringify(dist('simdPool.js'))});
const info = await initBackend('wasm');
const backend = tf.backend();
const ready = await simdPoolReady(backend);
// the most jobs each pooled task was given: a one-image Winograd conv and its direct-kernel products
const pool = simdPool(backend);
const jobs = {};
const run = pool.run.bind(pool);
pool.run = (task, js, local) => { jobs[task] = Math.max(jobs[task] ?? 0, js.length); return run(task, js, local); };
simdPoolTuning.minWork = 0;
tf.conv2d(tf.randomNormal([1, 16, 16, 16]), tf.randomNormal([3, 3, 16, 16]), 1, 'same').dataSync();
console.log(JSON.stringify({ threads: info.threads, xnn: backend.wasm.tfjs.getThreadsCount(), ready, size: pool?.size, poolThreads: poolThreads(backend), jobs }));
`;
    const res = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, PHASEWISE_WASM_THREADS: '2', PHASEWISE_XNN_THREADS: '1', PHASEWISE_QUIET: '1' }, encoding: 'utf8', timeout: 60_000,
    }));
    expect(res).toMatchObject({ threads: 2, xnn: 1, ready: true, size: 1, poolThreads: 2 });
    // the input transform's tile rows go to both threads (with XNNPACK's count, one job: the calling thread alone)
    expect(res.jobs.winograd).toBe(2);
    expect(res.jobs.directConv).toBeGreaterThanOrEqual(2);
  });
});
