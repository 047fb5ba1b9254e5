import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { matMulTuning, transposedAGeometry } from '../../../src/backend/wasm/batchMatMul.js';
import { derivedCount } from '../../../src/backend/wasm/derivedTensors.js';
import { directConvPlan, directConvTuning } from '../../../src/backend/wasm/directConv.js';
import { directCalls, matMulJobs } from '../../../src/backend/wasm/directMatMul.js';
import { f32, heapAddress } from '../../../src/backend/wasm/wasmHeap.js';
import { POOL_PARTS } from '../../../src/backend/wasm/simdPool.js';
import type { WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';

process.env.PHASEWISE_QUIET = '1';

interface Case { a: number[]; b: number[]; ta: boolean; tb: boolean }
const mm = (c: Case, av: Float32Array, bv: Float32Array) => () => tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.ta, c.tb);

async function check(c: Case, seed: number): Promise<void> {
  const r = rng(seed);
  const y = await cpuAndWasm(mm(c, randomValues(r, c.a), randomValues(r, c.b)));
  expectClose(y.cpu[0], y.wasm[0], 1e-5, `matMul ${JSON.stringify(c)}`);
}

// Aᵀ B: A [b, k, m], B [b, k, n]; A Bᵀ: A [b, m, k], B [b, n, k]
const FIXED: Case[] = [
  { a: [1, 300, 64], b: [1, 300, 64], ta: true, tb: false }, // a Gram matrix's shape
  { a: [2, 37, 13], b: [2, 37, 24], ta: true, tb: false }, // m % 4 ≠ 0: channels padded to 4
  { a: [64, 50], b: [64, 16], ta: true, tb: false }, // rank 2: a dense layer's dW = xᵀ dy
  { a: [1, 4097, 12], b: [1, 4097, 128], ta: true, tb: false }, // k prime-ish, 16 column blocks split over threads
  { a: [1, 13, 37], b: [1, 24, 37], ta: false, tb: true },
  { a: [3, 9, 8], b: [3, 16, 8], ta: false, tb: true }, // batch 3: B packed per entry
  { a: [64, 128], b: [784, 128], ta: false, tb: true }, // a dense layer's dx = dy Wᵀ
  { a: [64, 784], b: [784, 128], ta: false, tb: false }, // a dense layer's forward: packed B
  { a: [2, 36, 20], b: [2, 20, 16], ta: false, tb: false }, // batch 2: B packed per entry
  { a: [1, 1000, 64], b: [1, 1000, 64], ta: true, tb: false }, // Aᵀ B in place, k in bands
  { a: [2, 333, 12], b: [2, 333, 24], ta: true, tb: false },
];

