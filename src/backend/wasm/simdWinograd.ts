/**
 * wasm SIMD kernels for the input and output transforms of Winograd's minimal filtering
 * F(2×2, 3×3) (Lavin & Gray 2016), four channels per `f32x4`, NHWC in and out:
 *
 * - `wIn(xp, v, cBytes, tilesY, tilesX, row, vXi)`: for each 4×4 input tile `d` (tile `(ty, tx)`
 *   starts at `xp + 2ty·row + 2tx·cBytes`), `V = Bᵀ d B` with
 *   `Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]`, stored as
 *   `v[(4i + k)·vXi + (ty·tilesX + tx)·cBytes + 4c] = V[i][k][c]`;
 * - `wOut(m, out, kBytes, tilesY, tilesX, mXi, outRow)`: from the 16 transformed products
 *   `M[ξ] = m[ξ·mXi + (ty·tilesX + tx)·kBytes + 4k]`, the 2×2 output tile `Y = Aᵀ M A` with
 *   `Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]`, stored at `out + (2ty + a)·outRow + (2tx + b)·kBytes + 4k`.
 *
 * Requires `cBytes, kBytes` multiples of 16 and every count ≥ 1. Only additions and subtractions:
 * the multiplications are the 16 matrix products `M[ξ] = V[ξ] · U[ξ]` in between (winograd.ts).
 *
 * @example
 * ```ts
 * const k = winogradKernels(backend);   // undefined without wasm SIMD
 * k?.wIn(xp, v, 4 * 64, 64, 64, 130 * 4 * 64, 64 * 64 * 4 * 64);   // a padded 130×130×64 image, 64×64 tiles
 * ```
 */
