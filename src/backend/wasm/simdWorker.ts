/**
 * A {@link simdPool} worker: runs named tasks (simdTasks.ts) on the wasm backend's shared memory and
 * reports each one through its slot of a shared Int32Array (1 done, 2 failed), which the posting
 * thread waits on. Tasks arrive as JSON in its shared-memory mailbox (poolMailbox.ts): the whole job
 * list, whose jobs it claims one at a time from the pool's shared counter with the other threads, or
 * its own group. It holds no tensors; its stand-in backend is the memory alone.
 *
 * @example
 * ```ts
 * new Worker(new URL('./simdWorker.js', import.meta.url), { workerData: { memory, flags, ready, slot: 0, mailbox: createMailbox(1), next, fma: relaxedSimd(), spinMs: 0.1 } });
 * ```
 */
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { mailboxTuning, waitText, type Mailbox } from './poolMailbox.js';
import { claimEach, decodeTask } from './poolJobs.js';
import { relaxedSimd } from './relaxedSimd.js';
import { directConvKernel } from './simdDirectConv.js';
import { outerFilterKernel } from './simdOuterFilter.js';
import { SIMD_TASKS } from './simdTasks.js';
import type { WasmBackend } from './wasmHeap.js';

const { memory, flags, ready, slot, mailbox, next, fma, spinMs } = workerData as {
  memory: object; flags: Int32Array; ready: Int32Array; slot: number; mailbox: Mailbox; next: Int32Array; fma: boolean; spinMs: number;
};
mailboxTuning.workerSpinMs = spinMs;
const backend = { wasm: { wasmMemory: memory } } as unknown as WasmBackend;

function runTask(text: string): void {
  let status = 1;
  let task = '?';
  try {
    const message = decodeTask<never>(text);
    task = message.task;
    const run = SIMD_TASKS[task];
    if (!run) throw new Error(`unknown SIMD task '${task}'`);
    const { jobs } = message;
    // shared: claim jobs from the pool's counter with the other threads; else run the group given
    if (message.shared) claimEach(next, jobs, (job) => run(backend, job));
    else for (const job of jobs) run(backend, job);
  } catch (e) {
    status = 2;
    // written synchronously: the posting thread may rethrow and exit before a console message arrives
    writeSync(2, `phasewise SIMD worker: task '${task}' failed: ${(e as Error)?.stack ?? String(e)}\n`);
  }
  Atomics.store(flags, slot, status);
  Atomics.notify(flags, slot);
}

// relaxed SIMD switched on (and probed) in this thread too, then the kernels the posting thread's
// jobs will name (its fused-or-not choice) compiled before this worker says it is ready: a worker that
// cannot build them never becomes ready, and the pool stays off (every job on the calling thread)
relaxedSimd();
if (directConvKernel(backend, fma) && outerFilterKernel(backend, fma)) {
  Atomics.store(ready, slot, 1);
  // the worker's whole life: wait in its mailbox (a futex), run, report; it never returns to its
  // event loop (workers are unref'd, so they never keep the process alive)
  for (let seen = 0; ;) {
    const m = waitText(mailbox, slot, seen);
    seen = m.seen;
    runTask(m.text);
  }
} else writeSync(2, `phasewise SIMD worker: cannot compile its SIMD kernels (fused multiply-add: ${fma}); the pool stays off\n`);
