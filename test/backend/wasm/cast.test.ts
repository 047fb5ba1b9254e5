import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { cpuAndWasm, liveCounts } from './helpers.js';

describe("wasm Cast shares data when the dtype does not change (phasewise's replacement)", () => {
  it('cast(x, x.dtype) keeps the values and the data id, without a second buffer, and outlives its source', async () => {
    await initBackend('wasm');
    for (const [values, dtype] of [[[1.5, -2, 3], 'float32'], [[4, -5, 6], 'int32'], [[1, 0, 1], 'bool']] as const) {
      const x = tf.tensor1d([...values], dtype);
      const before = liveCounts();
      const c = tf.cast(x, dtype);
      expect(c.dataId, dtype).toBe(x.dataId);
      expect(c.dtype).toBe(dtype);
      expect(liveCounts(), dtype).toEqual({ tensors: before.tensors + 1, dataIds: before.dataIds });
      x.dispose();
      expect(Array.from(c.dataSync()), dtype).toEqual([...values]);
      c.dispose();
      expect(liveCounts(), dtype).toEqual({ tensors: before.tensors - 1, dataIds: before.dataIds - 1 });
    }
  });

  it('other conversions convert as on the cpu backend (to bool: x ≠ 0, NaN included), into a new buffer', async () => {
    const conversions = () => {
      const f = tf.tensor1d([1.7, -1.7, 2.5, 0]);
      const i = tf.tensor1d([3, -4, 0], 'int32');
      return [tf.cast(f, 'int32'), tf.cast(f, 'bool'), tf.cast(tf.tensor1d([NaN, -0, 1e-30]), 'bool'), tf.cast(i, 'float32'), tf.cast(i, 'bool'),
        tf.cast(tf.tensor1d([1, 0], 'bool'), 'float32'), tf.cast(tf.tensor1d([1, 0], 'bool'), 'int32')];
    };
    const { cpu, wasm } = await cpuAndWasm(conversions);
    expect(wasm.map((v) => Array.from(v))).toEqual(cpu.map((v) => Array.from(v)));
    expect(Array.from(wasm[0])).toEqual([1, -1, 2, 0]);
    expect(Array.from(wasm[1])).toEqual([1, 1, 1, 0]); // (stock wasm: 1, 255, 2, 0)
    expect(Array.from(wasm[2])).toEqual([1, 0, 1]);
    await initBackend('wasm');
    const x = tf.tensor1d([1.7, -1.7]);
    const i = tf.cast(x, 'int32');
    expect(i.dataId).not.toBe(x.dataId);
    expect(i.dtype).toBe('int32');
    tf.dispose([x, i]);
  });

  it('ReLU gradients (dy · cast(step(x))) are right and leave nothing behind', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([[-1, 2], [3, -4]]);
    const before = liveCounts();
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.tensor2d([[1, 2], [3, 4]]))))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 2, 3, 0]);
    g.dispose();
    expect(liveCounts()).toEqual(before);
    x.dispose();
  });
});
