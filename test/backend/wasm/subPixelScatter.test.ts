import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { subPixelTuning } from '../../../src/backend/wasm/subPixelInput.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';

function inputGrad(x: number[], f: number[], s: [number, number], pad: 'same' | 'valid', dyv: Float32Array, wv: Float32Array) {
  const out = tf.backend_util.computeConv2DInfo(x as never, f as never, s, 1, pad).outShape;
  return () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, out), filter: tf.tensor(wv, f) },
    { strides: s, pad, inputShape: x, dataFormat: 'NHWC' } as never) as tf.Tensor;
}

describe('strided conv input gradient: the SIMD row scatter of each phase into dx', () => {
  it('matches the scalar scatter exactly and the cpu backend (random strides 1–3, paddings, channels 1–12)', async () => {
    const r = rng(4242);
    for (let t = 0; t < 30; t++) {
      const C = randInt(r, 1, 3) * (r() < 0.7 ? 4 : 1) + (r() < 0.2 ? 1 : 0);
      const x = [randInt(r, 1, 3), randInt(r, 3, 15), randInt(r, 3, 15), C];
      const f = [randInt(r, 1, 3), randInt(r, 1, 3), C, randInt(r, 1, 9)];
      const s: [number, number] = [randInt(r, 1, 3), randInt(r, 1, 3)];
      const pad = r() < 0.5 ? 'same' : 'valid';
      const out = tf.backend_util.computeConv2DInfo(x as never, f as never, s, 1, pad).outShape;
      const run = inputGrad(x, f, s, pad, randomValues(r, out), randomValues(r, f));
      const label = JSON.stringify({ x, f, s, pad });
      const both = await cpuAndWasm(run);
      expectClose(both.cpu[0], both.wasm[0], 1e-5, label);
      subPixelTuning.simd = false;
      try {
        await initBackend('wasm');
        const scalar = tf.tidy(run);
        expect(Array.from(scalar.dataSync()), label).toEqual(Array.from(both.wasm[0]));
        scalar.dispose();
      } finally {
        subPixelTuning.simd = true;
      }
    }
  });

  it('leaks nothing', async () => {
    await initBackend('wasm');
    const r = rng(7);
    expectNoLeak(inputGrad([2, 14, 14, 8], [3, 3, 8, 16], [2, 2], 'same', randomValues(r, [2, 7, 7, 16]), randomValues(r, [3, 3, 8, 16])), 'stride 2');
  });
});
