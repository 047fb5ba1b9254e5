/**
 * wasm kernel for `Add` (replaces stock tfjs-backend-wasm's for a bias add, which took ~6 ns per
 * value for `[1, 16, 16, 512] + [512]` here): a float32 tensor `[…, C]` plus a float32 vector `[C]`
 * (either order), `C % 4 == 0`, by a SIMD row loop (simdBiasAdd.ts) — the bias of every unfused conv
 * or dense layer during training. Float32 operands of equal size or a scalar: elementwise.ts's loops on
 * the calling thread; everything else goes to the stock kernel.
 *
 * Formula: `out[…, c] = a[…, c] + b[c]`.
 *
 * @example
 * ```ts
 * const y = tf.add(tf.conv2d(x, w, 1, 'same'), bias);   // the add runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { biasAddKernel } from './simdBiasAdd.js';
import { binaryOurs } from './elementwise.js';
import { heapAddress, replacedStockKernel, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

const KERNEL = 'Add';

/** `[tensor, vector]` when `x + v` is a bias add phasewise handles, else undefined. */
function biasOperands(a: TensorInfo, b: TensorInfo): [TensorInfo, TensorInfo] | undefined {
  const ok = (t: TensorInfo, v: TensorInfo) => t.dtype === 'float32' && v.dtype === 'float32' && v.shape.length === 1 && t.shape.length >= 2 &&
    t.shape[t.shape.length - 1] === v.shape[0] && v.shape[0] % 4 === 0 && v.shape[0] > 0;
  if (ok(a, b)) return [a, b];
  if (ok(b, a)) return [b, a];
  return undefined;
}

function add(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const pair = biasOperands(a, b);
  const kernel = pair ? biasAddKernel(backend) : undefined;
  if (!pair || !kernel) return binaryOurs(backend, a, b, 'add') ?? replacedStockKernel(KERNEL)(args as Parameters<ReturnType<typeof replacedStockKernel>>[0]);
  const [t, v] = pair;
  const C = v.shape[0];
  const rows = t.shape.reduce((p, d) => p * d, 1) / C;
  const out = backend.makeOutput(t.shape, 'float32');
  if (rows > 0) kernel(heapAddress(backend, t), heapAddress(backend, v), heapAddress(backend, out), rows, 4 * C);
  return out;
}

/** Kernel config registered by {@link registerWasmTrainingKernels} (replacing the stock one). */
export const addConfig: tf.KernelConfig = replacingConfig(KERNEL, add);
