/**
 * wasm SIMD depthwise filter-gradient kernels (multiplier 1) that keep the three tap accumulators
 * of `U` channel groups in registers along one row of positions: same arguments and result as
 * `madd1` of simdDepthwise.ts (a {@link Madd}), with loops rows → channel groups → positions, so
 * each accumulator is loaded and stored once per (row, channel group) instead of once per position,
 * and `3·U` independent add chains hide the add latency.
 *
 * Formula (bytes; `cb = 4·C`, a multiple of `16·U`; `nb = positions·cb`):
 * `acc_t[c] += Σ_{r < rows, j < nb/cb} x[o_t + r·xs + j·xstep + 4c] · d[r·ds + j·cb + 4c]`
 * for `t < 3` (offsets `0, o1, o2`, accumulators at `acc + t·as`). A row's x (a few taps' rows) and
 * dy stay in L1 across its channel groups. Requires `rows ≥ 1`, `nb ≥ cb ≥ 16·U`.
 * `maddk` (for strided cases) is `madd1` over `K` tap rows per row: for `r < rows`, `k < K` it adds
 * `Σ_j x[k·xkh + o_t + r·xs + j·xstep + 4c] · d[r·ds + j·cb + 4c]` into `acc_t + k·akh` (accumulators
 * in memory, channels innermost), so x is read row after row in address order.
 *
 * @example
 * ```ts
 * const k = filterRowKernels(backend);   // undefined without wasm SIMD
 * // taps 0, 1, 2 (4C bytes apart) of a stride-1 image against dy, 28 positions × 28 rows, U = 2
 * k?.[2](x, 4 * C, 8 * C, 4 * (W + 2) * C, 4 * C, dy, 4 * W * C, acc, 4 * C, 4 * C, 28 * 4 * C, 28);
 * // stride 2, 3×3: all three tap rows (x rows W·C floats apart, accumulator triples 3C apart) per output row
 * k?.k(x, 4 * C, 8 * C, 8 * W * C, 8 * C, dy, 4 * OW * C, acc, 4 * C, 4 * C, 13 * 4 * C, 13, 3, 4 * W * C, 12 * C);
 * ```
 */
import { leb, get, set, tee, ADD, SUB, LT_U, SHR_U, MUL4, ADD4, LOOP, END, BR_IF0, LOAD, STORE, SHUFFLE32, SPLAT64_AT, kernelModule } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { Madd } from './simdMadd.js';
import type { WasmBackend } from './wasmHeap.js';


// params x0 o1 o2 xs3 xstep4 d5 ds6 acc7 as8 cb9 nb10 rows11; i32 locals c12 r13 j14 xr15 dr16 xp17 dp18
// A1_19 A2_20; v128 locals dv_u 21+u, acc(t, u) 21+U+3u+t (U channel groups per step: 16·U bytes of dy).
const ACC = (t: number) => [7, 19, 20][t];
const XOFF = (t: number) => (t === 0 ? [] : [...get(t), ADD]);
const TAPS = [0, 1, 2];

/** x's lanes for dy group u: M = 1, 4 channels; M = 2, 2 channels each twice (x at half dy's byte offset). */
const xLanes = (M: number, u: number, dv: number) =>
  (M === 1 ? LOAD(16 * u) : [...SPLAT64_AT(8 * u), ...get(dv), ...SHUFFLE32([0, 0, 1, 1])]);

function body(U: number, M = 1): number[] {
  const us = Array.from({ length: U }, (_, u) => u);
  const dv = (u: number) => 21 + u;
  const a = (t: number, u: number) => 21 + U + 3 * u + t;
  return [
    0x02, 0x09, 0x7f, ...leb(4 * U), 0x7b,
    ...get(7), ...get(8), ADD, ...tee(19), ...get(8), ADD, ...set(20),
    ...get(0), ...set(15), ...get(5), ...set(16), 0x41, 0x00, ...set(13),
    ...LOOP, 0x41, 0x00, ...set(12), //  rows
    ...LOOP, //  channel groups
    ...us.flatMap((u) => TAPS.flatMap((t) => [...get(ACC(t)), ...get(12), ADD, ...LOAD(16 * u), ...set(a(t, u))])),
    ...get(15), ...get(12), ...(M === 2 ? [0x41, 0x01, SHR_U] : []), ADD, ...set(17),
    ...get(16), ...get(12), ADD, ...set(18), ...get(10), ...set(14),
    ...LOOP, //  positions
    ...us.flatMap((u) => [...get(18), ...LOAD(16 * u), ...set(dv(u))]),
    ...us.flatMap((u) => TAPS.flatMap((t) => [...get(a(t, u)), ...get(17), ...XOFF(t), ...xLanes(M, u, dv(u)), ...get(dv(u)), ...MUL4, ...ADD4, ...set(a(t, u))])),
    ...get(17), ...get(4), ADD, ...set(17), ...get(18), ...get(9), ADD, ...set(18),
    ...get(14), ...get(9), SUB, ...tee(14), ...BR_IF0, END, // while (j -= cb)
    ...us.flatMap((u) => TAPS.flatMap((t) => [...get(ACC(t)), ...get(12), ADD, ...get(a(t, u)), ...STORE(16 * u)])),
    ...get(12), 0x41, 16 * U, ADD, ...tee(12), ...get(9), LT_U, ...BR_IF0, END, // while (c += 16·U) < cb
    ...get(15), ...get(3), ADD, ...set(15), ...get(16), ...get(6), ADD, ...set(16),
    ...get(13), 0x41, 0x01, ADD, ...tee(13), ...get(11), LT_U, ...BR_IF0, END, // while ++r < rows
    END,
  ];
}

