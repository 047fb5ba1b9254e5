/**
 * wasm SIMD kernels for depthwise gradients that read x / write dx in place (no padded copy), with
 * a channel multiplier `M`: dy's lanes are `(c, m)` pairs (channel `c·M + m`), x / dx has `C` channels.
 *
 * Same arguments as {@link Madd} (bytes; `cb = 4·C·M`, a multiple of 16; `nb = positions·cb`):
 * - `maddM` (M = 1, 2, 4): `acc_t[c·M + m] += Σ_{r, j} x[o_t + r·xs + j·xstep + 4c] · d[r·ds + j·cb + 4(c·M + m)]`
 *   (x is read 4/M channels at a time and each value repeated M times across the lanes);
 * - `maxpyM` (M = 1, 2): `x[o_t + r·xs + j·xstep + 4c] += Σ_m d[r·ds + j·cb + 4(c·M + m)] · w[t·ws + 4(c·M + m)]`
 *   (M = 2: two dy vectors, multiplied, then added pairwise by two shuffles into one x vector; `cb` a multiple of 32).
 *
 * @example
 * ```ts
 * const k = depthwiseKernels(backend);          // undefined without wasm SIMD
 * // 3 taps 4C apart of a W-wide C-channel image against dy with 2C channels (M = 2)
 * k?.madd[2](x, 4 * C, 8 * C, 4 * W * C, 4 * C, dy, 8 * W * C, acc, 8 * C, 8 * C, 8 * W * C, H);
 * ```
 */
import { get, set, tee, ADD, LT_U, SHR_U, MUL4, ADD4, LOOP, END, BR_IF0, SPLAT32, SPLAT64, LOAD, STORE, kernelModule, SHUFFLE32 } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { Madd } from './simdMadd.js';
import type { WasmBackend } from './wasmHeap.js';

const shuffle = SHUFFLE32;
// params: x0 o1 o2 xs3 xstep4 d5 ds6 acc7 as8 cb9 nb10 rows11; locals c12 r13 j14 xr15 dr16 jx17 (i32), dv18 (v128),
// dq19 X0_20 X1_21 X2_22 A1_23 A2_24 addr25 cx26 (i32), extras 27.. (v128). Addresses are hoisted: per call
// A_t = acc + t·as; per position dq = dr + j, X_t = xr + jx + o_t; per channel group cx = c >> sh (x's byte offset).
const A = (t: number) => (t === 0 ? 7 : 22 + t);
const X = (t: number) => 20 + t;
/** Rows × positions × channel groups of `cstep` bytes around `inner` (which sees dv = d[dq + c]). */
const loops = (extraV128: number, sh: number, inner: number[], cstep: number) => [
  ...(extraV128 ? [0x04, 0x06, 0x7f, 0x01, 0x7b, 0x08, 0x7f, extraV128, 0x7b] : [0x03, 0x06, 0x7f, 0x01, 0x7b, 0x08, 0x7f]),
  ...get(7), ...get(8), ADD, ...tee(23), ...get(8), ADD, ...set(24),
  ...get(0), ...set(15), ...get(5), ...set(16), 0x41, 0x00, ...set(13),
  ...LOOP, 0x41, 0x00, ...set(14), 0x41, 0x00, ...set(17), //  rows
  ...LOOP, ...get(16), ...get(14), ADD, ...set(19), //  positions
  ...get(15), ...get(17), ADD, ...tee(20), ...get(1), ADD, ...set(21), ...get(20), ...get(2), ADD, ...set(22),
  0x41, 0x00, ...set(12),
  ...LOOP, ...get(19), ...get(12), ADD, ...LOAD(), ...set(18), //  channel groups
  ...get(12), ...(sh ? [0x41, sh, SHR_U] : []), ...set(26),
  ...inner,
  ...get(12), 0x41, cstep, ADD, ...tee(12), ...get(9), LT_U, ...BR_IF0, END, // while (c += cstep) < cb
  ...get(17), ...get(4), ADD, ...set(17),
  ...get(14), ...get(9), ADD, ...tee(14), ...get(10), LT_U, ...BR_IF0, END, // j += cb while j < nb
  ...get(15), ...get(3), ADD, ...set(15), ...get(16), ...get(6), ADD, ...set(16),
  ...get(13), 0x41, 0x01, ADD, ...tee(13), ...get(11), LT_U, ...BR_IF0, END, // while ++r < rows
  END,
];
const TAPS = [0, 1, 2];
const xAt = (t: number) => [...get(X(t)), ...get(26), ADD];
const wAt = (t: number) => [...get(A(t)), ...get(12), ADD];
/** x's 4 lanes for multiplier M: 4 channels; 2 channels each twice; 1 channel 4 times. */
const XLOAD: Record<number, number[]> = { 1: LOAD(), 2: [...SPLAT64, ...get(18), ...shuffle([0, 0, 1, 1])], 4: SPLAT32 };
const SH: Record<number, number> = { 1: 0, 2: 1, 4: 2 };
const maddBody = (M: number) => loops(0, SH[M], TAPS.flatMap((t) =>
  [...wAt(t), ...tee(25), ...get(25), ...LOAD(), ...xAt(t), ...XLOAD[M], ...get(18), ...MUL4, ...ADD4, ...STORE()]), 16);
const maxpy1 = loops(0, 0, TAPS.flatMap((t) =>
  [...xAt(t), ...tee(25), ...get(25), ...LOAD(), ...get(18), ...wAt(t), ...LOAD(), ...MUL4, ...ADD4, ...STORE()]), 16);
// maxpy2: 27 dv1 = d[dq + c + 16], 28 p, 29 q; x += even(p, q) + odd(p, q)
const maxpy2 = loops(3, 1, [
  ...get(19), ...get(12), ADD, ...LOAD(16), ...set(27),
  ...TAPS.flatMap((t) => [
    ...xAt(t), ...tee(25), ...get(25), ...LOAD(),
    ...get(18), ...wAt(t), ...LOAD(), ...MUL4, ...set(28), ...get(27), ...wAt(t), ...LOAD(16), ...MUL4, ...set(29),
    ...get(28), ...get(29), ...shuffle([0, 2, 4, 6]), ...get(28), ...get(29), ...shuffle([1, 3, 5, 7]), ...ADD4,
    ...ADD4, ...STORE()]),
], 32);

const EXPORTS: [string, number[]][] = [['madd1', maddBody(1)], ['madd2', maddBody(2)], ['madd4', maddBody(4)], ['maxpy1', maxpy1], ['maxpy2', maxpy2]];

/** The module's bytes. */
export const DEPTHWISE_WASM = kernelModule(EXPORTS.map(([n, body]) => ({ name: n, params: 12, body })));

/** The in-place depthwise kernels by multiplier. */
export interface DepthwiseKernels {
  madd: Record<number, Madd>;
  maxpy: Record<number, Madd>;
}

const instances = new WeakMap<object, DepthwiseKernels | null>();

/** The kernels bound to the backend's memory, or undefined without wasm SIMD support. */
export function depthwiseKernels(backend: WasmBackend): DepthwiseKernels | undefined {
  return boundKernels(backend, instances, DEPTHWISE_WASM, (exports) => {
    const e = exports as Record<string, Madd>;
    return { madd: { 1: e.madd1, 2: e.madd2, 4: e.madd4 }, maxpy: { 1: e.maxpy1, 2: e.maxpy2 } };
  });
}
