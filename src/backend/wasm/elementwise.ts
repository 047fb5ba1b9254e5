/**
 * wasm kernels for float32 `Relu`, `Step`, `Multiply`, `Sub` and `RealDiv` (and `Add` beyond the bias add,
 * add.ts) with the SIMD loops of simdElementwise.ts — on the calling thread, or from 4 MB on the SIMD
 * pool's threads (jobs claimed from a shared counter, so an asleep worker delays nothing) — replacing stock
 * tfjs-backend-wasm's XNNPACK ones, which hand every op to XNNPACK's thread pool: in a VGG16 128 px
 * style-loss gradient the ReLUs took 6.2–7.4 ms per step that way (bench/vggProfile.mjs; 1.6–2.2 ms
 * with XNNPACK on one thread), most of it waiting for a pool thread — a ReLU of [1, 8, 8, 512] took
 * 0.8 ms.
 *
 * Handled: float32 operands of equal size (`a op b` element by element), or one of them a single value
 * (`a op s`, `s op b`), output shape the broadcast shape. Other broadcasts and dtypes go to the stock
 * kernels. Formula: `out[i] = a[i] op b[i]` (op + − × ÷), `relu(x)[i] = max(x[i], 0)` (NaN stays NaN);
 * the last `n % 4` values in JavaScript (float64 arithmetic of two float32 values rounds to the same float32).
 *
 * @example
 * ```ts
 * const y = tf.relu(x);          // this kernel once registerWasmTrainingKernels() ran
 * const z = tf.mul(y, dy);       // same shapes: element by element
 * const g = tf.div(gram, 4096);  // a tensor and a scalar
 * ```
 */
import { tf } from '../tf.js';
import { elementwiseKernels, type Op } from './simdElementwise.js';
import { poolThreads, runJobs, simdPoolTuning, splitRange } from './simdPool.js';
import { f32, heapAddress, replacedStockKernel, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const size = (t: TensorInfo) => t.shape.reduce((p, d) => p * d, 1);

/**
 * A range of one loop (plain data: a pool worker can run it): `kind` 'relu' or vv / vs / sv, byte
 * addresses already offset to the range (a scalar operand's stays put), `n4` vectors.
 */
export interface ElementwiseJob { kind: 'relu' | 'step' | 'vv' | 'vs' | 'sv'; op: Op; x: number; y: number; out: number; n4: number; alphaBits?: number }

/** Run one {@link ElementwiseJob}. */
export function elementwiseRange(backend: WasmBackend, job: ElementwiseJob): void {
  const k = elementwiseKernels(backend);
  if (!k) throw new Error('phasewise element-wise ops: no SIMD kernels on this memory');
  if (job.kind === 'relu') k.relu(job.x, job.out, job.n4);
  else if (job.kind === 'step') k.step(job.x, job.out, job.n4, job.alphaBits ?? 0);
  else k[job.kind][job.op](job.x, job.y, job.out, job.n4);
}

/**
 * The `n4` vectors of a loop, on the calling thread, or cut into ranges for the SIMD pool when they
 * are at least elementwiseTuning.poolFloats floats (these ops are memory-bound: a second thread adds
 * bandwidth to large tensors; on small ones handing over costs more than it saves).
 */
function runLoop(backend: WasmBackend, job: ElementwiseJob): void {
  const floats = 4 * job.n4;
  if (floats < elementwiseTuning.poolFloats) return elementwiseRange(backend, job);
  const xStep = job.kind === 'sv' ? 0 : 16; // (a scalar x stays put)
  const jobs = splitRange(job.n4, 4 * poolThreads(backend)).map(([a, b]): ElementwiseJob => ({
    ...job, x: job.x + a * xStep, y: job.y + a * (job.kind === 'vv' || job.kind === 'sv' ? 16 : 0), out: job.out + 16 * a, n4: b - a,
  }));
  runJobs(backend, 'elementwise', jobs, (j) => elementwiseRange(backend, j), floats * simdPoolTuning.copyCost);
}

/** Tuning: from how many floats a loop is split over the SIMD pool's threads. */
export const elementwiseTuning = { poolFloats: 1 << 20 };
const JS: Record<Op, (x: number, y: number) => number> = { add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y };

/**
 * `a op b` by phasewise's loops, or undefined when they do not apply (dtypes, broadcasting, no SIMD).
 * Exported for add.ts, whose bias add comes first.
 */
export function binaryOurs(backend: WasmBackend, a: TensorInfo, b: TensorInfo, op: Op): TensorInfo | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const n = shape.reduce((p, d) => p * d, 1);
  const [na, nb] = [size(a), size(b)];
  const kind = na === n && nb === n ? 'vv' : na === n && nb === 1 ? 'vs' : na === 1 && nb === n ? 'sv' : undefined;
  const k = kind ? elementwiseKernels(backend) : undefined;
  if (!kind || !k) return undefined;
  const out = backend.makeOutput(shape, 'float32');
  const n4 = n >> 2;
  runLoop(backend, { kind, op, x: heapAddress(backend, a), y: heapAddress(backend, b), out: heapAddress(backend, out), n4 });
  const [x, y, o] = [f32(backend, a), f32(backend, b), f32(backend, out)];
  for (let i = 4 * n4; i < n; i++) o[i] = JS[op](x[kind === 'sv' ? 0 : i], y[kind === 'vs' ? 0 : i]);
  return out;
}

/** A binary kernel: phasewise's loops where they apply, else the stock kernel. */
function binary(name: string, op: Op): tf.KernelConfig {
  return replacingConfig(name, (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    return binaryOurs(args.backend as WasmBackend, a, b, op) ?? replacedStockKernel(name)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
  });
}

/**
 * A unary kernel on float32 x: the SIMD loop `kind` (with `alphaBits` for Step), the last `n % 4`
 * values by `tail`; other dtypes (or no SIMD) the stock kernel `name`.
 */
function unary(name: string, kind: 'relu' | 'step', tail: (v: number, attrs: Record<string, unknown>) => number): tf.KernelConfig {
  return replacingConfig(name, (args: KernelArgs) => {
    const backend = args.backend as WasmBackend;
    const x = args.inputs.x;
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    if (x.dtype !== 'float32' || !elementwiseKernels(backend)) return replacedStockKernel(name)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
    const n = size(x);
    const out = backend.makeOutput(x.shape, 'float32');
    const n4 = n >> 2;
    const alphaBits = new Int32Array(new Float32Array([(attrs.alpha as number | undefined) ?? 0]).buffer)[0];
    runLoop(backend, { kind, op: 'add', x: heapAddress(backend, x), y: 0, out: heapAddress(backend, out), n4, alphaBits });
    const [v, o] = [f32(backend, x), f32(backend, out)];
    for (let i = 4 * n4; i < n; i++) o[i] = tail(v[i], attrs);
    return out;
  });
}

/** Kernel configs registered by {@link registerWasmTrainingKernels} (replacing the stock ones). */
// (as f32x4.max: NaN stays NaN, max(-0, 0) = 0)
export const reluConfig = unary('Relu', 'relu', (v) => Math.max(v, 0));
/** `Step`: 1 where x > 0, else `alpha`; NaN stays NaN (the cpu backend's rule). Every ReLU gradient takes one. */
export const stepConfig = unary('Step', 'step', (v, attrs) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : Math.fround((attrs.alpha as number | undefined) ?? 0)));
export const multiplyConfig = binary('Multiply', 'mul');
export const subConfig = binary('Sub', 'sub');
export const realDivConfig = binary('RealDiv', 'div');
