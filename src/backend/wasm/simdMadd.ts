/**
 * A tiny WebAssembly SIMD kernel that works directly on the tfjs wasm backend's memory (it imports
 * that module's `WebAssembly.Memory`), for the products no stock wasm kernel expresses efficiently.
 *
 * `madd(x, xs, d, ds, acc, cb, nb, rows)` — all arguments in bytes — computes, for every channel
 * `c < C` (`cb = 4·C`, a multiple of 16) and with `n = nb / cb` positions per row:
 * `acc[c] += Σ_{r < rows} Σ_{j < n} x[r·xs + (j·C + c)·4] · d[r·ds + (j·C + c)·4]`
 * (float32, four channels per `f32x4` lane group, the accumulator in a register). Requires
 * `rows ≥ 1`, `nb ≥ cb ≥ 16`. Hand-assembled (no toolchain needed); the WAT is in the comments.
 *
 * @example
 * ```ts
 * const madd = simdMadd(backend);   // undefined where wasm SIMD is unavailable
 * madd?.(xPtr, 4 * W * C, dyPtr, 4 * W * C, accPtr, 4 * C, 4 * W * C, H);   // Σ over an H×W image
 * ```
 */
import type { WasmBackend } from './wasmHeap.js';

/** The exported kernel: byte addresses and strides into the tfjs wasm heap. */
export type Madd = (x: number, xs: number, d: number, ds: number, acc: number, cb: number, nb: number, rows: number) => void;

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const ADD = 0x6a;
const LT_U = 0x49;
const LOAD = [0xfd, 0x00, 0x00, 0x00]; // v128.load align=0 offset=0
const STORE = [0xfd, 0x0b, 0x00, 0x00]; // v128.store
const MUL4 = [0xfd, 0xe6, 0x01]; // f32x4.mul
const ADD4 = [0xfd, 0xe4, 0x01]; // f32x4.add
const LOOP = [0x03, 0x40];
const END = 0x0b;
const BR_IF0 = [0x0d, 0x00];
// params: x0 xs1 d2 ds3 acc4 cb5 nb6 rows7; locals: c8 r9 j10 xr11 dr12 (i32), a13 (v128)
const BODY = [
  0x02, 0x05, 0x7f, 0x01, 0x7b, // locals
  0x41, 0x00, ...set(8), // c = 0
  ...LOOP, //   loop over channel groups
  ...get(4), ...get(8), ADD, ...LOAD, ...set(13), // a = acc[c]
  ...get(0), ...get(8), ADD, ...set(11), // xr = x + c
  ...get(2), ...get(8), ADD, ...set(12), // dr = d + c
  0x41, 0x00, ...set(9), // r = 0
  ...LOOP, //     loop over rows
  0x41, 0x00, ...set(10), // j = 0
  ...LOOP, //       loop over positions
  ...get(13), ...get(11), ...get(10), ADD, ...LOAD, ...get(12), ...get(10), ADD, ...LOAD, ...MUL4, ...ADD4, ...set(13),
  ...get(10), ...get(5), ADD, ...tee(10), ...get(6), LT_U, ...BR_IF0, END, // j += cb while j < nb
  ...get(11), ...get(1), ADD, ...set(11), // xr += xs
  ...get(12), ...get(3), ADD, ...set(12), // dr += ds
  ...get(9), 0x41, 0x01, ADD, ...tee(9), ...get(7), LT_U, ...BR_IF0, END, // while ++r < rows
  ...get(4), ...get(8), ADD, ...get(13), ...STORE, // acc[c] = a
  ...get(8), 0x41, 0x10, ADD, ...tee(8), ...get(5), LT_U, ...BR_IF0, END, // while (c += 16) < cb
  END,
];

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

/** The module's bytes. */
export const MADD_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x08, ...new Array(8).fill(0x7f), 0x00]), // type: (i32 ×8) -> ()
  ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]), // import memory
  ...section(3, [0x01, 0x00]), // one function of type 0
  ...section(7, [0x01, ...name('madd'), 0x00, 0x00]), // export it
  ...section(10, [0x01, ...leb(BODY.length), ...BODY]),
]);

/** The part of the global `WebAssembly` API used here (the build's lib has no WebAssembly types). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const instances = new WeakMap<object, Madd | null>();

/** The `madd` kernel bound to the backend's memory, or undefined without wasm SIMD support. */
export function simdMadd(backend: WasmBackend): Madd | undefined {
  const wa = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  const memory = (backend as unknown as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  if (!wa || !(memory instanceof wa.Memory)) return undefined;
  let madd = instances.get(memory);
  if (madd === undefined) {
    try {
      const instance = new wa.Instance(new wa.Module(MADD_WASM), { env: { memory } });
      madd = instance.exports.madd as Madd;
    } catch {
      madd = null;
    }
    instances.set(memory, madd);
  }
  return madd ?? undefined;
}
