/**
 * Three memory-bound wasm SIMD kernels on the tfjs wasm backend's memory (all arguments in bytes):
 *
 * - `tr4(src, ps, dst, ds, cb, n4)`: pixels → channel planes, 4 pixels × 4 channels per step
 *   (a 4×4 transpose in registers). For pixels `p < 4·n4` at `src + p·ps` with `C = cb / 4`
 *   channels each (`cb` a multiple of 16): `dst[ci·ds + 4p] = src[p·ps + 4ci]` for every `ci < C`.
 *   Phase planes (phasePlanes.ts) are filled with it: one call per input row and column phase.
 * - `bcopy(src, dst, dstep, cb, n)`: `n` blocks of `cb` bytes (a multiple of 16), packed at `src`,
 *   to `dst + j·dstep`: `dst[j·dstep + k] = src[j·cb + k]`. Scatters a strided conv's phase outputs
 *   into dx (subPixelInput.ts).
 * - `colsum(x, rows, rb, acc)`: `acc[k] += Σ_{r < rows} x[r·rb + k]` for the `rb / 4` floats of a row
 *   (`rb` a multiple of 16), rows added in order: bias gradients (sumLeadingAxes.ts).
 *
 * Hand-assembled like the other kernels (wasmOps.ts); undefined where wasm SIMD is unavailable.
 *
 * @example
 * ```ts
 * const k = transposeKernels(backend);
 * // 12 pixels of a 32-channel NHWC row, every other pixel (stride 2), to 32 planes of stride S floats
 * k?.tr4(xAddr, 2 * 4 * 32, planesAddr, 4 * S, 4 * 32, 3);
 * ```
 */
import { get, set, tee, ADD, ADD4, LT_U, LOOP, END, BR_IF0, LOAD, STORE, kernelModule, SHUFFLE32 } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** See the module comment. */
export type Tr4 = (src: number, ps: number, dst: number, ds: number, cb: number, n4: number) => void;
/** See the module comment. */
export type Colsum = (x: number, rows: number, rb: number, acc: number) => void;
/** See the module comment. */
export type Bcopy = (src: number, dst: number, dstep: number, cb: number, n: number) => void;

const shuffle = SHUFFLE32;
const LO32 = shuffle([0, 4, 1, 5]);
const HI32 = shuffle([2, 6, 3, 7]);
const LO64 = shuffle([0, 1, 4, 5]);
const HI64 = shuffle([2, 3, 6, 7]);

// tr4 params: src0 ps1 dst2 ds3 cb4 n4_5; i32 locals g6 c7 dc8 s1_9 s2_10 s3_11 ds2_12 ds3_13 ds4_14 ps4_15;
// v128 locals p0..p3 16..19, t0..t3 20..23
const TR4_BODY = [
  0x02, 0x0a, 0x7f, 0x08, 0x7b,
  ...get(3), ...get(3), ADD, ...tee(12), ...get(3), ADD, ...set(13), // ds2 = 2ds, ds3 = 3ds
  ...get(12), ...get(12), ADD, ...set(14), // ds4 = 4ds
  ...get(1), ...get(1), ADD, ...get(1), ADD, ...get(1), ADD, ...set(15), // ps4 = 4ps
  0x41, 0x00, ...set(6), // g = 0
  ...LOOP, // groups of 4 pixels
  ...get(0), ...get(1), ADD, ...tee(9), ...get(1), ADD, ...tee(10), ...get(1), ADD, ...set(11), // s1, s2, s3
  0x41, 0x00, ...set(7), ...get(2), ...set(8), // c = 0, dc = dst
  ...LOOP, // groups of 4 channels
  ...get(0), ...get(7), ADD, ...LOAD(), ...set(16),
  ...get(9), ...get(7), ADD, ...LOAD(), ...set(17),
  ...get(10), ...get(7), ADD, ...LOAD(), ...set(18),
  ...get(11), ...get(7), ADD, ...LOAD(), ...set(19),
  ...get(16), ...get(17), ...LO32, ...set(20), ...get(16), ...get(17), ...HI32, ...set(21),
  ...get(18), ...get(19), ...LO32, ...set(22), ...get(18), ...get(19), ...HI32, ...set(23),
  ...get(8), ...get(20), ...get(22), ...LO64, ...STORE(), // channel c:   p0..p3 lane 0
  ...get(8), ...get(3), ADD, ...get(20), ...get(22), ...HI64, ...STORE(), // c + 1
  ...get(8), ...get(12), ADD, ...get(21), ...get(23), ...LO64, ...STORE(), // c + 2
  ...get(8), ...get(13), ADD, ...get(21), ...get(23), ...HI64, ...STORE(), // c + 3
  ...get(8), ...get(14), ADD, ...set(8), // dc += 4ds
  ...get(7), 0x41, 0x10, ADD, ...tee(7), ...get(4), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  ...get(0), ...get(15), ADD, ...set(0), // src += 4ps
  ...get(2), 0x41, 0x10, ADD, ...set(2), // dst += 16
  ...get(6), 0x41, 0x01, ADD, ...tee(6), ...get(5), LT_U, ...BR_IF0, END, // while ++g < n4
  END,
];

