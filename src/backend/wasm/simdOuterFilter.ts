/**
 * A wasm SIMD kernel for the filter gradient of a dense convolution, read straight from NHWC data:
 * for a block of 4 input channels × 8 output channels it keeps the 32 sums of one filter tap in
 * registers (8 `f32x4`) along a band of output positions — one outer product per position, one x
 * value splat against 8 dy channels — and adds them to the accumulators once per band. No packing
 * and no im2col: x (zero-padded) and dy are read in place.
 *
 * Formula (`outer(x, dy, acc, cBytes, coFrom, coTo, co4, FH, FW, tapRow, tapCol, xs, xstep, rows,
 * cols, tapAcc, CO)`, addresses and strides in bytes, `c` and `o` channel indices):
 * `acc[(kh·FW + kw)·tapAcc + 4c·CO + 4o] += Σ_{r < rows, j < cols} x[kh·tapRow + kw·tapCol + r·xs + j·xstep + 4c] · dy[(r·cols + j)·co4 + 4o]`
 * for every `c < cBytes/4` and `coFrom/4 ≤ o < coTo/4`, with `co4 = 4·CO` (dy's position stride and
 * the accumulator's channel-row stride; dy's rows follow one another). Requires `cBytes % 16 == 0`,
 * `(coTo - coFrom) % 32 == 0`, `coTo > coFrom`, `rows, cols, FH, FW ≥ 1`.
 *
 * @example
 * ```ts
 * const outer = outerFilterKernel(backend);   // undefined without wasm SIMD
 * // a 3×3 stride-2 layer, C = 32 → CO = 64, one band of 7 output rows × 14 columns of a padded 29-wide image
 * outer?.(x, dy, acc, 128, 0, 256, 256, 3, 3, 29 * 128, 128, 2 * 29 * 128, 2 * 128, 7, 14, 32 * 256, 64);
 * ```
 */
import { get, set, leb, ADD, ADD4, LOOP, END, LOAD, STORE, NEXT as next, SPLAT32_AT, kernelModule, V128_ZERO } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import { maddInto, relaxedSimd } from './relaxedSimd.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernel (see the module's formula). */
export type OuterFilter = (x: number, dy: number, acc: number, cBytes: number, coFrom: number, coTo: number, co4: number,
  FH: number, FW: number, tapRow: number, tapCol: number, xs: number, xstep: number, rows: number, cols: number, tapAcc: number, CO: number) => void;

// params x0 dy1 acc2 cBytes3 coFrom4 coTo5 co4_6 FH7 FW8 tapRow9 tapCol10 xs11 xstep12 rows13 cols14 tapAcc15 CO16
// i32 locals cob17 cb18 kh19 kw20 xr21 dr22 r23 xp24 dp25 j26 accA27; v128 locals a0..a7 28–35, d0 36, d1 37, s 38
const A = (i: number) => 28 + i;
const [D0, D1, S] = [36, 37, 38];
const MUL = 0x6c;
const I32 = (v: number) => [0x41, ...leb(v)]; // small non-negative constants (< 64)
const inc = (local: number, by: number[]) => [...get(local), ...by, ADD, ...set(local)];

const POSITION = (fma: boolean) => [
  ...get(25), ...LOAD(0), ...set(D0), ...get(25), ...LOAD(16), ...set(D1),
  ...[0, 1, 2, 3].flatMap((i) => [
    ...get(24), ...SPLAT32_AT(4 * i), ...set(S),
    ...maddInto(A(2 * i), S, D0, fma), ...maddInto(A(2 * i + 1), S, D1, fma),
  ]),
  ...inc(24, get(12)), ...inc(25, get(6)),
];

const FLUSH = [0, 1, 2, 3].flatMap((i) => [
  ...get(27), ...get(27), ...LOAD(0), ...get(A(2 * i)), ...ADD4, ...STORE(0),
  ...get(27), ...get(27), ...LOAD(16), ...get(A(2 * i + 1)), ...ADD4, ...STORE(16),
  ...inc(27, get(6)),
]);

const body = (fma: boolean) => [
  0x02, 0x0b, 0x7f, 0x0b, 0x7b, // 11 i32 locals, 11 v128 locals
  ...get(4), ...set(17),
  ...LOOP, ...I32(0), ...set(18), //                                  output-channel blocks (8)
  ...LOOP, ...I32(0), ...set(19), //                                   input-channel blocks (4)
  ...LOOP, ...I32(0), ...set(20), //                                   kh
  ...LOOP, //                                                          kw
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => [...V128_ZERO, ...set(A(i))]),
  ...get(0), ...get(18), ADD, ...get(19), ...get(9), MUL, ADD, ...get(20), ...get(10), MUL, ADD, ...set(21),
  ...get(1), ...get(17), ADD, ...set(22), ...I32(0), ...set(23),
  ...LOOP, ...get(21), ...set(24), ...get(22), ...set(25), ...I32(0), ...set(26), // rows of the band
  ...LOOP, ...POSITION(fma), ...next(26, I32(1), get(14)), //                            positions of the row
  ...inc(21, get(11)), ...get(25), ...set(22),
  ...next(23, I32(1), get(13)),
  // accA = acc + (kh·FW + kw)·tapAcc + cb·CO + cob
  ...get(2), ...get(19), ...get(8), MUL, ...get(20), ADD, ...get(15), MUL, ADD, ...get(18), ...get(16), MUL, ADD, ...get(17), ADD, ...set(27),
  ...FLUSH,
  ...next(20, I32(1), get(8)),
  ...next(19, I32(1), get(7)),
  ...next(18, I32(16), get(3)),
  ...next(17, I32(32), get(5)),
  END,
];

const modules: { fma?: Uint8Array; plain?: Uint8Array } = {};

/** The module's bytes: with `f32x4.relaxed_madd` (`fma`) or mul + add (built once each). */
export function outerFilterWasm(fma: boolean): Uint8Array {
  return (modules[fma ? 'fma' : 'plain'] ??= kernelModule([{ name: 'outer', params: 17, body: body(fma) }]));
}

const instances = { fma: new WeakMap<object, OuterFilter | null>(), plain: new WeakMap<object, OuterFilter | null>() };

/**
 * The kernel bound to the backend's memory (the relaxed multiply-add when the engine has relaxed
 * SIMD and `fma` is not false: relaxedSimd.ts), or undefined without wasm SIMD support.
 */
export function outerFilterKernel(backend: WasmBackend, fma = relaxedSimd()): OuterFilter | undefined {
  return boundKernels(backend, fma ? instances.fma : instances.plain, outerFilterWasm(fma), (e) => e.outer as OuterFilter);
}
