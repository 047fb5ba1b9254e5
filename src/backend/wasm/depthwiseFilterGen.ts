/**
 * Per-geometry generated wasm SIMD kernel for the interior of the depthwise filter gradient (`M = 1`):
 * every stride, tap offset and position count of one call's geometry is baked into the code, so each
 * tap's `v128.load` takes its offset as the constant `offset` immediate of the instruction (no address
 * arithmetic per tap). Two bodies: by default (`genTuning.stream = P > 0`) the channels-innermost one
 * of depthwiseFilterStream.ts (x and dy in address order, accumulators in memory, `P` positions per
 * block; 37–42 % → 48–51 % of XNNPACK's matMul on 64×28²×64 stride 2, 1 and 2 threads, interleaved
 * A/B 2026-12-01; `node bench/depthwiseAB.mjs` times both bodies); with `stream = 0` this file's register-accumulating one, described below, where
 * all `T ≤ 9` taps of the filter are accumulated in registers per channel group,
 * and (`genTuning.touch`) each row first reads one word per cache line of the next row's new x lines and dy
 * (independent loads, so the lines stream in in parallel; x / dy are otherwise read 16 bytes per 256-byte stride).
 *
 * Formula (bytes; `cb = 4·C`, a multiple of 16; the call `k(x, d, acc, rows)`):
 * `acc[aoff_t + c] += Σ_{r < rows, j < n} x[r·xs + j·xstep + xoff_t + c] · d[r·ds + j·cb + c]`
 * for every tap `t < T` and channel byte offset `c < cb` (4 floats per `f32x4`). Loops: rows → channel
 * groups → positions, so a row's x and dy stay in L1 across its channel groups and the `T` accumulators
 * of a group are loaded / stored once per row. Modules are cached per geometry (a small Map per memory).
 * Measured (64×28²×64, 3×3, stride 2): the interior alone ~0.75 vs ~0.81 ms for `maddk`; whole kernel
 * within noise of the `maddk` path (bench/depthwiseAB.mjs).
 *
 * Both bodies compute the same formula; `spec.fma` makes the channels-innermost one use fused multiply-adds.
 *
 * @example
 * ```ts
 * // 3×3 taps, stride 2, x 28 wide with 64 channels; 13 interior positions per row
 * const C = 64, W = 28, cb = 4 * C;
 * const spec = { cb, n: 13, xstep: 2 * cb, xs: 2 * W * cb, ds: 14 * cb,
 *   xoff: [0, 1, 2, W, W + 1, W + 2, 2 * W, 2 * W + 1, 2 * W + 2].map((o) => o * cb),
 *   aoff: [0, 1, 2, 3, 4, 5, 6, 7, 8].map((t) => t * cb) };
 * generatedFilterKernel(backend, spec)?.(xAddr, dyAddr, accAddr, 13);
 * ```
 */
import { leb, get, set, tee, ADD, SUB, LT_U, MUL4, ADD4, LOOP, END, BR_IF0, LOAD, STORE, kernelModule, CONST } from './wasmOps.js';
import { generatedKernel } from './heapModule.js';
import { streamBody, streamVectors } from './depthwiseFilterStream.js';
import type { WasmBackend } from './wasmHeap.js';

/** The geometry a kernel is generated for (all in bytes but `n`). */
export interface GenSpec {
  /** Bytes of one position's channels, `4·C` (a multiple of 16). */
  cb: number;
  /** Positions per row (≥ 1). */
  n: number;
  /** Bytes between consecutive positions in x (`4·sw·C`). */
  xstep: number;
  /** Bytes between consecutive rows in x (`4·sh·W·C`) and in dy (`4·OW·C`). */
  xs: number;
  ds: number;
  /** Per tap: byte offset in x (from the call's x) and of its accumulator (from the call's acc). */
  xoff: number[];
  aoff: number[];
  /** Fused multiply-add (relaxed SIMD) instead of mul + add (the channels-innermost body). */
  fma?: boolean;
  /** Channel multiplier (default 1); 2 only with the channels-innermost body (depthwiseFilterStream.ts). */
  M?: 1 | 2;
}

/** A generated kernel: `acc_t += Σ x·dy` over `rows` rows of `spec.n` positions (see the module comment). */
export type GenKernel = (x: number, d: number, acc: number, rows: number) => void;

/**
 * Tuning: `stream` positions per block of the channels-innermost body (0: the register-accumulating body;
 * 2 was ahead of 1 and 4 in A/B runs, and stayed level with 3 and 4 once x loads were shared); `reuse`: that
 * body loads each distinct x vector of a block once (false: once per tap and position; the same sums —
 * interleaved in one process, equal to ~15 % faster, within this host's noise: 64×28²×64 s2 1.67 vs
 * 1.86, 1.93 vs 2.11 ms, 64×28²×32×2 s1 2.44 vs 2.53, 3.10 vs 3.53 ms, one run slower: 1.58 vs 1.41); for the register body, unroll a row's positions when `n·T` is at most
 * `unroll` (0: never — unrolled was slower, 1.37 vs 0.75 ms on 64×28²×64 s2) and `touch`.
 */