describe('BatchMatMul through phasewise\'s kernels (batchMatMul.ts)', () => {
  afterEach(() => Object.assign(matMulTuning, { plain: true, transposedA: true, transposedB: true }));

  it('cuts k into at most POOL_PARTS images of rows × columns', () => {
    for (const k of [1, 7, 64, 300, 4097, 16384]) {
      const g = transposedAGeometry(k, 5, 8);
      expect(g.batch * g.inHeight * g.inWidth, `k ${k}`).toBe(k);
      expect(g.batch).toBeLessThanOrEqual(POOL_PARTS);
      expect(g.inWidth).toBeLessThanOrEqual(64);
    }
  });

  it('matches the cpu backend on fixed and random shapes', async () => {
    for (const [i, c] of FIXED.entries()) await check(c, 10 + i);
    const r = rng(3);
    for (let i = 0; i < 30; i++) {
      const [bt, m, k, n] = [randInt(r, 1, 3), randInt(r, 1, 40), randInt(r, 8, 60), 8 * randInt(r, 1, 4)];
      const kind = i % 3;
      await check(kind === 0 ? { a: [bt, k, m], b: [bt, k, n], ta: true, tb: false } : kind === 1 ? { a: [bt, m, k], b: [bt, n, k], ta: false, tb: true }
        : { a: [bt, m, k], b: [bt, k, n], ta: false, tb: false }, 100 + i);
    }
  });

  it('leaves the other cases to the stock kernel, with the same results', async () => {
    await check({ a: [1, 30, 7], b: [1, 30, 12], ta: true, tb: false }, 40); // n % 8 ≠ 0
    await check({ a: [1, 7, 30], b: [1, 12, 30], ta: false, tb: true }, 41);
    await check({ a: [1, 30, 7], b: [1, 16, 30], ta: true, tb: true }, 42);
    await check({ a: [2, 30, 7], b: [1, 30, 16], ta: true, tb: false }, 43); // broadcast batch
    await check({ a: [1, 7, 4], b: [1, 16, 4], ta: false, tb: true }, 44); // k < 8
    for (const c of [{ a: [4, 8], b: [8, 0] }, { a: [0, 8], b: [8, 8] }, { a: [4, 0], b: [0, 8] }, { a: [8, 4], b: [8, 0], ta: true }]) {
      await check({ ta: false, tb: false, ...c }, 48); // empty operands
    }
    Object.assign(matMulTuning, { plain: false, transposedA: false, transposedB: false });
    await check(FIXED[0], 45);
    await check(FIXED[4], 46);
    await check(FIXED[7], 47);
  });

  it('gives tf.grad of a dense layer: dW = xᵀ dy and dx = dy Wᵀ', async () => {
    const r = rng(60);
    const [xv, wv] = [randomValues(r, [32, 40]), randomValues(r, [40, 24])];
    const g = await cpuAndWasm(() => tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, w))))([tf.tensor(xv, [32, 40]), tf.tensor(wv, [40, 24])]));
    expectClose(g.cpu[0], g.wasm[0], 1e-5, 'dx');
    expectClose(g.cpu[1], g.wasm[1], 1e-5, 'dW');
  });

  it('Aᵀ B in k bands gives bitwise the same C whatever the split over threads and the band size', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const plan = directConvPlan(backend)!;
    const [m, k, n] = [12, 301, 24];
    const r = rng(80);
    const [a, b] = [tf.tensor(randomValues(r, [k, m]), [k, m]), tf.tensor(randomValues(r, [k, n]), [k, n])];
    const run = (threads: number) => {
      const c = tf.zeros([m, n]);
      for (const job of matMulJobs(plan.fma, heapAddress(backend, a as never), heapAddress(backend, b as never), heapAddress(backend, c as never), m, k, n, threads)) {
        directCalls(backend, job, plan.conv);
      }
      const v = Array.from(f32(backend, c as never));
      c.dispose();
      return v;
    };
    const one = run(1);
    for (const threads of [2, 3, 5]) expect(run(threads), `${threads} threads`).toEqual(one);
    const saved = directConvTuning.bandBytes;
    directConvTuning.bandBytes = 1; // the smallest bands (16 rows of k)
    const banded = run(2);
    directConvTuning.bandBytes = saved;
    const ref = tf.tidy(() => Array.from(tf.matMul(a, b, true, false).dataSync()));
    expectClose(ref, banded, 1e-5, 'banded Aᵀ B');
    tf.dispose([a, b]);
  });

  it('Aᵀ A (the same tensor twice) computes half the blocks and mirrors them: exactly symmetric, as the cpu backend', async () => {
    for (const [i, shape] of [[300, 64], [2, 37, 24], [1, 1000, 8], [16, 128]].entries()) {
      const v = randomValues(rng(90 + i), shape);
      const y = await cpuAndWasm(() => { const f = tf.tensor(v, shape); return tf.matMul(f, f, true, false); });
      expectClose(y.cpu[0], y.wasm[0], 1e-5, `Gram ${JSON.stringify(shape)}`);
      const m = shape[shape.length - 1];
      const g = y.wasm[0];
      for (let b = 0; b < g.length / (m * m); b++) {
        for (let r = 0; r < m; r++) for (let c = 0; c < r; c++) expect(g[b * m * m + r * m + c]).toBe(g[b * m * m + c * m + r]);
      }
    }
  });

  it('leaks no tensors and no wasm buffers; a packed B goes with B', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const before = derivedCount(backend);
    for (const [i, c] of FIXED.entries()) {
      const r = rng(70 + i);
      expectNoLeak(mm(c, randomValues(r, c.a), randomValues(r, c.b)), `matMul ${JSON.stringify(c)}`);
    }
    expect(derivedCount(backend)).toBe(before);
  });
});
