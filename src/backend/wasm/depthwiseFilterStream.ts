/**
 * The channels-innermost body of the generated depthwise filter-gradient kernel
 * (depthwiseFilterGen.ts): x and dy are read in address order, a position's channels one after the
 * other, and the `T` tap accumulators of a channel group live in memory (the call's `acc`, a few kB,
 * in L1) — loaded, updated by `P` positions, stored. The register-accumulating body reads x a channel
 * group at a time across a row (256-byte strides at 64 channels), and at batch 64 its time went to
 * waiting for memory (the same kernel took 2–3× longer on 64 images than on one image repeated).
 *
 * Formula (bytes; `cb = 4·C`; the call `k(x, d, acc, rows)`), as the other body:
 * `acc[aoff_t + c] += Σ_{r < rows, j < n} x[r·xs + j·xstep + xoff_t + c] · d[r·ds + j·cb + c]`.
 * Loops: rows → blocks of `P` positions (then the `n mod P` rest once) → channel groups (16 bytes) →
 * taps; per channel group, `P` dy loads, and per tap one accumulator load and store around `P`
 * multiply-adds.
 *
 * @example
 * ```ts
 * const body = streamBody(spec, 4, relaxedSimd());   // spec: a GenSpec (depthwiseFilterGen.ts)
 * ```
 */
import { get, set, tee, ADD, SUB, LT_U, LOOP, END, BR_IF0, LOAD, STORE, leb, sleb } from './wasmOps.js';
import { maddInto } from './relaxedSimd.js';
import type { GenSpec } from './depthwiseFilterGen.js';

const CONST = (v: number) => [0x41, ...sleb(v)];

// params x0 d1 acc2 rows3; i32 locals c4 xp5 dp6 j7 xc8 dc9 ac10; v128 dy 11 … 11+P-1, acc 11+P, x 12+P
const [C, XP, DP, J, XC, DC, AC] = [4, 5, 6, 7, 8, 9, 10];

/** One block of `p` positions at (xp, dp): every channel group, every tap. */
function block(s: GenSpec, p: number, P: number, fma: boolean): number[] {
  const DY = (i: number) => 11 + i;
  const [ACC, X] = [11 + P, 12 + P];
  const taps = s.xoff.map((_, t) => t);
  return [
    0x41, 0x00, ...set(C),
    ...LOOP,
    ...get(XP), ...get(C), ADD, ...set(XC), ...get(DP), ...get(C), ADD, ...set(DC), ...get(2), ...get(C), ADD, ...set(AC),
    ...Array.from({ length: p }, (_, i) => [...get(DC), ...LOAD(i * s.cb), ...set(DY(i))]).flat(),
    ...taps.flatMap((t) => [
      ...get(AC), ...LOAD(s.aoff[t]), ...set(ACC),
      ...Array.from({ length: p }, (_, i) => [...get(XC), ...LOAD(s.xoff[t] + i * s.xstep), ...set(X), ...maddInto(ACC, X, DY(i), fma)]).flat(),
      ...get(AC), ...get(ACC), ...STORE(s.aoff[t]),
    ]),
    ...get(C), 0x41, 0x10, ADD, ...tee(C), ...CONST(s.cb), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  ];
}

/** The function body (locals and code) for `spec`, `P` positions per block. */
export function streamBody(s: GenSpec, P: number, fma: boolean): number[] {
  const blocks = Math.floor(s.n / P);
  const rest = s.n % P;
  return [
    0x02, 0x07, 0x7f, ...leb(P + 2), 0x7b,
    ...LOOP, // rows
    ...get(0), ...set(XP), ...get(1), ...set(DP),
    ...(blocks > 0 ? [
      ...CONST(blocks), ...set(J),
      ...LOOP, ...block(s, P, P, fma),
      ...get(XP), ...CONST(P * s.xstep), ADD, ...set(XP), ...get(DP), ...CONST(P * s.cb), ADD, ...set(DP),
      ...get(J), 0x41, 0x01, SUB, ...tee(J), ...BR_IF0, END, // while --j
    ] : []),
    ...(rest > 0 ? block(s, rest, P, fma) : []),
    ...get(0), ...CONST(s.xs), ADD, ...set(0), ...get(1), ...CONST(s.ds), ADD, ...set(1),
    ...get(3), 0x41, 0x01, SUB, ...tee(3), ...BR_IF0, END, // while --rows
    END,
  ];
}
