/**
 * phasewise: fastai-style training phases for TensorFlow.js.
 *
 * Everything public is importable from 'phasewise'. See DESIGN.md / README.md for the tour.
 */
export { initBackend, backendInfo } from './backend/initBackend.js';
export type { BackendInfo, BackendPreference } from './backend/initBackend.js';
export { Optimizer, sgd, adam, adamw, rmsprop, lars, lbfgs, lrRange, layerGroups, SGD, Adam, RMSprop, LARS, LBFGS } from './optim/index.js';
export type {
  HyperName, Hypers, ParamGroup, ParamsInput, GradientsInput, OptimizerStateDict, ParamStateDict,
  SgdOptions, AdamOptions, RmspropOptions, LarsOptions, LbfgsOptions, LbfgsState, LbfgsStopReason,
} from './optim/index.js';