export const genTuning = { unroll: 0, touch: true, stream: 2, reuse: true };



// params x0 d1 acc2 rows3; i32 locals c4 xp5 dp6 ap7 j8; v128 dv9, accumulators 10 + t
/** Read one word per 64-byte line of `[base + from, base + to)` (`base` in local `b`): the loads are independent, so the lines arrive in parallel. */
const touch = (b: number, from: number, to: number) => {
  const lines = Math.ceil((to - from) / 64);
  if (lines <= 0) return [];
  return [...get(b), ...CONST(from), ADD, ...set(5), ...CONST(lines), ...set(8),
    ...LOOP, ...get(5), 0x28, 0x02, 0x00, 0x1a, ...get(5), ...CONST(64), ADD, ...set(5),
    ...get(8), 0x41, 0x01, SUB, ...tee(8), ...BR_IF0, END];
};
/** The function body for `spec`. */
export function genBody(s: GenSpec): number[] {
  const T = s.xoff.length;
  const taps = Array.from({ length: T }, (_, t) => t);
  const A = (t: number) => 10 + t;
  const position = (j: number) => [
    ...get(6), ...LOAD(j * s.cb), ...set(9),
    ...taps.flatMap((t) => [...get(A(t)), ...get(5), ...LOAD(s.xoff[t] + j * s.xstep), ...get(9), ...MUL4, ...ADD4, ...set(A(t))]),
  ];
  const positions = s.n * T <= genTuning.unroll
    ? Array.from({ length: s.n }, (_, j) => position(j)).flat()
    : [...CONST(s.n), ...set(8),
      ...LOOP, ...position(0),
      ...get(5), ...CONST(s.xstep), ADD, ...set(5), ...get(6), ...CONST(s.cb), ADD, ...set(6),
      ...get(8), 0x41, 0x01, SUB, ...tee(8), ...BR_IF0, END]; // while --j
  // the next row's lines of x not in this row's span, and of dy, fetched before this row's channel groups
  const span = Math.max(...s.xoff) + (s.n - 1) * s.xstep + s.cb;
  const prefetch = genTuning.touch && span <= 4 * s.xs
    ? [...get(3), 0x41, 0x01, 0x4b, 0x04, 0x40, ...touch(0, Math.max(s.xs, span), s.xs + span), ...touch(1, s.ds, s.ds + s.n * s.cb), END]
    : [];
  return [
    0x02, 0x05, 0x7f, ...leb(T + 1), 0x7b,
    ...LOOP, ...prefetch, 0x41, 0x00, ...set(4), //  rows
    ...LOOP, //  channel groups
    ...get(0), ...get(4), ADD, ...set(5), ...get(1), ...get(4), ADD, ...set(6), ...get(2), ...get(4), ADD, ...set(7),
    ...taps.flatMap((t) => [...get(7), ...LOAD(s.aoff[t]), ...set(A(t))]),
    ...positions,
    ...taps.flatMap((t) => [...get(7), ...get(A(t)), ...STORE(s.aoff[t])]),
    ...get(4), 0x41, 0x10, ADD, ...tee(4), ...CONST(s.cb), LT_U, ...BR_IF0, END, // while (c += 16) < cb
    ...get(0), ...CONST(s.xs), ADD, ...set(0), ...get(1), ...CONST(s.ds), ADD, ...set(1),
    ...get(3), 0x41, 0x01, SUB, ...tee(3), ...BR_IF0, END, // while --rows
    END,
  ];
}

/** The module's bytes for `spec`: one exported function `k` of type `(i32 ×4) -> ()`. */
export function genModule(s: GenSpec): Uint8Array {
  const body = genTuning.stream > 0 ? streamBody(s, genTuning.stream, s.fma === true) : genBody(s);
  return kernelModule([{ name: 'k', params: 4, body }]);
}

/** Whether a spec can be generated: 1 to 9 taps (registers), `cb` a positive multiple of 16, n ≥ 1, `M` 1 (or 2 with the channels-innermost body). */
export function genApplies(s: GenSpec): boolean {
  const T = s.xoff.length;
  const M = s.M ?? 1;
  if (M !== 1 && (M !== 2 || genTuning.stream <= 0)) return false;
  if (genTuning.stream > 0 && 11 + streamVectors(s, genTuning.stream) > 128) return false;
  return T >= 1 && T <= 9 && s.aoff.length === T && s.cb > 0 && s.cb % 16 === 0 && s.n >= 1 && [...s.xoff, ...s.aoff].every((o) => o >= 0);
}

const caches = new WeakMap<object, Map<string, GenKernel | null>>();

/** The kernel for `spec` bound to the backend's memory (compiled once per geometry); undefined without wasm SIMD. */
export function generatedFilterKernel(backend: WasmBackend, spec: GenSpec): GenKernel | undefined {
  if (!genApplies(spec)) return undefined;
  const key = JSON.stringify([spec.cb, spec.n, spec.xstep, spec.xs, spec.ds, spec.xoff, spec.aoff, spec.fma === true, spec.M ?? 1, genTuning]);
  return generatedKernel<GenKernel>(backend, caches, key, () => genModule(spec));
}
