import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { depthwiseForwardTuning } from '../../../src/backend/wasm/depthwiseForward.js';
import { relaxedSimdTuning } from '../../../src/backend/wasm/relaxedSimd.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';
import { randomPad, type DwCase as Case } from './depthwiseCases.js';

/** The forward kernel on a heap first filled with NaN (an output the kernel never writes shows). */
function forward(c: Case, xv: Float32Array, wv: Float32Array) {
  return () => {
    tf.fill([c.x[0], c.x[1] + 8, c.x[2] + 8, c.x[3]], NaN).dispose();
    return tf.engine().runKernel('DepthwiseConv2dNative', { x: tf.tensor4d(xv, c.x), filter: tf.tensor4d(wv, c.f) },
      { strides: c.strides ?? 1, dilations: c.dilations ?? 1, pad: c.pad, dataFormat: 'NHWC' } as never) as tf.Tensor;
  };
}

/** Random cases: multipliers 1 and 2 with `C % 4 == 0` (the generated path) and some others (the stock path). */
function cases(seed: number, count: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  while (out.length < count) {
    const kind = randInt(r, 0, 3);
    const pad = randomPad(r, kind, 3);
    const ch = [4, 8, 16, 32, 3, 5][randInt(r, 0, out.length % 5 === 4 ? 5 : 3)];
    const dilated = randInt(r, 0, 3) === 0;
    const c: Case = {
      x: [randInt(r, 1, 3), randInt(r, 1, 13), randInt(r, 1, 13), ch],
      f: [randInt(r, 1, 5), randInt(r, 1, 5), ch, out.length % 3 === 2 ? 2 : 1],
      pad,
      strides: dilated ? [1, 1] : [randInt(r, 1, 3), randInt(r, 1, 3)],
      dilations: dilated ? [randInt(r, 1, 3), randInt(r, 1, 3)] : undefined,
    };
    const o = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides!, c.dilations ?? 1, c.pad, undefined, true);
    // stock tfjs-backend-wasm leaves outputs unwritten for an integer pad when tfjs sizes the output
    // from the filter height and stride height alone (non-square filter or strides): not this kernel's cases
    const stock = ch % 4 !== 0;
    const quirk = typeof pad === 'number' && (c.f[0] !== c.f[1] || c.strides![0] !== c.strides![1]);
    if (o.outHeight >= 1 && o.outWidth >= 1 && !(stock && quirk)) out.push(c);
  }
  return out;
}

const HAND: Case[] = [
  { x: [2, 28, 28, 32], f: [3, 3, 32, 1], pad: 'same' }, // the bench case
  { x: [2, 28, 28, 64], f: [3, 3, 64, 1], pad: 'same', strides: [2, 2] },
  { x: [2, 14, 14, 16], f: [3, 3, 16, 2], pad: 'same' }, // multiplier 2: the input's lanes duplicated
  { x: [1, 9, 8, 8], f: [5, 3, 8, 2], pad: 'valid', dilations: [1, 2] },
  { x: [1, 7, 7, 8], f: [7, 7, 8, 1], pad: 'same' }, // 49 taps in the interior: more than a generated call takes → stock
  { x: [1, 2, 3, 4], f: [3, 3, 4, 1], pad: [[0, 0], [3, 3], [3, 3], [0, 0]] }, // outputs that no tap reaches: 0
  { x: [2, 9, 9, 12], f: [3, 3, 12, 1], pad: 'valid', dilations: [2, 2] },
  { x: [1, 4, 7, 8], f: [1, 2, 8, 1], pad: 1, strides: [1, 3] }, // integer pad, tfjs' sizing (stock wasm gets it wrong)
];

