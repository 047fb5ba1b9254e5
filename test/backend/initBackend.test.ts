import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { backendInfo, initBackend } from '../../src/backend/initBackend.js';
import { tf } from '../../src/backend/tf.js';

describe('initBackend', () => {
  it('picks wasm by default here (tfjs-node is not installed) and reports it', async () => {
    expect(backendInfo()).toBeUndefined();
    const prev = process.env.PHASEWISE_BACKEND;
    delete process.env.PHASEWISE_BACKEND;
    try {
      const info = await initBackend();
      // the threaded wasm build: one XNNPACK thread per core, at most 8 (test/backend/wasm/threadedWasm.test.ts)
      expect(info).toEqual({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', threads: Math.min(8, os.availableParallelism()) });
      expect(tf.getBackend()).toBe('wasm');
      expect(backendInfo()).toEqual(info);
    } finally {
      if (prev !== undefined) process.env.PHASEWISE_BACKEND = prev;
    }
  });

  it('forces cpu and silences its banner', async () => {
    const warn: unknown[] = [];
    const orig = console.warn;
    console.warn = (...a: unknown[]) => warn.push(a);
    try {
      const info = await initBackend('cpu');
      expect(info.name).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      const x = tf.tensor1d([1, 2, 3]);
      const s = tf.sum(x);
      expect(Array.from(await s.data())).toEqual([6]);
      tf.dispose([x, s]);
    } finally {
      console.warn = orig;
    }
    expect(warn).toEqual([]);
  });

  it('a forced backend that cannot load is an error, not a fallback', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(/'tensorflow' backend, which cannot load: .*tfjs-node/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('PHASEWISE_BACKEND forces a backend and is validated', async () => {
    process.env.PHASEWISE_BACKEND = 'wasm';
    try {
      expect((await initBackend()).name).toBe('wasm');
      process.env.PHASEWISE_BACKEND = 'gpu';
      await expect(initBackend()).rejects.toThrow(/PHASEWISE_BACKEND is "gpu"; allowed: 'tensorflow', 'wasm', 'cpu'/);
    } finally {
      delete process.env.PHASEWISE_BACKEND;
    }
    await expect(initBackend('webgl' as never)).rejects.toThrow(/initBackend\(prefer\) is "webgl"/);
  });
});
