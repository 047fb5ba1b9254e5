import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tf, type tfl } from '../backend/tf.js';

/**
 * Save a layers model in TensorFlow.js format (model.json + weights.bin) with fs, no network.
 * Loadable by `tf.loadLayersModel` (through a file handler) and by {@link loadWeightsInto}.
 *
 * @example
 * ```ts
 * await saveModel(learner.model, 'runs/digits/model');
 * ```
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(data));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: 'phasewise',
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/**
 * Load weights saved by {@link saveModel} into an existing model of the same architecture
 * (weights are matched in order and their shapes checked).
 */
export function loadWeightsInto(model: tfl.LayersModel, dir: string): void {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buf = readFileSync(join(dir, 'weights.bin'));
  const named = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), specs);
  const vars = model.weights;
  try {
    if (specs.length !== vars.length) throw new RangeError(`${dir} holds ${specs.length} weights; the model has ${vars.length}`);
    specs.forEach((s, i) => {
      const want = vars[i].shape as number[];
      if (!tf.util.arraysEqual(s.shape, want)) {
        throw new RangeError(`${dir}: weight ${i} (${s.name}) has shape [${s.shape.join(', ')}]; the model's ${vars[i].name} has [${want.join(', ')}]`);
      }
    });
    specs.forEach((s, i) => vars[i].write(named[s.name]));
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** Write a checkpoint folder atomically: build it beside `dir`, then swap it in. */
export async function writeCheckpoint(dir: string, model: tfl.LayersModel, state: unknown): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  await saveModel(model, tmp);
  writeFileSync(join(tmp, 'state.json'), JSON.stringify(state));
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** Read a checkpoint's state.json, or undefined when the folder holds no checkpoint. */
export function readCheckpointState<T>(dir: string): T | undefined {
  const f = join(dir, 'state.json');
  if (!existsSync(f)) return undefined;
  return JSON.parse(readFileSync(f, 'utf8')) as T;
}
