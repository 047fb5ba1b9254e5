import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { depthwiseFilterTuning } from '../../../src/backend/wasm/depthwiseBackpropFilter.js';
import { genTuning } from '../../../src/backend/wasm/depthwiseFilterGen.js';
import { relaxedSimdTuning } from '../../../src/backend/wasm/relaxedSimd.js';
import { tapRanges } from '../../../src/backend/wasm/depthwiseFilterGenSweep.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';
import { randomPad, type DwCase as Case, dwOutShape as outShape, dwFilterGrad as filterGrad } from './depthwiseCases.js';

/** Cases with multiplier `M` and at most 9 taps (the generated path's domain), mostly strided, some with dilations. */
function cases(seed: number, count: number, M = 1): Case[] {
  const r = rng(seed);
  const out: Case[] = [{ x: [2, 28, 28, 64], f: [3, 3, 64, 1], pad: 'same', strides: [2, 2] }, { x: [1, 13, 11, 8], f: [3, 3, 8, 1], pad: 'same', strides: [2, 2] },
    { x: [2, 12, 14, 4], f: [1, 7, 4, 1], pad: [[0, 0], [1, 2], [3, 0], [0, 0]], strides: [3, 2] }, { x: [1, 9, 9, 12], f: [3, 3, 12, 1], pad: 'valid', strides: [2, 1] },
    { x: [1, 3, 3, 4], f: [3, 3, 4, 1], pad: 'same', strides: [2, 2] }, { x: [1, 2, 2, 4], f: [3, 3, 4, 1], pad: 3, strides: [2, 2] }];
  if (M !== 1) out.splice(0, out.length, ...out.map((c) => ({ ...c, f: [c.f[0], c.f[1], c.f[2], M] as Case['f'] })));
  while (out.length < count) {
    const kind = randInt(r, 0, 3);
    const pad = randomPad(r, kind, 3);
    const ch = [4, 8, 12, 32, 64][randInt(r, 0, 4)];
    const s: [number, number] = [randInt(r, 1, 3), randInt(r, 2, 3)];
    const fh = randInt(r, 1, 3);
    const fw = randInt(r, 1, Math.floor(9 / fh));
    const d: [number, number] | undefined = kind === 1 && randInt(r, 0, 1) ? [randInt(r, 1, 2), randInt(r, 1, 2)] : undefined;
    const c: Case = { x: [randInt(r, 1, 3), randInt(r, 1, 13), randInt(r, 1, 13), ch], f: [fh, fw, ch, M], pad: d ? 'valid' : pad, strides: d ? [1, 1] : s, dilations: d };
    if (d) c.strides = [1, 1];
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1 && (c.strides![0] > 1 || c.strides![1] > 1 || out.length % 4 === 0)) out.push(c);
  }
  return out;
}

describe('wasm depthwise filter gradient, per-geometry generated kernels (depthwiseFilterGen.ts)', () => {
  afterEach(() => {
    depthwiseFilterTuning.generated = true;
    genTuning.touch = true;
    genTuning.unroll = 0;
    genTuning.stream = 2;
    genTuning.reuse = true;
    relaxedSimdTuning.enabled = true;
  });

  it('splits output indices into ranges of constant valid taps', () => {
    // 14 outputs, stride 2, 3 taps, no padding, input 28: tap 2 is out of range at the last output
    expect(tapRanges(14, 2, 1, 0, 28, 3)).toEqual([{ lo: 0, hi: 13, ks: [0, 1, 2] }, { lo: 13, hi: 14, ks: [0, 1] }]);
    expect(tapRanges(3, 1, 1, 1, 3, 3)).toEqual([{ lo: 0, hi: 1, ks: [1, 2] }, { lo: 1, hi: 2, ks: [0, 1, 2] }, { lo: 2, hi: 3, ks: [0, 1] }]);
  });

  it('matches the cpu backend on 40 shapes (channels-innermost body with 1-3 positions per block, fused or not; register body; generated off)', async () => {
    // [generated, stream (positions per block; 0: the register-accumulating body), touch, unroll, fma]
    const modes: [boolean, number, boolean, number, boolean][] = [[true, 2, true, 0, true], [true, 1, true, 0, true], [true, 3, true, 0, true],
      [true, 2, true, 0, false], [false, 2, true, 0, true], [true, 0, true, 0, true], [true, 0, false, 0, true], [true, 0, true, 1e9, true]];
    for (const [k, [generated, stream, touch, unroll, fma]] of modes.entries()) {
      depthwiseFilterTuning.generated = generated;
      genTuning.stream = stream;
      genTuning.touch = touch;
      genTuning.unroll = unroll;
      relaxedSimdTuning.enabled = fma;
      for (const [i, c] of cases(51, k === 0 ? 40 : 12).entries()) {
        const r = rng(1700 + i);
        const dW = await cpuAndWasm(filterGrad(c, randomValues(r, c.x), randomValues(r, outShape(c))));
        expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `mode ${JSON.stringify(modes[k])} ${JSON.stringify(c)}`);
      }
    }
  });

  it('multiplier 2 (channels-innermost body, x lanes duplicated): matches the cpu backend on 24 shapes, 1-3 positions per block, fused or not', async () => {
    for (const [stream, fma] of [[2, true], [1, false], [3, true], [2, false]] as const) {
      genTuning.stream = stream;
      relaxedSimdTuning.enabled = fma;
      for (const [i, c] of cases(57, stream === 2 && fma ? 24 : 10, 2).entries()) {
        const r = rng(1800 + i);
        const dW = await cpuAndWasm(filterGrad(c, randomValues(r, c.x), randomValues(r, outShape(c))));
        expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `M = 2, stream ${stream}, fma ${fma} ${JSON.stringify(c)}`);
      }
    }
  });

  it('loads each x vector once per block or once per use, with bitwise the same sums (multipliers 1 and 2, 2-4 positions per block)', async () => {
    await initBackend('wasm');
    for (const [i, c] of [...cases(59, 8), ...cases(61, 6, 2)].entries()) {
      const r = rng(1900 + i);
      const [x, dy] = [randomValues(r, c.x), randomValues(r, outShape(c))];
      genTuning.stream = 2 + (i % 3);
      const run = (reuse: boolean) => {
        genTuning.reuse = reuse;
        return tf.tidy(() => filterGrad(c, x, dy)().dataSync().slice() as Float32Array);
      };
      expect(Array.from(run(true)), JSON.stringify(c)).toEqual(Array.from(run(false)));
    }
  });

  it('gives the same filter gradient with the channels-innermost and the register-accumulating bodies (mul + add: the same products, other order)', async () => {
    await initBackend('wasm');
    relaxedSimdTuning.enabled = false;
    for (const [i, c] of cases(53, 8).entries()) {
      const r = rng(1900 + i);
      const [x, dy] = [randomValues(r, c.x), randomValues(r, outShape(c))];
      const run = (stream: number) => {
        genTuning.stream = stream;
        let v: Float32Array = new Float32Array(0);
        tf.tidy(() => {
          v = filterGrad(c, x, dy)().dataSync().slice() as Float32Array;
        });
        return v;
      };
      expectClose(run(0), run(2), 1e-5, JSON.stringify(c));
    }
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of cases(52, 10).entries()) {
      const r = rng(1800 + i);
      expectNoLeak(filterGrad(c, randomValues(r, c.x), randomValues(r, outShape(c))), `generated ${JSON.stringify(c)}`);
    }
  });
});
