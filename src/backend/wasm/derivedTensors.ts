/**
 * Tensors derived from another tensor's data (a flipped, in/out-swapped filter), kept while that
 * source lives, so repeated gradients with the same weights reuse them.
 *
 * tfjs never changes a tensor's data once written: a variable's `assign` takes the new tensor's
 * `dataId`. So `(source dataId, key)` identifies a derived tensor's contents exactly, and the wasm
 * backend's XNNPACK Conv2D, which caches its packed weights by filter id, then packs a cached
 * derived filter once instead of on every call. Entries are freed when the source's data is freed
 * (the backend's `disposeData` is wrapped once per backend) and by {@link clearDerived}.
 *
 * @example
 * ```ts
 * const sub = derived(backend, filter, `flip:${a},${b}`, () => makeFlippedFilter());   // made once per filter
 * conv2d({ inputs: { x: dy, filter: sub }, ... });   // never dispose `sub` yourself
 * ```
 */
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

type Entries = Map<string, TensorInfo>;
interface Store { bySource: Map<object, Entries> }

const stores = new WeakMap<WasmBackend, Store>();

function storeOf(backend: WasmBackend): Store {
  const known = stores.get(backend);
  if (known) return known;
  const s: Store = { bySource: new Map() };
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: object, force?: boolean) => {
    const r = dispose(dataId, force);
    const entries = s.bySource.get(dataId);
    if (entries && !backend.dataIdMap.has(dataId)) {
      s.bySource.delete(dataId);
      // through the wrapper: a tensor derived from a derived one (a packed flipped filter) goes too
      for (const t of entries.values()) backend.disposeData(t.dataId, true);
    }
    return r;
  };
  stores.set(backend, s);
  return s;
}

/**
 * The tensor `make()` derives from `source`'s data, made on the first call for `(source, key)` and
 * returned as is afterwards while `source` lives. The caller must not dispose or write to it.
 */
export function derived(backend: WasmBackend, source: TensorInfo, key: string, make: () => TensorInfo): TensorInfo {
  const store = storeOf(backend);
  let entries = store.bySource.get(source.dataId);
  if (!entries) {
    entries = new Map();
    store.bySource.set(source.dataId, entries);
  }
  let t = entries.get(key);
  if (!t) {
    t = make();
    entries.set(key, t);
  }
  return t;
}

/** How many derived tensors `backend` holds (for tests and leak checks). */
export function derivedCount(backend: WasmBackend): number {
  let n = 0;
  for (const e of stores.get(backend)?.bySource.values() ?? []) n += e.size;
  return n;
}

/** Free every derived tensor of `backend` now (their sources stay). */
export function clearDerived(backend: WasmBackend): void {
  const store = stores.get(backend);
  if (!store) return;
  for (const entries of store.bySource.values()) for (const t of entries.values()) backend.disposeData(t.dataId, true);
  store.bySource.clear();
}
