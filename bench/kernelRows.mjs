// Per-kernel rows of `npm run bench:kernels`: each gradient kernel (and phasewise's forward Conv2D and depthwise) on wasm with phasewise's kernels
// (ms, GFLOP/s), next to the wasm backend's own matMul GFLOP/s at the matching size (the product
// the kernel reduces to, same flops), the stock wasm kernel where one exists, and the cpu backend
// (timed once on a batch of CPU_BATCH and scaled linearly to the full batch). Each case's kernels
// and its matMul are timed interleaved, best of `reps` each. wasm kernels run synchronously inside
// runKernel, so the kernel and matMul columns time the call alone: reading the output back (dataSync
// copies it out of the wasm heap: ~2 ms for a 64×28×28×64 input gradient, more than the kernel) is
// not kernel work. `--readback` restores the old timing (call + dataSync of the output).
import * as tf from '@tensorflow/tfjs-core';
import { time, timeInterleaved } from './workloads.mjs';
import { trafficFloor } from './trafficFloor.mjs';
import { heapMemory, isShared } from '../dist/backend/wasm/heapModule.js';
import { heapAddress } from '../dist/backend/wasm/wasmHeap.js';

const CPU_BATCH = 2;
const READBACK = process.argv.includes('--readback');

/**
 * Best ms of each of `fs`, interleaved; without READBACK the output is only disposed, not read. A
 * function that returns `{ selfMs }` times itself (trafficFloor.mjs).
 */
function timeCalls(fs, reps, warm = 6) {
  if (READBACK) return timeInterleaved(fs, reps);
  const best = fs.map(() => Infinity);
  // warm-up rounds: V8 compiles wasm in tiers, and a SIMD pool worker's instance tiers up on its own
  for (let i = 0; i < reps + warm; i++) {
    fs.forEach((f, k) => {
      const t0 = performance.now();
      const out = f();
      let ms = performance.now() - t0;
      if (typeof out?.selfMs === 'number') ms = out.selfMs;
      else tf.dispose(out);
      if (i >= warm) best[k] = Math.min(best[k], ms);
    });
  }
  return best;
}
const gflops = (flop, ms) => flop / ms / 1e6;
const f1 = (v) => (v === undefined ? '-' : v.toFixed(1)).padStart(8);
const f0 = (v) => (v === undefined ? '-' : v.toFixed(0)).padStart(8);

/** A conv2d kernel case: `[fh, fw, c, co]` filter, `depthwise` uses `[fh, fw, c, mult]`. */
const CASES = [
  { name: 'conv1 1→32 s1 28²', n: 64, h: 28, c: 1, co: 32, s: 1 },
  { name: 'conv2 32→64 s2 28²', n: 64, h: 28, c: 32, co: 64, s: 2 },
  { name: 'conv3 64→128 s2 14²', n: 64, h: 14, c: 64, co: 128, s: 2 },
  { name: '64→64 s1 14²', n: 64, h: 14, c: 64, co: 64, s: 1 },
  { name: 'dw 32×1 s1 28²', n: 64, h: 28, c: 32, co: 32, s: 1, dw: 1 },
  { name: 'dw 32×2 s1 28²', n: 64, h: 28, c: 32, co: 64, s: 1, dw: 2 },
  { name: 'dw 64×1 s2 28²', n: 64, h: 28, c: 64, co: 64, s: 2, dw: 1 },
];

function kernelsOf(L) {
  const xShape = [L.n, L.h, L.h, L.c];
  const wShape = [3, 3, L.c, L.dw ?? L.co];
  const dyShape = tf.backend_util.computeConv2DInfo(xShape, wShape, L.s, 1, 'same', undefined, !!L.dw).outShape;
  const attrs = L.dw ? { strides: L.s, dilations: 1, pad: 'same' } : { strides: L.s, pad: 'same', dataFormat: 'NHWC' };
  const names = L.dw ? ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNative']
    : ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Conv2D'];
  const P = dyShape[0] * dyShape[1] * dyShape[2];
  const K = 9 * L.c;
  // dense: dW = cols[K, P]·dy[P, co]; depthwise: same flops as [9, P]·[P, c·mult]
  const mm = L.dw ? [9, P, L.co] : [K, P, L.co];
  return { xShape, wShape, dyShape, attrs, names, flop: 2 * mm[0] * mm[1] * mm[2], mm };
}

