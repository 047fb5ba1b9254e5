/** hookOutputs: same values as a multi-output model, same tensors inside gradients, no leaks after remove(). */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { hookOutputs } from '../../src/hooks/hookOutputs.js';
import { featureModel } from '../../src/hooks/featureModel.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function tinyNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, 3] as unknown as number[], name: 'img' });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'p1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: 'tiny' });
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('hookOutputs', () => {
  it('captures the same values as a multi-output model, with model.apply and model.predict', () => {
    const net = tinyNet();
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
    const multi = featureModel(net, ['c1', 'c2']);
    const ref = multi.predict(x) as tf.Tensor[];
    const hooks = hookOutputs(net, ['c1', 'c2']);
    for (const run of [() => net.predict(x) as tf.Tensor, () => net.apply(x) as tf.Tensor]) {
      const y = run();
      const [h1, h2] = hooks.outputs();
      expect(h1.shape).toEqual([2, 8, 8, 4]);
      expect(h2.shape).toEqual([2, 4, 4, 5]);
      expect(maxAbsDiff(h1, ref[0])).toBe(0);
      expect(maxAbsDiff(h2, ref[1])).toBe(0);
      expect(maxAbsDiff(h2, y)).toBe(0);
      y.dispose();
    }
    hooks.remove();
    tf.dispose([x, ...ref]);
  });

  it('inside a gradient closure the captured tensor is the layer output in the graph, so losses differentiate', () => {
    const net = tinyNet();
    const img = tf.variable(tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 4));
    const hooks = hookOutputs(net, ['c2']);
    let same = false;
    const { value, grads } = tf.variableGrads(() => {
      const y = net.apply(img) as tf.Tensor;
      same = maxAbsDiff(hooks.outputs()[0], y) === 0 && hooks.outputs()[0].dataId === y.dataId; // same buffer
      return tf.sum(tf.square(hooks.outputs()[0])) as tf.Scalar;
    }, [img]);
    // reference gradient without hooks
    hooks.remove();
    const ref = tf.variableGrads(() => tf.sum(tf.square(net.apply(img) as tf.Tensor)) as tf.Scalar, [img]);
    expect(same).toBe(true);
    expect(value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0], 5);
    expect(maxAbsDiff(grads[img.name], ref.grads[img.name])).toBeLessThan(1e-5);
    expect(maxAbsDiff(grads[img.name], tf.zerosLike(grads[img.name]))).toBeGreaterThan(0);
    tf.dispose([value, ref.value, ...Object.values(grads), ...Object.values(ref.grads), img]);
  });

  it('remove() restores the layer exactly and keeps no tensor alive', () => {
    const net = tinyNet();
    const x = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 5);
    tf.dispose(net.predict(x) as tf.Tensor); // warm
    const c1 = net.getLayer('c1');
    const protoCall = Object.getPrototypeOf(c1).call;
    expect(Object.prototype.hasOwnProperty.call(c1, 'call')).toBe(false);
    const base = tf.memory().numTensors;
    const a = hookOutputs(net, ['c1', 'c2']);
    const b = hookOutputs(net, ['c1']); // two hooks on one layer share one wrapper
    for (let i = 0; i < 3; i++) tf.dispose(net.predict(x) as tf.Tensor);
    tf.tidy(() => { net.apply(x); });
    expect(b.outputs()[0].isDisposed).toBe(false);
    expect(maxAbsDiff(a.outputs()[0], b.outputs()[0])).toBe(0);
    a.remove();
    expect(Object.prototype.hasOwnProperty.call(c1, 'call')).toBe(true); // b still listens
    expect(() => a.outputs()).toThrow(/after remove/);
    b.remove();
    b.remove(); // idempotent
    expect(Object.prototype.hasOwnProperty.call(c1, 'call')).toBe(false);
    expect(c1.call).toBe(protoCall);
    expect(tf.memory().numTensors).toBe(base);
    x.dispose();
  });

  it('captures made while recording a gradient survive the scope and are freed by the next pass or remove()', () => {
    const net = tinyNet();
    const img = tf.variable(tf.zeros([1, 4, 4, 3]));
    const base = tf.memory().numTensors;
    const hooks = hookOutputs(net, ['c1']); // an intermediate layer: model.apply's own tidy would free it
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(() => { net.apply(img); return tf.sum(hooks.outputs()[0]) as tf.Scalar; }, [img]);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(base + 1);
    }
    expect(hooks.outputs()[0].shape).toEqual([1, 4, 4, 4]);
    hooks.remove();
    expect(tf.memory().numTensors).toBe(base);
    img.dispose();
  });

  it('names unknown layers and lists the available ones; not-yet-run layers are an error', () => {
    const net = tinyNet();
    expect(() => hookOutputs(net, ['c1', 'conv9'])).toThrow(/"conv9".*available: img, c1, p1, c2/);
    expect(() => hookOutputs(net, [])).toThrow(TypeError);
    // the failed call installed nothing
    expect(Object.prototype.hasOwnProperty.call(net.getLayer('c1'), 'call')).toBe(false);
    const h = hookOutputs(net, ['c2']);
    expect(() => h.outputs()).toThrow(/has not run/);
    h.remove();
  });
});
