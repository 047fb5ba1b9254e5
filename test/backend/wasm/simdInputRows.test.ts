import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { depthwiseInputTuning } from '../../../src/backend/wasm/depthwiseBackpropInput.js';
import { gatherTuning } from '../../../src/backend/wasm/depthwiseGather.js';
import { depthwiseKernels } from '../../../src/backend/wasm/simdDepthwise.js';
import { inputRowKernels } from '../../../src/backend/wasm/simdInputRows.js';
import { heapAddress, type WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';
import { cpuAndWasm, expectClose, randomValues, rng } from './helpers.js';
import { dwInputGrad, dwOutShape, type DwCase } from './depthwiseCases.js';

describe('depthwise input-gradient row kernel, multiplier 2 (simdInputRows.ts)', () => {
  it('gives bitwise the sums of maxpy2 (triples and single taps, 1 to 29 positions, several rows)', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const rows = inputRowKernels(backend);
    const maxpy2 = depthwiseKernels(backend)?.maxpy[2];
    expect(rows).toBeDefined();
    const r = rng(31);
    const [C, W, R] = [16, 33, 4];
    const at = (t: tf.Tensor) => heapAddress(backend, t as never);
    for (const n of [1, 2, 3, 7, 29]) {
      for (const [o1, o2] of [[4 * C, 8 * C], [0, 0], [8 * C, 16 * C]]) {
        const xv = randomValues(r, [R * W * C]);
        const [a, b] = [tf.tensor(xv), tf.tensor(xv)];
        const d = tf.tensor(randomValues(r, [R * n * 2 * C]));
        const w = tf.tensor(randomValues(r, [3 * 2 * C]));
        const args = (x: tf.Tensor) => [at(x), o1, o2, 4 * W * C, 4 * C, at(d), 4 * n * 2 * C, at(w), 8 * C, 8 * C, 4 * n * 2 * C, R] as const;
        rows!(...args(a));
        maxpy2!(...args(b));
        expect(Array.from(a.dataSync()), `n ${n} o1 ${o1}`).toEqual(Array.from(b.dataSync()));
        expect(Array.from(a.dataSync())).not.toEqual(Array.from(xv));
        tf.dispose([a, b, d, w]);
      }
    }
  });

  it('through the kernel: DepthwiseConv2dNativeBackpropInput with multiplier 2 matches the cpu backend, rows on and off', async () => {
    gatherTuning.generated = 0; // stride 1, multiplier 2 takes the in-place path only without the generated gather
    const cases: DwCase[] = [
      { x: [2, 28, 28, 16], f: [3, 3, 16, 2], pad: 'same' },
      { x: [3, 13, 11, 6], f: [3, 5, 6, 2], pad: 'valid', strides: [2, 1] },
      { x: [1, 9, 10, 2], f: [2, 3, 2, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]], strides: [1, 2] },
    ];
    for (const on of [true, false]) {
      depthwiseInputTuning.rows = on;
      for (const [i, c] of cases.entries()) {
        const r = rng(60 + i);
        const dx = await cpuAndWasm(dwInputGrad(c, randomValues(r, dwOutShape(c)), randomValues(r, c.f)));
        expectClose(dx.cpu[0], dx.wasm[0], 1e-4, `rows=${on} ${JSON.stringify(c)}`);
      }
    }
    depthwiseInputTuning.rows = true;
    gatherTuning.generated = 4;
  });
});
