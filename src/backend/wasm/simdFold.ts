/**
 * wasm SIMD copy of the folded x layout of outerLayout.ts at stride 1 and dilation 1, where the `fw`
 * horizontal taps of output column `j` are the contiguous span of `fw·cin` floats of x starting at
 * column `j - padLeft`: each folded position is `C4 / 4` vector loads and stores (the last vector's
 * lanes past the span zeroed by a mask), instead of `fw` strided scalar copies per position.
 *
 * Formula (`k(src, dst, rows, srcRow, dstRow, cols, srcCol, dstCol)`, bytes; `len` floats per span,
 * `V = ⌈len / 4⌉` vectors): for `r < rows`, `j < cols`, `v < V`:
 * `dst[r·dstRow + j·dstCol + 16v + 4l] = l + 4v < len ? src[r·srcRow + j·srcCol + 16v + 4l] : 0`.
 * It reads up to `4V - len` floats past each span (the caller keeps those reads inside x). The
 * zero variant stores `V` zero vectors per position (the folded layout's borders).
 * Requires `rows, cols ≥ 1`.
 *
 * @example
 * ```ts
 * // cin = 1, 3 taps: 28 output columns of 30 rows, each (x[j-1], x[j], x[j+1], 0)
 * foldSpanKernel(backend, 3)?.(xRow0, outRow0, 30, 4 * 28, 16 * 28, 28, 4, 16);
 * ```
 */
import { get, set, tee, ADD, SUB, LOOP, END, BR_IF0, LOAD, STORE, kernelModule, V128_CONST, V128_ZERO, V128_AND } from './wasmOps.js';
import { generatedKernel } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** The kernel for one span length (see the module comment). */
export type FoldSpan = (src: number, dst: number, rows: number, srcRow: number, dstRow: number, cols: number, srcCol: number, dstCol: number) => void;

// params src0 dst1 rows2 srcRow3 dstRow4 cols5 srcCol6 dstCol7; i32 locals s8 d9 j10
/** The function body for spans of `len` floats (`zeros`: store `⌈len / 4⌉` zero vectors instead, src unused). */
export function foldSpanBody(len: number, zeros = false): number[] {
  const V = Math.ceil(len / 4);
  const tail = len - 4 * (V - 1); // lanes of the last vector that are data (1…4)
  const mask = Array.from({ length: 16 }, (_, b) => (b >> 2 < tail ? 0xff : 0));
  const vectors = Array.from({ length: V }, (_, v) => [
    ...get(9), ...(zeros ? V128_ZERO
      : [...get(8), ...LOAD(16 * v), ...(v === V - 1 && tail < 4 ? [...V128_CONST(mask), ...V128_AND] : [])]), ...STORE(16 * v),
  ]).flat();
  return [
    0x01, 0x03, 0x7f,
    ...LOOP, // rows
    ...get(0), ...set(8), ...get(1), ...set(9), ...get(5), ...set(10),
    ...LOOP, // columns
    ...vectors,
    ...get(8), ...get(6), ADD, ...set(8), ...get(9), ...get(7), ADD, ...set(9),
    ...get(10), 0x41, 0x01, SUB, ...tee(10), ...BR_IF0, END,
    ...get(0), ...get(3), ADD, ...set(0), ...get(1), ...get(4), ADD, ...set(1),
    ...get(2), 0x41, 0x01, SUB, ...tee(2), ...BR_IF0, END,
    END,
  ];
}

const caches = new WeakMap<object, Map<string, FoldSpan | null>>();

/**
 * The kernel for spans of `len ≥ 1` floats on the backend's memory (compiled once per length; `zeros`:
 * the same loops storing `⌈len / 4⌉` zero vectors per position, `src` and its strides unused);
 * undefined without wasm SIMD.
 */
export function foldSpanKernel(backend: WasmBackend, len: number, zeros = false): FoldSpan | undefined {
  return generatedKernel<FoldSpan>(backend, caches, `${len}${zeros ? 'z' : ''}`, () => kernelModule([{ name: 'k', params: 8, body: foldSpanBody(len, zeros) }]));
}
