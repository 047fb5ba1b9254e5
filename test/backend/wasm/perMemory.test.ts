import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { GENERATED_CACHE_SIZE, perMemory } from '../../../src/backend/wasm/heapModule.js';
import type { WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';

describe('perMemory (heapModule.ts): per-geometry kernels and plans kept per wasm memory', () => {
  it('makes each key once while a network\'s worth of geometries fits, then starts over', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const caches = new WeakMap<object, Map<string, number>>();
    let made = 0;
    const get = (key: string) => perMemory(backend, caches, key, () => ++made);
    // 13 depthwise layers × 9 call shapes (a MobileNet's worth), each asked for on every step
    const keys = Array.from({ length: 117 }, (_, i) => `layer ${Math.floor(i / 9)} call ${i % 9}`);
    for (let step = 0; step < 3; step++) for (const k of keys) get(k);
    expect(made).toBe(117);
    expect(get(keys[5])).toBe(6);
    for (let i = 0; made < GENERATED_CACHE_SIZE + 1; i++) get(`other ${i}`);
    expect(get(keys[0])).toBe(GENERATED_CACHE_SIZE + 2); // the map started over once full
  });

  it('without a wasm heap (cpu backend) makes a fresh value every time', async () => {
    await initBackend('cpu');
    const caches = new WeakMap<object, Map<string, number>>();
    let made = 0;
    perMemory(tf.backend() as unknown as WasmBackend, caches, 'k', () => ++made);
    perMemory(tf.backend() as unknown as WasmBackend, caches, 'k', () => ++made);
    expect(made).toBe(2);
    await initBackend('wasm');
  });
});
