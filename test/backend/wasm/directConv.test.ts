import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { convGeometry } from '../../../src/backend/wasm/convGeometry.js';
import { derivedCount } from '../../../src/backend/wasm/derivedTensors.js';
import { directApplies, directConv, directConvPlan, directConvTuning, packedFilter } from '../../../src/backend/wasm/directConv.js';
import { relaxedSimdTuning } from '../../../src/backend/wasm/relaxedSimd.js';
import { winogradTuning } from '../../../src/backend/wasm/winograd.js';
import { f32, type WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';
import { cpuAndWasm, expectClose, expectNoLeak, liveCounts, randInt, randomValues, rng } from './helpers.js';

process.env.PHASEWISE_QUIET = '1';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case { x: [number, number, number, number]; f: [number, number, number, number]; s: [number, number]; d: [number, number]; pad: Pad }

const backendOf = () => tf.backend() as unknown as WasmBackend;
const outShape = (c: Case) => tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, c.d, c.pad).outShape;
const attrs = (c: Case) => ({ strides: c.s, pad: c.pad, dilations: c.d, dataFormat: 'NHWC' });
const conv = (c: Case, xv: Float32Array, wv: Float32Array) => () =>
  tf.engine().runKernel('Conv2D', { x: tf.tensor4d(xv, c.x), filter: tf.tensor4d(wv, c.f) }, attrs(c) as never) as tf.Tensor;

// cin ≥ 8 and cout % 8 == 0: the direct kernel
const FIXED: Case[] = [
  { x: [1, 9, 11, 8], f: [3, 3, 8, 16], s: [1, 1], d: [1, 1], pad: 'same' }, // 11 columns: a partial tile per row
  { x: [2, 12, 13, 16], f: [3, 3, 16, 24], s: [2, 2], d: [1, 1], pad: 'valid' },
  { x: [1, 10, 10, 12], f: [5, 3, 12, 8], s: [1, 2], d: [2, 1], pad: 'same' },
  { x: [3, 7, 9, 9], f: [2, 2, 9, 32], s: [3, 1], d: [1, 1], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 8, 8, 8], f: [1, 1, 8, 8], s: [1, 1], d: [1, 1], pad: 'valid' }, // read in place (no padding, whole tiles)
  { x: [1, 6, 10, 20], f: [3, 3, 20, 40], s: [1, 1], d: [1, 1], pad: 'valid' }, // in place, 8 columns
];

function randomCases(seed: number, count: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  while (out.length < count) {
    const kind = randInt(r, 0, 2);
    const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid' : [[0, 0], [randInt(r, 0, 2), randInt(r, 0, 2)], [randInt(r, 0, 2), randInt(r, 0, 2)], [0, 0]];
    const ci = randInt(r, 8, 20);
    const c: Case = {
      x: [randInt(r, 1, 3), randInt(r, 1, 15), randInt(r, 1, 15), ci],
      f: [randInt(r, 1, 4), randInt(r, 1, 4), ci, 8 * randInt(r, 1, 3)],
      s: [randInt(r, 1, 3), randInt(r, 1, 3)],
      d: [randInt(r, 1, 2), randInt(r, 1, 2)],
      pad,
    };
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1) out.push(c);
  }
  return out;
}

async function check(c: Case, seed: number, tol = 1e-5): Promise<Float32Array> {
  const r = rng(seed);
  const y = await cpuAndWasm(conv(c, randomValues(r, c.x), randomValues(r, c.f)));
  expectClose(y.cpu[0], y.wasm[0], tol, `direct Conv2D ${JSON.stringify(c)}`);
  return y.wasm[0];
}

