/**
 * {@link fillPhasePlanes} on the wasm heap with the SIMD transposing scatter of simdTranspose.ts:
 * the same planes (`planes[((a·sw + b)·C + ci)·S + q] = x[n, i·sh + a - padTop, j·sw + b - padLeft, ci]`,
 * 0 outside x), 4 pixels × 4 channels per step — ~4× less time than the scalar loop on 64×28²×32.
 * Needs `C % 4 == 0` and wasm SIMD; otherwise it runs the scalar fillPhasePlanes.
 *
 * @example
 * ```ts
 * fillPhasePlanesOnHeap(backend, x, g, grid, planes, n0);   // planes: a tensor of grid.planeFloats floats
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { copyRun, fillPhasePlanes, forEachPlaneRun, type PhaseGrid } from './phasePlanes.js';
import { transposeKernels } from './simdTranspose.js';
import { f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Tuning: use the SIMD scatter (false: always the scalar loop, for tests). */
export const phasePlanesTuning = { simd: true };

/** Fill the `planes` tensor from images `[n0, n0 + grid.images)` of the NHWC tensor `x` (see the module comment). */
export function fillPhasePlanesOnHeap(backend: WasmBackend, x: TensorInfo, g: ConvGeometry, grid: PhaseGrid, planes: TensorInfo, n0 = 0): void {
  const C = g.inChannels;
  const k = phasePlanesTuning.simd && C % 4 === 0 ? transposeKernels(backend) : undefined;
  const xs = f32(backend, x);
  const ps = f32(backend, planes);
  if (!k) {
    fillPhasePlanes(xs, g, grid, ps, n0);
    return;
  }
  ps.fill(0, 0, grid.planeFloats);
  const xAddr = heapAddress(backend, x);
  const pAddr = heapAddress(backend, planes);
  const stride = grid.stride;
  forEachPlaneRun(g, grid, n0, (s0, d0, count, step) => {
    const n4 = count >> 2;
    if (n4 > 0) k.tr4(xAddr + 4 * s0, 4 * step, pAddr + 4 * d0, 4 * stride, 4 * C, n4);
    copyRun(xs, ps, C, stride, s0, d0, 4 * n4, count, step); // the last count % 4 pixels
  });
}
