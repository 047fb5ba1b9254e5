/**
 * wasm SIMD kernels for the input and output transforms of Winograd's minimal filtering
 * F(m×m, 3×3) (winogradMatrices.ts; m = 2 or 4, input tiles of n = m + 2), four channels per
 * `f32x4`, NHWC in and out, generated from the matrices (constant coefficients, no tables):
 *
 * - `wIn(xp, v, cBytes, tilesY, tilesX, row, vXi)`: for each n×n input tile `d` (tile `(ty, tx)`
 *   starts at `xp + m·ty·row + m·tx·cBytes`), `V = Bᵀ d B`, stored as
 *   `v[(n·i + k)·vXi + (ty·tilesX + tx)·cBytes + 4c] = V[i][k][c]`;
 * - `wOut(mp, out, kBytes, tilesY, tilesX, mXi, outRow, mTile)`: from the n² transformed products
 *   `M[ξ] = mp[ξ·mXi + (ty·tilesX + tx)·mTile + 4k]` (winograd.ts keeps a tile's n² rows together:
 *   `mXi = kBytes`, `mTile = n²·kBytes`, one stream instead of n²), the m×m output tile `Y = Aᵀ M A`, stored at
 *   `out + (m·ty + a)·outRow + (m·tx + b)·kBytes + 4k`.
 *
 * Requires `cBytes, kBytes` multiples of 16 and every count ≥ 1. The multiplications of the
 * convolution itself are the n² matrix products `M[ξ] = V[ξ] · U[ξ]` in between (winograd.ts).
 *
 * @example
 * ```ts
 * const k = winogradKernels(backend, 2);   // undefined without wasm SIMD
 * k?.wIn(xp, v, 4 * 64, 64, 64, 130 * 4 * 64, 64 * 64 * 4 * 64);   // a padded 130×130×64 image, 64×64 tiles
 * ```
 */
