/**
 * wasm SIMD kernels for a 2×2 stride-2 max pool whose windows tile the input (no padding) and for its
 * gradient: four channels per `f32x4`, the first maximum of each window found with running
 * strict comparisons, as maxPoolGrad.ts's scalar loop and tfjs' cpu backend do.
 *
 * Formula (`pool2(x, dy, dx, rows, cols, cBytes, xRow, dyRow)`, addresses and strides in bytes):
 * for each window `(i, j)`, `i < rows`, `j < cols`, and channel, with `v0…v3` its values at
 * `x + 2i·xRow + 2j·cBytes + {0, cBytes, xRow, xRow + cBytes}`: `w_t = v_t > max(-∞, v_0 … v_{t-1})`;
 * the last `t` with `w_t` (the first maximum) gets `dy[i·dyRow + j·cBytes]` in dx at its position,
 * the other three 0 (none when every value is NaN or -∞). Requires `cBytes % 16 == 0`, counts ≥ 1.
 *
 * @example
 * ```ts
 * const pool2 = maxPool2Kernel(backend);   // undefined without wasm SIMD
 * pool2?.(x, dy, dx, 64, 64, 4 * 64, 128 * 4 * 64, 64 * 4 * 64);   // [1, 128, 128, 64] → [1, 64, 64, 64]
 * ```
 */
