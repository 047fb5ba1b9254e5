/**
 * phasewise: fastai-style training phases for TensorFlow.js.
 *
 * Everything public is importable from 'phasewise'. See README.md for the tour.
 */
export { initBackend, backendInfo } from './backend/initBackend.js';
export type { BackendInfo, BackendPreference } from './backend/initBackend.js';

export { annealNone, annealLinear, annealCos, annealExp, annealPoly } from './schedules/annealers.js';
export type { Annealer } from './schedules/annealers.js';
export { combineScheds } from './schedules/combineScheds.js';
export { annealerFor, checkDecay } from './schedules/decay.js';
export type { Decay, DecayName } from './schedules/decay.js';

export { TrainingPhase, OPTIMIZER_NAMES } from './phases/trainingPhase.js';
export type { TrainingPhaseOptions, OptimizerName, OptimizerFactory, OptimizerSpec } from './phases/trainingPhase.js';
export type { PerGroup } from './phases/checks.js';
export { phaseSchedule, phaseBatches } from './phases/phaseSchedule.js';
export type { ScheduleTable } from './phases/phaseSchedule.js';
export { sgdrPhases, oneCyclePhases } from './phases/presets.js';
export type { SgdrPhasesOptions, OneCyclePhasesOptions } from './phases/presets.js';

export { plotLr } from './plot/plotLr.js';
export type { PlotLrOptions, LrRecord } from './plot/plotLr.js';
export { renderSvg, renderPng } from './plot/render.js';
export type { RenderPngOptions } from './plot/render.js';
export { display, VEGA_LITE_MIME } from './plot/display.js';
export type { VegaLiteSpec } from './plot/spec.js';
export { Optimizer, sgd, adam, adamw, rmsprop, lars, lbfgs, lrRange, layerGroups, SGD, Adam, RMSprop, LARS, LBFGS } from './optim/index.js';
export type {
  HyperName, Hypers, ParamGroup, ParamsInput, GradientsInput, OptimizerStateDict, ParamStateDict,
  SgdOptions, AdamOptions, RmspropOptions, LarsOptions, LbfgsOptions, LbfgsState, LbfgsStopReason,
} from './optim/index.js';
