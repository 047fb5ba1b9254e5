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

export { arrayDataset } from './data/arrayDataset.js';
export type { ArrayDatasetOptions } from './data/arrayDataset.js';
export type { Dataset, Batch } from './data/dataset.js';
export { loadDigits } from './data/loadDigits.js';
export { loadIdx } from './data/loadIdx.js';
export { trainValidSplit } from './data/split.js';
export { resizeImages } from './data/resizeImages.js';

export { Learner } from './learner/learner.js';
export type { LearnerOptions } from './learner/learner.js';
export type { FitOptions } from './learner/fitLoop.js';
export { Recorder } from './learner/recorder.js';
export type { EpochRecord } from './learner/recorder.js';
export { CancelBatchError, CancelEpochError, CancelFitError, EVENTS } from './learner/events.js';
export type { Callback, FitContext, EventName } from './learner/events.js';
export { softmaxCrossEntropy, sparseCategoricalCrossentropy, meanSquaredError, accuracy } from './learner/losses.js';
export type { LossFn, MetricFn, LossName } from './learner/losses.js';
export { lrSuggestions } from './learner/suggestions.js';
export type { LrSuggestions } from './learner/suggestions.js';
export type { LrFindOptions, LrFindResult } from './learner/lrFind.js';
export { oneCycleFitPhases, sgdrFitPhases } from './learner/fitPresets.js';
export type { OneCycleOptions, SgdrOptions } from './learner/fitPresets.js';
export { SmoothLoss, Divergence } from './learner/smoothLoss.js';
export { fixBatchNorm } from './learner/swa.js';
export type { SwaOptions } from './learner/swa.js';
export { saveModel, loadWeightsInto } from './learner/checkpoint.js';
export { registerWasmTrainingKernels } from './backend/wasm/registerWasmTrainingKernels.js';
export { simpleCnn } from './learner/simpleCnn.js';
export type { SimpleCnnOptions } from './learner/simpleCnn.js';
export { tf, tfl } from './backend/tf.js';
export { plotLosses } from './plot/plotLosses.js';
export type { LossRecord } from './plot/plotLosses.js';
export { plotLrFind } from './plot/plotLrFind.js';
export type { LrFindCurve, PlotLrFindOptions } from './plot/plotLrFind.js';

export { hookOutputs } from './hooks/hookOutputs.js';
export type { OutputHooks } from './hooks/hookOutputs.js';
export { featureModel } from './hooks/featureModel.js';
export { vgg16, vgg19, vggLayerNames, blockEnds } from './style/vgg.js';
export type { VggOptions } from './style/vgg.js';
export { setLayerWeights } from './style/layerWeights.js';
export type { LayerWeights, WeightArray } from './style/layerWeights.js';
export { readH5Weights } from './style/h5Weights.js';
export { loadLayersModelDir } from './style/loadLayersModelDir.js';
export { preprocess, deprocess, CAFFE_MEAN_BGR, IMAGENET_MEAN, IMAGENET_STD } from './style/preprocess.js';
export type { PreprocessMode } from './style/preprocess.js';
export { gramMatrix, gramDiagonal } from './style/gramMatrix.js';
export { contentLoss, styleLoss, tvLoss } from './style/losses.js';
export type { StyleLossOptions } from './style/losses.js';
export { medianNoise, medianFilter } from './style/medianNoise.js';
export { preserveColor } from './style/preserveColor.js';
export { readImage, writeImage, MAX_IMAGE_SIZE } from './style/image.js';
export type { ReadImageOptions } from './style/image.js';
export { styleTransfer } from './style/styleTransfer.js';
export type { StyleTransferOptions, StyleProgress, ImageInput } from './style/styleOptions.js';
