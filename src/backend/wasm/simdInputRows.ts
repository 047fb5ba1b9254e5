/**
 * wasm SIMD depthwise input-gradient kernel for multiplier 2 that keeps one channel group's weights
 * of three taps in registers along a row of positions: same arguments and result as
 * simdDepthwise.ts's `maxpy2` (a {@link Madd} with `(w, ws)` for `(acc, as)`), with loops rows →
 * channel groups → positions instead of rows → positions → channel groups, so the six weight vectors
 * are loaded once per (row, group) instead of once per position. For each channel group the
 * positions and taps are visited in the same order as `maxpy2`: the sums are bitwise the same.
 *
 * Formula (bytes; `cb = 8·C` a multiple of 32, `nb = positions·cb`):
 * `x[o_t + r·xs + j·xstep + 4c] += Σ_{m < 2} d[r·ds + j·cb + 4(2c + m)] · w[t·ws + 4(2c + m)]` for `t < 3`
 * (tap offsets `0, o1, o2`). Requires `rows ≥ 1`, `nb ≥ cb`.
 *
 * @example
 * ```ts
 * const k = inputRowKernels(backend);   // undefined without wasm SIMD
 * // taps 0, 1, 2 (4C bytes apart) of a stride-1 row of W positions, C = 16 channels, multiplier 2
 * k?.(dx, 64, 128, 4 * W * 16, 64, dy, 8 * W * 16, w, 128, 128, W * 128, 1);
 * ```
 */
import { get, set, tee, ADD, SUB, LT_U, SHR_U, MUL4, ADD4, LOOP, END, BR_IF0, LOAD, STORE, SHUFFLE32, kernelModule } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { Madd } from './simdMadd.js';
import type { WasmBackend } from './wasmHeap.js';

// params x0 o1 o2 xs3 xstep4 d5 ds6 w7 ws8 cb9 nb10 rows11; i32 locals c12 r13 j14 xr15 dr16 xp17 dp18 W1_19 W2_20 xa21;
// v128 locals: weights wv(t, m) 22 + 2t + m, dv0 28, dv1 29, p 30, q 31.
const WT = (t: number) => [7, 19, 20][t];
const XOFF = (t: number) => (t === 0 ? [] : [...get(t), ADD]);
const TAPS = [0, 1, 2];
const wv = (t: number, m: number) => 22 + 2 * t + m;
const [DV0, DV1, P, Q] = [28, 29, 30, 31];

const BODY = [
  0x02, 0x0a, 0x7f, 0x0a, 0x7b,
  ...get(7), ...get(8), ADD, ...tee(19), ...get(8), ADD, ...set(20),
  ...get(0), ...set(15), ...get(5), ...set(16), 0x41, 0x00, ...set(13),
  ...LOOP, 0x41, 0x00, ...set(12), //                                            rows
  ...LOOP, //                                                                     channel groups (32 bytes of dy)
  ...TAPS.flatMap((t) => [...get(WT(t)), ...get(12), ADD, ...tee(21), ...LOAD(0), ...set(wv(t, 0)), ...get(21), ...LOAD(16), ...set(wv(t, 1))]),
  ...get(15), ...get(12), 0x41, 0x01, SHR_U, ADD, ...set(17), //                 x's byte offset is half dy's
  ...get(16), ...get(12), ADD, ...set(18), ...get(10), ...set(14),
  ...LOOP, //                                                                     positions
  ...get(18), ...LOAD(0), ...set(DV0), ...get(18), ...LOAD(16), ...set(DV1),
  ...TAPS.flatMap((t) => [
    ...get(DV0), ...get(wv(t, 0)), ...MUL4, ...set(P), ...get(DV1), ...get(wv(t, 1)), ...MUL4, ...set(Q),
    ...get(17), ...XOFF(t), ...tee(21), ...get(21), ...LOAD(0),
    ...get(P), ...get(Q), ...SHUFFLE32([0, 2, 4, 6]), ...get(P), ...get(Q), ...SHUFFLE32([1, 3, 5, 7]), ...ADD4,
    ...ADD4, ...STORE(0),
  ]),
  ...get(17), ...get(4), ADD, ...set(17), ...get(18), ...get(9), ADD, ...set(18),
  ...get(14), ...get(9), SUB, ...tee(14), ...BR_IF0, END, //                      while (j -= cb)
  ...get(12), 0x41, 0x20, ADD, ...tee(12), ...get(9), LT_U, ...BR_IF0, END, //    while (c += 32) < cb
  ...get(15), ...get(3), ADD, ...set(15), ...get(16), ...get(6), ADD, ...set(16),
  ...get(13), 0x41, 0x01, ADD, ...tee(13), ...get(11), LT_U, ...BR_IF0, END, //   while ++r < rows
  END,
];

/** The module's bytes. */
export const INPUT_ROWS_WASM = kernelModule([{ name: 'maxpyr2', params: 12, body: BODY }]);

const instances = new WeakMap<object, Madd | null>();

/** The multiplier-2 kernel bound to the backend's memory, or undefined without wasm SIMD. */
export function inputRowKernels(backend: WasmBackend): Madd | undefined {
  return boundKernels(backend, instances, INPUT_ROWS_WASM, (e) => e.maxpyr2 as Madd);
}
