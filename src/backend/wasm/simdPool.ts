/**
 * Worker threads that run phasewise's own SIMD kernels on the wasm backend's shared memory, so the
 * loops that XNNPACK does not cover use every thread too (tfjs' threaded build, threadedWasm.ts).
 *
 * A task (simdTasks.ts) is a function of `(backend, job)` with `job` plain data (JSON): byte addresses, a
 * geometry, an image range. `run(task, jobs, local)` posts the job list to the workers through
 * shared-memory mailboxes (poolMailbox.ts: a futex wake, not `postMessage`); every thread, the calling
 * one included (with `local`), then claims the next unclaimed job from one shared counter until none
 * is left, so a worker that wakes late or runs slower takes fewer jobs (`simdPoolTuning.shared = false`,
 * or a list too long for a mailbox: one contiguous group per thread instead). The calling thread then
 * blocks (Atomics.wait, allowed on Node's main thread) until every worker is done. Jobs must write disjoint memory, and nothing may allocate
 * on the wasm heap while they run. Workers start on the first {@link simdPool} call, in the
 * background: until they have loaded, kernels run on the calling thread alone (never a wait for a
 * worker's start-up). Workers are unref'd: they never keep the process alive.
 *
 * @example
 * ```ts
 * const pool = simdPool(backend);   // undefined on the single-threaded build or while workers load
 * runJobs(backend, 'depthwiseInput', jobs, (job) => depthwiseInputImages(backend, job), madds);
 * ```
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { heapMemory, isShared } from './heapModule.js';
import { createMailbox, mailboxTuning, postText, revokeText, spinWait } from './poolMailbox.js';
import { claimEach, encodeTask } from './poolJobs.js';
import { relaxedSimd } from './relaxedSimd.js';
import { scriptArgv } from './threadedWasm.js';
import { xnnThreads, type WasmBackend } from './wasmHeap.js';

/** A pool bound to one shared wasm memory. */
export interface SimdPool {
  /** Worker count (the calling thread is one more). */
  readonly size: number;
  /** Run `jobs` of `task` on every thread (here with `local`), each claiming the next unclaimed job; rethrows a failure. */
  run<J extends object>(task: string, jobs: J[], local: (job: J) => void): void;
}

/**
 * Tuning: use the pool when the backend has threads (false: every SIMD loop on the calling thread);
 * `minWork`: below this many multiply-adds (or floats moved) a call runs on the calling thread —
 * posting to the workers and waiting costs more than small loops (a small model's training ran
 * ~20 % slower with every call pooled); `copyCost`: multiply-add equivalents per value of a strided
 * copy or transform pass (the conv filter gradient's padded / folded x, Winograd's transforms),
 * which took 1.25–1.5 ns per value on one thread here, 40–48 multiply-adds' time (0.27 ms for conv1
 * 1→32's copy at batch 64; 3.5 ms for the 128²×64 layer's 2.4 M Winograd input values), so such
 * passes of first layers and VGG-sized layers are split over the threads too (conv1 filter gradient
 * with 2 threads 0.85–1.11 → 0.75–1.06 ms; that Winograd layer's transforms + padding 7.6 → 4.0 ms);
 * `shared`: jobs claimed from one counter (see the module comment; false: a fixed contiguous group per
 * thread); `revoke`: with `shared`, once the calling thread finds every job claimed it withdraws the
 * message of a worker that has not taken it yet (poolMailbox.ts) instead of waiting for that worker
 * to wake up and answer (false: wait for every worker).
 */
export const simdPoolTuning = { enabled: true, taskTimeoutMs: 120_000, minWork: 1 << 22, copyCost: 32, shared: true, revoke: true };

interface State {
  pool: SimdPool;
  ready: Int32Array;
}

const states = new WeakMap<object, State | null>();
const WORKER = new URL('./simdWorker.js', import.meta.url);

function start(memory: object, workers: number): State {
  const flags = new Int32Array(new SharedArrayBuffer(4 * workers));
  const ready = new Int32Array(new SharedArrayBuffer(4 * workers));
  // the next unclaimed job of a shared task (see run)
  const next = new Int32Array(new SharedArrayBuffer(4));
  const mailbox = createMailbox(workers);
  for (let slot = 0; slot < workers; slot++) {
    const w = new Worker(WORKER, { workerData: { memory, flags, ready, slot, mailbox, next, fma: relaxedSimd(), spinMs: mailboxTuning.workerSpinMs }, execArgv: scriptArgv(process.execArgv) });
    w.on('error', (e) => console.error('phasewise SIMD worker failed to start; its loops stay on the calling thread:', e));
    w.unref();
  }
  const pool: SimdPool = {
    size: workers,
    run(task, jobs, local) {
      const slots: number[] = [];
      let mine: unknown;
      const sharedText = simdPoolTuning.shared ? encodeTask(task, jobs, true) : undefined;
      // (shared mode: once every job is claimed, a worker that never took its message may be revoked)
      let revoke = false;
      if (sharedText && sharedText.length <= mailbox.boxes[0].text.length) {
        revoke = simdPoolTuning.revoke;
        // every thread claims the next job from one counter until none is left: a worker that wakes
        // late or runs slower takes fewer jobs instead of keeping the others waiting
        Atomics.store(next, 0, 0);
        for (let slot = 0; slot < workers; slot++) {
          Atomics.store(flags, slot, 0);
          if (postText(mailbox, slot, sharedText)) slots.push(slot);
        }
        try {
          claimEach(next, jobs, local);
        } catch (e) {
          mine = e;
        }
      } else {
        // contiguous groups of jobs: the first here, one per worker
        const groups = splitRange(jobs.length, workers + 1).map(([a, b]) => jobs.slice(a, b));
        // (a group whose text does not fit its mailbox runs here too)
        const here = [...(groups[0] ?? [])];
        groups.slice(1).forEach((group, slot) => {
          Atomics.store(flags, slot, 0);
          if (postText(mailbox, slot, encodeTask(task, group, false))) slots.push(slot);
          else here.push(...group);
        });
        try {
          for (const job of here) local(job);
        } catch (e) {
          mine = e;
        }
      }
      const failed: string[] = [];
      // shared: every job has been claimed; a worker that has not woken yet to take its message
      // (so has claimed none) is withdrawn instead of waited for
      const waitFor = revoke ? slots.filter((i) => !revokeText(mailbox, i)) : slots;
      for (const i of waitFor) {
        if (!spinWait(flags, i, 0, mailboxTuning.answerSpinMs, simdPoolTuning.taskTimeoutMs)) failed.push(`${i} (no answer in ${simdPoolTuning.taskTimeoutMs} ms)`);
        else if (Atomics.load(flags, i) !== 1) failed.push(String(i));
      }
      if (mine) throw mine;
      if (failed.length) throw new Error(`phasewise SIMD worker task '${task}' failed on worker(s) ${failed.join(', ')} (the error is on stderr)`);
    },
  };
  return { pool, ready };
}

