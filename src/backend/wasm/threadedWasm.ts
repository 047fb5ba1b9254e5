/**
 * Start tfjs-backend-wasm's multi-threaded build (XNNPACK on a pthread pool, shared memory) in Node.
 *
 * tfjs 4.22 ships `tfjs-backend-wasm-threaded-simd.wasm` but never selects it in Node
 * (tensorflow/tfjs#3830), so the wasm backend computes on one core. Three things stand in the way,
 * and each is bridged only while the backend initialises:
 * 1. the `WASM_HAS_MULTITHREAD_SUPPORT` flag is false whenever `IS_NODE` → it is set to true;
 * 2. the pthread worker script and the module's main script are `Blob`s behind `blob:` URLs, which
 *    Node's `worker_threads` cannot start or `importScripts` → the Blobs' text is recorded, each
 *    worker starts from that text (`eval: true`) after a prelude defining the names the bundled
 *    module text refers to, and the main script reaches the worker as text;
 * 3. the thread count is capped at `emscripten_num_logical_cores() / 2` by a static initialiser
 *    (browsers count hyper-threads), which reads `os.cpus().length` in Node → `os.cpus` reports
 *    2 × threads entries during initialisation.
 * The number of threads XNNPACK uses is `threads` (the caller included), at most 8 (tfjs' cap).
 * phasewise's own SIMD kernels link to the now shared memory (heapModule.ts) and spread their loops
 * over worker threads of their own (simdPool.ts).
 *
 * @example
 * ```ts
 * const wasm = await import('@tensorflow/tfjs-backend-wasm');
 * const ok = await withThreadedWasm(2, wasm, () => tf.setBackend('wasm'));   // XNNPACK on 2 threads
 * ```
 */
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import { tf } from '../tf.js';

/** tfjs' cap on XNNPACK threads (backend.cc pre-creates 8 workers). */
export const MAX_WASM_THREADS = 8;

/** What the wasm package exports for threads. */
export interface WasmThreadsApi {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

// Names the bundled module text (`wasmFactoryThreadedSimd.toString()`) uses from the bundle's scope:
// its rollup names for fs, path, perf_hooks and os, the global object, and three tslib helpers.
const WORKER_PRELUDE = `
var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');
var commonjsGlobal = globalThis;
function __values(o) { return o[Symbol.iterator](); }
function __read(o, n) { var a = Array.from(o); return n === undefined ? a : a.slice(0, n); }
function __spreadArray(to, from) { return to.concat(Array.from(from)); }
Object.assign(globalThis, { require$$0, require$$1, require$$3, require$$4, commonjsGlobal, __values, __read, __spreadArray });
`;
// After the worker script: `importScripts(text)` of the module's main script evaluates the text.
const WORKER_POSTLUDE = `
;(function () {
  var load = globalThis.importScripts;
  globalThis.importScripts = function (f) {
    if (typeof f === 'string' && f.startsWith('var WasmBackendModuleThreadedSimd')) return (0, eval)(f);
    return load(f);
  };
})();
`;

/** Text of every Blob made while the patches are on, by Blob and by object URL. */
const blobText = new WeakMap<object, string>();
const urlText = new Map<string, string>();

/** Node options for the worker minus `--input-type` (the worker's text is a CommonJS script even under `node --input-type=module -e`). */
export function scriptArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input-type') i++;
    else if (!argv[i].startsWith('--input-type=')) out.push(argv[i]);
  }
  return out;
}

/** worker_threads.Worker that can start from a recorded `blob:` URL and send the main script as text. */
class PthreadWorker extends NodeWorker {
  constructor(url: string | URL, opts?: WorkerOptions) {
    const text = urlText.get(String(url));
    if (text === undefined) super(url, opts);
    else super(WORKER_PRELUDE + text + WORKER_POSTLUDE, { ...opts, eval: true, execArgv: scriptArgv(opts?.execArgv ?? process.execArgv) });
  }

  override postMessage(msg: unknown, transfer?: readonly never[]): void {
    const m = msg as { cmd?: string; urlOrBlob?: object } | null;
    const text = m?.cmd === 'load' && m.urlOrBlob ? blobText.get(m.urlOrBlob) : undefined;
    super.postMessage(text === undefined ? msg : { ...m, urlOrBlob: text }, transfer);
  }
}

