/** Load a TensorFlow.js layers model from a directory on disk, without network or tfjs-node. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf, tfl } from '../backend/tf.js';

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * Load `dir/model.json` (tfjs layers format) and the weight files listed in its `weightsManifest`
 * (read with fs, concatenated in manifest order) through `tf.io.fromMemory` + `tfl.loadLayersModel`.
 * Truncated models (a topology cut mid-network with its manifest cut to match) load fine. Errors
 * name the missing or malformed file.
 *
 * @example
 * ```ts
 * const vgg = await loadLayersModelDir('test/fixtures/vgg19-block3');   // VGG19 up to block3_conv4
 * vgg.layers.map((l) => l.name);   // ['input_1', 'block1_conv1', …, 'block3_conv4']
 * ```
 */
export async function loadLayersModelDir(dir: string): Promise<tfl.LayersModel> {
  const jsonPath = join(dir, 'model.json');
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new RangeError(`loadLayersModelDir: cannot read ${JSON.stringify(jsonPath)}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new RangeError(`loadLayersModelDir: ${JSON.stringify(jsonPath)} has no modelTopology / weightsManifest; allowed: a TensorFlow.js layers-model model.json`);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const file = join(dir, p);
      try {
        buffers.push(await readFile(file));
      } catch {
        throw new RangeError(`loadLayersModelDir: weight file ${JSON.stringify(file)} listed in model.json cannot be read`);
      }
    }
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) { weightData.set(b, off); off += b.byteLength; }
  const handler = tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs, weightData: weightData.buffer });
  return tfl.loadLayersModel(handler);
}
