/**
 * Running hand-assembled wasm modules on the tfjs wasm backend's own memory: the kernels read and
 * write tensors in place (no copies), and are instantiated once per memory.
 *
 * @example
 * ```ts
 * const cache = new WeakMap<object, { madd: Madd } | null>();
 * const k = boundKernels(backend, cache, MADD_WASM, (e) => ({ madd: e.madd as Madd })); // undefined without wasm SIMD
 * ```
 */
import type { WasmBackend } from './wasmHeap.js';
import { withSharedMemoryImport } from './wasmOps.js';

/** The part of the global `WebAssembly` API used here (the build's lib has no WebAssembly types). */
export interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The global WebAssembly API and the backend's wasm memory, or undefined when either is missing. */
export function heapMemory(backend: WasmBackend): { wa: WebAssemblyApi; memory: object } | undefined {
  const wa = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  // the single-threaded builds export their memory; the threaded build imports a shared one
  const m = (backend as unknown as { wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = m?.asm?.memory ?? m?.wasmMemory;
  if (!wa || !(memory instanceof wa.Memory)) return undefined;
  return { wa, memory };
}

/**
 * A float32 view of `length` floats at byte address `byteOffset` of the backend's wasm memory (for
 * code that has addresses but no tensors, such as a SIMD pool worker). Re-take it after any allocation.
 */
export function heapFloats(backend: WasmBackend, byteOffset: number, length: number): Float32Array {
  const memory = heapMemory(backend)?.memory as { buffer: ArrayBuffer } | undefined;
  if (!memory) throw new Error('phasewise wasm kernels: the backend has no wasm memory');
  return new Float32Array(memory.buffer, byteOffset, length);
}

/** Whether `memory` is a shared wasm memory (tfjs' threaded build). */
export function isShared(memory: object): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (memory as { buffer?: unknown }).buffer instanceof SharedArrayBuffer;
}

/** Instantiate `bytes` importing `env.memory`; its exports, or null when the engine rejects it (no SIMD). */
export function instantiateOnHeap(heap: { wa: WebAssemblyApi; memory: object }, bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const code = isShared(heap.memory) ? withSharedMemoryImport(bytes) : bytes;
    return new heap.wa.Instance(new heap.wa.Module(code), { env: { memory: heap.memory } }).exports;
  } catch {
    return null;
  }
}

/** Kernels bound to the backend's memory, built by `bind` once per memory; undefined without wasm SIMD. */
export function boundKernels<K>(backend: WasmBackend, cache: WeakMap<object, K | null>, bytes: Uint8Array, bind: (exports: Record<string, unknown>) => K): K | undefined {
  const heap = heapMemory(backend);
  if (!heap) return undefined;
  let kernels = cache.get(heap.memory);
  if (kernels === undefined) {
    const e = instantiateOnHeap(heap, bytes);
    kernels = e ? bind(e) : null;
    cache.set(heap.memory, kernels);
  }
  return kernels ?? undefined;
}

/**
 * Entries kept per memory by {@link perMemory} (then that memory's map starts over). Generated modules
 * and plans are per layer geometry — a few per layer (one per border / interior call shape) — so a
 * whole network's fit: with a smaller cap, a model with more geometries than the cap recompiled its
 * kernels on every call.
 */
export const GENERATED_CACHE_SIZE = 1024;

/**
 * The value for `key` kept in `caches` per wasm memory (made by `make` the first time), or a fresh
 * `make()` when the backend has no heap memory.
 *
 * @example
 * ```ts
 * const plan = perMemory(backend, plans, JSON.stringify(g), () => makePlan(g));
 * ```
 */
export function perMemory<V>(backend: WasmBackend, caches: WeakMap<object, Map<string, V>>, key: string, make: () => V): V {
  const memory = heapMemory(backend)?.memory;
  if (!memory) return make();
  let cache = caches.get(memory);
  if (!cache) caches.set(memory, (cache = new Map()));
  if (cache.has(key)) return cache.get(key) as V;
  const v = make();
  if (cache.size >= GENERATED_CACHE_SIZE) cache.clear();
  cache.set(key, v);
  return v;
}

/**
 * The export `k` of a per-geometry generated module bound to the backend's memory, compiled once per
 * `key` (`build` gives the module's bytes) and kept in `caches` per memory; undefined without wasm SIMD.
 *
 * @example
 * ```ts
 * const k = generatedKernel<(a: number) => void>(backend, caches, JSON.stringify(spec), () => kernelModule([{ name: 'k', params: 1, body }]));
 * ```
 */
export function generatedKernel<K>(backend: WasmBackend, caches: WeakMap<object, Map<string, K | null>>, key: string, build: () => Uint8Array): K | undefined {
  const heap = heapMemory(backend);
  if (!heap) return undefined;
  return perMemory(backend, caches, key, () => (instantiateOnHeap(heap, build())?.k as K | undefined) ?? null) ?? undefined;
}
