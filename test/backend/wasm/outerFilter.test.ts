import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { filterChunking } from '../../../src/backend/wasm/conv2dBackpropFilter.js';
import { outerChunking, outerFilterGradient } from '../../../src/backend/wasm/outerFilter.js';
import { convGeometry } from '../../../src/backend/wasm/convGeometry.js';
import { foldImages, foldTuning, outerLayout } from '../../../src/backend/wasm/outerLayout.js';
import { heapAddress, type WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';
import { cpuAndWasm, expectClose, expectNoLeak, liveCounts, randInt, randomValues, rng } from './helpers.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case { x: [number, number, number, number]; f: [number, number, number, number]; strides: [number, number]; pad: Pad }

const outShape = (c: Case) => tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad).outShape;

function filterGrad(c: Case, xv: Float32Array, dyv: Float32Array) {
  return () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, outShape(c)) },
    { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f } as never) as tf.Tensor;
}

// cout % 8 == 0: the outer-product path; cin % 4 == 0 (padded x) and not (taps folded into channels)
const FIXED: Case[] = [
  { x: [3, 28, 28, 1], f: [3, 3, 1, 32], strides: [1, 1], pad: 'same' }, // grey first layer: folded (windowed reads), 3 → 4 channels
  { x: [2, 17, 15, 3], f: [3, 3, 3, 16], strides: [2, 2], pad: 'same' }, // RGB: folded, 9 → 12 channels
  { x: [2, 9, 10, 2], f: [2, 2, 2, 8], strides: [1, 1], pad: 'valid' }, // folded, 4 channels: no padding channels
  { x: [4, 14, 14, 32], f: [3, 3, 32, 64], strides: [2, 2], pad: 'same' },
  { x: [2, 13, 11, 8], f: [5, 3, 8, 24], strides: [3, 2], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 7, 7, 12], f: [1, 1, 12, 8], strides: [1, 1], pad: 'valid' },
];

function randomCases(seed: number, count: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  while (out.length < count) {
    const ci = [1, 2, 3, 4, 5, 8, 12][randInt(r, 0, 6)];
    const kind = randInt(r, 0, 2);
    const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid' : [[0, 0], [randInt(r, 0, 2), randInt(r, 0, 2)], [randInt(r, 0, 2), randInt(r, 0, 2)], [0, 0]];
    const c: Case = {
      x: [randInt(r, 1, 3), randInt(r, 1, 16), randInt(r, 1, 16), ci],
      f: [randInt(r, 1, 4), randInt(r, 1, 4), ci, 8 * randInt(r, 1, 3)],
      strides: [randInt(r, 1, 3), randInt(r, 1, 3)],
      pad,
    };
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1) out.push(c);
  }
  return out;
}

async function check(c: Case, seed: number): Promise<void> {
  const r = rng(seed);
  const xv = randomValues(r, c.x);
  const dyv = randomValues(r, outShape(c));
  const dW = await cpuAndWasm(filterGrad(c, xv, dyv));
  expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `outer-product Conv2DBackpropFilter ${JSON.stringify(c)}`);
}

