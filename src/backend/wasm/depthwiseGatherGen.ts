/**
 * Per-geometry generated wasm SIMD kernel for one call of the depthwise input-gradient gather
 * (depthwiseGather.ts, multiplier 1 or 2): every stride and tap offset is a constant of the code, each
 * `v128.load` takes its offset as the instruction's immediate, and `P` neighbouring dx positions are
 * computed together so that a dy vector shared by several of them (at stride 1 the taps of one filter
 * row overlap: positions `j` and `j + 1` read the same dy at taps `kw + 1` and `kw`) is loaded once, and
 * each weight once per block. At stride 1 with 3×3 taps and `P = 4` that is 12 + 3 loads for 36
 * multiply-adds, against 72 loads in the table-driven kernel (simdGather.ts).
 *
 * Formula (bytes; `cb = 4·C`, a multiple of 16; the call `k(dx, d, w, rows)`; multiplier 1 — with
 * `M = 2` dy and w are read at `2c` and `2c + 4` and the two products summed):
 * `dx[r·xs + j·xstep + c] = Σ_t d[r·ds + j·dstep + doff_t + c] · w[woff_t + c]` for `r < rows`,
 * `j < n` and each channel byte offset `c < cb` (4 floats per `f32x4`). Loops: rows → blocks of `P`
 * positions (then the `n mod P` rest once) → channel groups (16 bytes) → the block's distinct dy
 * offsets in increasing order, each loaded once and multiplied into every position that uses it.
 * A position's sum is thus taken in increasing dy address order (deterministic; not the table
 * kernel's tap order, so results may differ from it in the last bits).
 *
 * @example
 * ```ts
 * // 3×3 'same' stride 1, 28×28×32: an interior row segment of 26 positions
 * const cb = 128, ds = 28 * cb;
 * const taps = [0, 1, 2].flatMap((kh) => [0, 1, 2].map((kw) => ({ d: (2 - kh) * ds + (2 - kw) * cb, w: (3 * kh + kw) * cb })));
 * generatedGatherKernel(backend, { cb, n: 26, xstep: cb, xs: ds, dstep: cb, ds, taps, P: 4, M: 1, fma: true })?.(dx, dy, w, 26);
 * ```
 */
import { leb, get, set, tee, ADD, SUB, LT_U, MUL4, ADD4, LOOP, END, BR_IF0, LOAD, STORE, SHUFFLE32, kernelModule, CONST, SHL } from './wasmOps.js';
import type { ConvGeometry } from './convGeometry.js';
import { axisSegments } from './gatherSegments.js';
import { generatedKernel, perMemory } from './heapModule.js';
import { maddInto } from './relaxedSimd.js';
import type { WasmBackend } from './wasmHeap.js';

/** The geometry of one gather call (bytes, but `n` and `P`). */
export interface GatherSpec {
  /** Bytes of one position's channels, `4·C` (a positive multiple of 16). */
  cb: number;
  /** dx positions per row (≥ 1). */
  n: number;
  /** Bytes between consecutive positions and rows in dx, and in dy. */
  xstep: number;
  xs: number;
  dstep: number;
  ds: number;
  /** Per tap: byte offset in dy (from the call's d) and of its weights (from the call's w), ≥ 0. */
  taps: { d: number; w: number }[];
  /** Positions per block (≥ 1). */
  P: number;
  /** Channel multiplier, 1 or 2: dy and the weights hold `M` values per dx channel (`c·M + m`), summed over `m`. */
  M: 1 | 2;
  /**
   * With `M = 2`, the other direction (a forward depthwise convolution): the output and the weights hold
   * two values per input channel, `out[2c + m] = Σ_t in[c] · w_t[2c + m]` (the input's lanes duplicated).
   */
  expand?: boolean;
  /** Fused multiply-add (relaxed SIMD) instead of mul + add. */
  fma: boolean;
}

/** A generated gather kernel: `rows` rows of `spec.n` dx positions (see the module comment). */
export type GatherGenKernel = (dx: number, d: number, w: number, rows: number) => void;

// params dx0 d1 w2 rows3; i32 locals c4 xp5 dp6 j7 xc8 dc9 wc10; v128 D 11, acc 12…12+P-1, weights 12+P…
const [C, XP, DP, J, XC, DC, WC, D] = [4, 5, 6, 7, 8, 9, 10, 11];

