import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { convGeometry } from '../../../src/backend/wasm/convGeometry.js';
import { fillPhasePlanes, phaseGrid } from '../../../src/backend/wasm/phasePlanes.js';
import { fillPhasePlanesOnHeap } from '../../../src/backend/wasm/phasePlanesSimd.js';
import { transposeKernels } from '../../../src/backend/wasm/simdTranspose.js';
import { f32, type WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';
import { randInt, randomValues, rng } from './helpers.js';

/** The planes straight from their definition (phasePlanes.ts): every (phase, channel, grid position). */
function referencePlanes(x: Float32Array, g: ReturnType<typeof convGeometry>, grid: ReturnType<typeof phaseGrid>, n0: number): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: C, strideHeight: SH, strideWidth: SW, padTop, padLeft } = g;
  const out = new Float32Array(grid.planeFloats);
  for (let a = 0; a < SH; a++) for (let b = 0; b < SW; b++) for (let ci = 0; ci < C; ci++) {
    for (let n = 0; n < grid.images; n++) for (let i = 0; i < grid.Hg; i++) for (let j = 0; j < grid.Wg; j++) {
      const ih = i * SH + a - padTop;
      const iw = j * SW + b - padLeft;
      const v = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[(((n0 + n) * H + ih) * W + iw) * C + ci] : 0;
      out[((a * SW + b) * C + ci) * grid.stride + (n * grid.Hg + i) * grid.Wg + j] = v;
    }
  }
  return out;
}

describe('phase planes with the SIMD transposing scatter', () => {
  it('equal their definition and the scalar fill exactly (random geometries: strides 1–3, paddings, dilations, widths not a multiple of 4, image groups)', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    expect(transposeKernels(backend)).toBeDefined();
    const r = rng(31);
    for (let t = 0; t < 40; t++) {
      const C = 4 * randInt(r, 1, 6);
      const N = randInt(r, 1, 3);
      const H = randInt(r, 1, 13);
      const W = randInt(r, 1, 17);
      const F = randInt(r, 1, 4);
      const s = randInt(r, 1, 3);
      const d = randInt(r, 1, 2);
      const pad = r() < 0.5 ? 'same' : 'valid';
      if (pad === 'valid' && (H < (F - 1) * d + 1 || W < (F - 1) * d + 1)) continue;
      const g = convGeometry('test', [N, H, W, C], [F, F, C, 8], { strides: s, pad, dilations: d }, false);
      if (g.outHeight <= 0 || g.outWidth <= 0) continue;
      const n0 = randInt(r, 0, N - 1);
      const grid = phaseGrid(g, N - n0);
      const x = tf.tensor(randomValues(r, [N, H, W, C]), [N, H, W, C]);
      const want = referencePlanes(x.dataSync() as Float32Array, g, grid, n0);
      const scalar = new Float32Array(grid.planeFloats).fill(NaN);
      fillPhasePlanes(x.dataSync() as Float32Array, g, grid, scalar, n0);
      expect(Array.from(scalar), 'scalar fill').toEqual(Array.from(want));
      const planes = backend.makeOutput([grid.planeFloats], 'float32');
      f32(backend, planes).fill(NaN); // every entry must be written (values or 0)
      fillPhasePlanesOnHeap(backend, (x as unknown as { dataId: object; shape: number[]; dtype: 'float32' }), g, grid, planes, n0);
      const got = f32(backend, planes);
      const label = `N${N} ${H}x${W}x${C} f${F} s${s} d${d} ${pad} n0=${n0}`;
      expect(Array.from(got), label).toEqual(Array.from(want));
      backend.disposeData(planes.dataId);
      x.dispose();
    }
  });
});