// maddk: params x0 o1 o2 xs3 xstep4 d5 ds6 acc7 as8 cb9 nb10 rows11 K12 xkh13 akh14; i32 locals c15 r16 j17
// xr18 dr19 xk20 ak21 k22 xp23 dp24 A1_25 A2_26 xc27 ac28; v128 dv29. Loops rows → K tap rows → positions →
// channel groups, accumulators in memory (L1): x is read in address order, row by row.
const AK = (t: number) => [21, 25, 26][t];
const BODY_K = [
  0x02, 0x0e, 0x7f, 0x01, 0x7b,
  ...get(0), ...set(18), ...get(5), ...set(19), 0x41, 0x00, ...set(16),
  ...LOOP, ...get(18), ...set(20), ...get(7), ...set(21), 0x41, 0x00, ...set(22), //  rows
  ...LOOP, ...get(21), ...get(8), ADD, ...tee(25), ...get(8), ADD, ...set(26), //  tap rows
  ...get(20), ...set(23), ...get(19), ...set(24), ...get(10), ...set(17),
  ...LOOP, 0x41, 0x00, ...set(15), //  positions
  ...LOOP, ...get(24), ...get(15), ADD, ...LOAD(), ...set(29), ...get(23), ...get(15), ADD, ...set(27), //  channel groups
  ...TAPS.flatMap((t) => [...get(AK(t)), ...get(15), ADD, ...tee(28), ...get(28), ...LOAD(), ...get(27), ...(t ? [...get(t), ADD] : []), ...LOAD(), ...get(29), ...MUL4, ...ADD4, ...STORE()]),
  ...get(15), 0x41, 0x10, ADD, ...tee(15), ...get(9), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  ...get(23), ...get(4), ADD, ...set(23), ...get(24), ...get(9), ADD, ...set(24),
  ...get(17), ...get(9), SUB, ...tee(17), ...BR_IF0, END, // while (j -= cb)
  ...get(20), ...get(13), ADD, ...set(20), ...get(21), ...get(14), ADD, ...set(21),
  ...get(22), 0x41, 0x01, ADD, ...tee(22), ...get(12), LT_U, ...BR_IF0, END, // while ++k < K
  ...get(18), ...get(3), ADD, ...set(18), ...get(19), ...get(6), ADD, ...set(19),
  ...get(16), 0x41, 0x01, ADD, ...tee(16), ...get(11), LT_U, ...BR_IF0, END, // while ++r < rows
  END,
];

const EXPORTS: [string, number[]][] = [1, 2].flatMap((U) => [[`maddr${U}`, body(U)], [`maddr${U}m2`, body(U, 2)]] as [string, number[]][]);

/** The module's bytes. */
export const FILTER_ROWS_WASM = kernelModule([...EXPORTS.map(([n, body]) => ({ name: n, params: 12, body })), { name: 'maddk', params: 15, body: BODY_K }]);

/** {@link Madd} over `K` tap rows per row: the call `madd(x + k·xkh, …, acc + k·akh, …)` for `k < K`, row by row (the last three arguments: `K, xkh, akh`). */
export type MaddK = (...args: [...Parameters<Madd>, number, number, number]) => void;

/** The kernels bound to one memory: `madd1` by `U`, `madd2` (multiplier 2) by `U` in `m2`, and `maddk`. */
export interface FilterRowKernels {
  1: Madd;
  2: Madd;
  m2: { 1: Madd; 2: Madd };
  k: MaddK;
}

const instances = new WeakMap<object, FilterRowKernels | null>();

/** The `M = 1` kernels by channel groups per step `U` (1; 2 needs `cb` a multiple of 32), bound to the backend's memory; undefined without wasm SIMD. */
export function filterRowKernels(backend: WasmBackend): FilterRowKernels | undefined {
  return boundKernels(backend, instances, FILTER_ROWS_WASM, (exports) => {
    const e = exports as Record<string, Madd & MaddK>;
    return { 1: e.maddr1, 2: e.maddr2, m2: { 1: e.maddr1m2, 2: e.maddr2m2 }, k: e.maddk };
  });
}
