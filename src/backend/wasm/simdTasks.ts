/**
 * The tasks a {@link simdPool} worker can run, by name: functions of `(backend, job)` whose job is
 * plain data (byte addresses, a geometry, an image range). The worker calls them with a stand-in
 * backend that has only the shared wasm memory.
 *
 * @example
 * ```ts
 * SIMD_TASKS.depthwiseInput(backend, { g, dx, d, wt, n0: 32, n1: 64, maxpy: { module: 'maxpy', key: 2 } });
 * ```
 */
import { depthwiseGenImages } from './depthwiseFilterGenSweep.js';
import { phasePlanesImages } from './phasePlanesSimd.js';
import { smallKImages } from './smallKFilter.js';
import { outerFilterImages } from './outerFilter.js';
import { foldImages } from './outerLayout.js';
import { directConvRows } from './directConv.js';
import { directCalls } from './directMatMul.js';
import { winogradTransform } from './winograd.js';
import { elementwiseRange } from './elementwise.js';
import { depthwiseGatherImages } from './depthwiseGather.js';
import { depthwiseGatherGenImages } from './depthwiseGatherGen.js';
import { depthwiseForwardImages } from './depthwiseForward.js';
import { depthwiseFilterImages, depthwiseInputImages } from './depthwiseInPlaceRun.js';
import type { WasmBackend } from './wasmHeap.js';

/** Task functions by name. */
export const SIMD_TASKS: Record<string, (backend: WasmBackend, job: never) => void> = {
  depthwiseFilter: depthwiseFilterImages,
  depthwiseInput: depthwiseInputImages,
  depthwiseGather: (backend, job) => depthwiseGatherImages(backend, job),
  depthwiseGatherGen: depthwiseGatherGenImages,
  depthwiseForward: depthwiseForwardImages,
  depthwiseGenerated: depthwiseGenImages,
  smallKFilter: (backend, job) => smallKImages(backend, job),
  phasePlanes: phasePlanesImages,
  outerFilter: (backend, job) => outerFilterImages(backend, job),
  outerFold: foldImages,
  directConv: (backend, job) => directConvRows(backend, job),
  directCalls: (backend, job) => directCalls(backend, job),
  winograd: (backend, job) => winogradTransform(backend, job),
  elementwise: elementwiseRange,
};