describe('forward Conv2D through the SIMD direct-convolution kernel (directConv.ts)', () => {
  const saved = { ...directConvTuning };
  beforeEach(() => { winogradTuning.enabled = false; }); // (3×3 stride-1 layers: winograd.test.ts)
  afterEach(() => {
    winogradTuning.enabled = true;
    Object.assign(directConvTuning, saved);
    relaxedSimdTuning.enabled = true;
  });

  it('applies to cout % 8 == 0 with at least minInChannels input channels', () => {
    const g = (x: number[], f: number[]) => convGeometry('Conv2D', x, f, { strides: 1, pad: 'same' }, false);
    expect(directApplies(g([1, 5, 5, 8], [3, 3, 8, 16]))).toBe(true);
    expect(directApplies(g([1, 5, 5, 8], [3, 3, 8, 12]))).toBe(false);
    expect(directApplies(g([1, 5, 5, 4], [3, 3, 4, 16]))).toBe(false);
    expect(directApplies(g([0, 5, 5, 8], [3, 3, 8, 16]))).toBe(false);
  });

  it('matches the cpu backend on fixed and random shapes (strides, dilations, every padding, batch > 1)', async () => {
    for (const [i, c] of FIXED.entries()) await check(c, 10 + i);
    for (const [i, c] of randomCases(4, 30).entries()) await check(c, 100 + i);
  });

  it('matches it with mul + add as well as with the fused multiply-add', async () => {
    relaxedSimdTuning.enabled = false;
    for (const [i, c] of FIXED.entries()) await check(c, 20 + i);
  });

  it('computes every value the same way in one-row bands and one-image groups (bitwise)', async () => {
    const whole = await Promise.all(FIXED.map((c, i) => check(c, 30 + i)));
    directConvTuning.bandBytes = 1;
    directConvTuning.paddedFloats = 1;
    for (const [i, c] of FIXED.entries()) expect(Array.from(await check(c, 30 + i)), JSON.stringify(c)).toEqual(Array.from(whole[i]));
  });

  it('refuses an integer pad with a non-square filter or strides where the stock kernel would compute it wrong, naming the fix', async () => {
    await initBackend('wasm');
    const x = tf.ones([1, 4, 7, 3]);
    const w = tf.ones([1, 2, 3, 4]);
    const before = tf.memory().numTensors;
    expect(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [1, 3], 1)).toThrow(
      "Conv2D: pad is 1 with filter 1×2 and strides [1,3]; the wasm backend computes wrong values for an integer pad unless filter and strides are square (tfjs sizes the output from their heights): pass the padding explicitly, [[0, 0], [1, 1], [1, 1], [0, 0]], or 'same' / 'valid'");
    expect(() => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: [1, 3], pad: 1, activation: 'relu' })).toThrow(/^FusedConv2D: pad is 1 with filter 1×2/);
    expect(tf.memory().numTensors).toBe(before);
    const y = tf.conv2d(x as tf.Tensor4D, tf.ones([3, 3, 3, 4]) as tf.Tensor4D, 1, 1); // square: the stock kernel is right
    expect(y.shape).toEqual([1, 4, 7, 4]);
    expect(y.dataSync()[0]).toBe(12); // a corner: 2×2 inputs × 3 channels
    tf.dispose([x, w, y]);
  });

  it('leaves other shapes to the stock kernel, with the same results', async () => {
    await check({ x: [2, 7, 7, 3], f: [3, 3, 3, 16], s: [1, 1], d: [1, 1], pad: 'same' }, 40); // cin < 8
    await check({ x: [2, 7, 7, 8], f: [3, 3, 8, 10], s: [1, 1], d: [1, 1], pad: 'same' }, 41); // cout % 8 ≠ 0
    directConvTuning.enabled = false;
    await check(FIXED[0], 42);
  });

  it('packs a filter as packed[b][t][k][l] = W[taps[t]][k][8b + l] (transposed: W[taps[t]][8b + l][k])', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const [T, CI, CO] = [2, 3, 16];
    const wv = Float32Array.from({ length: T * CI * CO }, (_, i) => i);
    const w = tf.tensor(wv, [T, CI, CO]);
    const at = (t: number, ci: number, co: number) => wv[(t * CI + ci) * CO + co];
    const plain = f32(b, packedFilter(b, w as never, 'p', [1, 0], CI, CO, false));
    const flipped = f32(b, packedFilter(b, w as never, 't', [1, 0], 8, 6, true)); // W viewed [2][8][6]: cin 8, cout 6
    const view = (t: number, i: number, o: number) => wv[(t * 8 + i) * 6 + o];
    for (let blk = 0; blk < CO / 8; blk++) for (const [ti, tap] of [1, 0].entries()) for (let k = 0; k < CI; k++) for (let l = 0; l < 8; l++) {
      expect(plain[((blk * 2 + ti) * CI + k) * 8 + l]).toBe(at(tap, k, 8 * blk + l));
    }
    for (const [ti, tap] of [1, 0].entries()) for (let k = 0; k < 6; k++) for (let l = 0; l < 8; l++) {
      expect(flipped[(ti * 6 + k) * 8 + l]).toBe(view(tap, l, k));
    }
    expect(derivedCount(b)).toBeGreaterThanOrEqual(2);
    const before = derivedCount(b);
    w.dispose();
    expect(derivedCount(b)).toBe(before - 2); // freed with their filter
  });

  it('leaks no tensors and no wasm buffers; packed filters go with their filter', async () => {
    await initBackend('wasm');
    for (const [i, c] of FIXED.entries()) {
      const r = rng(50 + i);
      const [xv, wv] = [randomValues(r, c.x), randomValues(r, c.f)];
      expectNoLeak(conv(c, xv, wv), `direct ${JSON.stringify(c)}`);
    }
  });

  it('frees its output and rethrows when a job fails', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const c = FIXED[1];
    const x = tf.randomNormal(c.x);
    const w = tf.randomNormal(c.f);
    const g = convGeometry('Conv2D', c.x, c.f, attrs(c), false);
    const packed = packedFilter(b, w as never, 'forward', [0, 1, 2, 3, 4, 5, 6, 7, 8], 16, 24, false);
    const plan = directConvPlan(b)!;
    const before = liveCounts();
    expect(() => directConv(b, g, x as never, packed, { ...plan, conv: () => { throw new Error('job failed'); } })).toThrow('job failed');
    expect(liveCounts()).toEqual(before);
    tf.dispose([x, w]);
  });
});

describe('conv input gradient through the direct kernel (stride 1 and sub-pixel phases)', () => {
  beforeEach(() => { winogradTuning.enabled = false; });
  afterEach(() => { winogradTuning.enabled = true; });
  it('matches the cpu backend for strides 1–3 (cin % 8 == 0)', async () => {
    const r = rng(77);
    for (let i = 0; i < 12; i++) {
      const s = randInt(r, 1, 3);
      const c: Case = { x: [randInt(r, 1, 2), randInt(r, 5, 14), randInt(r, 5, 14), 8 * randInt(r, 1, 2)], f: [3, 3, 0, randInt(r, 8, 20)], s: [s, s], d: [1, 1], pad: i % 2 ? 'same' : 'valid' };
      c.f[2] = c.x[3];
      const [xv, wv] = [randomValues(r, c.x), randomValues(r, c.f)];
      const dyv = randomValues(r, outShape(c));
      const dx = await cpuAndWasm(() => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, outShape(c)), filter: tf.tensor4d(wv, c.f) },
        { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as never) as tf.Tensor);
      expect(xv.length).toBeGreaterThan(0);
      expectClose(dx.cpu[0], dx.wasm[0], 1e-5, `Conv2DBackpropInput ${JSON.stringify(c)}`);
    }
  });
});