// bcopy params: src0 dst1 dstep2 cb3 n4; i32 locals j5 c6
const BCOPY_BODY = [
  0x01, 0x02, 0x7f,
  0x41, 0x00, ...set(5),
  ...LOOP,
  0x41, 0x00, ...set(6),
  ...LOOP,
  ...get(1), ...get(6), ADD, ...get(0), ...get(6), ADD, ...LOAD(), ...STORE(),
  ...get(6), 0x41, 0x10, ADD, ...tee(6), ...get(3), LT_U, ...BR_IF0, END,
  ...get(0), ...get(3), ADD, ...set(0),
  ...get(1), ...get(2), ADD, ...set(1),
  ...get(5), 0x41, 0x01, ADD, ...tee(5), ...get(4), LT_U, ...BR_IF0, END,
  END,
];

// colsum params: x0 rows1 rb2 acc3; i32 locals r4 j5
const COLSUM_BODY = [
  0x01, 0x02, 0x7f,
  0x41, 0x00, ...set(4),
  ...LOOP,
  0x41, 0x00, ...set(5),
  ...LOOP,
  ...get(3), ...get(5), ADD, // address acc + j
  ...get(3), ...get(5), ADD, ...LOAD(), ...get(0), ...get(5), ADD, ...LOAD(), ...ADD4, ...STORE(),
  ...get(5), 0x41, 0x10, ADD, ...tee(5), ...get(2), LT_U, ...BR_IF0, END,
  ...get(0), ...get(2), ADD, ...set(0),
  ...get(4), 0x41, 0x01, ADD, ...tee(4), ...get(1), LT_U, ...BR_IF0, END,
  END,
];

/** The module's bytes. */
export const TRANSPOSE_WASM = kernelModule([
  { name: 'tr4', params: 6, body: TR4_BODY },
  { name: 'bcopy', params: 5, body: BCOPY_BODY },
  { name: 'colsum', params: 4, body: COLSUM_BODY },
]);

/** The three kernels, bound to one wasm memory. */
export interface TransposeKernels {
  tr4: Tr4;
  bcopy: Bcopy;
  colsum: Colsum;
}

const instances = new WeakMap<object, TransposeKernels | null>();

/** The kernels bound to the backend's memory, or undefined without wasm SIMD support. */
export function transposeKernels(backend: WasmBackend): TransposeKernels | undefined {
  return boundKernels(backend, instances, TRANSPOSE_WASM, (e) => ({ tr4: e.tr4 as Tr4, bcopy: e.bcopy as Bcopy, colsum: e.colsum as Colsum }));
}
