/**
 * A wasm SIMD kernel for a dense NHWC convolution read straight from a zero-padded input: a tile of
 * 4 output columns × 8 output channels keeps its 32 sums in registers (8 `f32x4`) over every filter
 * tap and input channel — per input channel, one splat of each of the 4 pixels' value against the
 * 8 packed filter weights — and is stored once. With relaxed SIMD (relaxedSimd.ts) the multiply-add
 * is one `f32x4.relaxed_madd` (a fused multiply-add on x86 with FMA), otherwise `f32x4.mul` + `f32x4.add`.
 *
 * Formula (`conv(x, w, out, cBytes, FH, FW, tapRow, tapCol, xs, xstep, rows, cols, outRow, co4, blocks, wBlock, cStep, wStep, accumulate)`,
 * addresses and strides in bytes): for `b < blocks`, `r < rows`, `j < cols`, `o < 8`,
 * `out[r·outRow + j·co4 + 32b + 4o] (+)= Σ_{kh < FH, kw < FW, c < cBytes/cStep} x[r·xs + j·xstep + kh·tapRow + kw·tapCol + c·cStep] · w[b·wBlock + ((kh·FW + kw)·cBytes/cStep + c)·wStep + 4o]`
 * (`+=` when `accumulate ≠ 0`: the sums start from out). A convolution has `cStep = 4` and w packed
 * `[block][kh][kw][c][8]` (`wStep = 32`); a matrix product reads its operands in place with other
 * strides (batchMatMul.ts). Columns are computed 4 at a time; the last tile of a row reads x up to
 * `3·xstep` bytes beyond column `cols - 1` (the caller leaves that much room) and reads and writes out
 * only at columns `< cols`. Requires `cBytes ≥ cStep > 0`, `rows, cols, blocks, FH, FW ≥ 1`.
 *
 * @example
 * ```ts
 * const conv = directConvKernel(backend);   // undefined without wasm SIMD
 * // 3×3 'same', 64 → 64 channels, one 16-wide image padded to 18 columns: 16 rows, 8 blocks
 * conv?.(xp, wPacked, out, 256, 3, 3, 18 * 256, 256, 18 * 256, 256, 16, 16, 16 * 256, 256, 8, 9 * 64 * 32, 4, 32, 0);
 * ```
 */
import { get, set, tee, leb, ADD, LT_U, LOOP, END, LOAD, STORE, NEXT as next, SPLAT32, kernelModule, V128_ZERO } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import { maddInto, relaxedSimd } from './relaxedSimd.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernel (see the module's formula). */
export type DirectConv = (x: number, w: number, out: number, cBytes: number, FH: number, FW: number, tapRow: number, tapCol: number,
  xs: number, xstep: number, rows: number, cols: number, outRow: number, co4: number, blocks: number, wBlock: number,
  cStep: number, wStep: number, accumulate: number) => void;

// params x0 w1 out2 cBytes3 FH4 FW5 tapRow6 tapCol7 xs8 xstep9 rows10 cols11 outRow12 co4_13 blocks14 wBlock15 cStep16 wStep17 accumulate18
// i32 locals b19 r20 j21 kh22 kw23 a24 end25 wp26 x2_27 x3_28 o29 wb30; v128 locals acc 31–38, d0 39, d1 40, s 41
const A = (i: number) => 31 + i;
const [D0, D1, S] = [39, 40, 41];
const [B, R, J, KH, KW, AP, ENDP, WP, X2, X3, O, WB] = [19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];
const MUL = 0x6c;
const I32 = (v: number) => [0x41, ...leb(v)]; // small non-negative constants (< 64)
const IF = [0x04, 0x40];
const ELSE = 0x05;

const madd = (acc: number, d: number, fma: boolean) => maddInto(acc, S, d, fma);

/** One input channel: 2 weight loads, 4 pixel splats, 8 multiply-adds; then a += cStep, wp += wStep. */
const channel = (fma: boolean) => [
  ...get(WP), ...LOAD(0), ...set(D0), ...get(WP), ...LOAD(16), ...set(D1),
  ...[0, 1, 2, 3].flatMap((i) => [
    ...get(AP), ...(i === 0 ? [] : i === 1 ? [...get(9), ADD] : [...get(i === 2 ? X2 : X3), ADD]), ...SPLAT32, ...set(S),
    ...madd(A(2 * i), D0, fma), ...madd(A(2 * i + 1), D1, fma),
  ]),
  ...get(WP), ...get(17), ADD, ...set(WP),
];

