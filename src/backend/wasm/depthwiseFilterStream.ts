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
 * multiply-adds. Multiplier 2 (`spec.M = 2`): dy and the accumulators hold two values per x channel
 * (`c·2 + m`, so they are read at byte `2c`, dy positions `2·cb` apart), and each x vector's lanes are
 * duplicated by two shuffles to meet them:
 * `acc[aoff_t + 2c + 4m] += Σ x[r·xs + j·xstep + xoff_t + c] · d[r·ds + 2j·cb + 2c + 4m]` per float.
 *
 * @example
 * ```ts
 * const body = streamBody(spec, 4, relaxedSimd());   // spec: a GenSpec (depthwiseFilterGen.ts)
 * ```
 */
import { get, set, tee, ADD, SUB, LT_U, LOOP, END, BR_IF0, LOAD, STORE, SHUFFLE32, leb, sleb } from './wasmOps.js';
import { maddInto } from './relaxedSimd.js';
import type { GenSpec } from './depthwiseFilterGen.js';

const CONST = (v: number) => [0x41, ...sleb(v)];

// params x0 d1 acc2 rows3; i32 locals c4 xp5 dp6 j7 xc8 dc9 ac10;
// v128: dy 11 … 11+P·M-1, then M accumulators, x, and (M = 2) x's two lane-duplicated halves
const [C, XP, DP, J, XC, DC, AC] = [4, 5, 6, 7, 8, 9, 10];
const SHL = 0x74;

/** v128 locals of a body with `P` positions per block and multiplier `M`. */
const vectors = (P: number, M: number) => P * M + M + 1 + (M === 2 ? 2 : 0);

/** One block of `p` positions at (xp, dp): every channel group, every tap. */
function block(s: GenSpec, p: number, P: number, fma: boolean): number[] {
  const M = s.M ?? 1;
  const DY = (i: number, h: number) => 11 + i * M + h;
  const ACC = (h: number) => 11 + P * M + h;
  const X = 11 + P * M + M;
  const XH = (h: number) => (M === 1 ? X : X + 1 + h);
  const taps = s.xoff.map((_, t) => t);
  const hs = Array.from({ length: M }, (_, h) => h);
  const scaled = M === 1 ? get(C) : [...get(C), 0x41, 0x01, SHL];
  // multiplier 2: x lanes (c0, c1, c2, c3) → (c0, c0, c1, c1) and (c2, c2, c3, c3), against dy (c0m0, c0m1, c1m0, …)
  const halves = M === 1 ? [] : hs.flatMap((h) => [...get(X), ...get(X), ...SHUFFLE32(h ? [2, 2, 3, 3] : [0, 0, 1, 1]), ...set(XH(h))]);
  return [
    0x41, 0x00, ...set(C),
    ...LOOP,
    ...get(XP), ...get(C), ADD, ...set(XC), ...get(DP), ...scaled, ADD, ...set(DC), ...get(2), ...scaled, ADD, ...set(AC),
    ...Array.from({ length: p }, (_, i) => hs.flatMap((h) => [...get(DC), ...LOAD(i * M * s.cb + 16 * h), ...set(DY(i, h))])).flat(),
    ...taps.flatMap((t) => [
      ...hs.flatMap((h) => [...get(AC), ...LOAD(s.aoff[t] + 16 * h), ...set(ACC(h))]),
      ...Array.from({ length: p }, (_, i) => [
        ...get(XC), ...LOAD(s.xoff[t] + i * s.xstep), ...set(X), ...halves,
        ...hs.flatMap((h) => maddInto(ACC(h), XH(h), DY(i, h), fma)),
      ]).flat(),
      ...hs.flatMap((h) => [...get(AC), ...get(ACC(h)), ...STORE(s.aoff[t] + 16 * h)]),
    ]),
    ...get(C), 0x41, 0x10, ADD, ...tee(C), ...CONST(s.cb), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  ];
}

/** The function body (locals and code) for `spec`, `P` positions per block. */
export function streamBody(s: GenSpec, P: number, fma: boolean): number[] {
  const blocks = Math.floor(s.n / P);
  const rest = s.n % P;
  return [
    0x02, 0x07, 0x7f, ...leb(vectors(P, s.M ?? 1)), 0x7b,
    ...LOOP, // rows
    ...get(0), ...set(XP), ...get(1), ...set(DP),
    ...(blocks > 0 ? [
      ...CONST(blocks), ...set(J),
      ...LOOP, ...block(s, P, P, fma),
      ...get(XP), ...CONST(P * s.xstep), ADD, ...set(XP), ...get(DP), ...CONST(P * (s.M ?? 1) * s.cb), ADD, ...set(DP),
      ...get(J), 0x41, 0x01, SUB, ...tee(J), ...BR_IF0, END, // while --j
    ] : []),
    ...(rest > 0 ? block(s, rest, P, fma) : []),
    ...get(0), ...CONST(s.xs), ADD, ...set(0), ...get(1), ...CONST(s.ds), ADD, ...set(1),
    ...get(3), 0x41, 0x01, SUB, ...tee(3), ...BR_IF0, END, // while --rows
    END,
  ];
}
