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
import { get, set, tee, ADD, SUB, LT_U, LOOP, END, BR_IF0, LOAD, STORE, SHUFFLE32, leb, CONST, SHL } from './wasmOps.js';
import { maddInto } from './relaxedSimd.js';
import { genTuning, type GenSpec } from './depthwiseFilterGen.js';


// params x0 d1 acc2 rows3; i32 locals c4 xp5 dp6 j7 xc8 dc9 ac10;
// v128: dy 11 … 11+P·M-1, then M accumulators, then per distinct x offset of a block its x (and with
// M = 2 x's two lane-duplicated halves)
const [C, XP, DP, J, XC, DC, AC] = [4, 5, 6, 7, 8, 9, 10];

/** The x byte offsets a block of `p` positions reads, in first-use order (tap-major), each once. */
function xOffsets(s: GenSpec, p: number): number[] {
  return [...new Set(s.xoff.flatMap((o) => Array.from({ length: p }, (_, i) => o + i * s.xstep)))];
}

/** v128 locals of a body with `P` positions per block (locals 0–10 are i32; every index must stay below 128). */
export const streamVectors = (s: GenSpec, P: number) => {
  const M = s.M ?? 1;
  return P * M + M + xOffsets(s, P).length * (M === 1 ? 1 : 3);
};

/**
 * One block of `p` positions at (xp, dp): every channel group, every tap. Each distinct x offset is
 * loaded once per channel group (at stride 2 with 3 taps per row, `2p + 1` loads per row instead of
 * `3p`) and kept in its own local until its last tap; each accumulator still takes its `p` positions
 * in order, so the sums are those of loading x per (tap, position).
 */
function block(s: GenSpec, p: number, P: number, fma: boolean): number[] {
  const M = s.M ?? 1;
  const DY = (i: number, h: number) => 11 + i * M + h;
  const ACC = (h: number) => 11 + P * M + h;
  const offsets = xOffsets(s, p);
  const X = (off: number) => 11 + P * M + M + offsets.indexOf(off) * (M === 1 ? 1 : 3);
  const XH = (off: number, h: number) => (M === 1 ? X(off) : X(off) + 1 + h);
  const taps = s.xoff.map((_, t) => t);
  const hs = Array.from({ length: M }, (_, h) => h);
  const scaled = M === 1 ? get(C) : [...get(C), 0x41, 0x01, SHL];
  const loaded = new Set<number>();
  // multiplier 2: x lanes (c0, c1, c2, c3) → (c0, c0, c1, c1) and (c2, c2, c3, c3), against dy (c0m0, c0m1, c1m0, …)
  const loadX = (off: number) => {
    if (loaded.has(off) && genTuning.reuse) return [];
    loaded.add(off);
    return [...get(XC), ...LOAD(off), ...set(X(off)),
      ...(M === 1 ? [] : hs.flatMap((h) => [...get(X(off)), ...get(X(off)), ...SHUFFLE32(h ? [2, 2, 3, 3] : [0, 0, 1, 1]), ...set(XH(off, h))]))];
  };
  const body = taps.flatMap((t) => [
    ...hs.flatMap((h) => [...get(AC), ...LOAD(s.aoff[t] + 16 * h), ...set(ACC(h))]),
    ...Array.from({ length: p }, (_, i) => {
      const off = s.xoff[t] + i * s.xstep;
      return [...loadX(off), ...hs.flatMap((h) => maddInto(ACC(h), XH(off, h), DY(i, h), fma))];
    }).flat(),
    ...hs.flatMap((h) => [...get(AC), ...get(ACC(h)), ...STORE(s.aoff[t] + 16 * h)]),
  ]);
  return [
    0x41, 0x00, ...set(C),
    ...LOOP,
    ...get(XP), ...get(C), ADD, ...set(XC), ...get(DP), ...scaled, ADD, ...set(DC), ...get(2), ...scaled, ADD, ...set(AC),
    ...Array.from({ length: p }, (_, i) => hs.flatMap((h) => [...get(DC), ...LOAD(i * M * s.cb + 16 * h), ...set(DY(i, h))])).flat(),
    ...body,
    ...get(C), 0x41, 0x10, ADD, ...tee(C), ...CONST(s.cb), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  ];
}

/** The function body (locals and code) for `spec`, `P` positions per block. */
export function streamBody(s: GenSpec, P: number, fma: boolean): number[] {
  const blocks = Math.floor(s.n / P);
  const rest = s.n % P;
  return [
    0x02, 0x07, 0x7f, ...leb(streamVectors(s, P)), 0x7b,
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
