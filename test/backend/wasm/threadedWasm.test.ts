import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { heapMemory, isShared } from '../../../src/backend/wasm/heapModule.js';
import { simdKernels } from '../../../src/backend/wasm/simdMadd.js';
import { depthwiseKernels } from '../../../src/backend/wasm/simdDepthwise.js';
import { MADD_WASM } from '../../../src/backend/wasm/simdMadd.js';
import { MAX_WASM_THREADS, wasmThreadCount, xnnThreadCount } from '../../../src/backend/wasm/threadedWasm.js';
import { withSharedMemoryImport } from '../../../src/backend/wasm/wasmOps.js';
import type { WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';

process.env.PHASEWISE_QUIET = '1';

// the build's lib has no WebAssembly types
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => object;
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
  LinkError: new () => Error;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// One training step's gradients of a small CNN (conv s1 and s2, depthwise, dense), as plain arrays.
// The same source runs in this process (threaded wasm) and in a child with PHASEWISE_WASM_THREADS=1.
const GRADS_SRC = `
const seeded = (shape, seed) => tf.randomNormal(shape, 0, 0.5, 'float32', seed);
const x = seeded([4, 13, 13, 3], 1);
const w1 = seeded([3, 3, 3, 8], 2), w2 = seeded([3, 3, 8, 16], 3), wd = seeded([3, 3, 16, 2], 4), wf = seeded([32, 5], 5);
const f = (w1, w2, wd, wf) => {
  let h = tf.relu(tf.conv2d(x, w1, 1, 'same'));
  h = tf.relu(tf.conv2d(h, w2, 2, 'valid'));
  h = tf.depthwiseConv2d(h, wd, 1, 'same');
  return tf.sum(tf.square(tf.matMul(tf.mean(h, [1, 2]), wf)));
};
const gs = tf.grads(f)([w1, w2, wd, wf]);
const out = gs.map((g) => Array.from(g.dataSync()));
`;

function gradsHere(): number[][] {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return tf.tidy(() => new Function('tf', `${GRADS_SRC}; return out;`)(tf) as number[][]);
}

describe('threaded wasm (XNNPACK on a pthread pool in Node)', () => {
  it('initBackend starts the threaded build with one thread per core (at most 8)', async () => {
    const info = await initBackend('wasm');
    const want = Math.min(MAX_WASM_THREADS, os.availableParallelism());
    expect(info.threads).toBe(want);
    const heap = heapMemory(tf.backend() as unknown as WasmBackend)!;
    expect(heap).toBeDefined();
    expect(isShared(heap.memory)).toBe(want > 1);
  });

  it("phasewise's SIMD kernels link against the shared memory (no silent scalar fallback)", () => {
    const backend = tf.backend() as unknown as WasmBackend;
    expect(simdKernels(backend)).toBeDefined();
    expect(depthwiseKernels(backend)).toBeDefined();
  });

  it('gives the same gradients as the single-threaded build (child process, PHASEWISE_WASM_THREADS=1) and lets that process exit', () => {
    const here = gradsHere();
    const script = `import * as tf from '@tensorflow/tfjs-core'; import { initBackend } from 'phasewise';
      const info = await initBackend('wasm'); ${GRADS_SRC}
      console.log(JSON.stringify({ threads: info.threads, out }));`;
    const run = (threads: string) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, PHASEWISE_WASM_THREADS: threads, PHASEWISE_QUIET: '1' }, encoding: 'utf8', timeout: 60_000,
    })) as { threads: number; out: number[][] };
    const single = run('1');
    expect(single.threads).toBe(1);
    const two = run('2'); // a threaded process ends by itself (its pool workers must not keep it alive)
    expect(two.threads).toBe(2);
    for (const other of [single.out, two.out]) {
      expect(other.map((g) => g.length)).toEqual(here.map((g) => g.length));
      here.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - other[i][j])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)))));
    }
    expect(here[0].some((v) => v !== 0)).toBe(true);
  });

  it('leaks no tensor per threaded step', () => {
    gradsHere();
    const before = tf.memory().numTensors;
    gradsHere();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('wasmThreadCount', () => {
  it('reads PHASEWISE_WASM_THREADS (1 … 8), else the available parallelism capped at 8', () => {
    expect(wasmThreadCount(undefined)).toBe(Math.min(8, os.availableParallelism()));
    expect(wasmThreadCount('')).toBe(Math.min(8, os.availableParallelism()));
    expect(wasmThreadCount('1')).toBe(1);
    expect(wasmThreadCount('8')).toBe(8);
    for (const bad of ['0', '9', '1.5', 'two', '-1']) {
      expect(() => wasmThreadCount(bad)).toThrow(new RangeError(`PHASEWISE_WASM_THREADS is "${bad}"; allowed: an integer from 1 to 8`));
    }
  });

  it('reads PHASEWISE_XNN_THREADS (1 … the wasm threads), else all of them', () => {
    expect(xnnThreadCount(2, undefined)).toBe(2);
    expect(xnnThreadCount(2, '')).toBe(2);
    expect(xnnThreadCount(2, '1')).toBe(1);
    expect(xnnThreadCount(4, '3')).toBe(3);
    for (const bad of ['0', '3', '1.5', 'one']) {
      expect(() => xnnThreadCount(2, bad)).toThrow(new RangeError(`PHASEWISE_XNN_THREADS is "${bad}"; allowed: an integer from 1 to 2 (the wasm threads, PHASEWISE_WASM_THREADS)`));
    }
  });

  it('initBackend rejects a bad PHASEWISE_WASM_THREADS or PHASEWISE_XNN_THREADS before starting anything', async () => {
    for (const [name, bad] of [['PHASEWISE_WASM_THREADS', '0'], ['PHASEWISE_XNN_THREADS', '9']]) {
      process.env[name] = bad;
      try {
        await expect(initBackend('cpu')).rejects.toThrow(`${name} is "${bad}"`);
      } finally {
        delete process.env[name];
      }
      expect(tf.getBackend()).toBe('wasm');
    }
  });
});

describe('withSharedMemoryImport', () => {
  it('re-encodes the memory import as shared so the module links to a shared memory', () => {
    const memory = new WA.Memory({ initial: 1, maximum: 16, shared: true });
    expect(() => new WA.Instance(new WA.Module(MADD_WASM), { env: { memory } })).toThrow(WA.LinkError);
    const shared = withSharedMemoryImport(MADD_WASM);
    const inst = new WA.Instance(new WA.Module(shared), { env: { memory } });
    expect(Object.keys(inst.exports).length).toBeGreaterThan(0);
    expect(shared.length).toBe(MADD_WASM.length + 3); // flag 3 and a 3-byte max, section length unchanged in size
  });

  it('leaves a module without that import unchanged', () => {
    const empty = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(Array.from(withSharedMemoryImport(empty))).toEqual(Array.from(empty));
  });
});