/** Start pixel i's sums from out (pixel i of the tile, if column j + i < cols; else 0); o advances by co4. */
const loadSums = (i: number) => {
  const load = [...get(O), ...LOAD(0), ...set(A(2 * i)), ...get(O), ...LOAD(16), ...set(A(2 * i + 1))];
  const zero = [...V128_ZERO, ...set(A(2 * i)), ...V128_ZERO, ...set(A(2 * i + 1))];
  return [
    ...(i === 0 ? load : [...get(J), ...I32(i), ADD, ...get(11), LT_U, ...IF, ...load, ELSE, ...zero, END]),
    ...get(O), ...get(13), ADD, ...set(O),
  ];
};

/** Store pixel i of the tile (if column j + i < cols). */
const store = (i: number) => {
  const body = [
    ...get(O), ...get(A(2 * i)), ...STORE(0), ...get(O), ...get(A(2 * i + 1)), ...STORE(16),
    ...get(O), ...get(13), ADD, ...set(O),
  ];
  return i === 0 ? body : [...get(J), ...I32(i), ADD, ...get(11), LT_U, ...IF, ...body, END];
};

const body = (fma: boolean) => [
  0x02, 0x0c, 0x7f, 0x0b, 0x7b, // 12 i32 locals, 11 v128 locals
  ...get(9), ...get(9), ADD, ...tee(X2), ...get(9), ADD, ...set(X3),
  ...I32(0), ...set(B),
  ...LOOP, //                                                           blocks of 8 output channels
  ...get(1), ...get(B), ...get(15), MUL, ADD, ...set(WB),
  ...I32(0), ...set(R),
  ...LOOP, //                                                           rows
  ...I32(0), ...set(J),
  ...LOOP, //                                                           tiles of 4 columns
  // o = out + r·outRow + j·co4 + 32b: the tile's first output (also where the sums start from when accumulating)
  ...get(2), ...get(R), ...get(12), MUL, ADD, ...get(J), ...get(13), MUL, ADD, ...get(B), ...I32(32), MUL, ADD, ...set(O),
  ...get(18), ...IF, ...[0, 1, 2, 3].flatMap(loadSums), ELSE, ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => [...V128_ZERO, ...set(A(i))]), END,
  ...get(WB), ...set(WP),
  ...I32(0), ...set(KH),
  ...LOOP, ...I32(0), ...set(KW), //                                     kh
  ...LOOP, //                                                           kw
  // a = x + r·xs + j·xstep + kh·tapRow + kw·tapCol
  ...get(0), ...get(R), ...get(8), MUL, ADD, ...get(J), ...get(9), MUL, ADD, ...get(KH), ...get(6), MUL, ADD,
  ...get(KW), ...get(7), MUL, ADD, ...tee(AP), ...get(3), ADD, ...set(ENDP),
  ...LOOP, ...channel(fma), ...next(AP, get(16), get(ENDP)), //         input channels
  ...next(KW, I32(1), get(5)),
  ...next(KH, I32(1), get(4)),
  // o = out + r·outRow + j·co4 + 32b
  ...get(2), ...get(R), ...get(12), MUL, ADD, ...get(J), ...get(13), MUL, ADD, ...get(B), ...I32(32), MUL, ADD, ...set(O),
  ...[0, 1, 2, 3].flatMap(store),
  ...next(J, I32(4), get(11)),
  ...next(R, I32(1), get(10)),
  ...next(B, I32(1), get(14)),
  END,
];

const modules: { fma?: Uint8Array; plain?: Uint8Array } = {};

/** The module's bytes: with `f32x4.relaxed_madd` (`fma`) or mul + add (built once each). */
export function directConvWasm(fma: boolean): Uint8Array {
  const key = fma ? 'fma' : 'plain';
  return (modules[key] ??= kernelModule([{ name: 'conv', params: 19, body: body(fma) }]));
}

const instances = { fma: new WeakMap<object, DirectConv | null>(), plain: new WeakMap<object, DirectConv | null>() };

/**
 * The kernel bound to the backend's memory (the relaxed multiply-add when the engine has relaxed
 * SIMD and `fma` is not false), or undefined without wasm SIMD support.
 */
export function directConvKernel(backend: WasmBackend, fma = relaxedSimd()): DirectConv | undefined {
  return boundKernels(backend, fma ? instances.fma : instances.plain, directConvWasm(fma), (e) => e.conv as DirectConv);
}
