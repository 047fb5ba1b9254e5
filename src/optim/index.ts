/** phasewise optimizers: param groups, per-step hypers, PyTorch-exact updates. */
export { Optimizer } from './optimizer.js';
export type { ParamState, UpdateResult } from './optimizer.js';
export { sgd, SGD } from './sgd.js';
export type { SgdOptions } from './sgd.js';
export { adam, adamw, Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { rmsprop, RMSprop } from './rmsprop.js';
export type { RmspropOptions } from './rmsprop.js';
export { lars, LARS } from './lars.js';
export type { LarsOptions } from './lars.js';
export { lbfgs, LBFGS } from './lbfgs.js';
export type { LbfgsOptions, LbfgsState, LbfgsStopReason } from './lbfgs.js';
export { lrRange } from './lrRange.js';
export { layerGroups } from './layerGroups.js';
export type { HyperName, Hypers, ParamGroup, ParamsInput, GradientsInput, OptimizerStateDict, ParamStateDict } from './types.js';
