/**
 * Whether phasewise's SIMD kernels may use wasm relaxed SIMD's `f32x4.relaxed_madd`, which engines
 * compile to one fused multiply-add on CPUs with FMA (x86 FMA3, Arm NEON): about 1.4× the
 * multiply-adds per cycle of `f32x4.mul` + `f32x4.add` in a register-tiled loop on this project's
 * x86 host.
 *
 * Node 22+ has relaxed SIMD on; Node 20's V8 (11.3) has it behind `--experimental-wasm-relaxed-simd`,
 * which this module sets at run time (`v8.setFlagsFromString`, process-wide) the first time a kernel
 * asks — only that wasm feature, only under Node. `PHASEWISE_WASM_FMA=0` (or
 * `relaxedSimdTuning.enabled = false`) keeps every kernel on mul + add. A fused multiply-add rounds
 * once instead of twice, so sums differ from the unfused ones in the last bits; the choice is made
 * once per process and passed to pool workers with each job, so a result never depends on the
 * thread count.
 *
 * @example
 * ```ts
 * relaxedSimd();   // true on Node 20/22 on x86-64 with FMA, unless PHASEWISE_WASM_FMA=0
 * ```
 */

import { get, set, MUL4, ADD4 } from './wasmOps.js';

/** `f32x4.relaxed_madd` (a·b + c): prefix 0xfd, opcode 0x105. */
export const RELAXED_MADD = [0xfd, 0x85, 0x02];

/** Code for `acc += s · d` on v128 locals: one relaxed multiply-add (`fma`) or `f32x4.mul` + `f32x4.add`. */
export const maddInto = (acc: number, s: number, d: number, fma: boolean) => fma
  ? [...get(s), ...get(d), ...get(acc), ...RELAXED_MADD, ...set(acc)]
  : [...get(acc), ...get(s), ...get(d), ...MUL4, ...ADD4, ...set(acc)];

/** Tuning: allow relaxed SIMD (false: mul + add everywhere, as with `PHASEWISE_WASM_FMA=0`). */
export const relaxedSimdTuning = { enabled: true };

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
const PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
  10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, ...RELAXED_MADD, 11,
]);

interface Wa { validate(bytes: Uint8Array): boolean }
let known: boolean | undefined;

function validates(): boolean {
  const wa = (globalThis as unknown as { WebAssembly?: Wa }).WebAssembly;
  try {
    return wa?.validate(PROBE) === true;
  } catch {
    return false;
  }
}

function enableInNode(): void {
  const proc = (globalThis as unknown as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

/** Whether the engine validates relaxed SIMD (enabling it first under Node 20); false when turned off. */
export function relaxedSimd(): boolean {
  if (!relaxedSimdTuning.enabled) return false;
  if (known === undefined) {
    const env = (globalThis as unknown as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    if (env?.PHASEWISE_WASM_FMA === '0') known = false;
    else {
      if (!validates()) enableInNode();
      known = validates();
    }
  }
  return known;
}
