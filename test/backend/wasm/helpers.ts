/**
 * Shared helpers for the wasm kernel tests: a seeded PRNG, running the same computation on the cpu
 * and wasm backends, relative comparison and leak checks.
 */
import { expect } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { mulberry32 } from '../../../src/data/dataset.js';

process.env.PHASEWISE_QUIET = '1';

/** The seeded PRNG the tests draw shapes and values from (phasewise's mulberry32). */
export const rng = mulberry32;

/** Uniform integer in [lo, hi]. */
export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Values in [-1, 1) for a shape. */
export function randomValues(r: () => number, shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = r() * 2 - 1;
  return v;
}

/** Run `f` on a backend and return every output's values (tensors are disposed). */
export async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend(backend);
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(list);
  return values;
}

/** Run `f` on cpu then wasm; return both results. */
export async function cpuAndWasm(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const cpu = await runOn('cpu', f);
  const wasm = await runOn('wasm', f);
  return { cpu, wasm };
}

/** max |a - b| / max(|a|), with a floor on the scale. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return diff / scale;
}

/** Expect equal lengths and relative error ≤ tol, with a message naming the case. */
export function expectClose(expected: ArrayLike<number>, actual: ArrayLike<number>, tol: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const err = relError(expected, actual);
  expect(err, `${label}: relative error ${err}`).toBeLessThanOrEqual(tol);
}

/** Count of engine tensors and of wasm heap buffers (catches leaks of kernel intermediates). */
export function liveCounts(): { tensors: number; dataIds: number } {
  return { tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() };
}

/** Call `f` once (in a tidy) to warm up, then assert that a further call with disposal leaks nothing. */
export function expectNoLeak(f: () => tf.Tensor | tf.Tensor[], label: string): void {
  tf.dispose(tf.tidy(f));
  const before = liveCounts();
  tf.dispose(tf.tidy(f));
  expect(liveCounts(), `${label}: live tensors / wasm buffers after a disposed call`).toEqual(before);
}
