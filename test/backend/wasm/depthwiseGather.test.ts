import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { depthwiseInputTuning } from '../../../src/backend/wasm/depthwiseBackpropInput.js';
import { gatherTuning } from '../../../src/backend/wasm/depthwiseGather.js';
import { axisSegments } from '../../../src/backend/wasm/gatherSegments.js';
import { gatherGenApplies, gatherGenBody } from '../../../src/backend/wasm/depthwiseGatherGen.js';
import { relaxedSimdTuning } from '../../../src/backend/wasm/relaxedSimd.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng, runOn } from './helpers.js';
import { randomPad, type DwCase as Case, dwOutShape as outShape, dwInputGrad } from './depthwiseCases.js';

/** The input gradient, run on a heap first filled with NaN (so a dx value the kernel never writes shows). */
function inputGrad(c: Case, dyv: Float32Array, wv: Float32Array) {
  return () => {
    tf.fill(c.x, NaN).dispose();
    return dwInputGrad(c, dyv, wv)();
  };
}

/** Random strided cases with `C % 4 == 0` and `M ∈ {1, 2}` (the gather's domain). */
function stridedCases(seed: number, count: number): Case[] {
  const r = rng(seed);
  const cases: Case[] = [];
  while (cases.length < count) {
    const kind = randInt(r, 0, 3);
    const pad = randomPad(r, kind, 3);
    const ch = [4, 8, 16, 20, 32][randInt(r, 0, 4)];
    const c: Case = {
      x: [randInt(r, 1, 3), randInt(r, 1, 13), randInt(r, 1, 13), ch],
      f: [[1, 2, 3, 5][randInt(r, 0, 3)], [1, 2, 3, 4, 5, 7][randInt(r, 0, 5)], ch, randInt(r, 1, 2)],
      strides: [randInt(r, 1, 3), randInt(r, 2, 3)],
      pad,
    };
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1) cases.push(c);
  }
  return cases;
}

const HAND: Case[] = [
  { x: [2, 28, 28, 64], f: [3, 3, 64, 1], strides: [2, 2], pad: 'same' }, // the bench case (4 groups per step)
  { x: [2, 28, 28, 16], f: [3, 3, 16, 2], strides: [2, 2], pad: 'same' },
  { x: [2, 13, 11, 8], f: [3, 3, 8, 2], strides: [2, 2], pad: 'same' }, // one group per step
  { x: [1, 9, 10, 12], f: [3, 3, 12, 1], strides: [2, 1], pad: 'valid' },
  { x: [2, 7, 7, 12], f: [5, 5, 12, 2], strides: [3, 3], pad: [[0, 0], [3, 1], [2, 4], [0, 0]] },
  { x: [1, 8, 9, 4], f: [1, 1, 4, 1], strides: [2, 2], pad: 'valid' }, // odd rows / columns get no tap: zeros
  { x: [2, 10, 10, 8], f: [2, 2, 8, 2], strides: [3, 3], pad: 'valid' }, // one phase of three gets no tap
  { x: [1, 3, 4, 16], f: [3, 7, 16, 1], strides: [2, 2], pad: 'same' }, // filter wider than the image
  { x: [1, 21, 21, 16], f: [7, 7, 16, 1], strides: [2, 2], pad: 'same' }, // 16 taps in a call
];

