/**
 * wasm kernel for `Sum` that overrides the stock one only for float32 reductions over a contiguous
 * block of axes that excludes the innermost axis (e.g. bias gradients: `[n, h, w, c]` summed over
 * `[0, 1, 2]`), and defers to the stock wasm kernel for everything else.
 *
 * Formula: with x viewed as `[outer, reduce, inner]` (the reduced axes `a..b` flattened into
 * `reduce`), `out[o, j] = Σ_r x[o, r, j]` — one pass over x, rows added into an `inner`-long
 * accumulator (the SIMD `colsum` of simdTranspose.ts when `inner % 4 == 0`, else four rows at a time
 * in JS). The stock kernel first transposes x so that the reduced axes
 * are innermost, which costs an extra pass and a copy of x.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm'); registerWasmTrainingKernels();
 * tf.sum(tf.ones([64, 28, 28, 32]), [0, 1, 2]);   // [32], every entry 50176, via this kernel
 * ```
 */
import { tf } from '../tf.js';
import { transposeKernels } from './simdTranspose.js';
import { f32, heapAddress, replacedStockKernel, wasmBackendOf, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo } from './wasmHeap.js';

const KERNEL = 'Sum';

/** Tuning: sum rows with the SIMD `colsum` kernel when `inner % 4 == 0` (false: the scalar loop, for tests). */
export const sumTuning = { simd: true };

/** `[outer, reduce, inner]` when `axes` is a contiguous block not containing the last axis, else undefined. */
export function leadingBlock(shape: number[], axes: number[]): [number, number, number] | undefined {
  if (axes.length === 0 || shape.length < 2) return undefined;
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  const a = sorted[0];
  const b = sorted[sorted.length - 1];
  if (b - a + 1 !== sorted.length || b >= shape.length - 1) return undefined;
  const prod = (lo: number, hi: number) => shape.slice(lo, hi).reduce((p, d) => p * d, 1);
  return [prod(0, a), prod(a, b + 1), prod(b + 1, shape.length)];
}

/** `out[o·inner + j] = Σ_r x[(o·reduce + r)·inner + j]`. */
function sumRows(x: Float32Array, outer: number, reduce: number, inner: number, out: Float32Array): void {
  const acc = new Float32Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * reduce * inner;
    let r = 0;
    for (; r + 4 <= reduce; r += 4) {
      const s0 = base + r * inner;
      const s1 = s0 + inner;
      const s2 = s1 + inner;
      const s3 = s2 + inner;
      for (let j = 0; j < inner; j++) acc[j] += (x[s0 + j] + x[s1 + j]) + (x[s2 + j] + x[s3 + j]);
    }
    for (; r < reduce; r++) {
      const s = base + r * inner;
      for (let j = 0; j < inner; j++) acc[j] += x[s + j];
    }
    out.set(acc, o * inner);
  }
}

function sum(args: KernelArgs): TensorInfo {
  const backend = wasmBackendOf(args);
  const { x } = args.inputs as { x: TensorInfo };
  const attrs = (args.attrs ?? {}) as { axis: number | number[]; keepDims: boolean };
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
  const block = x.dtype === 'float32' ? leadingBlock(x.shape, axes) : undefined;
  if (!block) return replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
  const reduced = new Set(axes);
  const shape = attrs.keepDims ? x.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : x.shape.filter((_, i) => !reduced.has(i));
  const out = backend.makeOutput(shape, 'float32');
  const [outer, reduce, inner] = block;
  const colsum = sumTuning.simd && inner % 4 === 0 && inner > 0 && reduce > 0 ? transposeKernels(backend)?.colsum : undefined;
  if (!colsum) {
    sumRows(f32(backend, x), outer, reduce, inner, f32(backend, out));
    return out;
  }
  f32(backend, out).fill(0);
  const xAddr = heapAddress(backend, x);
  const oAddr = heapAddress(backend, out);
  for (let o = 0; o < outer; o++) colsum(xAddr + 4 * o * reduce * inner, reduce, 4 * inner, oAddr + 4 * o * inner);
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (keeps the stock one for other cases). */
export const sumLeadingAxesConfig: tf.KernelConfig = replacingConfig(KERNEL, sum);