function runners(k, x, w, dy) {
  return {
    filter: () => tf.engine().runKernel(k.names[0], { x, dy }, { ...k.attrs, filterShape: k.wShape }),
    input: () => tf.engine().runKernel(k.names[1], { dy, filter: w }, { ...k.attrs, inputShape: x.shape }),
    forward: () => tf.engine().runKernel(k.names[2], { x, filter: w }, { ...k.attrs, dilations: 1 }),
  };
}

/**
 * Print the kernel table. `withStock(f)` runs f with stock wasm kernels, `onCpu(f)` on the cpu
 * backend; `only` (optional) keeps the cases whose name contains one of its strings; `baseline(a, b)`
 * is the reference matMul (XNNPACK's). Returns rows `{ name, gflops, matmulGflops, ms, passMs, floorMs, floorLineMs }`
 * for the summary (depthwise cases: `passMs` the time of a plain element-wise pass over x, timed with
 * the kernels; `floorMs` the kernel's traffic floor and `floorLineMs` the time at 60 % of the matMul
 * timed with it; `xnnForwardPct` XNNPACK's forward of the layer as % of the matMul, where that is the
 * stock kernel).
 */
export async function kernelRows({ reps, withStock, onCpu, only, baseline = tf.matMul }) {
  console.log(`kernel (batch 64, 3×3 'same')                 wasm ms  GFLOP/s  matMul GF/s  %matMul  stock ms   cpu ms`);
  const rows = [];
  const cases = CASES.filter((c) => !only || only.some((o) => c.name.includes(o)));
  const backend = tf.backend();
  // (two threads need the threaded build's shared memory: none with PHASEWISE_WASM_THREADS=1)
  const memory = heapMemory(backend)?.memory;
  const floor = !READBACK && cases.some((c) => c.dw) && memory && isShared(memory) ? await trafficFloor(tf, backend, { heapMemory, heapAddress }) : undefined;
  for (const L of cases) {
    const k = kernelsOf(L);
    const [x, w, dy] = [tf.randomNormal(k.xShape), tf.randomNormal(k.wShape), tf.randomNormal(k.dyShape)];
    const [a, b] = [tf.randomNormal([k.mm[0], k.mm[1]]), tf.randomNormal([k.mm[1], k.mm[2]])];
    const run = runners(k, x, w, dy);
    // the kernels and the matching matMul, interleaved (same contention for all)
    const kinds = L.c === 1 && !L.dw ? ['filter', 'forward'] : ['filter', 'input', 'forward'];
    // depthwise layers move more bytes than they compute on: a plain pass over x (tf.add(x, 1): x read
    // and a same-size tensor written, as the input gradient writes dx) is timed with them, for scale
    const pass = L.dw ? [() => tf.add(x, 1)] : [];
    const best = timeCalls([() => baseline(a, b), ...kinds.map((kind) => run[kind]), ...pass], reps);
    const passMs = L.dw ? best[kinds.length + 1] : undefined;
    // and, in a loop of their own with the matMul (so they do not change what the kernels find in the
    // caches), the traffic floors of the filter gradient (read x and dy) and of the input gradient
    // (write dx, read dy) on two awake threads (trafficFloor.mjs)
    const fb = L.dw && floor ? timeCalls([() => baseline(a, b), () => ({ selfMs: floor.read([x, dy]) }), () => ({ selfMs: floor.write(k.xShape, [dy]) })], reps) : undefined;
    const floorMs = fb ? { filter: fb[1], input: fb[2], lineMs: fb[0] / 0.6 } : undefined;
    const mmG = gflops(k.flop, best[0]);
    const stock = withStock(() => {
      const r = {};
      for (const kind of ['filter', 'input', 'forward']) {
        try { r[kind] = time(run[kind], 3); } catch { r[kind] = undefined; }
      }
      return r;
    });
    const cpu = await onCpu(() => {
      const [xc, dyc] = [tf.randomNormal([CPU_BATCH, ...k.xShape.slice(1)]), tf.randomNormal([CPU_BATCH, ...k.dyShape.slice(1)])];
      const rc = runners(k, xc, w, dyc);
      const r = { filter: time(rc.filter, 1, 0) * L.n / CPU_BATCH, input: time(rc.input, 1, 0) * L.n / CPU_BATCH };
      tf.dispose([xc, dyc]);
      return r;
    });
    for (const [i, kind] of kinds.entries()) { // (the first layer's input gradient is never needed)
      const ms = best[i + 1];
      const label = `${k.names[kind === 'filter' ? 0 : kind === 'input' ? 1 : 2].replace('DepthwiseConv2dNative', 'Depthwise')} ${L.name}`;
      const g = gflops(k.flop, ms);
      const pct = (100 * g) / mmG;
      // phasewise's forward Conv2D (the direct kernel) takes cin ≥ 8, cout % 8 == 0; its depthwise forward C % 4 == 0, multiplier 2, or 1 at stride 1
      const stockForward = kind === 'forward' && (L.dw ? L.c % 4 !== 0 || (L.dw === 1 && L.s !== 1) || L.dw > 2 : L.c < 8);
      console.log(`${label.padEnd(46)}${f1(ms)} ${f1(g)}  ${f1(mmG)}    ${f0(pct)}%${f1(stock[kind])} ${f0(cpu[kind])}` +
        (stockForward ? '   (stock forward conv, for scale)' : ''));
      if (!stockForward) rows.push({ name: label, gflops: g, matmulGflops: mmG, ms, passMs, floorMs: floorMs?.[kind], floorLineMs: floorMs?.lineMs });
      // a depthwise layer whose forward is XNNPACK's: that kernel moves the filter gradient's bytes (reads x, one dy-sized tensor) for the same flops
      else if (L.dw) rows.filter((r) => r.name.endsWith(L.name)).forEach((r) => { r.xnnForwardPct = pct; });
    }
    if (passMs !== undefined) {
      console.log(`   (memory reference: tf.add(x, 1) over x ${k.xShape.join('×')}, ${(4 * k.xShape.reduce((p, v) => p * v, 1) / 1e6).toFixed(1)} MB read and as much written: ${passMs.toFixed(2)} ms)`);
    }
    if (floorMs) {
      console.log(`   (traffic alone, two awake threads, no arithmetic: read x and dy ${floorMs.filter.toFixed(2)} ms, write dx and read dy ${floorMs.input.toFixed(2)} ms;` +
        ` the 60 % line of the matMul timed with them: ${floorMs.lineMs.toFixed(2)} ms)`);
    }
    tf.dispose([x, w, dy, a, b]);
  }
  await floor?.close();
  return rows;
}

/** The summary line of a row: its GFLOP/s as % of the matMul against the 60 % target, and its floors. */
export function summaryLine(r) {
  const pct = (100 * r.gflops) / r.matmulGflops;
  return `- ${r.name.padEnd(44)} ${r.gflops.toFixed(1).padStart(5)} GFLOP/s = ${pct.toFixed(0).padStart(3)} % of matMul (target ≥ 60 %) ${pct >= 60 ? 'MET' : 'NOT MET'}` +
    (r.passMs ? ` (${(r.ms / r.passMs).toFixed(2)}× a pass over x` : '') +
    (r.floorMs ? `; its traffic alone ${r.floorMs.toFixed(2)} ms = ${((100 * r.floorMs) / r.floorLineMs).toFixed(0)} % of the 60 % line` : '') +
    (r.xnnForwardPct ? `; XNNPACK's own forward of this layer: ${r.xnnForwardPct.toFixed(0)} % of matMul` : '') +
    (r.passMs ? ')' : '');
}
