/**
 * wasm SIMD "gather" kernels for the depthwise input gradient: every output value is written once
 * (no zeroing, no read-modify-write) as a sum over `T` taps, each tap a shifted read of dy times a
 * per-channel weight, with dy's lanes `(c, m)` (channel `c·M + m`) summed over `m`.
 *
 * `gather(dx, xstep, xs, d, dstep, ds, tab, cb, n, rows)` — all arguments in bytes — with a tap table
 * at `tab` of `T` pairs of i32 `(off_t, w_t)` (dy byte offset, weight byte address), for
 * `r < rows`, `j < n` and every channel `c < cb / 4` (`cb` a multiple of 16) computes
 * `dx[r·xs + j·xstep + 4c] = Σ_{t < T} Σ_{m < M} d[off_t + r·ds + j·dstep + 4(c·M + m)] · w_t[4(c·M + m)]`.
 * Loops: rows → positions → channel groups → taps (unrolled; dy and weights read at the same channel
 * offset). Variant `U = 4` does four channel groups per step (`cb` a multiple of 64), `U = 1` one.
 * Requires `rows ≥ 1`, `n ≥ 1`, `cb ≥ 16`; `M ∈ {1, 2}`, `1 ≤ T ≤ MAX_TAPS`.
 *
 * @example
 * ```ts
 * const k = gatherKernels(backend);   // undefined without wasm SIMD
 * // U = 1, M = 1, one tap (table at tab) of a C-channel dy onto dx, 14 positions, dx stride 2 positions
 * k?.[11][1](dx, 8 * C, 8 * W * C, dy, 4 * C, 4 * OW * C, tab, 4 * C, 14, 1);
 * ```
 */
import { leb, sleb, get, set, tee, ADD, SUB, LT_U, SHL, MUL4, ADD4, LOOP, END, BR_IF0, LOAD, STORE, kernelModule, SHUFFLE32 } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** A gather kernel (see the module comment). */
export type Gather = (dx: number, xstep: number, xs: number, d: number, dstep: number, ds: number, tab: number, cb: number, n: number, rows: number) => void;

/** The largest tap count with a kernel. */
export const MAX_TAPS = 16;

const I32LOAD = (off: number) => [0x28, 0x02, ...leb(off)];
const shuffle = SHUFFLE32;

// params: dx0 xstep1 xs2 d3 dstep4 ds5 tab6 cb7 n8 rows9; i32 locals c10 r11 j12 xr13 dr14 xp15 dp16 c2_17,
// O_t 18+t (dy offset of tap t), A_t 18+T+t (its weights), D_t 18+2T+t (dp + O_t); v128 locals P, Q.
function body(M: number, T: number, U: number): number[] {
  const taps = Array.from({ length: T }, (_, t) => t);
  const O = (t: number) => 18 + t;
  const A = (t: number) => 18 + T + t;
  const D = (t: number) => 18 + 2 * T + t;
  const P = 18 + 3 * T;
  const Q = P + 1;
  const c2 = M === 1 ? 10 : 17;
  /** Σ_t d[D_t + c2 + off] · w_t[c2 + off], left on the stack. */
  const sum = (off: number) => taps.flatMap((t) => [
    ...get(D(t)), ...get(c2), ADD, ...LOAD(off), ...get(A(t)), ...get(c2), ADD, ...LOAD(off), ...MUL4, ...(t ? ADD4 : [])]);
  /** dx[xp + c + 16u] = the sum for channel group u of this step. */
  const value = (u: number) => [...get(15), ...get(10), ADD, ...(M === 1 ? sum(16 * u)
    : [...sum(32 * u), ...set(P), ...sum(32 * u + 16), ...set(Q), ...get(P), ...get(Q), ...shuffle([0, 2, 4, 6]), ...get(P), ...get(Q), ...shuffle([1, 3, 5, 7]), ...ADD4]), ...STORE(16 * u)];
  return [
    0x02, ...leb(8 + 3 * T), 0x7f, 0x02, 0x7b,
    ...taps.flatMap((t) => [...get(6), ...I32LOAD(8 * t), ...set(O(t)), ...get(6), ...I32LOAD(8 * t + 4), ...set(A(t))]),
    ...get(0), ...set(13), ...get(3), ...set(14), 0x41, 0x00, ...set(11),
    ...LOOP, ...get(13), ...set(15), ...get(14), ...set(16), ...get(8), ...set(12), //  rows
    ...LOOP, //  positions
    ...taps.flatMap((t) => [...get(16), ...get(O(t)), ADD, ...set(D(t))]),
    0x41, 0x00, ...set(10),
    ...LOOP, //  channel groups
    ...(M === 2 ? [...get(10), 0x41, 0x01, SHL, ...set(17)] : []), // c2 = 2c
    ...Array.from({ length: U }, (_, u) => value(u)).flat(),
    ...get(10), 0x41, ...sleb(16 * U), ADD, ...tee(10), ...get(7), LT_U, ...BR_IF0, END, // while (c += 16) < cb
    ...get(15), ...get(1), ADD, ...set(15), ...get(16), ...get(4), ADD, ...set(16),
    ...get(12), 0x41, 0x01, SUB, ...tee(12), ...BR_IF0, END, // while --j
    ...get(13), ...get(2), ADD, ...set(13), ...get(14), ...get(5), ADD, ...set(14),
    ...get(11), 0x41, 0x01, ADD, ...tee(11), ...get(9), LT_U, ...BR_IF0, END, // while ++r < rows
    END,
  ];
}

const FUNCS: [string, number[]][] = [1, 4].flatMap((U) => [1, 2].flatMap((M) =>
  Array.from({ length: MAX_TAPS }, (_, i) => [`g${U}_${M}_${i + 1}`, body(M, i + 1, U)] as [string, number[]])));

/** The module's bytes. */
export const GATHER_WASM = kernelModule(FUNCS.map(([n, body]) => ({ name: n, params: 10, body })));

/** Gather kernels by `10·U + M` (channel groups per step, multiplier) then tap count T: `kernels[10·U + M][T]`. */
export type GatherKernels = Record<number, Record<number, Gather>>;

const instances = new WeakMap<object, GatherKernels | null>();

/** The gather kernels bound to the backend's memory, or undefined without wasm SIMD support. */
export function gatherKernels(backend: WasmBackend): GatherKernels | undefined {
  return boundKernels(backend, instances, GATHER_WASM, (exports) => {
    const e = exports as Record<string, Gather>;
    const kernels: GatherKernels = {};
    for (const U of [1, 4]) {
      for (const M of [1, 2]) {
        kernels[U * 10 + M] = {};
        for (let T = 1; T <= MAX_TAPS; T++) kernels[U * 10 + M][T] = e[`g${U}_${M}_${T}`];
      }
    }
    return kernels;
  });
}
