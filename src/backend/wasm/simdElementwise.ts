/**
 * wasm SIMD loops for float32 element-wise arithmetic and ReLU, run on the calling thread. These ops
 * are memory-bound, and stock tfjs-backend-wasm hands each one to XNNPACK's thread pool, whose threads
 * are asleep (or spinning against phasewise's pool) between ops: in a VGG16 128 px style-loss gradient
 * a ReLU of [1, 8, 8, 512] (128 kB) took 0.8 ms in the network against ~0.02 ms alone.
 *
 * Formulas (`n4` groups of 4 floats; byte addresses; `op` one of + − × ÷):
 * - `vv_op(a, b, out, n4)`: `out[i] = a[i] op b[i]`;
 * - `vs_op(a, s, out, n4)`: `out[i] = a[i] op s[0]`; `sv_op(s, b, out, n4)`: `out[i] = s[0] op b[i]`;
 * - `relu(x, out, n4)`: `out[i] = max(x[i], 0)` (NaN stays NaN, as on the cpu backend);
 * - `step(x, out, n4, alphaBits)`: `out[i] = x[i] > 0 ? 1 : alpha`, NaN where x is NaN (as on the cpu backend).
 * IEEE single-precision results, the same as XNNPACK's and the cpu backend's.
 *
 * @example
 * ```ts
 * const k = elementwiseKernels(backend);   // undefined without wasm SIMD
 * k?.vv.mul(a, b, out, n >> 2);            // then the n % 4 last floats (see elementwise.ts)
 * ```
 */
import { get, set, ADD, LOOP, END, LOAD, STORE, SPLAT32, kernelModule, V128_ZERO } from './wasmOps.js';
import { boundKernels } from './heapModule.js';
import type { WasmBackend } from './wasmHeap.js';

/** `(x, y, out, n4)`: see the module comment. */
export type Loop = (x: number, y: number, out: number, n4: number) => void;
/** `relu(x, out, n4)`. */
export type Relu = (x: number, out: number, n4: number) => void;
/** `step(x, out, n4, alphaBits)`: alpha as the bits of a float32. */
export type Step = (x: number, out: number, n4: number, alphaBits: number) => void;

/** The arithmetic ops and their f32x4 opcodes. */
export const OPS = { add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7 } as const;
export type Op = keyof typeof OPS;

const F32X4 = (code: number) => [0xfd, code, 0x01];
const MAX4 = F32X4(0xe9);
const SUB1 = [0x41, 0x01, 0x6b];

/**
 * A loop over `n4` vectors: `out = f(x, y)` with x, y either streamed (16 bytes per step) or splat
 * once (a scalar). params x0 y1 out2 n3; locals: i32 i4, v128 sx5 sy6.
 */
function loop(kind: 'vv' | 'vs' | 'sv', code: number): number[] {
  const xv = kind === 'sv' ? get(5) : [...get(0), ...get(4), ADD, ...LOAD(0)];
  const yv = kind === 'vs' ? get(6) : [...get(1), ...get(4), ADD, ...LOAD(0)];
  return [0x02, 0x01, 0x7f, 0x02, 0x7b,
    ...(kind === 'sv' ? [...get(0), ...SPLAT32, ...set(5)] : []),
    ...(kind === 'vs' ? [...get(1), ...SPLAT32, ...set(6)] : []),
    ...get(3), 0x45, 0x04, 0x40, 0x0f, END, // if (n4 == 0) return
    ...LOOP,
    ...get(2), ...get(4), ADD, ...xv, ...yv, ...F32X4(code), ...STORE(0),
    ...get(4), 0x41, 0x10, ADD, ...set(4),
    ...get(3), ...SUB1, ...set(3), ...get(3), 0x0d, 0x00, END, // while (--n4)
    END];
}

// relu: params x0 out1 n2; local i32 i3
const RELU = [0x01, 0x01, 0x7f,
  ...get(2), 0x45, 0x04, 0x40, 0x0f, END,
  ...LOOP,
  ...get(1), ...get(3), ADD, ...get(0), ...get(3), ADD, ...LOAD(0), ...V128_ZERO, ...MAX4, ...STORE(0),
  ...get(3), 0x41, 0x10, ADD, ...set(3),
  ...get(2), ...SUB1, ...set(2), ...get(2), 0x0d, 0x00, END,
  END];

// step: params x0 out1 n2 alphaBits3; local i32 i4; v128 one5 alpha6 v7. out = NaN where x is NaN,
// else bitselect(1, alpha, x > 0)
const BITSELECT = [0xfd, 0x52];
const STEP = [0x02, 0x01, 0x7f, 0x03, 0x7b,
  0xfd, 0x0c, ...Array.from(new Uint8Array(new Float32Array([1, 1, 1, 1]).buffer)), ...set(5),
  ...get(3), 0xfd, 0x11, ...set(6), // i32x4.splat of alpha's bits
  ...get(2), 0x45, 0x04, 0x40, 0x0f, END,
  ...LOOP,
  ...get(1), ...get(4), ADD,
  ...get(0), ...get(4), ADD, ...LOAD(0), ...set(7),
  ...get(7),
  ...get(5), ...get(6), ...get(7), ...V128_ZERO, 0xfd, 0x44, ...BITSELECT, // f32x4.gt
  ...get(7), ...get(7), 0xfd, 0x42, // f32x4.ne: NaN lanes
  ...BITSELECT, ...STORE(0),
  ...get(4), 0x41, 0x10, ADD, ...set(4),
  ...get(2), ...SUB1, ...set(2), ...get(2), 0x0d, 0x00, END,
  END];

const KINDS = ['vv', 'vs', 'sv'] as const;

/** The module's bytes: `relu`, `step` and `vv_add`, `vs_add`, `sv_add`, … for every op. */
export const ELEMENTWISE_WASM = kernelModule([
  { name: 'relu', params: 3, body: RELU },
  { name: 'step', params: 4, body: STEP },
  ...KINDS.flatMap((kind) => Object.entries(OPS).map(([op, code]) => ({ name: `${kind}_${op}`, params: 4, body: loop(kind, code) }))),
]);

/** The kernels bound to one memory. */
export interface ElementwiseKernels {
  relu: Relu;
  step: Step;
  vv: Record<Op, Loop>;
  vs: Record<Op, Loop>;
  sv: Record<Op, Loop>;
}

const instances = new WeakMap<object, ElementwiseKernels | null>();

/** The kernels bound to the backend's memory, or undefined without wasm SIMD support. */
export function elementwiseKernels(backend: WasmBackend): ElementwiseKernels | undefined {
  return boundKernels(backend, instances, ELEMENTWISE_WASM, (e) => {
    const of = (kind: string) => Object.fromEntries(Object.keys(OPS).map((op) => [op, e[`${kind}_${op}`] as Loop])) as Record<Op, Loop>;
    return { relu: e.relu as Relu, step: e.step as Step, vv: of('vv'), vs: of('vs'), sv: of('sv') };
  });
}
