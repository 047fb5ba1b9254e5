import { tf } from './tf.js';
import { registerWasmTrainingKernels } from './wasm/registerWasmTrainingKernels.js';
import { wasmThreadCount, withThreadedWasm, xnnThreadCount } from './wasm/threadedWasm.js';
import { simdPoolThreads } from './wasm/simdPool.js';

/** What `initBackend()` chose. `threads` is how many threads the backend computes with. */
export interface BackendInfo {
  /** The tfjs backend name: 'tensorflow' | 'wasm' | 'cpu'. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** The npm package that provides it, e.g. '@tensorflow/tfjs-backend-wasm'. */
  package: string;
  /** Threads the backend's kernels compute with (wasm: phasewise's SIMD pool and XNNPACK's, see PHASEWISE_WASM_THREADS and PHASEWISE_XNN_THREADS). */
  threads: number;
}

/** The backend kinds `initBackend` accepts and `PHASEWISE_BACKEND` may name. */
export type BackendPreference = BackendInfo['name'];

const KINDS: readonly BackendPreference[] = ['tensorflow', 'wasm', 'cpu'];

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;
let pendingKey: string | undefined;

/** Hooks run after the wasm backend is ready (the wasm training kernels register themselves here). */
const wasmReadyHooks: (() => void)[] = [];

/**
 * Register a function to run once the wasm backend is ready (used to install kernels that need the
 * initialised wasm module). Internal plumbing, exported for the kernels module.
 */
export function onWasmReady(hook: () => void): void {
  wasmReadyHooks.push(hook);
}

function logChoice(info: BackendInfo): void {
  if (process.env.PHASEWISE_QUIET === '1') return;
  console.error(`phasewise: tfjs backend ${info.name} (${info.package}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`);
}

async function tryTensorflow(): Promise<BackendInfo | string> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`backend 'tensorflow' did not initialise`);
      await tf.ready();
      const cpus = (await import('node:os')).cpus().length;
      return { name: 'tensorflow', package: pkg, threads: cpus };
    } catch (e) {
      errors.push(`${pkg}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return errors.join('; ');
}

async function tryWasm(): Promise<BackendInfo | string> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const threads = wasmThreadCount();
    // the threaded build only when this call starts the wasm backend (a running one is kept as it is)
    const start = () => tf.setBackend('wasm');
    let ok = false;
    if (threads > 1 && !tf.findBackend('wasm')) {
      ok = await withThreadedWasm(threads, wasm, start, xnnThreadCount(threads)).catch(() => false);
      // phasewise's pool (started at its first kernel call) takes every thread, XNNPACK's maybe fewer
      if (ok) simdPoolThreads.threads = threads;
      // tfjs forgets a failed initialisation: the single-threaded build is still there to try
      if (!ok) console.error(`phasewise: the threaded wasm build did not start; using the single-threaded one (PHASEWISE_WASM_THREADS=1 skips the attempt)`);
    }
    if (!ok) ok = await start();
    if (!ok) return `backend 'wasm' did not initialise`;
    await tf.ready();
    registerWasmTrainingKernels();
    for (const hook of wasmReadyHooks) hook();
    return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', threads: Math.max(1, simdPoolThreads.threads, wasm.getThreadsCount()) };
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm: ${(e as Error).message.split('\n')[0]}`;
  }
}

async function tryCpu(): Promise<BackendInfo | string> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) return `backend 'cpu' did not initialise`;
    await tf.ready();
    // The cpu backend prints a "install tfjs-node" banner on its first write; phasewise reports the
    // backend itself, so silence that banner.
    const backend = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
    if (backend) backend.firstUse = false;
    return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', threads: 1 };
  } catch (e) {
    return `@tensorflow/tfjs-backend-cpu: ${(e as Error).message.split('\n')[0]}`;
  }
}

const TRY: Record<BackendPreference, () => Promise<BackendInfo | string>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
};

