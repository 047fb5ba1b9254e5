/** VGG builders, blockEnds, loading a tfjs model directory, Keras .h5 weights written here with h5wasm. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { blockEnds, vgg16, vgg19, vggLayerNames } from '../../src/style/vgg.js';
import { loadLayersModelDir } from '../../src/style/loadLayersModelDir.js';
import { loadH5wasm, readH5Weights } from '../../src/style/h5Weights.js';
import { deprocess, preprocess } from '../../src/style/preprocess.js';

const FIXTURE = new URL('../fixtures/vgg19-block3', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'phasewise-vgg-'));

beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write a Keras-style weights file for the given layers (legacy or new dataset names). */
async function writeH5(path: string, layers: Record<string, [number[], number[]]>, style: 'legacy' | 'new', extra: string[] = ['input_1']): Promise<void> {
  const h5 = await loadH5wasm();
  const f = new h5.File(path, 'w');
  f.create_attribute('layer_names', [...extra, ...Object.keys(layers)]);
  f.create_attribute('backend', 'tensorflow');
  for (const [name, [kShape, bShape]] of Object.entries(layers)) {
    const g = f.create_group(name);
    const [kn, bn] = style === 'legacy' ? [`${name}_W_1:0`, `${name}_b_1:0`] : [`${name}/kernel:0`, `${name}/bias:0`];
    g.create_attribute('weight_names', [kn, bn]);
    const kSize = kShape.reduce((a, b) => a * b, 1), bSize = bShape.reduce((a, b) => a * b, 1);
    const kData = Float32Array.from({ length: kSize }, (_, i) => ((i % 7) - 3) / 100);
    const bData = Float32Array.from({ length: bSize }, (_, i) => i / 10);
    if (style === 'new') g.create_group(name);
    g.create_dataset({ name: kn, data: kData, shape: kShape });
    g.create_dataset({ name: bn, data: bData, shape: bShape });
  }
  f.close();
}

describe('vgg16 / vgg19 builders', () => {
  it('use Keras layer names, any input size, fused ReLU, upTo and avg pooling', () => {
    expect(vggLayerNames('vgg16')).toHaveLength(1 + 13 + 5);
    const m = vgg16();
    expect(m.layers.map((l) => l.name)).toEqual(vggLayerNames('vgg16'));
    expect(blockEnds(m)).toEqual(['block1_conv2', 'block2_conv2', 'block3_conv3', 'block4_conv3', 'block5_conv3']);
    const v = vgg19({ upTo: 'block3_conv4', pooling: 'avg' });
    expect(v.layers.map((l) => l.name).slice(-2)).toEqual(['block3_conv3', 'block3_conv4']);
    expect(v.getLayer('block1_pool').getClassName()).toBe('AveragePooling2D');
    expect(blockEnds(v)).toEqual(['block1_conv2', 'block2_conv2', 'block3_conv4']);
    const y = v.predict(tf.randomNormal([1, 20, 12, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 5, 3, 256]);
    expect(tf.min(y).dataSync()[0]).toBeGreaterThanOrEqual(0); // ReLU fused
    y.dispose();
    expect(() => vgg16({ upTo: 'block9_conv1' })).toThrow(/upTo.*block1_conv1/);
    expect(() => vgg16({ pooling: 'min' as 'max' })).toThrow(/pooling/);
  });
});

describe('loadLayersModelDir', () => {
  it('loads the truncated VGG19 fixture (no network), block ends as documented', async () => {
    const m = await loadLayersModelDir(FIXTURE);
    expect(m.layers.map((l) => l.name)).toEqual(vggLayerNames('vgg19').slice(0, 11));
    expect(blockEnds(m)).toEqual(['block1_conv2', 'block2_conv2', 'block3_conv4']);
    expect(m.countParams()).toBe(2325568);
    const y = m.predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 2, 256]);
    y.dispose();
  });

  it('names a missing directory / weight file', async () => {
    await expect(loadLayersModelDir(join(dir, 'nope'))).rejects.toThrow(/nope\/model.json/);
  });
});

describe('Keras .h5 weights (h5wasm)', () => {
  const shapes = (kind: 'vgg16' | 'vgg19', upTo: string) => {
    const m = kind === 'vgg16' ? vgg16({ upTo }) : vgg19({ upTo });
    const out: Record<string, [number[], number[]]> = {};
    for (const l of m.layers) if (l.weights.length) out[l.name] = [l.weights[0].shape as number[], l.weights[1].shape as number[]];
    return out;
  };

  for (const style of ['legacy', 'new'] as const) {
    it(`reads ${style} dataset names and sets them into the builder (file covering more layers than the model)`, async () => {
      const path = join(dir, `${style}.h5`);
      await writeH5(path, shapes('vgg16', 'block2_conv2'), style);
      const w = await readH5Weights(path);
      expect(Object.keys(w)).toEqual(['block1_conv1', 'block1_conv2', 'block2_conv1', 'block2_conv2']);
      expect(w.block1_conv1[0].shape).toEqual([3, 3, 3, 64]);
      expect(w.block1_conv1[1].shape).toEqual([64]);
      const m = vgg16({ upTo: 'block1_conv2', weights: w });
      const [k, b] = m.getLayer('block1_conv1').getWeights();
      expect(Array.from(k.dataSync().slice(0, 8))).toEqual(Array.from(w.block1_conv1[0].data.slice(0, 8)));
      expect(b.dataSync()[3]).toBeCloseTo(0.3, 6);
    });
  }

  it('a shape mismatch names the layer, the expected and the actual shapes', async () => {
    const path = join(dir, 'bad.h5');
    const s = shapes('vgg16', 'block1_conv2');
    s.block1_conv2 = [[3, 3, 64, 32], [32]];
    await writeH5(path, s, 'legacy');
    const w = await readH5Weights(path);
    expect(() => vgg16({ upTo: 'block1_conv2', weights: w })).toThrow(/block1_conv2.*\[3, 3, 64, 64\] and \[64\].*\[3, 3, 64, 32\]/);
    const good = join(dir, 'good.h5');
    await writeH5(good, shapes('vgg16', 'block1_conv2'), 'legacy');
    const gw = await readH5Weights(good);
    expect(() => vgg16({ upTo: 'block2_conv1', weights: gw })).toThrow(/no entry for layer 'block2_conv1'/);
  });

  it('a missing file names the path', async () => {
    await expect(readH5Weights(join(dir, 'missing.h5'))).rejects.toThrow(/missing\.h5/);
  });
});

describe('preprocess / deprocess', () => {
  it('caffe: RGB→BGR, ×255, minus the BGR mean; torch: ImageNet mean/std; both invert', () => {
    const x = tf.tensor4d([0.2, 0.4, 0.6], [1, 1, 1, 3]);
    const c = Array.from(preprocess(x, 'caffe').dataSync());
    [0.6 * 255 - 103.939, 0.4 * 255 - 116.779, 0.2 * 255 - 123.68].forEach((v, i) => expect(c[i]).toBeCloseTo(v, 3));
    const t = Array.from(preprocess(x, 'torch').dataSync());
    [(0.2 - 0.485) / 0.229, (0.4 - 0.456) / 0.224, (0.6 - 0.406) / 0.225].forEach((v, i) => expect(t[i]).toBeCloseTo(v, 5));
    for (const mode of ['caffe', 'torch'] as const) {
      Array.from(deprocess(preprocess(x, mode), mode).dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0.2, 0.4, 0.6][i], 5));
    }
  });
});