/** One block of `p` positions at (xp, dp): every channel group. */
function block(s: GatherSpec, p: number): number[] {
  const M = s.M;
  const expand = s.expand === true && M === 2;
  const ACC = (i: number, h: number) => 12 + i * M + h;
  const W = (t: number, h: number) => 12 + s.P * M + t * M + h;
  // expand: the input vector's lanes duplicated, (c0, c0, c1, c1) and (c2, c2, c3, c3)
  const HALF = (h: number) => 12 + (s.P + s.taps.length) * M + h;
  const uses = new Map<number, { i: number; t: number }[]>();
  for (let i = 0; i < p; i++) {
    s.taps.forEach((tap, t) => {
      const off = tap.d + i * s.dstep;
      uses.set(off, [...(uses.get(off) ?? []), { i, t }]);
    });
  }
  const loadedW = new Set<number>();
  const started = new Set<number>();
  const code: number[] = [];
  for (const off of [...uses.keys()].sort((a, b) => a - b)) {
    if (expand) {
      code.push(...get(DC), ...LOAD(off), ...set(D),
        ...[0, 1].flatMap((h) => [...get(D), ...get(D), ...SHUFFLE32(h ? [2, 2, 3, 3] : [0, 0, 1, 1]), ...set(HALF(h))]));
    }
    for (let h = 0; h < M; h++) {
      const src = expand ? HALF(h) : D;
      if (!expand) code.push(...get(DC), ...LOAD(off + 16 * h), ...set(D));
      for (const { i, t } of uses.get(off)!) {
        const [a, w] = [ACC(i, h), W(t, h)];
        if (!loadedW.has(w)) {
          loadedW.add(w);
          code.push(...get(WC), ...LOAD(s.taps[t].w + 16 * h), ...set(w));
        }
        if (started.has(a)) code.push(...maddInto(a, src, w, s.fma));
        else {
          started.add(a);
          code.push(...get(src), ...get(w), ...MUL4, ...set(a));
        }
      }
    }
  }
  // multiplier 2 (not expand): lanes (c0m0, c0m1, c1m0, c1m1 | c2m0, …) → Σ_m, by an even-lane and an odd-lane shuffle
  const value = (i: number) => (M === 1 ? get(ACC(i, 0))
    : [...get(ACC(i, 0)), ...get(ACC(i, 1)), ...SHUFFLE32([0, 2, 4, 6]), ...get(ACC(i, 0)), ...get(ACC(i, 1)), ...SHUFFLE32([1, 3, 5, 7]), ...ADD4]);
  const stores = (i: number) => (expand
    ? [0, 1].flatMap((h) => [...get(XC), ...get(ACC(i, h)), ...STORE(i * s.xstep + 16 * h)])
    : [...get(XC), ...value(i), ...STORE(i * s.xstep)]);
  const twice = [...get(C), 0x41, 0x01, SHL];
  const [outC, inC] = M === 1 ? [get(C), get(C)] : expand ? [twice, get(C)] : [get(C), twice];
  return [
    0x41, 0x00, ...set(C),
    ...LOOP,
    ...get(XP), ...outC, ADD, ...set(XC), ...get(DP), ...inC, ADD, ...set(DC), ...get(2), ...(M === 1 ? get(C) : twice), ADD, ...set(WC),
    ...code,
    ...Array.from({ length: p }, (_, i) => stores(i)).flat(),
    ...get(C), 0x41, 0x10, ADD, ...tee(C), ...CONST(s.cb), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  ];
}

/** The function body (locals and code) for `spec`. */
export function gatherGenBody(s: GatherSpec): number[] {
  const blocks = Math.floor(s.n / s.P);
  const rest = s.n % s.P;
  return [
    0x02, 0x07, 0x7f, ...leb(1 + (s.P + s.taps.length) * s.M + (s.expand && s.M === 2 ? 2 : 0)), 0x7b,
    ...LOOP, // rows
    ...get(0), ...set(XP), ...get(1), ...set(DP),
    ...(blocks > 0 ? [
      ...CONST(blocks), ...set(J),
      ...LOOP, ...block(s, s.P),
      ...get(XP), ...CONST(s.P * s.xstep), ADD, ...set(XP), ...get(DP), ...CONST(s.P * s.dstep), ADD, ...set(DP),
      ...get(J), 0x41, 0x01, SUB, ...tee(J), ...BR_IF0, END, // while --j
    ] : []),
    ...(rest > 0 ? block(s, rest) : []),
    ...get(0), ...CONST(s.xs), ADD, ...set(0), ...get(1), ...CONST(s.ds), ADD, ...set(1),
    ...get(3), 0x41, 0x01, SUB, ...tee(3), ...BR_IF0, END, // while --rows
    END,
  ];
}

