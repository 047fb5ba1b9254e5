// Two wasm SIMD loops over a shared memory, for the memory benchmarks (memBandwidth.mjs, trafficFloor.mjs):
// - r(addr, lines, out): every 64-byte line from addr loaded once as four v128 (into four accumulators,
//   whose sum is stored at out so the loads are not dead code);
// - s(addr, lines): every 64-byte line from addr stored once (four v128 zeros).
// Never used by tests.
import { kernelModule, get, set, tee, LOOP, END, BR_IF0, ADD4, ADD, SUB, LOAD, STORE, CONST, V128_ZERO, withSharedMemoryImport } from '../dist/backend/wasm/wasmOps.js';

const ACC = [3, 4, 5, 6];
const READ = [0x01, 0x04, 0x7b, ...LOOP,
  ...ACC.flatMap((a, i) => [...get(a), ...get(0), ...LOAD(16 * i), ...ADD4, ...set(a)]),
  ...get(0), ...CONST(64), ADD, ...set(0), ...get(1), ...CONST(1), SUB, ...tee(1), ...BR_IF0, END,
  ...get(2), ...get(3), ...get(4), ...ADD4, ...get(5), ...ADD4, ...get(6), ...ADD4, ...STORE(0), END];
const STORE_LINES = [0x00, ...LOOP,
  ...[0, 16, 32, 48].flatMap((o) => [...get(0), ...V128_ZERO, ...STORE(o)]),
  ...get(0), ...CONST(64), ADD, ...set(0), ...get(1), ...CONST(1), SUB, ...tee(1), ...BR_IF0, END, END];
const BYTES = withSharedMemoryImport(kernelModule([{ name: 'r', params: 3, body: READ }, { name: 's', params: 2, body: STORE_LINES }]));

/** `{ r, s }` bound to `memory` (a shared WebAssembly.Memory). */
export const streamKernels = (memory) => new WebAssembly.Instance(new WebAssembly.Module(BYTES), { env: { memory } }).exports;