import { get, set, tee, leb, ADD, LOOP, END, LOAD, STORE, NEXT as next, kernelModule, V128_AND } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernel (see the module's formula). */
export type MaxPool2 = (x: number, dy: number, dx: number, rows: number, cols: number, cBytes: number, xRow: number, dyRow: number) => void;

const MUL = 0x6c;
const I32 = (v: number) => [0x41, ...leb(v)];
const GT = [0xfd, 0x44];
const ANDNOT = [0xfd, 0x4f];
const OR = [0xfd, 0x50];
const BITSELECT = [0xfd, 0x52];
const NEG_INF = [0xfd, 0x0c, ...[0, 1, 2, 3].flatMap(() => [0x00, 0x00, 0x80, 0xff])];

// params x0 dy1 dx2 rows3 cols4 cBytes5 xRow6 dyRow7; i32 locals i8 j9 cb10 pb11 db12 p13 o14 (offsets of v1, v2, v3: o1 15, o2 16, o3 17)
// v128 locals v0–v3 18–21, w0–w3 22–25, m 26, g 27
const V = (t: number) => 18 + t;
const W = (t: number) => 22 + t;
const [M, G] = [26, 27];
const OFF = [0, 15, 16, 17];
const at = (base: number, t: number) => [...get(base), ...get(13), ADD, ...(t ? [...get(OFF[t]), ADD] : [])];

const WINDOW = [
  ...[0, 1, 2, 3].flatMap((t) => [...at(0, t), ...LOAD(0), ...set(V(t))]),
  ...get(1), ...get(12), ADD, ...get(10), ADD, ...LOAD(0), ...set(G),
  // running first maximum: w_t = v_t > m; m = w_t ? v_t : m
  ...NEG_INF, ...set(M),
  ...[0, 1, 2, 3].flatMap((t) => [
    ...get(V(t)), ...get(M), ...GT, ...tee(W(t)),
    ...(t < 3 ? [...set(W(t)), ...get(V(t)), ...get(M), ...get(W(t)), ...BITSELECT, ...set(M)] : [...set(W(t))]),
  ]),
  // dx_3 = dy & w3; dx_t = dy & w_t & ~(w_{t+1} | … | w_3)
  ...at(2, 3), ...get(G), ...get(W(3)), ...V128_AND, ...STORE(0),
  ...get(W(3)), ...set(M), //                                          m = w3 (the later winners so far)
  ...[2, 1, 0].flatMap((t) => [
    ...at(2, t), ...get(G), ...get(W(t)), ...V128_AND, ...get(M), ...ANDNOT, ...STORE(0),
    ...(t > 0 ? [...get(M), ...get(W(t)), ...OR, ...set(M)] : []),
  ]),
];

const BODY = [
  0x02, 0x0a, 0x7f, 0x0a, 0x7b, // 10 i32 locals, 10 v128 locals
  ...get(5), ...set(15), ...get(6), ...tee(16), ...get(5), ADD, ...set(17),
  ...I32(0), ...set(8),
  ...LOOP, ...I32(0), ...set(9),
  ...LOOP,
  // pb = 2i·xRow + 2j·cBytes; db = i·dyRow + j·cBytes
  ...get(8), ...get(6), MUL, ...get(9), ...get(5), MUL, ADD, ...I32(2), MUL, ...set(11),
  ...get(8), ...get(7), MUL, ...get(9), ...get(5), MUL, ADD, ...set(12),
  ...I32(0), ...set(10),
  ...LOOP, ...get(11), ...get(10), ADD, ...set(13), ...WINDOW, ...next(10, I32(16), get(5)),
  ...next(9, I32(1), get(4)),
  ...next(8, I32(1), get(3)),
  END,
];

// max2: params x0 out1 rows2 cols3 cBytes4 xRow5 outRow6; i32 locals i7 j8 c9 p10 o11 xr1_12 (xRow + cBytes); v128 m13
const PMAX = [0xfd, 0xeb, 0x01];
const MAX2_BODY = [
  0x02, 0x06, 0x7f, 0x01, 0x7b,
  ...get(5), ...get(4), ADD, ...set(12),
  ...I32(0), ...set(7),
  ...LOOP, ...I32(0), ...set(8),
  ...LOOP,
  // p = x + 2i·xRow + 2j·cBytes; o = out + i·outRow + j·cBytes
  ...get(0), ...get(7), ...get(5), MUL, ...get(8), ...get(4), MUL, ADD, ...I32(2), MUL, ADD, ...set(10),
  ...get(1), ...get(7), ...get(6), MUL, ...get(8), ...get(4), MUL, ADD, ADD, ...set(11),
  ...I32(0), ...set(9),
  ...LOOP,
  ...get(11), ...get(9), ADD, //                                       (the store's address)
  ...NEG_INF,
  ...[[], get(4), get(5), get(12)].flatMap((off) => [...get(10), ...get(9), ADD, ...(off.length ? [...off, ADD] : []), ...LOAD(0), ...PMAX]),
  ...STORE(0),
  ...next(9, I32(16), get(4)),
  ...next(8, I32(1), get(3)),
  ...next(7, I32(1), get(2)),
  END,
];

/** The module's bytes: `pool2` (the gradient) and `max2` (the pool itself). */
export const MAX_POOL2_WASM = kernelModule([{ name: 'pool2', params: 8, body: BODY }, { name: 'max2', params: 7, body: MAX2_BODY }]);

/**
 * The pool itself, `max2(x, out, rows, cols, cBytes, xRow, outRow)`: `out[i·outRow + j·cBytes + c]` = the
 * largest of the window's four values by running strict comparisons from -∞ (`f32x4.pmax`: NaN never
 * wins; a window of NaN and -∞ gives -∞), as the cpu backend's pool and the gradient above.
 */
export type MaxPool2Forward = (x: number, out: number, rows: number, cols: number, cBytes: number, xRow: number, outRow: number) => void;

const instances = new WeakMap<object, { pool2: MaxPool2; max2: MaxPool2Forward } | null>();

const bound = (backend: WasmBackend) =>
  boundKernels(backend, instances, MAX_POOL2_WASM, (e) => ({ pool2: e.pool2 as MaxPool2, max2: e.max2 as MaxPool2Forward }));

/** The kernel bound to the backend's memory, or undefined without wasm SIMD support. */
export function maxPool2Kernel(backend: WasmBackend): MaxPool2 | undefined {
  return bound(backend)?.pool2;
}

/** The forward 2×2 stride-2 pool ({@link MaxPool2Forward}) bound to the backend's memory, or undefined without wasm SIMD. */
export function maxPool2Forward(backend: WasmBackend): MaxPool2Forward | undefined {
  return bound(backend)?.max2;
}
