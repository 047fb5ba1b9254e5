/**
 * phasewise: fastai-style training phases for TensorFlow.js.
 *
 * Everything public is importable from 'phasewise'. See DESIGN.md / README.md for the tour.
 */
export { initBackend, backendInfo } from './backend/initBackend.js';
export type { BackendInfo, BackendPreference } from './backend/initBackend.js';
export { registerWasmTrainingKernels } from './backend/wasm/registerWasmTrainingKernels.js';
