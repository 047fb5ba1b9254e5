/**
 * A wasm SIMD kernel adding a per-channel vector to every row of a channels-last tensor (a bias
 * add): `out[r·cb + c] = a[r·cb + c] + b[c]` for `r < rows` and channel bytes `c < cb` (4 floats per
 * `f32x4`). Requires `cb % 16 == 0`, `rows, cb ≥ 1`.
 *
 * @example
 * ```ts
 * const add = biasAddKernel(backend);   // undefined without wasm SIMD
 * add?.(a, bias, out, 128 * 128, 4 * 64);   // [1, 128, 128, 64] + [64]
 * ```
 */
import { get, set, ADD, LOOP, END, LOAD, STORE, ADD4, NEXT as next, kernelModule } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernel: `add(a, b, out, rows, cb)`. */
export type BiasAdd = (a: number, b: number, out: number, rows: number, cb: number) => void;

// params a0 b1 out2 rows3 cb4; i32 locals r5 c6
const BODY = [
  0x01, 0x02, 0x7f,
  0x41, 0x00, ...set(5),
  ...LOOP, 0x41, 0x00, ...set(6),
  ...LOOP,
  ...get(2), ...get(6), ADD, ...get(0), ...get(6), ADD, ...LOAD(0), ...get(1), ...get(6), ADD, ...LOAD(0), ...ADD4, ...STORE(0),
  ...next(6, [0x41, 0x10], get(4)),
  ...get(0), ...get(4), ADD, ...set(0), ...get(2), ...get(4), ADD, ...set(2),
  ...next(5, [0x41, 0x01], get(3)),
  END,
];

/** The module's bytes. */
export const BIAS_ADD_WASM = kernelModule([{ name: 'add', params: 5, body: BODY }]);

const instances = new WeakMap<object, BiasAdd | null>();

/** The kernel bound to the backend's memory, or undefined without wasm SIMD support. */
export function biasAddKernel(backend: WasmBackend): BiasAdd | undefined {
  return boundKernels(backend, instances, BIAS_ADD_WASM, (e) => e.add as BiasAdd);
}
