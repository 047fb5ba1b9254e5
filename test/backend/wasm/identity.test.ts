import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { liveCounts } from './helpers.js';

describe("wasm Identity shares data (phasewise's replacement)", () => {
  it('tf.clone keeps the values and the data id, without a second buffer', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const before = liveCounts();
    const c = tf.clone(x);
    expect(c.dataId).toBe(x.dataId);
    expect(liveCounts()).toEqual({ tensors: before.tensors + 1, dataIds: before.dataIds });
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(c.shape).toEqual([2, 3]);
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4, 5, 6]); // the clone outlives its source
    const y = tf.add(c, 1);
    expect(Array.from(y.dataSync())).toEqual([2, 3, 4, 5, 6, 7]);
    tf.dispose([c, y]);
    expect(liveCounts()).toEqual({ tensors: before.tensors - 1, dataIds: before.dataIds - 1 });
  });

  it('gradients that save their inputs are right and leave nothing behind', async () => {
    await initBackend('wasm');
    const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]));
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const before = liveCounts();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar, [w]);
    // d/dW sum((xW)^2) = 2 xᵀ (xW)
    const xw = [[1 * 0.5 + 2 * 2, 1 * -1 + 2 * 0.25], [3 * 0.5 + 4 * 2, 3 * -1 + 4 * 0.25]];
    const want = [0, 1].flatMap((i) => [0, 1].map((j) => 2 * ([1, 2][i] * xw[0][j] + [3, 4][i] * xw[1][j])));
    expect(Array.from(grads[w.name].dataSync())).toEqual(want);
    expect(value.dataSync()[0]).toBeCloseTo(xw.flat().reduce((s, v) => s + v * v, 0), 4);
    tf.dispose([value, grads[w.name]]);
    expect(liveCounts()).toEqual(before);
    w.assign(tf.tensor2d([[1, 1], [1, 1]]));
    expect(Array.from(w.dataSync())).toEqual([1, 1, 1, 1]); // a variable's update never writes a shared buffer
    tf.dispose([w, x]);
  });

  it('string tensors keep the stock path', async () => {
    await initBackend('wasm');
    const s = tf.tensor1d(['a', 'bc'], 'string');
    const c = tf.clone(s);
    expect(c.dataSync()).toEqual(['a', 'bc']);
    tf.dispose([s, c]);
  });
});