describe('wasm DepthwiseConv2dNative, multipliers 1 and 2 by generated gather kernels (depthwiseForward.ts)', () => {
  afterEach(() => {
    depthwiseForwardTuning.positions = 4;
    depthwiseForwardTuning.strided = false;
    relaxedSimdTuning.enabled = true;
  });

  it('matches the cpu backend on hand-picked and 40 random shapes (paddings, strides — taken here too —, dilations; other channels and multipliers by the stock kernel)', async () => {
    depthwiseForwardTuning.strided = true;
    for (const [i, c] of [...HAND, ...cases(71, 40)].entries()) {
      const r = rng(2000 + i);
      const [xv, wv] = [randomValues(r, c.x), randomValues(r, c.f)];
      depthwiseForwardTuning.positions = 1 + (i % 5);
      relaxedSimdTuning.enabled = i % 2 === 0;
      const y = await cpuAndWasm(forward(c, xv, wv));
      expectClose(y.cpu[0], y.wasm[0], 1e-5, `P ${depthwiseForwardTuning.positions} ${JSON.stringify(c)}`);
    }
  });

  it('agrees with the stock kernel and gives the same gradients through tf.grad of a depthwise layer', async () => {
    await initBackend('wasm');
    for (const c of [{ x: [2, 14, 14, 16], f: [3, 3, 16, 1], pad: 'same' }, { x: [2, 14, 14, 16], f: [3, 3, 16, 2], pad: 'same' }] as Case[]) {
      const r = rng(2100 + c.f[3]);
      const [xv, wv] = [randomValues(r, c.x), randomValues(r, c.f)];
      const run = (P: number) => {
        depthwiseForwardTuning.positions = P;
        return tf.tidy(() => {
          const [x, w] = [tf.tensor4d(xv, c.x), tf.tensor4d(wv, c.f)];
          const y = tf.depthwiseConv2d(x, w, 1, 'same');
          const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))))([x, w]);
          return [y, gx, gw].map((t) => Array.from(t.dataSync()));
        });
      };
      const [ours, stock] = [run(4), run(0)];
      ours.forEach((v, k) => expectClose(stock[k], v, 1e-5, `multiplier ${c.f[3]} output ${k}`));
    }
  });

  it('by default: strided multiplier-1 layers by the stock kernel, but an integer pad (which it gets wrong) and multiplier 2 by the generated one', async () => {
    for (const [i, c] of [
      { x: [2, 13, 13, 16], f: [3, 3, 16, 1], pad: 'same', strides: [2, 2] },
      { x: [2, 13, 13, 16], f: [3, 3, 16, 2], pad: 'same', strides: [2, 2] }, // multiplier 2: the generated kernels at every stride
      { x: [1, 4, 7, 8], f: [1, 2, 8, 1], pad: 1, strides: [1, 3] },
      { x: [1, 9, 8, 4], f: [3, 2, 4, 1], pad: 2, strides: [2, 1] },
    ].entries() as IterableIterator<[number, Case]>) {
      const r = rng(2300 + i);
      const y = await cpuAndWasm(forward(c, randomValues(r, c.x), randomValues(r, c.f)));
      expectClose(y.cpu[0], y.wasm[0], 1e-5, JSON.stringify(c));
    }
  });

  it('on the stock path (C % 4 ≠ 0), an integer pad with a non-square filter or strides is an error naming the explicit padding', async () => {
    await initBackend('wasm');
    const [x, w] = [tf.ones([1, 4, 7, 5]), tf.ones([1, 2, 5, 1])];
    const before = tf.memory().numTensors;
    expect(() => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, [1, 3], 1)).toThrow(
      /^DepthwiseConv2dNative: pad is 1 with filter 1×2 and strides \[1,3\]; .* \[\[0, 0\], \[1, 1\], \[1, 1\], \[0, 0\]\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of HAND.entries()) {
      const r = rng(2200 + i);
      expectNoLeak(forward(c, randomValues(r, c.x), randomValues(r, c.f)), JSON.stringify(c));
    }
  });

  it('rejects a bad stride with an error naming it', async () => {
    await initBackend('wasm');
    const x = tf.zeros([1, 4, 4, 4]);
    const w = tf.zeros([3, 3, 4, 1]);
    expect(() => tf.engine().runKernel('DepthwiseConv2dNative', { x, filter: w }, { strides: 0, dilations: 1, pad: 'same' } as never))
      .toThrow(/DepthwiseConv2dNative: strides is 0; allowed: a positive integer/);
    tf.dispose([x, w]);
  });
});