import { get, set, leb, ADD, LOOP, END, LOAD, STORE, NEXT as next, ADD4, MUL4, SUB4, kernelModule } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import { WINOGRAD } from './winogradMatrices.js';
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernels (see the module's formulas). */
export interface WinogradKernels {
  wIn(xp: number, v: number, cBytes: number, tilesY: number, tilesX: number, row: number, vXi: number): void;
  wOut(mp: number, out: number, kBytes: number, tilesY: number, tilesX: number, mXi: number, outRow: number, mTile: number): void;
}

const NEG4 = [0xfd, 0xe1, 0x01];
const MUL = 0x6c;
const I32 = (v: number) => [0x41, ...leb(v)];
/** v128.const of four copies of the float32 `c`. */
const SPLAT_CONST = (c: number) => {
  const b = new Uint8Array(new Float32Array([c, c, c, c]).buffer);
  return [0xfd, 0x0c, ...b];
};

/** Code pushing `Σ coef[r]·term(r)` over the non-zero coefficients (`term(r)` pushes one v128). */
function combination(coef: number[], term: (r: number) => number[]): number[] {
  const out: number[] = [];
  let first = true;
  coef.forEach((c, r) => {
    if (c === 0) return;
    const scaled = Math.abs(c) === 1 ? term(r) : [...term(r), ...SPLAT_CONST(Math.abs(c)), ...MUL4];
    if (first) out.push(...scaled, ...(c < 0 ? NEG4 : []));
    else out.push(...scaled, ...(c < 0 ? SUB4 : ADD4));
    first = false;
  });
  return out;
}

// params (both kernels): src0 dst1 bytes2 tilesY3 tilesX4 (wIn: row5 vXi6 | wOut: mXi5 outRow6 mTile7)
// i32 locals (wIn from 7, wOut from 8): ty tx cb base vt p q, then offsets; v128 locals after them
function inBody(m: number, n: number, BT: number[][]): number[] {
  const [ty, tx, cb, base, vt, p, q] = [7, 8, 9, 10, 11, 12, 13];
  const R = (i: number) => 14 + i - 1; // i·row, i = 1 … n-1
  const P = (j: number) => 14 + n - 1 + j - 1; // j·cBytes
  const T = (j: number) => 14 + 2 * (n - 1) + j; // v128
  const offsets = (local: (i: number) => number, unit: number) =>
    Array.from({ length: n - 1 }, (_, k) => [...get(unit), ...I32(k + 1), MUL, ...set(local(k + 1))]).flat();
  const load = (i: number, j: number) => [...get(p), ...(i ? [...get(R(i)), ADD] : []), ...(j ? [...get(P(j)), ADD] : []), ...LOAD(0)];
  const rowOf = (i: number) => [
    ...Array.from({ length: n }, (_, j) => [...combination(BT[i], (r) => load(r, j)), ...set(T(j))]).flat(),
    ...BT.flatMap((row) => [...get(q), ...combination(row, (j) => get(T(j))), ...STORE(0), ...get(q), ...get(6), ADD, ...set(q)]),
  ];
  return [
    0x02, ...leb(7 + 2 * (n - 1)), 0x7f, ...leb(n), 0x7b,
    ...offsets(R, 5), ...offsets(P, 2),
    ...I32(0), ...set(ty),
    ...LOOP, ...I32(0), ...set(tx),
    ...LOOP,
    // base = xp + m·ty·row + m·tx·cBytes; vt = v + (ty·tilesX + tx)·cBytes
    ...get(0), ...get(ty), ...get(5), MUL, ...get(tx), ...get(2), MUL, ADD, ...I32(m), MUL, ADD, ...set(base),
    ...get(1), ...get(ty), ...get(4), MUL, ...get(tx), ADD, ...get(2), MUL, ADD, ...set(vt),
    ...I32(0), ...set(cb),
    ...LOOP,
    ...get(base), ...get(cb), ADD, ...set(p), ...get(vt), ...get(cb), ADD, ...set(q),
    ...Array.from({ length: n }, (_, i) => rowOf(i)).flat(),
    ...next(cb, I32(16), get(2)),
    ...next(tx, I32(1), get(4)),
    ...next(ty, I32(1), get(3)),
    END,
  ];
}

function outBody(m: number, n: number, AT: number[][]): number[] {
  const [ty, tx, kb, mt, ob, q, o] = [8, 9, 10, 11, 12, 13, 14];
  const RI = (i: number) => 15 + i - 1; // n·i·mXi
  const CJ = (j: number) => 15 + n - 1 + j - 1; // j·mXi
  const S = (j: number) => 15 + 2 * (n - 1) + j; // v128
  const load = (i: number, j: number) => [...get(q), ...(i ? [...get(RI(i)), ADD] : []), ...(j ? [...get(CJ(j)), ADD] : []), ...LOAD(0)];
  const outRow = (a: number) => [
    ...Array.from({ length: n }, (_, j) => [...combination(AT[a], (i) => load(i, j)), ...set(S(j))]).flat(),
    // o = ob + a·outRow + kb; y[a][b] at o + b·kBytes
    ...get(ob), ...(a ? [...get(6), ...I32(a), MUL, ADD] : []), ...get(kb), ADD, ...set(o),
    ...AT.flatMap((row, b) => [...get(o), ...(b ? [...get(2), ...I32(b), MUL, ADD] : []), ...combination(row, (j) => get(S(j))), ...STORE(0)]),
  ];
  return [
    0x02, ...leb(7 + 2 * (n - 1)), 0x7f, ...leb(n), 0x7b,
    ...Array.from({ length: n - 1 }, (_, k) => [...get(5), ...I32(n * (k + 1)), MUL, ...set(RI(k + 1)), ...get(5), ...I32(k + 1), MUL, ...set(CJ(k + 1))]).flat(),
    ...I32(0), ...set(ty),
    ...LOOP, ...I32(0), ...set(tx),
    ...LOOP,
    // mt = mp + (ty·tilesX + tx)·mTile; ob = out + m·(ty·outRow + tx·kBytes)
    ...get(0), ...get(ty), ...get(4), MUL, ...get(tx), ADD, ...get(7), MUL, ADD, ...set(mt),
    ...get(1), ...get(ty), ...get(6), MUL, ...get(tx), ...get(2), MUL, ADD, ...I32(m), MUL, ADD, ...set(ob),
    ...I32(0), ...set(kb),
    ...LOOP,
    ...get(mt), ...get(kb), ADD, ...set(q),
    ...Array.from({ length: m }, (_, a) => outRow(a)).flat(),
    ...next(kb, I32(16), get(2)),
    ...next(tx, I32(1), get(4)),
    ...next(ty, I32(1), get(3)),
    END,
  ];
}

const modules: Partial<Record<2 | 4, Uint8Array>> = {};

/** The module's bytes for F(m×m, 3×3) (built once each). */
export function winogradWasm(m: 2 | 4): Uint8Array {
  const { n, BT, AT } = WINOGRAD[m];
  return (modules[m] ??= kernelModule([{ name: 'wIn', params: 7, body: inBody(m, n, BT) }, { name: 'wOut', params: 8, body: outBody(m, n, AT) }]));
}

const instances = { 2: new WeakMap<object, WinogradKernels | null>(), 4: new WeakMap<object, WinogradKernels | null>() };

/** The F(m×m, 3×3) kernels bound to the backend's memory, or undefined without wasm SIMD support. */
export function winogradKernels(backend: WasmBackend, m: 2 | 4 = 2): WinogradKernels | undefined {
  return boundKernels(backend, instances[m], winogradWasm(m), (e) => ({ wIn: e.wIn, wOut: e.wOut }) as WinogradKernels);
}
