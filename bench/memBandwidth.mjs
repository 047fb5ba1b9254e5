// Memory read bandwidth seen by wasm SIMD code on this machine, on 1 and on 2 threads (shared memory, as
// the wasm backend's threaded build and phasewise's SIMD pool use it): a v128 load loop summing a
// buffer that is first written (fresh pages would all map the kernel's zero page and stay in cache).
// The floor of a memory-bound kernel: e.g. a stride-2 depthwise filter gradient at batch 64 reads x and
// dy, 16 MB. Sizes in MB: `node bench/memBandwidth.mjs [16,256]` (after npm run build). Best of 30.
// Never used by tests.
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { streamKernels } from './streamKernels.mjs';

// k(addr, lines): every line read once; the sum is stored at 0
const kernel = (memory) => { const { r } = streamKernels(memory); return (addr, lines) => r(addr, lines, 0); };

if (isMainThread) {
  const sizes = (process.argv[2] ?? '16,256').split(',').map(Number);
  const pages = Math.ceil((Math.max(...sizes) << 20) / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  new Uint8Array(memory.buffer).fill(1);
  const k = kernel(memory);
  // the worker reads the second half of [64, 64 + bytes) whenever `go[0]` is set, then clears it
  const go = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(new URL(import.meta.url), { workerData: { memory, go } });
  await new Promise((r) => w.once('message', r));
  for (const mb of sizes) {
    const lines = (mb << 20) / 64;
    const one = () => k(64, lines);
    const two = () => {
      go[1] = lines / 2;
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
      k(64, lines / 2);
      while (Atomics.load(go, 0) !== 0);
    };
    for (const [name, f] of [['1 thread', one], ['2 threads', two]]) {
      let best = Infinity;
      for (let r = 0; r < 30; r++) {
        const t0 = performance.now();
        f();
        best = Math.min(best, performance.now() - t0);
      }
      console.log(`${String(mb).padStart(4)} MB, ${name.padEnd(9)}: ${best.toFixed(3)} ms = ${((mb * 1.048576) / best).toFixed(1)} GB/s`);
    }
  }
  w.terminate();
} else {
  const { memory, go } = workerData;
  const k = kernel(memory);
  parentPort.postMessage('ready');
  for (;;) {
    Atomics.wait(go, 0, 0);
    k(64 + go[1] * 64, go[1]);
    Atomics.store(go, 0, 0);
  }
}