/** Whether a spec can be generated: 1 to 16 taps, `cb` a positive multiple of 16, `n, P ≥ 1`, `M ∈ {1, 2}`, offsets ≥ 0, `3 + (P + T)·M` v128 locals ≤ 64. */
export function gatherGenApplies(s: GatherSpec): boolean {
  const T = s.taps.length;
  return T >= 1 && T <= 16 && s.cb > 0 && s.cb % 16 === 0 && s.n >= 1 && s.P >= 1 && (s.M === 1 || s.M === 2) && 3 + (s.P + T) * s.M <= 64 &&
    s.taps.every((t) => t.d >= 0 && t.w >= 0);
}

const caches = new WeakMap<object, Map<string, GatherGenKernel | null>>();

/** The kernel for `spec` bound to the backend's memory (compiled once per geometry); undefined without wasm SIMD. */
export function generatedGatherKernel(backend: WasmBackend, spec: GatherSpec): GatherGenKernel | undefined {
  if (!gatherGenApplies(spec)) return undefined;
  return generatedKernel<GatherGenKernel>(backend, caches, JSON.stringify(spec), () => kernelModule([{ name: 'k', params: 4, body: gatherGenBody(spec) }]));
}

/** One generated call per image: the byte offsets of its output and input from their images' starts, rows, kernel. */
export interface GenCall { out: number; in: number; rows: number; k: GatherGenKernel }

/**
 * Run `calls` on images `[n0, n1)`: `k(out + n·outImage + c.out, inp + n·inImage + c.in, w, rows)`.
 *
 * @example
 * ```ts
 * runGenCalls(calls, dxAt, 4 * H * W * C, dyAt, 4 * OH * OW * C, wAt, 0, 64);
 * ```
 */
export function runGenCalls(calls: GenCall[], out: number, outImage: number, inp: number, inImage: number, w: number, n0: number, n1: number): void {
  for (let n = n0; n < n1; n++) {
    for (const c of calls) c.k(out + n * outImage + c.out, inp + n * inImage + c.in, w, c.rows);
  }
}

/** The generated calls of geometry `g` (multiplier 1 or 2; undefined when a kernel is unavailable); dx positions no tap reaches are not among them. */
function makePlan(backend: WasmBackend, g: ConvGeometry, P: number, fma: boolean): GenCall[] | undefined {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CM, filterWidth: FW } = g;
  const M = CM / C as 1 | 2;
  const [cb, db] = [4 * C, 4 * CM];
  const rows = axisSegments(H, g.strideHeight, g.filterHeight, g.dilationHeight, g.padTop, OH);
  const cols = axisSegments(W, g.strideWidth, FW, g.dilationWidth, g.padLeft, OW);
  const calls: GenCall[] = [];
  for (const rs of rows) {
    for (const cs of cols) {
      if (!rs.taps.length || !cs.taps.length) continue;
      const taps = rs.taps.flatMap((th) => cs.taps.map((tw) => ({ d: (th.o * OW + tw.o) * db, w: (th.k * FW + tw.k) * db })));
      const k = generatedGatherKernel(backend, { cb, n: cs.count, xstep: g.strideWidth * cb, xs: g.strideHeight * W * cb, dstep: db, ds: OW * db, taps, P, M, fma });
      if (!k) return undefined;
      calls.push({ out: (rs.start * W + cs.start) * cb, in: 0, rows: rs.count, k });
    }
  }
  return calls;
}

const plans = new WeakMap<object, Map<string, GenCall[] | undefined>>();

/** {@link makePlan}, kept per geometry and memory (heapModule.ts's perMemory). */
export function gatherGenPlan(backend: WasmBackend, g: ConvGeometry, P: number, fma: boolean): GenCall[] | undefined {
  return perMemory(backend, plans, JSON.stringify([g, P, fma]), () => makePlan(backend, g, P, fma));
}

/** Images `[n0, n1)` of an input gradient by generated kernels (plain data: a worker can run it; byte addresses). */
export interface GatherGenJob { g: ConvGeometry; P: number; fma: boolean; dx: number; dy: number; w: number; n0: number; n1: number }

/** Run the generated gather calls of images `[job.n0, job.n1)` with this memory's kernels. */
export function depthwiseGatherGenImages(backend: WasmBackend, job: GatherGenJob): void {
  const { g } = job;
  const calls = gatherGenPlan(backend, g, job.P, job.fma);
  if (!calls) throw new Error('phasewise depthwise gather: no generated kernels on this memory');
  runGenCalls(calls, job.dx, 4 * g.inHeight * g.inWidth * g.inChannels, job.dy, 4 * g.outHeight * g.outWidth * g.outChannels, job.w, job.n0, job.n1);
}