import { get, set, tee, leb, ADD, LOOP, END, LOAD, STORE, NEXT as next, ADD4, kernelModule } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernels (see the module's formulas). */
export interface WinogradKernels {
  wIn(xp: number, v: number, cBytes: number, tilesY: number, tilesX: number, row: number, vXi: number): void;
  wOut(m: number, out: number, kBytes: number, tilesY: number, tilesX: number, mXi: number, outRow: number): void;
}

const SUB4 = [0xfd, 0xe5, 0x01];
const MUL = 0x6c;
const I32 = (v: number) => [0x41, ...leb(v)];

// ---- wIn: params xp0 v1 cBytes2 tilesY3 tilesX4 row5 vXi6 ----
// i32 locals ty7 tx8 cb9 base10 vt11 p12 q13 R1 14 R2 15 R3 16 P1 17 P2 18 P3 19; v128 t0..t3 20–23
const IN = { ty: 7, tx: 8, cb: 9, base: 10, vt: 11, p: 12, q: 13, R: [0, 14, 15, 16], P: [0, 17, 18, 19], t: [20, 21, 22, 23] };
/** `Bᵀ` row i: `t = d[a] ± d[b]` (over rows of the tile, per column). */
const BT: [number, number, number[]][] = [[0, 2, SUB4], [1, 2, ADD4], [2, 1, SUB4], [1, 3, SUB4]];
const loadD = (i: number, j: number) => [...get(IN.p), ...(i ? [...get(IN.R[i]), ADD] : []), ...(j ? [...get(IN.P[j]), ADD] : []), ...LOAD(0)];
const storeV = (value: number[]) => [...get(IN.q), ...value, ...STORE(0), ...get(IN.q), ...get(6), ADD, ...set(IN.q)];
const tileRow = ([a, b, op]: [number, number, number[]]) => [
  ...[0, 1, 2, 3].flatMap((j) => [...loadD(a, j), ...loadD(b, j), ...op, ...set(IN.t[j])]),
  ...BT.flatMap(([x, y, op2]) => storeV([...get(IN.t[x]), ...get(IN.t[y]), ...op2])),
];
const IN_BODY = [
  0x02, 0x0d, 0x7f, 0x04, 0x7b, // 13 i32 locals, 4 v128 locals
  ...get(5), ...tee(14), ...get(5), ADD, ...tee(15), ...get(5), ADD, ...set(16),
  ...get(2), ...tee(17), ...get(2), ADD, ...tee(18), ...get(2), ADD, ...set(19),
  ...I32(0), ...set(IN.ty),
  ...LOOP, ...I32(0), ...set(IN.tx),
  ...LOOP,
  // base = xp + ty·2row + tx·2cBytes; vt = v + (ty·tilesX + tx)·cBytes
  ...get(0), ...get(IN.ty), ...get(15), MUL, ADD, ...get(IN.tx), ...get(18), MUL, ADD, ...set(IN.base),
  ...get(1), ...get(IN.ty), ...get(4), MUL, ...get(IN.tx), ADD, ...get(2), MUL, ADD, ...set(IN.vt),
  ...I32(0), ...set(IN.cb),
  ...LOOP,
  ...get(IN.base), ...get(IN.cb), ADD, ...set(IN.p), ...get(IN.vt), ...get(IN.cb), ADD, ...set(IN.q),
  ...BT.flatMap(tileRow),
  ...next(IN.cb, I32(16), get(2)),
  ...next(IN.tx, I32(1), get(4)),
  ...next(IN.ty, I32(1), get(3)),
  END,
];

// ---- wOut: params m0 out1 kBytes2 tilesY3 tilesX4 mXi5 outRow6 ----
// i32 locals ty7 tx8 kb9 mt10 ob11 q12 o13 RI1 14 RI2 15 RI3 16 CJ1 17 CJ2 18 CJ3 19; v128 s0..s3 20–23
const OUT = { ty: 7, tx: 8, kb: 9, mt: 10, ob: 11, q: 12, o: 13, RI: [0, 14, 15, 16], CJ: [0, 17, 18, 19], s: [20, 21, 22, 23] };
const loadM = (i: number, j: number) => [...get(OUT.q), ...(i ? [...get(OUT.RI[i]), ADD] : []), ...(j ? [...get(OUT.CJ[j]), ADD] : []), ...LOAD(0)];
/** `Aᵀ` row a over the rows of M, per column j: `s_j = m0j + m1j + m2j` (a = 0) or `m1j - m2j - m3j` (a = 1). */
const sRow = (a: number, j: number) => a === 0
  ? [...loadM(0, j), ...loadM(1, j), ...ADD4, ...loadM(2, j), ...ADD4]
  : [...loadM(1, j), ...loadM(2, j), ...SUB4, ...loadM(3, j), ...SUB4];
const outRow = (a: number) => [
  ...[0, 1, 2, 3].flatMap((j) => [...sRow(a, j), ...set(OUT.s[j])]),
  // o = ob + a·outRow + kb; y_a0 = s0 + s1 + s2 at o, y_a1 = s1 - s2 - s3 at o + kBytes
  ...get(OUT.ob), ...(a ? [...get(6), ADD] : []), ...get(OUT.kb), ADD, ...set(OUT.o),
  ...get(OUT.o), ...get(OUT.s[0]), ...get(OUT.s[1]), ...ADD4, ...get(OUT.s[2]), ...ADD4, ...STORE(0),
  ...get(OUT.o), ...get(2), ADD, ...get(OUT.s[1]), ...get(OUT.s[2]), ...SUB4, ...get(OUT.s[3]), ...SUB4, ...STORE(0),
];
const OUT_BODY = [
  0x02, 0x0d, 0x7f, 0x04, 0x7b, // 13 i32 locals, 4 v128 locals
  ...get(5), ...tee(17), ...get(5), ADD, ...tee(18), ...get(5), ADD, ...set(19),
  ...get(5), ...get(5), ADD, ...get(5), ADD, ...get(5), ADD, ...tee(14), ...get(14), ADD, ...tee(15), ...get(14), ADD, ...set(16),
  ...I32(0), ...set(OUT.ty),
  ...LOOP, ...I32(0), ...set(OUT.tx),
  ...LOOP,
  // mt = m + (ty·tilesX + tx)·kBytes; ob = out + 2ty·outRow + 2tx·kBytes
  ...get(0), ...get(OUT.ty), ...get(4), MUL, ...get(OUT.tx), ADD, ...get(2), MUL, ADD, ...set(OUT.mt),
  ...get(1), ...get(OUT.ty), ...get(6), MUL, ...get(OUT.tx), ...get(2), MUL, ADD, ...I32(2), MUL, ADD, ...set(OUT.ob),
  ...I32(0), ...set(OUT.kb),
  ...LOOP,
  ...get(OUT.mt), ...get(OUT.kb), ADD, ...set(OUT.q),
  ...outRow(0), ...outRow(1),
  ...next(OUT.kb, I32(16), get(2)),
  ...next(OUT.tx, I32(1), get(4)),
  ...next(OUT.ty, I32(1), get(3)),
  END,
];

/** The module's bytes. */
export const WINOGRAD_WASM = kernelModule([{ name: 'wIn', params: 7, body: IN_BODY }, { name: 'wOut', params: 7, body: OUT_BODY }]);

const instances = new WeakMap<object, WinogradKernels | null>();

/** The kernels bound to the backend's memory, or undefined without wasm SIMD support. */
export function winogradKernels(backend: WasmBackend): WinogradKernels | undefined {
  return boundKernels(backend, instances, WINOGRAD_WASM, (e) => ({ wIn: e.wIn, wOut: e.wOut }) as WinogradKernels);
}
