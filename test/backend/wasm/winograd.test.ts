import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { convGeometry } from '../../../src/backend/wasm/convGeometry.js';
import { derivedCount } from '../../../src/backend/wasm/derivedTensors.js';
import { directConvPlan } from '../../../src/backend/wasm/directConv.js';
import { winogradKernels } from '../../../src/backend/wasm/simdWinograd.js';
import { winogradApplies, winogradConv, winogradFilter, winogradTile, winogradTuning } from '../../../src/backend/wasm/winograd.js';
import { WINOGRAD } from '../../../src/backend/wasm/winogradMatrices.js';
import { f32, heapAddress, type WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';
import { cpuAndWasm, expectClose, expectNoLeak, liveCounts, randInt, randomValues, rng } from './helpers.js';

process.env.PHASEWISE_QUIET = '1';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case { x: [number, number, number, number]; k: number; pad: Pad }

const backendOf = () => tf.backend() as unknown as WasmBackend;
const fShape = (c: Case): [number, number, number, number] => [3, 3, c.x[3], c.k];
const outShape = (c: Case) => tf.backend_util.computeConv2DInfo(c.x, fShape(c), 1, 1, c.pad).outShape;
const conv = (c: Case, xv: Float32Array, wv: Float32Array) => () =>
  tf.engine().runKernel('Conv2D', { x: tf.tensor4d(xv, c.x), filter: tf.tensor4d(wv, fShape(c)) }, { strides: 1, pad: c.pad, dilations: 1, dataFormat: 'NHWC' } as never) as tf.Tensor;

const FIXED: Case[] = [
  { x: [1, 8, 8, 8], k: 8, pad: 'same' }, // whole 2×2 tiles
  { x: [2, 9, 11, 12], k: 16, pad: 'same' }, // odd sizes: a last half tile each way, cropped
  { x: [3, 7, 6, 16], k: 24, pad: 'valid' },
  { x: [1, 10, 13, 8], k: 32, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { x: [1, 3, 3, 8], k: 8, pad: 'valid' }, // one output
  { x: [2, 10, 9, 8], k: 12, pad: 'same' }, // 12 outputs (padded to 16, cropped)
];

// F(4×4, 3×3) rounds more than F(2×2, 3×3) (larger transform coefficients)
const TOL = () => (winogradTuning.tile === 4 ? 3e-5 : 2e-6);

async function check(c: Case, seed: number): Promise<Float32Array> {
  const r = rng(seed);
  const y = await cpuAndWasm(conv(c, randomValues(r, c.x), randomValues(r, fShape(c))));
  expectClose(y.cpu[0], y.wasm[0], TOL(), `Winograd F(${winogradTuning.tile}) Conv2D ${JSON.stringify(c)}`);
  return y.wasm[0];
}

/** Naive `Bᵀ d B` / `G g Gᵀ` / `Aᵀ m A` (row-major 2-D arrays). */
const mm = (a: number[][], b: number[][]) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const tr = (a: number[][]) => a[0].map((_, j) => a.map((row) => row[j]));

describe.each([2, 4] as const)('3×3 stride-1 Conv2D by Winograd F(%i×%i, 3×3) (winograd.ts)', (m) => {
  const saved = { ...winogradTuning };
  beforeEach(() => { winogradTuning.tile = m; });
  afterEach(() => Object.assign(winogradTuning, saved));
  const { n, BT, G, AT } = WINOGRAD[m];

  it('applies to 3×3, stride 1, dilation 1, cin % 4 == 0 (≥ 8), cout % 8 == 0', () => {
    const g = (x: number[], f: number[], attrs: Record<string, unknown> = {}) => convGeometry('Conv2D', x, f, { strides: 1, pad: 'same', ...attrs }, false);
    expect(winogradApplies(g([1, 6, 6, 8], [3, 3, 8, 16]))).toBe(true);
    expect(winogradApplies(g([1, 6, 6, 8], [3, 3, 8, 16], { strides: 2 }))).toBe(false);
    expect(winogradApplies(g([1, 6, 6, 8], [3, 3, 8, 16], { dilations: 2 }))).toBe(false);
    expect(winogradApplies(g([1, 6, 6, 8], [5, 5, 8, 16]))).toBe(false);
    expect(winogradApplies(g([1, 6, 6, 10], [3, 3, 10, 16]))).toBe(false);
    expect(winogradApplies(g([1, 6, 6, 8], [3, 3, 8, 12]))).toBe(true); // outputs padded to 16, cropped
    winogradTuning.tile = 0; // automatic: F(4×4) from 16×16 outputs up
    expect(winogradTile(g([1, 32, 32, 128], [3, 3, 128, 128]))).toBe(4);
    expect(winogradTile(g([1, 8, 8, 512], [3, 3, 512, 512]))).toBe(2);
    expect(winogradTile(g([1, 128, 128, 64], [3, 3, 64, 64]))).toBe(4);
    expect(winogradTile(g([1, 15, 15, 64], [3, 3, 64, 64]))).toBe(2);
  });

  it('matches the cpu backend on fixed and random shapes (odd sizes, paddings, batch > 1)', async () => {
    for (const [i, c] of FIXED.entries()) await check(c, 10 + i);
    const r = rng(5);
    for (let i = 0; i < 20; i++) {
      const kind = randInt(r, 0, 2);
      const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid' : [[0, 0], [randInt(r, 0, 2), randInt(r, 0, 2)], [randInt(r, 0, 2), randInt(r, 0, 2)], [0, 0]];
      const c: Case = { x: [randInt(r, 1, 3), randInt(r, 3, 17), randInt(r, 3, 17), 4 * randInt(r, 2, 5)], k: 8 * randInt(r, 1, 3), pad };
      await check(c, 100 + i);
    }
  });

  it('gives bitwise the same results one image group at a time', async () => {
    const whole = await Promise.all(FIXED.map((c, i) => check(c, 30 + i)));
    winogradTuning.groupFloats = 1;
    for (const [i, c] of FIXED.entries()) expect(Array.from(await check(c, 30 + i)), JSON.stringify(c)).toEqual(Array.from(whole[i]));
  });

  it('runs the stride-1 input gradient too (the flipped, transposed filter)', async () => {
    // (the last: 3 input channels — its input gradient is a direct conv to 3 channels, padded to 8)
    for (const [i, c] of [...FIXED.slice(0, 4), { x: [2, 9, 10, 3], k: 16, pad: 'same' } as Case].entries()) {
      const r = rng(40 + i);
      const wv = randomValues(r, fShape(c));
      const dyv = randomValues(r, outShape(c));
      const dx = await cpuAndWasm(() => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, outShape(c)), filter: tf.tensor4d(wv, fShape(c)) },
        { strides: 1, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as never) as tf.Tensor);
      // (dy has cout channels: Winograd when cout % 4 == 0 and cin % 8 == 0)
      expectClose(dx.cpu[0], dx.wasm[0], TOL(), `Conv2DBackpropInput ${JSON.stringify(c)}`);
    }
  });

  it('transforms filters as U[ξ][b][c][l] = (G g Gᵀ)[ξ] of g = W[·, ·, c, 8b + l]', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const [C, K] = [2, 16];
    const wv = randomValues(rng(7), [3, 3, C, K]);
    const w = tf.tensor4d(wv, [3, 3, C, K]);
    const u = f32(b, winogradFilter(b, w as never, 't', [0, 1, 2, 3, 4, 5, 6, 7, 8], C, K, false, m));
    for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) {
      const g = [0, 1, 2].map((r) => [0, 1, 2].map((s) => wv[((3 * r + s) * C + c) * K + k]));
      const want = mm(mm(G, g), tr(G));
      for (let xi = 0; xi < n * n; xi++) expect(u[xi * C * K + ((k >> 3) * C + c) * 8 + (k & 7)]).toBeCloseTo(want[Math.floor(xi / n)][xi % n], 5);
    }
    const before = derivedCount(b);
    w.dispose();
    expect(derivedCount(b)).toBe(before - 1);
  });

  it('transform kernels: V = Bᵀ d B per n×n tile, Y = Aᵀ M A per m×m tile', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const k = winogradKernels(b, m)!;
    const [C, ty, tx] = [8, 2, 3];
    const [Hp, Wp] = [m * ty + 2, m * tx + 2];
    const xv = randomValues(rng(8), [Hp, Wp, C]);
    const [x, v] = [tf.tensor(xv), tf.zeros([n * n * ty * tx * C])];
    k.wIn(heapAddress(b, x as never), heapAddress(b, v as never), 4 * C, ty, tx, 4 * Wp * C, 4 * ty * tx * C);
    const vv = f32(b, v as never);
    for (let t = 0; t < ty * tx; t++) for (let c = 0; c < C; c++) {
      const [i0, j0] = [m * Math.floor(t / tx), m * (t % tx)];
      const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => xv[((i0 + i) * Wp + j0 + j) * C + c]));
      const want = mm(mm(BT, d), tr(BT));
      for (let xi = 0; xi < n * n; xi++) expect(vv[(xi * ty * tx + t) * C + c]).toBeCloseTo(want[Math.floor(xi / n)][xi % n], 4);
    }
    const y = tf.zeros([m * ty * m * tx * C]);
    k.wOut(heapAddress(b, v as never), heapAddress(b, y as never), 4 * C, ty, tx, 4 * ty * tx * C, 4 * m * tx * C, 4 * C);
    const yv = f32(b, y as never);
    for (let t = 0; t < ty * tx; t++) for (let c = 0; c < C; c++) {
      const mt = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => vv[((n * i + j) * ty * tx + t) * C + c]));
      const want = mm(mm(AT, mt), tr(AT));
      const [i0, j0] = [m * Math.floor(t / tx), m * (t % tx)];
      for (let a = 0; a < m; a++) for (let s = 0; s < m; s++) expect(yv[((i0 + a) * m * tx + j0 + s) * C + c]).toBeCloseTo(want[a][s], 3);
    }
    tf.dispose([x, v, y]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of FIXED.entries()) {
      const r = rng(60 + i);
      expectNoLeak(conv(c, randomValues(r, c.x), randomValues(r, fShape(c))), `Winograd ${JSON.stringify(c)}`);
    }
  });

  it('frees its output and buffers and rethrows when a job fails', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const c = FIXED[1];
    const [x, w] = [tf.randomNormal(c.x), tf.randomNormal(fShape(c))];
    const g = convGeometry('Conv2D', c.x, fShape(c), { strides: 1, pad: c.pad }, false);
    const U = winogradFilter(b, w as never, 'forward', [0, 1, 2, 3, 4, 5, 6, 7, 8], c.x[3], c.k, false, m);
    const before = liveCounts();
    const failing = { wIn: () => { throw new Error('job failed'); }, wOut: () => undefined };
    expect(() => winogradConv(b, g, x as never, U, directConvPlan(b)!, failing, m)).toThrow('job failed');
    expect(liveCounts()).toEqual(before);
    tf.dispose([x, w]);
  });
});