describe('conv filter gradient through the SIMD outer-product kernel (outerFilter.ts)', () => {
  const saved = { ...outerChunking };
  afterEach(() => Object.assign(outerChunking, saved));

  it('matches the cpu backend on fixed and random shapes (windowed, folded and padded layouts)', async () => {
    for (const [i, c] of FIXED.entries()) await check(c, 10 + i);
    for (const [i, c] of randomCases(3, 30).entries()) await check(c, 100 + i);
  });

  it('gives the same gradients when images are split into bands of one row and groups of one image', async () => {
    outerChunking.bandBytes = 1;
    outerChunking.paddedFloats = 1;
    for (const [i, c] of FIXED.entries()) await check(c, 200 + i);
  });

  it('gives the same gradients with a folded copy of x as with windowed reads (first layers, dilation 1)', async () => {
    foldTuning.windowed = false;
    try {
      for (const [i, c] of FIXED.entries()) await check(c, 300 + i);
      for (const [i, c] of randomCases(5, 10).entries()) await check(c, 400 + i);
    } finally {
      foldTuning.windowed = true;
    }
  });

  it('is used by the kernel: turning it off changes nothing but the path', async () => {
    const c = FIXED[3];
    const r = rng(5);
    const [xv, dyv] = [randomValues(r, c.x), randomValues(r, outShape(c))];
    await initBackend('wasm');
    const on = filterGrad(c, xv, dyv)();
    filterChunking.outer = false;
    const off = filterGrad(c, xv, dyv)();
    filterChunking.outer = true;
    expectClose(off.dataSync(), on.dataSync(), 1e-5, 'outer vs tap products');
    tf.dispose([on, off]);
  });

  it('is the adjoint of the forward Conv2D with dilations: <dW, W> = <dy, conv(x, W)>', async () => {
    await initBackend('wasm');
    const r = rng(9);
    for (const [ci, dil] of [[1, [2, 1]], [8, [2, 3]], [3, [1, 2]]] as [number, [number, number]][]) {
      tf.tidy(() => {
        const f: Case['f'] = [3, 3, ci, 16];
        const xs: Case['x'] = [2, 13, 12, ci];
        const info = tf.backend_util.computeConv2DInfo(xs, f, 1, dil, 'same');
        const x = tf.tensor4d(randomValues(r, xs), xs);
        const w = tf.tensor4d(randomValues(r, f), f);
        const dy = tf.tensor(randomValues(r, info.outShape), info.outShape);
        const y = tf.engine().runKernel('Conv2D', { x, filter: w }, { strides: 1, pad: 'same', dilations: dil, dataFormat: 'NHWC' } as never) as tf.Tensor;
        const lhs = tf.sum(tf.mul(dy, y)).dataSync()[0];
        const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dilations: dil, dataFormat: 'NHWC', filterShape: f } as never) as tf.Tensor;
        expect(Math.abs(tf.sum(tf.mul(dW, w)).dataSync()[0] - lhs) / Math.max(1, Math.abs(lhs)), `cin ${ci} dilations ${dil}`).toBeLessThan(1e-4);
      });
    }
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of FIXED.entries()) {
      const r = rng(300 + i);
      expectNoLeak(filterGrad(c, randomValues(r, c.x), randomValues(r, outShape(c))), `outer ${JSON.stringify(c)}`);
    }
  });

  it('frees its buffers and rethrows when a job fails (both accumulator layouts)', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    for (const c of [FIXED[0], FIXED[3]]) { // folded, image split | padded, written straight into dW
      const x = tf.randomNormal(c.x);
      const dy = tf.randomNormal(outShape(c));
      const g = convGeometry('Conv2DBackpropFilter', c.x, c.f, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' }, false);
      const before = liveCounts();
      const failing = () => { throw new Error('job failed'); };
      expect(() => outerFilterGradient(backend, g, x as never, dy as never, failing, c.f)).toThrow('job failed');
      expect(liveCounts(), JSON.stringify(c)).toEqual(before);
      tf.dispose([x, dy]);
    }
  });
});