function parsePreference(value: string | undefined, field: string): BackendPreference | undefined {
  if (value === undefined || value === '') return undefined;
  if ((KINDS as readonly string[]).includes(value)) return value as BackendPreference;
  throw new RangeError(`${field} is ${JSON.stringify(value)}; allowed: ${KINDS.map((k) => `'${k}'`).join(', ')}`);
}

async function choose(forced: BackendPreference | undefined, source: string): Promise<BackendInfo> {
  if (forced) {
    const r = await TRY[forced]();
    if (typeof r === 'string') {
      const hint = forced === 'tensorflow'
        ? ' (install @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu 4.22.0; their install script downloads libtensorflow and needs internet)'
        : '';
      throw new Error(`${source} asks for the '${forced}' backend, which cannot load: ${r}${hint}`);
    }
    return r;
  }
  const failures: string[] = [];
  for (const kind of KINDS) {
    const r = await TRY[kind]();
    if (typeof r !== 'string') return r;
    failures.push(r);
  }
  throw new Error(`no tfjs backend could load: ${failures.join('; ')}`);
}

/**
 * Choose and start a TensorFlow.js backend, once per process.
 *
 * Order: `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node` (optional peer dependencies, used when
 * importable), then wasm (the embedded default, with phasewise's training kernels), then cpu.
 * `prefer`, or else the environment variable `PHASEWISE_BACKEND=tensorflow|wasm|cpu`, forces one; a
 * forced backend that cannot load is an error, never a silent fallback. The choice is logged once to
 * stderr (set `PHASEWISE_QUIET=1` to silence) and returned by {@link backendInfo}.
 *
 * @example
 * ```ts
 * const info = await initBackend();          // e.g. { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', threads: 1 }
 * await initBackend('cpu');                   // switch to the cpu backend explicitly
 * ```
 */
export function initBackend(prefer?: BackendPreference): Promise<BackendInfo> {
  let forced: BackendPreference | undefined;
  let source: string;
  try {
    forced = parsePreference(prefer, 'initBackend(prefer)');
    source = `initBackend('${forced}')`;
    if (!forced) {
      forced = parsePreference(process.env.PHASEWISE_BACKEND, 'PHASEWISE_BACKEND');
      source = `PHASEWISE_BACKEND=${forced}`;
    }
    xnnThreadCount(wasmThreadCount()); // validates PHASEWISE_WASM_THREADS and PHASEWISE_XNN_THREADS before anything starts
  } catch (e) {
    return Promise.reject(e);
  }
  const key = forced ?? 'auto';
  if (current && (key === 'auto' || current.name === forced)) {
    if (tf.getBackend() !== current.name) tf.setBackend(current.name);
    return Promise.resolve(current);
  }
  if (pending && pendingKey === key) return pending;
  pendingKey = key;
  pending = choose(forced, source).then(
    (info) => {
      const changed = !current || current.name !== info.name;
      current = info;
      pending = undefined;
      if (changed) logChoice(info);
      return info;
    },
    (e) => {
      pending = undefined;
      throw e;
    },
  );
  return pending;
}

/**
 * The backend chosen by the last successful {@link initBackend}, or `undefined` before it.
 *
 * @example
 * ```ts
 * await initBackend();
 * console.log(backendInfo()?.name); // 'wasm'
 * ```
 */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/**
 * Throw a clear error when no tfjs backend is running yet (tfjs would say "No backend found in
 * registry"). Functions that create tensors call it first.
 *
 * @example
 * ```ts
 * requireBackend('loadDigits'); // Error: loadDigits needs a TensorFlow.js backend: call `await initBackend()` first
 * ```
 */
export function requireBackend(fn: string): void {
  if (current) return;
  const engine = tf.engine() as unknown as { backendInstance?: unknown };
  if (engine.backendInstance == null) {
    throw new Error(`${fn} needs a TensorFlow.js backend: call \`await initBackend()\` first (or set one up with tf.setBackend)`);
  }
}
