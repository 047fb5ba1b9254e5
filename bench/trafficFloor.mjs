// The memory-traffic floor of a memory-bound kernel, measured where the kernel runs: inside the wasm
// backend's own heap, on two threads that are both awake when the clock starts, with no arithmetic,
// no JavaScript per call and no thread wake-up in the timed part.
//
// - read(tensors): every 64-byte line of each tensor loaded once as v128 (half the lines on each thread)
//   — what a stride-2 depthwise filter gradient must at least do with x and dy;
// - write(shape, reads): a fresh tensor of `shape` made like a kernel's output (`backend.makeOutput`),
//   every line stored once (v128 zeros), and the `reads` loaded once — what the stride-2 depthwise
//   input gradient must at least do (write dx, read dy).
// Each returns its own time in ms (the wake-up of the second thread is waited for before the clock starts).
// Used by kernelRows.mjs for the depthwise rows; never used by tests.
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { streamKernels } from './streamKernels.mjs';

// go: [0] state (0 idle, 1 wake, 2 start, 3 quit), [1] worker awake, [2] job count, then jobs (kind, addr, lines, out) from [4]
const IDLE = 0, WAKE = 1, START = 2, QUIT = 3;
function runJobs(k, go) {
  for (let i = 0; i < go[2]; i++) {
    const j = 4 + 4 * i;
    if (go[j] === 0) k.r(go[j + 1], go[j + 2], go[j + 3]);
    else k.s(go[j + 1], go[j + 2]);
  }
}

if (!isMainThread && workerData?.trafficFloor) {
  const { memory, go } = workerData;
  const k = streamKernels(memory);
  for (;;) {
    Atomics.wait(go, 0, IDLE);
    if (Atomics.load(go, 0) === QUIT) break;
    Atomics.store(go, 1, 1);
    while (Atomics.load(go, 0) === WAKE);
    if (Atomics.load(go, 0) === QUIT) break;
    runJobs(k, go);
    Atomics.store(go, 1, 0);
    Atomics.store(go, 0, IDLE);
  }
}

/**
 * A floor meter on `backend`'s heap (`heapMemory`, `heapAddress` from dist/backend/wasm). `close()`
 * ends its worker.
 */
export async function trafficFloor(tf, backend, { heapMemory, heapAddress }) {
  const memory = heapMemory(backend).memory;
  const k = streamKernels(memory);
  const go = new Int32Array(new SharedArrayBuffer(4 * (4 + 4 * 8)));
  const worker = new Worker(new URL(import.meta.url), { workerData: { trafficFloor: true, memory, go } });
  const sink = tf.zeros([8]);
  const out = heapAddress(backend, sink);
  /** Split each [kind, addr, lines] in two halves: the first for this thread, the second for the worker. */
  const timed = (parts) => {
    const mine = [];
    go[2] = parts.length;
    parts.forEach(([kind, addr, lines], i) => {
      const half = Math.floor(lines / 2);
      mine.push([kind, addr, half]);
      go.set([kind, addr + 64 * half, lines - half, out + 16], 4 + 4 * i);
    });
    Atomics.store(go, 0, WAKE);
    Atomics.notify(go, 0);
    while (Atomics.load(go, 1) !== 1); // the worker is awake and spinning
    const t0 = performance.now();
    Atomics.store(go, 0, START);
    for (const [kind, addr, lines] of mine) kind === 0 ? k.r(addr, lines, out) : k.s(addr, lines);
    while (Atomics.load(go, 0) !== IDLE);
    return performance.now() - t0;
  };
  const lines = (floats) => Math.floor((4 * floats) / 64); // (a last partial line is left out)
  const reading = (t) => [0, heapAddress(backend, t), lines(t.size)];
  return {
    read: (tensors) => timed(tensors.map(reading)),
    write: (shape, reads) => {
      const dx = backend.makeOutput(shape, 'float32');
      const ms = timed([...reads.map(reading), [1, heapAddress(backend, dx), lines(tf.util.sizeFromShape(shape))]]);
      backend.disposeData(dx.dataId);
      return ms;
    },
    close: async () => {
      Atomics.store(go, 0, QUIT);
      Atomics.notify(go, 0);
      await worker.terminate();
      tf.dispose(sink);
    },
  };
}
