/**
 * A strided block copy in wasm (no SIMD needed), for gathers that JavaScript does element by element
 * too slowly — and, in a SIMD pool worker, unoptimised for the first calls: a 32-bit word per step.
 *
 * Formula (`copy(src, dst, rows, srcRow, dstRow, cols, srcCol, dstCol, len)`, addresses and strides in bytes):
 * `dst[r·dstRow + j·dstCol + 4k] = src[r·srcRow + j·srcCol + 4k]` for `r < rows`, `j < cols`, `k < len`.
 * Requires `rows, cols, len ≥ 1`.
 *
 * @example
 * ```ts
 * const copy = copyKernel(backend);   // undefined where the module cannot be instantiated
 * // column j·2 of 5 rows of a 1-channel 28-wide image into every 4th float of a 14-wide row
 * copy?.(src, dst, 5, 28 * 4, 14 * 16, 14, 2 * 4, 16, 1);
 * ```
 */
import { get, set, ADD, LOOP, END, NEXT as next, kernelModule } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernel (see the module's formula). */
export type StridedCopy = (src: number, dst: number, rows: number, srcRow: number, dstRow: number, cols: number, srcCol: number, dstCol: number, len: number) => void;

// params src0 dst1 rows2 srcRow3 dstRow4 cols5 srcCol6 dstCol7 len8; locals r9 j10 k11 s12 d13 sr14 dr15
const I32_LOAD = [0x28, 0x02, 0x00];
const I32_STORE = [0x36, 0x02, 0x00];
const ZERO = [0x41, 0x00];
const ONE = [0x41, 0x01];

const BODY = [
  0x01, 0x07, 0x7f,
  ...get(0), ...set(14), ...get(1), ...set(15), ...ZERO, ...set(9),
  ...LOOP, //                                                      rows
  ...get(14), ...set(12), ...get(15), ...set(13), ...ZERO, ...set(10),
  ...LOOP, //                                                      columns
  ...ZERO, ...set(11),
  ...LOOP, //                                                      words
  ...get(13), ...get(11), ADD, ...get(12), ...get(11), ADD, ...I32_LOAD, ...I32_STORE,
  ...next(11, [0x41, 0x04], [...get(8), ...get(8), ADD, ...get(8), ADD, ...get(8), ADD]), // k += 4 bytes while k < 4·len
  ...get(12), ...get(6), ADD, ...set(12), ...get(13), ...get(7), ADD, ...set(13),
  ...next(10, ONE, get(5)),
  ...get(14), ...get(3), ADD, ...set(14), ...get(15), ...get(4), ADD, ...set(15),
  ...next(9, ONE, get(2)),
  END,
];

/** The module's bytes. */
export const COPY_WASM = kernelModule([{ name: 'copy', params: 9, body: BODY }]);

const instances = new WeakMap<object, StridedCopy | null>();

/** The copy bound to the backend's memory, or undefined where the module cannot be instantiated. */
export function copyKernel(backend: WasmBackend): StridedCopy | undefined {
  return boundKernels(backend, instances, COPY_WASM, (e) => e.copy as StridedCopy);
}
