/**
 * A tiny WebAssembly SIMD kernel that works directly on the tfjs wasm backend's memory (it imports
 * that module's `WebAssembly.Memory`), for the products no stock wasm kernel expresses efficiently.
 *
 * `madd(x, o1, o2, xs, xstep, d, ds, acc, as, cb, nb, rows)` — all arguments in bytes — computes, for
 * three taps `t` (input offsets `0, o1, o2`, accumulators at `acc + t·as`), every channel `c < C`
 * (`cb = 4·C`, a multiple of 16) and `n = nb / cb` positions per row:
 * `acc_t[c] += Σ_{r < rows} Σ_{j < n} x[o_t + r·xs + j·xstep + 4c] · d[r·ds + j·cb + 4c]`
 * (float32, four channels per `f32x4`; the 3·C accumulators stay in L1). `maxpy` (same arguments,
 * `(w, ws)` for `(acc, as)`) is its adjoint: `x[o_t + r·xs + j·xstep + 4c] += d[r·ds + j·cb + 4c] · w[t·ws + 4c]`.
 * `madds` (same arguments) reads one input value per position, broadcast over the channels:
 * `acc_t[c] += Σ x[o_t + r·xs + j·xstep] · d[r·ds + j·cb + 4c]`. All require `rows ≥ 1`, `nb ≥ cb ≥ 16`. Hand-assembled (no toolchain needed); the loops are spelled out in `loops`.
 *
 * @example
 * ```ts
 * const madd = simdMadd(backend);   // undefined where wasm SIMD is unavailable
 * // taps at x, x + 4C, x + 8C of an H×W image against dy; accumulators at acc, acc + 4C, acc + 8C
 * madd?.(x, 4 * C, 8 * C, 4 * (W + 2) * C, 4 * C, dy, 4 * W * C, acc, 4 * C, 4 * C, 4 * W * C, H);
 * ```
 */
import { get, set, tee, ADD, LT_U, MUL4, ADD4, LOOP, END, BR_IF0, SPLAT32, LOAD, STORE, kernelModule } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernel: byte addresses and strides into the tfjs wasm heap. */
export type Madd = (x: number, o1: number, o2: number, xs: number, xstep: number, d: number, ds: number, acc: number, as: number, cb: number, nb: number, rows: number) => void;

// params: x0 o1 o2 xs3 xstep4 d5 ds6 acc7 as8 cb9 nb10 rows11;
// locals: c12 r13 j14 xr15 dr16 jx17 (i32), dv18 (v128)
const accAt = (t: number) => [...get(7), ...Array(t).fill([...get(8), ADD]).flat(), ...get(12), ADD]; // acc + t·as + c
const xAt = (off: number[]) => [...get(15), ...get(17), ADD, ...get(12), ADD, ...off]; // xr + jx + c (+ o_t)
const fma = (t: number, off: number[]) => [...accAt(t), ...accAt(t), ...LOAD(), ...xAt(off), ...LOAD(), ...get(18), ...MUL4, ...ADD4, ...STORE()];
/** The three nested loops shared by both kernels around `inner` (which sees dv = d[dr + j + c]). */
const loops = (locals: number[], inner: number[]) => [
  ...locals,
  ...get(0), ...set(15), ...get(5), ...set(16), // xr = x, dr = d
  0x41, 0x00, ...set(13), // r = 0
  ...LOOP, //   loop over rows
  0x41, 0x00, ...set(14), 0x41, 0x00, ...set(17), // j = 0, jx = 0
  ...LOOP, //     loop over positions of the row
  0x41, 0x00, ...set(12), // c = 0
  ...LOOP, //       loop over channel groups
  ...get(16), ...get(14), ADD, ...get(12), ADD, ...LOAD(), ...set(18), // dv = d[dr + j + c]
  ...inner,
  ...get(12), 0x41, 0x10, ADD, ...tee(12), ...get(9), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  ...get(17), ...get(4), ADD, ...set(17), // jx += xstep
  ...get(14), ...get(9), ADD, ...tee(14), ...get(10), LT_U, ...BR_IF0, END, // j += cb while j < nb
  ...get(15), ...get(3), ADD, ...set(15), // xr += xs
  ...get(16), ...get(6), ADD, ...set(16), // dr += ds
  ...get(13), 0x41, 0x01, ADD, ...tee(13), ...get(11), LT_U, ...BR_IF0, END, // while ++r < rows
  END,
];
// madd: acc_t[c] += x[xr + jx + c + o_t] · dv (the 3·C accumulators stay in L1)
const MADD_BODY = loops([0x02, 0x06, 0x7f, 0x01, 0x7b], [...fma(0, []), ...fma(1, [...get(1), ADD]), ...fma(2, [...get(2), ADD])]);
// maxpy: x[xr + jx + c + o_t] += dv · w[t·ws + c]; params 7, 8 are w, ws; local 19 holds the address
const wAt = (t: number) => [...get(7), ...Array(t).fill([...get(8), ADD]).flat(), ...get(12), ADD];
const axpy = (t: number, off: number[]) => [...xAt(off), ...set(19), ...get(19), ...get(19), ...LOAD(), ...get(18), ...wAt(t), ...LOAD(), ...MUL4, ...ADD4, ...STORE()];
// madds: acc_t[c] += splat(x[xr + jx + o_t]) · dv — one input value against C output channels
const fmas = (t: number, off: number[]) => [...accAt(t), ...accAt(t), ...LOAD(), ...get(15), ...get(17), ADD, ...off, ...SPLAT32, ...get(18), ...MUL4, ...ADD4, ...STORE()];
const MADDS_BODY = loops([0x02, 0x06, 0x7f, 0x01, 0x7b], [...fmas(0, []), ...fmas(1, [...get(1), ADD]), ...fmas(2, [...get(2), ADD])]);
const MAXPY_BODY = loops([0x03, 0x06, 0x7f, 0x01, 0x7b, 0x01, 0x7f], [...axpy(0, []), ...axpy(1, [...get(1), ADD]), ...axpy(2, [...get(2), ADD])]);

/** The module's bytes. */
export const MADD_WASM = kernelModule([
  { name: 'madd', params: 12, body: MADD_BODY },
  { name: 'maxpy', params: 12, body: MAXPY_BODY },
  { name: 'madds', params: 12, body: MADDS_BODY },
]);


/** Both kernels, bound to one wasm memory. */
export interface SimdKernels {
  madd: Madd;
  /** Same arguments as {@link Madd} with `(w, ws)` in place of `(acc, as)`: `x_t[…] += d[…] · w_t[c]`. */
  maxpy: Madd;
  /** Same arguments as {@link Madd}, but one input value per position, splat over the C channels of d. */
  madds: Madd;
}

const instances = new WeakMap<object, SimdKernels | null>();

/** The SIMD kernels bound to the backend's memory, or undefined without wasm SIMD support. */
export function simdKernels(backend: WasmBackend): SimdKernels | undefined {
  return boundKernels(backend, instances, MADD_WASM, (e) => ({ madd: e.madd as Madd, maxpy: e.maxpy as Madd, madds: e.madds as Madd }));
}

/** The `madd` kernel bound to the backend's memory, or undefined without wasm SIMD support. */
export function simdMadd(backend: WasmBackend): Madd | undefined {
  return simdKernels(backend)?.madd;
}