/** Threads the pool computes with, the caller included (0: as many as XNNPACK's pool; set by initBackend). */
export const simdPoolThreads = { threads: 0 };

/**
 * The threads phasewise's kernels compute with, the calling thread included: {@link simdPoolThreads}
 * when set, else XNNPACK's count. Kernels cut their work into this many jobs (rows, channel blocks),
 * so with `PHASEWISE_XNN_THREADS=1` they still use every pool thread.
 *
 * @example
 * ```ts
 * const jobs = splitRange(rows, Math.min(rows, poolThreads(backend)));
 * ```
 */
export function poolThreads(backend: WasmBackend): number {
  return simdPoolThreads.threads || xnnThreads(backend);
}

/**
 * The pool for `backend`'s memory (`threads - 1` workers), or undefined: on a single-threaded build,
 * without shared memory, when {@link simdPoolTuning} is off, or while its workers are still loading
 * (the first call starts them).
 */
export function simdPool(backend: WasmBackend): SimdPool | undefined {
  if (!simdPoolTuning.enabled) return undefined;
  const heap = heapMemory(backend);
  if (!heap || !isShared(heap.memory)) return undefined;
  let state = states.get(heap.memory);
  if (state === undefined) {
    const threads = poolThreads(backend);
    // (running from sources, as under vitest, there is no compiled worker: no pool)
    state = threads > 1 && existsSync(fileURLToPath(WORKER)) ? start(heap.memory, threads - 1) : null;
    states.set(heap.memory, state);
  }
  if (!state) return undefined;
  for (let i = 0; i < state.ready.length; i++) if (Atomics.load(state.ready, i) !== 1) return undefined;
  return state.pool;
}

/**
 * Start the pool for `backend` (if it can have one) and resolve once its workers are ready: true,
 * or false without a pool or after `timeoutMs`. For benchmarks and tests; kernels never wait.
 */
export async function simdPoolReady(backend: WasmBackend, timeoutMs = 30_000): Promise<boolean> {
  const t0 = Date.now();
  for (;;) {
    if (simdPool(backend)) return true;
    const heap = heapMemory(backend);
    if (!heap || states.get(heap.memory) === null || !simdPoolTuning.enabled || Date.now() - t0 > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Jobs per call: work is always cut into this many image ranges (fewer for small batches), each
 * accumulating into its own block, and the blocks are summed in order — so a result does not depend
 * on the thread count or on whether the pool was ready: runs are reproducible.
 */
export const POOL_PARTS = 8;

/**
 * `out[i] = Σ_p blocks[p·stride + i]` for `i < n`, the `parts` accumulator blocks added in order
 * (block 0 first): the fixed summation order that keeps {@link POOL_PARTS} results reproducible.
 *
 * @example
 * ```ts
 * sumParts(f32(backend, buf), ranges.length, size, size, f32(backend, out));
 * ```
 */
export function sumParts(blocks: Float32Array, parts: number, stride: number, n: number, out: Float32Array): void {
  out.set(blocks.subarray(0, n));
  for (let p = 1; p < parts; p++) for (let i = 0; i < n; i++) out[i] += blocks[p * stride + i];
}

/**
 * Run `jobs` on the pool when it is ready and `work` (the call's multiply-adds, or floats moved) is
 * at least {@link simdPoolTuning}.minWork, else all here in order; the results are the same either
 * way when every job writes its own memory.
 */
export function runJobs<J extends object>(backend: WasmBackend, task: string, jobs: J[], local: (job: J) => void, work: number): void {
  const pool = work >= simdPoolTuning.minWork ? simdPool(backend) : undefined;
  if (pool && jobs.length > 1) pool.run(task, jobs, local);
  else for (const job of jobs) local(job);
}

/** `[0, n)` cut into `parts` contiguous ranges as equal as possible (empty ranges dropped). */
export function splitRange(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    const lo = Math.floor((i * n) / parts);
    const hi = Math.floor(((i + 1) * n) / parts);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}
