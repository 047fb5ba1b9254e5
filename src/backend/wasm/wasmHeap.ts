/**
 * Access to the tfjs wasm backend's heap and to its own kernels, for phasewise's training kernels.
 *
 * Tensors of the wasm backend live in the wasm module's linear memory; a kernel reads and writes
 * them through typed-array views on that memory. A view goes stale when the heap grows (any
 * allocation may grow it), so views are taken after every allocation of a step, never cached.
 *
 * @example
 * ```ts
 * const out = backend.makeOutput([2, 3], 'float32');
 * f32(backend, out).fill(0);
 * ```
 */
import { tf } from '../tf.js';

/** A tensor as kernels see it (tfjs `TensorInfo`). */
export type TensorInfo = tf.TensorInfo;

/** The part of tfjs-backend-wasm's `BackendWasm` that phasewise's kernels use. */
export interface WasmBackend {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined; has(dataId: object): boolean; delete(dataId: object): boolean };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): TensorInfo;
  wasm: { tfjs: { disposeData(id: number): void } };
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Arguments tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

/** The wasm backend handed to a kernel, typed. */
export function wasmBackendOf(args: KernelArgs): WasmBackend {
  return args.backend as WasmBackend;
}

/** A float32 view of a wasm tensor's data (re-take it after any allocation). */
export function f32(backend: WasmBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** XNNPACK's thread count on this wasm backend (1 for the single-threaded builds). */
export function xnnThreads(backend: WasmBackend): number {
  const n = (backend as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm?.tfjs?.getThreadsCount?.();
  return typeof n === 'number' && n > 0 ? n : 1;
}

/** The byte address of a wasm tensor's data in the heap (for phasewise's SIMD kernels). */
export function heapAddress(backend: WasmBackend, info: TensorInfo): number {
  const entry = backend.dataIdMap.get(info.dataId);
  if (!entry) throw new Error('phasewise wasm kernels: heapAddress of a tensor that is not on the wasm backend');
  return entry.memoryOffset;
}

/** Free a wasm tensor made inside a kernel. */
export function disposeInfo(backend: WasmBackend, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => TensorInfo;

/** Stock wasm kernels that phasewise replaced but still delegates to (see {@link replacedStockKernel}). */
const replaced = new Map<string, tf.KernelConfig>();

/**
 * The wasm backend's own kernel function `name` (e.g. 'BatchMatMul', 'Conv2D'): the stock kernel
 * phasewise replaced (see {@link rememberReplacedKernel}), else the registered one, looked up per
 * call. They rely on the setup tfjs ran when the wasm backend was selected.
 */
export function stockKernel(name: string): KernelFunc {
  const config = replaced.get(name) ?? tf.getKernel(name, 'wasm');
  if (!config) {
    throw new Error(`phasewise wasm kernels need the wasm backend's own '${name}' kernel, which is not registered (import '@tensorflow/tfjs-backend-wasm' first)`);
  }
  return config.kernelFunc as unknown as KernelFunc;
}

/**
 * `a [m, k] · b [k, n]` with the wasm backend's BatchMatMul (XNNPACK fully-connected, its fast
 * path: no transposes, batch 1). Returns a new `[1, m, n]` tensor owned by the caller.
 *
 * The wasm backend caches the packed right-hand side by tensor id, so `b` must be a tensor whose
 * contents never change while it lives (phasewise always passes a fresh tensor and frees it).
 */
export function matMul(backend: WasmBackend, batchMatMul: KernelFunc, a: TensorInfo, b: TensorInfo): TensorInfo {
  return batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
}

/**
 * A read-only view of `count` consecutive floats of `info` starting at float `start`, as a tensor of
 * `shape` that shares `info`'s memory (no copy): lets a chunk of a tensor be a matmul operand.
 * Release it with {@link releaseAlias} (never `disposeInfo`: that would free the shared memory).
 *
 * @example
 * ```ts
 * const rows = aliasOf(backend, dy, r0 * cout, [r1 - r0, cout]);   // dy rows [r0, r1)
 * try { part = matMul(backend, batchMatMul, cols, rows); } finally { releaseAlias(backend, rows); }
 * ```
 */
export function aliasOf(backend: WasmBackend, info: TensorInfo, start: number, shape: number[]): TensorInfo {
  const entry = backend.dataIdMap.get(info.dataId);
  if (!entry) throw new Error('phasewise wasm kernels: aliasOf a tensor that is not on the wasm backend');
  return backend.makeOutput(shape, 'float32', entry.memoryOffset + 4 * start);
}

/** Forget a view made by {@link aliasOf}: its tensor id (and any cached XNNPACK operator), not its memory. */
export function releaseAlias(backend: WasmBackend, alias: TensorInfo): void {
  const entry = backend.dataIdMap.get(alias.dataId);
  if (!entry) return;
  backend.dataIdMap.delete(alias.dataId);
  backend.wasm.tfjs.disposeData(entry.id);
}

/**
 * `run(view)` with `view` an {@link aliasOf} `t` from float `start`, shaped `shape`, released afterwards
 * (also when `run` throws).
 *
 * @example
 * ```ts
 * const part = withAlias(backend, dy, r0 * OW * cout, [P, cout], (chunk) => matMul(backend, batchMatMul, cols, chunk));
 * ```
 */
export function withAlias<T>(backend: WasmBackend, t: TensorInfo, start: number, shape: number[], run: (view: TensorInfo) => T): T {
  const view = aliasOf(backend, t, start, shape);
  try {
    return run(view);
  } finally {
    releaseAlias(backend, view);
  }
}

/** Remember the stock config of a kernel phasewise is about to replace (ignored for phasewise's own). */
export function rememberReplacedKernel(stock: tf.KernelConfig, ours: tf.KernelConfig): void {
  if (stock !== ours && stock.kernelFunc !== ours.kernelFunc) replaced.set(stock.kernelName, stock);
}

/**
 * The stock wasm kernel `name` that phasewise replaced, for the cases its replacement defers to.
 *
 * @example
 * ```ts
 * return replacedStockKernel('Sum')(args);   // not a reduction phasewise handles itself
 * ```
 */
export function replacedStockKernel(name: string): KernelFunc {
  const config = replaced.get(name);
  if (!config) throw new Error(`phasewise wasm kernels: no stock '${name}' kernel was registered before phasewise's`);
  return config.kernelFunc as unknown as KernelFunc;
}

/** The setup function of the replaced stock kernel `name`, run when the wasm backend (re)initialises. */
export function replacedSetup(name: string): (backend: object) => void {
  return (backend) => (replaced.get(name)?.setupFunc as ((b: object) => void) | undefined)?.(backend);
}

/**
 * The config of phasewise's kernel `fn` replacing the stock wasm kernel `name`, which it defers to
 * where it does not apply: the stock kernel binds its wasm function in its setup, run when the
 * backend starts, so the config runs that setup ({@link replacedSetup}).
 *
 * @example
 * ```ts
 * export const addConfig = replacingConfig('Add', add);   // registered by registerWasmTrainingKernels
 * ```
 */
export function replacingConfig(name: string, fn: (args: never) => unknown): tf.KernelConfig {
  return { kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc, setupFunc: replacedSetup(name) as unknown as tf.KernelSetupFunc };
}