describe('wasm depthwise input gradient, gather path (depthwiseGather.ts, simdGather.ts)', () => {
  afterEach(() => {
    gatherTuning.generated = 4;
    gatherTuning.strided = false;
    relaxedSimdTuning.enabled = true;
    depthwiseInputTuning.gather = true;
    depthwiseInputTuning.gatherStride1 = 'auto';
  });

  it('stride 1, multiplier 1 (the default path): matches the cpu backend and XNNPACK\'s path', async () => {
    const cases: Case[] = [
      { x: [2, 14, 14, 32], f: [3, 3, 32, 1], pad: 'same' },
      { x: [1, 9, 7, 8], f: [3, 3, 8, 1], pad: 'valid' },
      { x: [3, 6, 11, 12], f: [5, 5, 12, 1], pad: 'same' },
      { x: [1, 5, 5, 4], f: [1, 3, 4, 1], pad: [[0, 0], [0, 0], [2, 0], [0, 0]] },
    ];
    for (const [i, c] of cases.entries()) {
      const r = rng(1600 + i);
      const dyv = randomValues(r, outShape(c));
      const wv = randomValues(r, c.f);
      depthwiseInputTuning.gatherStride1 = 'always';
      const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
      expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `gather stride 1 ${JSON.stringify(c)}`);
      depthwiseInputTuning.gatherStride1 = 'never';
      const xnn = await cpuAndWasm(inputGrad(c, dyv, wv));
      expectClose(xnn.wasm[0], dx.wasm[0], 1e-5, `gather vs XNNPACK ${JSON.stringify(c)}`);
    }
  });

  it('generated kernels, multiplier 1 and 2 (at every stride here): 1 to 5 positions per block, fused or not, match the table kernels and the cpu backend', async () => {
    gatherTuning.strided = true;
    const r0 = rng(1700);
    const cases: Case[] = [
      ...HAND,
      { x: [2, 14, 14, 32], f: [3, 3, 32, 1], pad: 'same' }, // stride 1: taps of a row share dy loads
      { x: [2, 14, 13, 16], f: [3, 3, 16, 2], pad: 'same' },
      { x: [1, 7, 9, 4], f: [5, 3, 4, 2], pad: 'valid' },
      { x: [1, 9, 7, 8], f: [3, 3, 8, 1], pad: 'valid' },
      { x: [3, 6, 11, 12], f: [5, 5, 12, 1], pad: 'same' },
      { x: [1, 5, 5, 4], f: [1, 3, 4, 1], pad: [[0, 0], [0, 0], [2, 0], [0, 0]] },
      ...stridedCases(33, 30),
    ];
    depthwiseInputTuning.gatherStride1 = 'always';
    for (const [i, c] of cases.entries()) {
      const r = rng(1700 + i);
      const dyv = randomValues(r, outShape(c));
      const wv = randomValues(r, c.f);
      gatherTuning.generated = 0;
      const table = await cpuAndWasm(inputGrad(c, dyv, wv));
      expectClose(table.cpu[0], table.wasm[0], 1e-4, `table ${JSON.stringify(c)}`);
      const P = randInt(r0, 1, 5);
      for (const fma of [true, false]) {
        relaxedSimdTuning.enabled = fma;
        gatherTuning.generated = P;
        const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
        expectClose(table.wasm[0], dx.wasm[0], 1e-5, `generated P=${P} fma=${fma} ${JSON.stringify(c)}`);
      }
    }
  });

  it('generated kernel specs: only what the code can hold', () => {
    const spec = { cb: 64, n: 5, xstep: 64, xs: 640, dstep: 64, ds: 640, taps: [{ d: 0, w: 0 }, { d: 64, w: 64 }], P: 4, M: 1 as const, fma: false };
    expect(gatherGenApplies(spec)).toBe(true);
    expect(gatherGenBody(spec).length).toBeGreaterThan(0);
    expect(gatherGenApplies({ ...spec, cb: 40 })).toBe(false);
    expect(gatherGenApplies({ ...spec, taps: [] })).toBe(false);
    expect(gatherGenApplies({ ...spec, taps: [{ d: -64, w: 0 }] })).toBe(false);
    expect(gatherGenApplies({ ...spec, P: 0 })).toBe(false);
    expect(gatherGenApplies({ ...spec, M: 3 as 1 })).toBe(false);
    expect(gatherGenApplies({ ...spec, M: 2, P: 20, taps: Array(12).fill({ d: 0, w: 0 }) })).toBe(false);
    expect(gatherGenApplies({ ...spec, P: 62 })).toBe(false);
  });

  it('axisSegments lists every index once, with the taps that reach it', () => {
    for (const [size, s, f, d, pad, out] of [[28, 2, 3, 1, 0, 14], [9, 3, 5, 1, 2, 3], [7, 2, 3, 2, 2, 4], [4, 2, 7, 1, 3, 2], [8, 2, 1, 1, 0, 4]]) {
      const seen: number[] = [];
      for (const seg of axisSegments(size, s, f, d, pad, out)) {
        for (let i = 0; i < seg.count; i++) {
          const ih = seg.start + i * s;
          seen.push(ih);
          const want = Array.from({ length: f }, (_, k) => k).filter((k) => (ih + pad - k * d) % s === 0 && ih + pad - k * d >= 0 && (ih + pad - k * d) / s < out);
          expect(seg.taps.map((t) => t.k), `${[size, s, f, d, pad, out]} @${ih}`).toEqual(want);
          for (const t of seg.taps) expect(t.o + i).toBe((ih + pad - t.k * d) / s);
        }
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
    }
  });

  it('matches the cpu backend on hand-picked and 40 random strided shapes (gather on and off)', async () => {
    for (const gather of [true, false]) {
      depthwiseInputTuning.gather = gather;
      for (const [i, c] of [...HAND, ...stridedCases(31, 40)].entries()) {
        const r = rng(1300 + i);
        const dyv = randomValues(r, outShape(c));
        const wv = randomValues(r, c.f);
        const dx = await cpuAndWasm(inputGrad(c, dyv, wv));
        expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `gather=${gather} ${JSON.stringify(c)}`);
      }
    }
  });

  it('matches the in-place scatter with strides and dilations together (no forward op allows both)', async () => {
    await initBackend('wasm');
    const dilated: [Case, [number, number]][] = [
      [{ x: [2, 15, 13, 8], f: [3, 3, 8, 1], strides: [2, 2], pad: 'valid' }, [2, 2]],
      [{ x: [1, 12, 12, 16], f: [3, 5, 16, 2], strides: [2, 3], pad: [[0, 0], [2, 1], [0, 3], [0, 0]] }, [3, 2]],
      [{ x: [2, 9, 11, 4], f: [2, 3, 4, 1], strides: [3, 2], pad: 'same' }, [2, 1]],
    ];
    for (const [i, [c, dilations]] of dilated.entries()) {
      const dyShape = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides ?? 1, dilations, c.pad, undefined, true).outShape;
      const r = rng(1450 + i);
      const dyv = randomValues(r, dyShape);
      const wv = randomValues(r, c.f);
      const run = (gather: boolean) => {
        depthwiseInputTuning.gather = gather;
        return tf.tidy(() => {
          tf.fill(c.x, NaN).dispose();
          const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dyv, dyShape), filter: tf.tensor4d(wv, c.f) },
            { strides: c.strides, dilations, pad: c.pad, inputShape: c.x } as never) as tf.Tensor;
          return dx.dataSync() as Float32Array;
        });
      };
      expectClose(run(false), run(true), 1e-5, `dilated ${JSON.stringify(c)} ${dilations}`);
    }
  });

  it('a geometry\'s plan is kept, not its tensors: filters at other addresses, alive together, each give their own gradient', async () => {
    const c = HAND[0];
    const r = rng(1480);
    const dyv = randomValues(r, outShape(c));
    const wvs = [0, 1, 2].map(() => randomValues(r, c.f));
    const want: Float32Array[] = [];
    for (const wv of wvs) want.push((await runOn('cpu', dwInputGrad(c, dyv, wv)))[0]);
    await initBackend('wasm');
    // every filter stays alive, so each call's filter is at a new address while the geometry's plan is reused
    const filters = wvs.map((wv) => tf.tensor4d(wv, c.f));
    const dy = tf.tensor(dyv, outShape(c));
    for (const [i, filter] of filters.entries()) {
      const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides: c.strides, dilations: 1, pad: c.pad, inputShape: c.x } as never) as tf.Tensor;
      expectClose(want[i], dx.dataSync(), 1e-4, `filter ${i}`);
      dx.dispose();
    }
    tf.dispose([...filters, dy]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of [...HAND, ...stridedCases(32, 8)].entries()) {
      const r = rng(1400 + i);
      expectNoLeak(inputGrad(c, randomValues(r, outShape(c)), randomValues(r, c.f)), `gather ${JSON.stringify(c)}`);
    }
  });
});
