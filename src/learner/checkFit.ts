import { tf, type tfl } from '../backend/tf.js';
import type { Dataset } from '../data/dataset.js';
import type { ScheduleTable } from '../phases/phaseSchedule.js';
import type { TrainingPhase } from '../phases/trainingPhase.js';
import { isClassification } from './losses.js';

function isDataset(d: unknown): d is Dataset {
  return d !== null && typeof d === 'object' && typeof (d as Dataset).batches === 'function' && typeof (d as Dataset).length === 'number';
}

/** The training data of each phase: dataList[i], else phase.data, else the learner's train set. */
export function phaseData(phases: TrainingPhase[], dataList: Dataset[] | undefined, train: Dataset): Dataset[] {
  if (dataList !== undefined) {
    if (!Array.isArray(dataList)) throw new TypeError(`dataList is ${String(dataList)}; allowed: an array of Datasets, one per phase`);
    if (dataList.length < phases.length) {
      throw new RangeError(`dataList has ${dataList.length} datasets for ${phases.length} phases; allowed: one dataset per phase (at least ${phases.length})`);
    }
  }
  return phases.map((p, i) => {
    const d = dataList?.[i] ?? p.data ?? train;
    const where = dataList?.[i] ? `dataList[${i}]` : p.data ? `phases[${i}].data` : 'the learner\'s train data';
    if (!isDataset(d)) throw new TypeError(`${where} is not a Dataset; allowed: arrayDataset(...) or an object with length and batches()`);
    if (!(d.length > 0)) throw new RangeError(`${where} (phase ${i}) has ${d.length} batches; allowed: at least one batch`);
    return d;
  });
}

/**
 * Everything that must hold before training starts: a model with trainable weights, layer-group
 * counts that fit the schedule, optimizers that have the hypers the phases set, and data whose
 * inputs run through the model and whose labels match its output (no NaN, labels < classes).
 */
export async function checkFit(
  model: tfl.LayersModel,
  groups: number,
  phases: TrainingPhase[],
  table: ScheduleTable,
  datasets: Dataset[],
  lossName: string,
): Promise<void> {
  if (model.trainableWeights.length === 0) throw new RangeError('the model has no trainable weights; allowed: a model with at least one trainable layer');
  const tableGroups = table.lr[0].length;
  if (tableGroups > 1 && tableGroups !== groups) {
    throw new RangeError(`the phases give ${tableGroups} learning rates per iteration but the learner has ${groups} layer group(s); allowed: one lr per layer group (Learner option layerGroups) or a scalar lr`);
  }
  phases.forEach((p, i) => {
    if (p.beta !== undefined && typeof p.optimizer === 'string' && !['adam', 'adamw', 'rmsprop'].includes(p.optimizer)) {
      throw new RangeError(`phases[${i}].beta is ${p.beta} but optimizer '${p.optimizer}' has no beta; allowed: beta with 'adam', 'adamw' or 'rmsprop'`);
    }
  });
  for (const data of new Set(datasets)) await checkData(model, data, lossName, datasets.indexOf(data));
}

async function checkData(model: tfl.LayersModel, data: Dataset, lossName: string, phase: number): Promise<void> {
  const where = `the data of phase ${phase}`;
  let first = true;
  let labelMax = -Infinity;
  let labelMin = Infinity;
  let classes = 0;
  for (const { x, y } of data.batches(0)) {
    try {
      const stats = tf.tidy(() => tf.stack([
        tf.cast(tf.any(tf.logicalNot(tf.isFinite(tf.cast(x, 'float32')))), 'float32'),
        tf.cast(tf.any(tf.logicalNot(tf.isFinite(tf.cast(y, 'float32')))), 'float32'),
        tf.min(tf.cast(y, 'float32')),
        tf.max(tf.cast(y, 'float32')),
      ]));
      const [xBad, yBad, yMin, yMax] = await stats.data();
      stats.dispose();
      if (xBad) throw new RangeError(`${where} has NaN or Infinity in its inputs; allowed: finite values`);
      if (yBad) throw new RangeError(`${where} has NaN or Infinity in its labels; allowed: finite values`);
      labelMin = Math.min(labelMin, yMin);
      labelMax = Math.max(labelMax, yMax);
      if (first) {
        first = false;
        let out: tf.Tensor;
        try {
          out = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
        } catch (e) {
          throw new RangeError(`${where}: inputs of shape [${x.shape.join(', ')}] do not fit the model (${(e as Error).message.split('\n')[0]})`);
        }
        const outShape = out.shape;
        out.dispose();
        if (isClassification(lossName)) {
          if (outShape.length !== 2) throw new RangeError(`${where}: loss '${lossName}' needs a [batch, classes] output; the model outputs [${outShape.join(', ')}]`);
          classes = outShape[1];
          const oneHot = y.rank === 2 && y.shape[1] === classes;
          if (!(y.rank === 1 || oneHot)) {
            throw new RangeError(`${where}: labels of shape [${y.shape.join(', ')}] do not match the model's output [${outShape.join(', ')}]; allowed: integer labels [batch] or one-hot [batch, ${classes}]`);
          }
          if (oneHot) classes = 0;
        } else if (outShape.slice(1).join() !== y.shape.slice(1).join()) {
          throw new RangeError(`${where}: labels of shape [${y.shape.join(', ')}] do not match the model's output [${outShape.join(', ')}]`);
        }
      }
    } finally {
      tf.dispose([x, y]);
    }
  }
  if (classes > 0 && (labelMin < 0 || labelMax >= classes || !Number.isInteger(labelMax) || !Number.isInteger(labelMin))) {
    throw new RangeError(`${where} has labels from ${labelMin} to ${labelMax} but the model outputs ${classes} classes; allowed: integer labels in [0, ${classes - 1}]`);
  }
}
