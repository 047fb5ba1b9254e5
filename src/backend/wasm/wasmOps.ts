/**
 * The small part of the wasm binary format phasewise's hand-assembled SIMD kernels are written in:
 * LEB128 integers, sections and names, and the opcodes the kernels use (locals, i32 arithmetic,
 * loops, v128 loads/stores with a constant offset, f32x4 arithmetic).
 *
 * @example
 * ```ts
 * // acc[p] += x[p] * w  (v128 at local 0, 1, 2)
 * const body = [...get(0), ...get(0), ...LOAD(), ...get(1), ...LOAD(), ...get(2), ...MUL4, ...ADD4, ...STORE()];
 * ```
 */

/** Unsigned LEB128 encoding of `n`. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128 encoding of `n` (for `i32.const`). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** A wasm module section: id, byte length, content. */
export const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
/** A wasm name: length-prefixed bytes. */
export const name = (s: string) => [...leb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

/** local.get / local.set / local.tee of local `i` (< 128). */
export const get = (i: number) => [0x20, i];
export const set = (i: number) => [0x21, i];
export const tee = (i: number) => [0x22, i];
/** i32.add, i32.sub, i32.lt_u, i32.shl, i32.shr_u. */
export const ADD = 0x6a;
export const SUB = 0x6b;
export const LT_U = 0x49;
export const SHL = 0x74;
export const SHR_U = 0x76;
/** i32.const `v`. */
export const CONST = (v: number) => [0x41, ...sleb(v)];
/** v128.load / v128.store at a constant byte offset (align 0). */
export const LOAD = (off = 0) => [0xfd, 0x00, 0x00, ...leb(off)];
export const STORE = (off = 0) => [0xfd, 0x0b, 0x00, ...leb(off)];
/** v128.load32_splat / v128.load64_splat; the `…At` forms take a constant byte offset. */
export const SPLAT32 = [0xfd, 0x09, 0x00, 0x00];
export const SPLAT64 = [0xfd, 0x0a, 0x00, 0x00];
export const SPLAT32_AT = (off: number) => [0xfd, 0x09, 0x00, ...leb(off)];
export const SPLAT64_AT = (off: number) => [0xfd, 0x0a, 0x00, ...leb(off)];
/** f32x4.mul, f32x4.add, f32x4.sub. */
export const MUL4 = [0xfd, 0xe6, 0x01];
export const ADD4 = [0xfd, 0xe4, 0x01];
export const SUB4 = [0xfd, 0xe5, 0x01];
/** loop (no result), end, br_if 0. */
export const LOOP = [0x03, 0x40];
export const END = 0x0b;
export const BR_IF0 = [0x0d, 0x00];
/** The close of a counted loop: `local += step; br_if local < limit; end` (`step`, `limit`: code pushing an i32). */
export const NEXT = (local: number, step: number[], limit: number[]) => [...get(local), ...step, ADD, ...tee(local), ...limit, LT_U, ...BR_IF0, END];

/** v128.const of 16 bytes; v128.const 0; v128.and. */
export const V128_CONST = (bytes: number[]) => [0xfd, 0x0c, ...bytes];
export const V128_ZERO = V128_CONST(new Array<number>(16).fill(0));
export const V128_AND = [0xfd, 0x4e];

/** i8x16.shuffle of two v128s by 32-bit lanes (0–3: the first operand's, 4–7: the second's). */
export const SHUFFLE32 = (lanes: number[]) => [0xfd, 0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];

/** The import section of every kernel module: `env.memory`, at least one page, not shared. */
const MEMORY_IMPORT_SECTION = () => section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]);

/**
 * The same module importing a shared memory (limits flag 3: shared, min 1, max 65536 pages), as
 * tfjs' threaded build has: an engine only links a memory import of the same sharedness. Sections
 * are re-encoded one by one; a module without the unshared import is returned unchanged.
 *
 * @example
 * ```ts
 * new WebAssembly.Instance(new WebAssembly.Module(withSharedMemoryImport(bytes)), { env: { memory: shared } });
 * ```
 */
export function withSharedMemoryImport(bytes: Uint8Array): Uint8Array {
  const plain = MEMORY_IMPORT_SECTION();
  const shared = section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x03, 0x01, ...leb(65536)]);
  const out: number[] = Array.from(bytes.subarray(0, 8)); // magic + version
  for (let p = 8; p < bytes.length;) {
    const start = p++;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++];
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    const end = p + size;
    const sec = Array.from(bytes.subarray(start, end));
    const same = sec.length === plain.length && sec.every((b, i) => b === plain[i]);
    out.push(...(same ? shared : sec));
    p = end;
  }
  return Uint8Array.from(out);
}

/**
 * A whole kernel module: the wasm header, one function type per distinct parameter count (all i32,
 * no result; in order of first use), the `env.memory` import, and every function exported under
 * its name, in order.
 *
 * @example
 * ```ts
 * const bytes = kernelModule([{ name: 'k', params: 4, body: BODY }]);   // exports k(i32, i32, i32, i32)
 * ```
 */
export function kernelModule(funcs: { name: string; params: number; body: number[] }[]): Uint8Array {
  const arities = [...new Set(funcs.map((f) => f.params))];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...leb(arities.length), ...arities.flatMap((n) => [0x60, ...leb(n), ...new Array(n).fill(0x7f), 0x00])]),
    ...MEMORY_IMPORT_SECTION(),
    ...section(3, [...leb(funcs.length), ...funcs.flatMap((f) => leb(arities.indexOf(f.params)))]),
    ...section(7, [...leb(funcs.length), ...funcs.flatMap((f, i) => [...name(f.name), 0x00, ...leb(i)])]),
    ...section(10, [...leb(funcs.length), ...funcs.flatMap((f) => [...leb(f.body.length), ...f.body])]),
  ]);
}