/**
 * Run `start` (which must initialise the wasm backend, e.g. `() => tf.setBackend('wasm')`) with
 * tfjs' threaded wasm build enabled for `threads` threads; restores every patched global afterwards
 * (the global `Worker`, which emscripten sets to worker_threads' in Node anyway, stays the pthread
 * worker class so the pool can grow later). Returns `start`'s result.
 */
export async function withThreadedWasm<T>(threads: number, wasm: WasmThreadsApi, start: () => Promise<T>, xnnThreads = threads): Promise<T> {
  const g = globalThis as unknown as Record<string, unknown>;
  const OrigBlob = g.Blob as typeof Blob;
  const origCreate = URL.createObjectURL;
  const origCpus = os.cpus;
  const prevFlag = tf.env().getFlags().WASM_HAS_MULTITHREAD_SUPPORT;
  class RecordingBlob extends OrigBlob {
    constructor(parts: ConstructorParameters<typeof Blob>[0] = [], opts?: ConstructorParameters<typeof Blob>[1]) {
      super(parts, opts);
      blobText.set(this, parts.map(String).join(''));
    }
  }
  g.Blob = RecordingBlob;
  URL.createObjectURL = (b: Blob) => {
    const url = origCreate.call(URL, b);
    const text = blobText.get(b);
    if (text !== undefined) urlText.set(url, text);
    return url;
  };
  Object.defineProperty(globalThis, 'Worker', { get: () => PthreadWorker, set: () => {}, configurable: true });
  os.cpus = () => Array.from({ length: 2 * threads }, () => origCpus()[0]);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(xnnThreads);
  try {
    const r = await start();
    // emscripten refs a worker while it runs a pthread; XNNPACK's pool threads run for the
    // lifetime of the process and must not keep it alive.
    const pthread = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers: NodeWorker[] } } }).wasm?.PThread;
    for (const w of pthread?.runningWorkers ?? []) w.unref();
    return r;
  } finally {
    g.Blob = OrigBlob;
    URL.createObjectURL = origCreate;
    os.cpus = origCpus;
    Object.defineProperty(globalThis, 'Worker', { value: PthreadWorker, writable: true, configurable: true });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', prevFlag ?? false);
  }
}

/**
 * The number of wasm threads to use: `PHASEWISE_WASM_THREADS` (1 … 8) if set, else the machine's
 * available parallelism, at most {@link MAX_WASM_THREADS}.
 *
 * @example
 * ```ts
 * wasmThreadCount();   // 2 on a 2-core machine; PHASEWISE_WASM_THREADS=1 → 1 (the single-threaded build)
 * ```
 */
export function wasmThreadCount(env: string | undefined = process.env.PHASEWISE_WASM_THREADS): number {
  if (env === undefined || env === '') {
    const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return Math.max(1, Math.min(MAX_WASM_THREADS, n));
  }
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new RangeError(`PHASEWISE_WASM_THREADS is ${JSON.stringify(env)}; allowed: an integer from 1 to ${MAX_WASM_THREADS}`);
  }
  return n;
}

/**
 * How many of the `threads` XNNPACK's own pool uses: `PHASEWISE_XNN_THREADS` (1 … threads) if set,
 * else all of them. phasewise's SIMD pool keeps all `threads` either way. `1` keeps XNNPACK's
 * kernels (element-wise ops, pooling, first-layer convolutions) on the calling thread: its pool
 * wakes and spin-waits for its other threads on every op, however small, and on two cores that
 * competes with phasewise's pool — the digits run (`npm start`, 2 threads) took 8.2–10.2 s with 1
 * against 10.6–11.5 s with 2 (interleaved, 2026-12-01), while the bench's CNN step (103–126 vs
 * 72–92 ms) and VGG 128 px row (209–237 vs 173–183 ms) got slower (`node bench/cnnVgg.mjs`, 3 runs each).
 *
 * @example
 * ```ts
 * xnnThreadCount(2);        // 2 (unset)
 * xnnThreadCount(2, '1');   // 1
 * ```
 */
export function xnnThreadCount(threads: number, env: string | undefined = process.env.PHASEWISE_XNN_THREADS): number {
  if (env === undefined || env === '') return threads;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > threads) {
    throw new RangeError(`PHASEWISE_XNN_THREADS is ${JSON.stringify(env)}; allowed: an integer from 1 to ${threads} (the wasm threads, PHASEWISE_WASM_THREADS)`);
  }
  return n;
}
