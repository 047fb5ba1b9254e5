import { afterEach, describe, it } from 'vitest';
import { initBackend } from '../../../src/backend/initBackend.js';
import { depthwiseFilterTuning } from '../../../src/backend/wasm/depthwiseBackpropFilter.js';
import { cpuAndWasm, expectClose, expectNoLeak, randInt, randomValues, rng } from './helpers.js';
import { randomPad, type DwCase as Case, dwOutShape as outShape, dwFilterGrad as filterGrad } from './depthwiseCases.js';

/**
 * Multiplier-1 cases (the row kernels' domain): C = 4, 12 (one group per step) or 8, 32, 64 (two);
 * `strided`: strides 1-3 (maddk over the rows × triple interior, sweepImage for the rest).
 * Multiplier 2 (`M = 2`, maddr…m2 at any stride): C = 2, 6 (one group per step) or 4, 16, 32 (two).
 */
function cases(seed: number, count: number, strided = false, M = 1): Case[] {
  const r = rng(seed);
  const out: Case[] = M === 2 ? [{ x: [2, 28, 28, 32], f: [3, 3, 32, 2], pad: 'same' }, { x: [1, 13, 11, 6], f: [3, 3, 6, 2], pad: 'same', strides: [2, 2] }]
    : strided
    ? [{ x: [2, 28, 28, 64], f: [3, 3, 64, 1], pad: 'same', strides: [2, 2] }, { x: [1, 13, 11, 8], f: [3, 3, 8, 1], pad: 'same', strides: [2, 2] },
      { x: [2, 12, 14, 4], f: [5, 7, 4, 1], pad: [[0, 0], [1, 2], [3, 0], [0, 0]], strides: [3, 2] }, { x: [1, 9, 9, 12], f: [3, 3, 12, 1], pad: 'valid', strides: [2, 1] }]
    : [{ x: [2, 28, 28, 32], f: [3, 3, 32, 1], pad: 'same' }, { x: [1, 5, 3, 12], f: [3, 7, 12, 1], pad: 'same' }];
  while (out.length < count) {
    const kind = randInt(r, 0, 3);
    const pad = randomPad(r, kind, 3);
    const ch = (M === 2 ? [2, 4, 6, 16, 32] : [4, 8, 12, 32, 64])[randInt(r, 0, 4)];
    const s: [number, number] | undefined = strided ? [randInt(r, 1, 3), randInt(r, 1, 3)] : undefined;
    const c: Case = { x: [randInt(r, 1, 3), randInt(r, 1, 13), randInt(r, 1, 13), ch], f: [[1, 2, 3, 5][randInt(r, 0, 3)], [1, 2, 3, 4, 5, 7][randInt(r, 0, 5)], ch, M], pad, strides: s };
    const o = outShape(c);
    if (o[1] >= 1 && o[2] >= 1) out.push(c);
  }
  return out;
}

describe('wasm depthwise filter gradient, row kernels (simdFilterRows.ts: maddr stride 1, maddk strided, maddr…m2 multiplier 2)', () => {
  afterEach(() => {
    depthwiseFilterTuning.rows = true;
  });

  it('matches the cpu backend on 30 stride-1 and 30 strided shapes (row kernels on and off)', async () => {
    for (const rows of [true, false]) {
      depthwiseFilterTuning.rows = rows;
      for (const [i, c] of [...cases(41, 30), ...cases(43, 30, true)].entries()) {
        const r = rng(1500 + i);
        const dW = await cpuAndWasm(filterGrad(c, randomValues(r, c.x), randomValues(r, outShape(c))));
        expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `rows=${rows} ${JSON.stringify(c)}`);
      }
    }
  });

  it('matches the cpu backend with multiplier 2 on 30 shapes, strides 1-3 (row kernels on and off)', async () => {
    for (const rows of [true, false]) {
      depthwiseFilterTuning.rows = rows;
      for (const [i, c] of cases(45, 30, true, 2).entries()) {
        const r = rng(1700 + i);
        const dW = await cpuAndWasm(filterGrad(c, randomValues(r, c.x), randomValues(r, outShape(c))));
        expectClose(dW.cpu[0], dW.wasm[0], 1e-4, `M=2 rows=${rows} ${JSON.stringify(c)}`);
      }
    }
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await initBackend('wasm');
    for (const [i, c] of [...cases(42, 8), ...cases(44, 8, true), ...cases(46, 8, true, 2)].entries()) {
      const r = rng(1600 + i);
      expectNoLeak(filterGrad(c, randomValues(r, c.x), randomValues(r, outShape(c))), `rows ${JSON.stringify(c)}`);
    }
  });
});
