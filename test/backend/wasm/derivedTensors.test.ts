import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { clearDerived, derived, derivedCount } from '../../../src/backend/wasm/derivedTensors.js';
import type { WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';
import { f32 } from '../../../src/backend/wasm/wasmHeap.js';
import { liveCounts } from './helpers.js';

const backendOf = () => tf.backend() as unknown as WasmBackend;

describe('derived tensors (kept while their source lives)', () => {
  it('are made once per (source, key) and freed with their source', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const src = tf.tensor1d([1, 2, 3]);
    const before = liveCounts();
    let made = 0;
    const make = () => {
      made++;
      const t = b.makeOutput([3], 'float32');
      f32(b, t).set(Array.from(f32(b, src), (v) => 2 * v));
      return t;
    };
    const d1 = derived(b, src, 'double', make);
    const d2 = derived(b, src, 'double', make);
    expect(d2).toBe(d1);
    expect(made).toBe(1);
    expect(Array.from(f32(b, d1))).toEqual([2, 4, 6]);
    derived(b, src, 'other', make);
    expect(made).toBe(2);
    expect(derivedCount(b)).toBe(2);
    expect(liveCounts().dataIds).toBe(before.dataIds + 2);
    src.dispose();
    expect(derivedCount(b)).toBe(0);
    expect(liveCounts().dataIds).toBe(before.dataIds - 1);
  });

  it('a shared buffer frees them only when its last tensor goes (reshape, clone)', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const src = tf.tensor1d([1, 2]);
    const view = tf.reshape(src, [2, 1]);
    derived(b, src, 'k', () => b.makeOutput([2], 'float32'));
    src.dispose();
    expect(derivedCount(b)).toBe(1);
    view.dispose();
    expect(derivedCount(b)).toBe(0);
  });

  it('clearDerived frees them all now', async () => {
    await initBackend('wasm');
    const b = backendOf();
    const src = tf.tensor1d([1]);
    const before = liveCounts();
    derived(b, src, 'k', () => b.makeOutput([1], 'float32'));
    clearDerived(b);
    expect(derivedCount(b)).toBe(0);
    expect(liveCounts()).toEqual(before);
    src.dispose();
  });

  it('the strided conv input gradient builds one flipped sub-filter per phase, once per weight tensor', async () => {
    await initBackend('wasm');
    const b = backendOf();
    clearDerived(b);
    const init = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 7);
    const w = tf.variable(init);
    init.dispose();
    const x = tf.randomNormal([2, 9, 9, 2], 0, 1, 'float32', 8);
    const grad = () => tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, w as unknown as tf.Tensor4D, 2, 'same')))(x));
    const g1 = grad();
    expect(derivedCount(b)).toBe(4); // stride 2×2: four phases
    const g2 = grad();
    expect(derivedCount(b)).toBe(4);
    expect(Array.from(g2.dataSync())).toEqual(Array.from(g1.dataSync()));
    // a training step replaces the weights' data: the old sub-filters go with the old data
    const before = liveCounts();
    const halved = tf.tidy(() => tf.mul(w, 0.5));
    w.assign(halved);
    halved.dispose(); // (assign does not take ownership: tfjs optimizers dispose it the same way)
    const g3 = grad();
    expect(derivedCount(b)).toBe(4);
    expect(liveCounts().dataIds).toBe(before.dataIds + 1); // g3 only: the old weights and their sub-filters are gone
    const half = g1.dataSync();
    g3.dataSync().forEach((v, i) => expect(v).toBeCloseTo(half[i] * 0.5, 5));
    tf.dispose([g1, g2, g3, w, x]);
    expect(derivedCount(b)).toBe(0);
  });
});