describe('outerLayout / foldImages', () => {
  // (a failing case must not leave the next test on a tuned-off path)
  afterEach(() => Object.assign(foldTuning, { spans: true, windowed: true }));
  // stride 1 and dilation 1 go through the span copy of simdFold.ts (borders and the last row of x
  // through the strided one), the rest through the strided copy alone
  const cases: { x: [number, number, number, number]; f: [number, number, number, number]; s: [number, number]; d: [number, number]; pad: 'same' | 'valid' | number }[] = [
    { x: [3, 5, 7, 3], f: [2, 3, 3, 8], s: [1, 2], d: [1, 2], pad: 'same' },
    { x: [3, 6, 9, 1], f: [3, 3, 1, 8], s: [1, 1], d: [1, 1], pad: 'same' },
    { x: [3, 5, 6, 3], f: [3, 3, 3, 8], s: [1, 1], d: [1, 1], pad: 'same' },
    { x: [3, 7, 8, 2], f: [3, 5, 2, 8], s: [1, 1], d: [1, 1], pad: 'valid' },
    { x: [3, 4, 5, 1], f: [3, 3, 1, 8], s: [1, 1], d: [1, 1], pad: 2 },
    { x: [3, 6, 6, 3], f: [3, 3, 3, 8], s: [2, 1], d: [1, 1], pad: 'same' },
    { x: [3, 6, 7, 1], f: [3, 3, 1, 8], s: [1, 1], d: [2, 2], pad: 'same' },
  ];
  it('folds the fw taps into the channels: xk[n, i, j, kw·cin + c] = xp[n, i, j·sw + kw·dw, c], zeros elsewhere', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    foldTuning.windowed = false; // (the folded copy; windowed layouts below)
    for (const c of cases) {
      for (const spans of [true, false]) {
        foldTuning.spans = spans;
        const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, c.d, c.pad);
        const g = { ...info, batch: c.x[0], padTop: info.padInfo.top, padLeft: info.padInfo.left } as never as Parameters<typeof outerLayout>[0];
        const [N, H, W, CI] = c.x;
        const FW = c.f[1];
        const L = outerLayout(g);
        expect(L).toMatchObject({ folded: true, C: Math.ceil((FW * CI) / 4) * 4, FW: 1, Wp: info.outWidth });
        const xv = Float32Array.from({ length: N * H * W * CI }, (_, i) => i + 1);
        const x = tf.tensor(xv);
        const out = tf.fill([N * L.Hp * L.Wp * L.C], NaN);
        // images 1 and 2 of a group that starts at image 0 (the job writes only its own images)
        foldImages(backend, { L, g, x: heapAddress(backend, x as never), out: heapAddress(backend, out as never), n0: 0, n1: 1, n2: N });
        const o = out.dataSync();
        for (let n = 0; n < N; n++) for (let i = 0; i < L.Hp; i++) for (let j = 0; j < L.Wp; j++) for (let m = 0; m < L.C; m++) {
          const [kw, ci] = [Math.floor(m / CI), m % CI];
          const ih = i - g.padTop;
          const iw = j * c.s[1] + kw * c.d[1] - g.padLeft;
          const want = n === 0 ? NaN : kw < FW && ih >= 0 && ih < H && iw >= 0 && iw < W ? xv[((n * H + ih) * W + iw) * CI + ci] : 0;
          expect(o[((n * L.Hp + i) * L.Wp + j) * L.C + m], `${JSON.stringify(c)} spans ${spans} n ${n} i ${i} j ${j} m ${m}`).toBe(want);
        }
        tf.dispose([x, out]);
      }
    }
    foldTuning.spans = true;
    foldTuning.windowed = true;
  });

  it('windowed (horizontal dilation 1): a padded copy whose C floats from column j·sw start with its taps: xw[(i·Wp + j·sw)·cin + kw·cin + c] = xp[n, i, j·sw + kw, c]', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    for (const c of cases) {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, c.d, c.pad);
      const g = { ...info, batch: c.x[0], padTop: info.padInfo.top, padLeft: info.padInfo.left } as never as Parameters<typeof outerLayout>[0];
      const [N, H, W, CI] = c.x;
      const [FH, FW] = [c.f[0], c.f[1]];
      const L = outerLayout(g);
      if (c.d[1] !== 1) {
        expect(L.windowed, JSON.stringify(c)).toBe(false);
        continue;
      }
      const [Hp, Wp] = [(info.outHeight - 1) * c.s[0] + (FH - 1) * c.d[0] + 1, (info.outWidth - 1) * c.s[1] + FW];
      expect(L, JSON.stringify(c)).toMatchObject({
        folded: true, windowed: true, C: Math.ceil((FW * CI) / 4) * 4, pixel: CI, FW: 1, Hp, Wp,
        xs: 4 * c.s[0] * Wp * CI, xstep: 4 * c.s[1] * CI, tapRow: 4 * c.d[0] * Wp * CI,
      });
      const xv = Float32Array.from({ length: N * H * W * CI }, (_, i) => i + 1);
      const x = tf.tensor(xv);
      const out = tf.fill([N * Hp * Wp * CI], NaN);
      foldImages(backend, { L, g, x: heapAddress(backend, x as never), out: heapAddress(backend, out as never), n0: 0, n1: 1, n2: N });
      const o = out.dataSync();
      // what the kernel reads: row r·sh + kh·dh, the C floats from column j·sw; the first fw·cin are the taps
      for (let n = 0; n < N; n++) for (let i = 0; i < Hp; i++) for (let j = 0; j < info.outWidth; j++) for (let m = 0; m < FW * CI; m++) {
        const [kw, ci] = [Math.floor(m / CI), m % CI];
        const ih = i - g.padTop;
        const iw = j * c.s[1] + kw - g.padLeft;
        const want = n === 0 ? NaN : ih >= 0 && ih < H && iw >= 0 && iw < W ? xv[((n * H + ih) * W + iw) * CI + ci] : 0;
        expect(o[(n * Hp + i) * Wp * CI + j * L.xstep / 4 + m], `${JSON.stringify(c)} n ${n} i ${i} j ${j} m ${m}`).toBe(want);
      }
      tf.dispose([x, out]);
    }
  });
});
