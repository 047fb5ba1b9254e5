// `npm run bench:kernels`: phasewise's wasm training kernels and the issue-3 workloads, all in ONE run.
//
// Run (from the repository root):   npm run bench:kernels      (= npm run build && node bench/wasmKernels.mjs)
// Options: --quick (fewer repetitions), --no-torch (skip PyTorch), --no-kernels (skip the kernel table),
//          --kernels-only (only the kernel table), --cases=dw,conv3 (only the kernel rows whose name contains one of these).
//          --readback (kernel rows time call + dataSync of the output, the pre-2026-11 method).
//
// Prints best-of-N times (the machine is shared and noisy: compare ratios within one run, not across runs):
//  (a) per kernel: wasm ms and GFLOP/s with phasewise's kernels, the wasm backend's own matMul GFLOP/s
//      at the matching size, timed interleaved with the kernel (see kernelRows.mjs; repeated matMuls
//      reuse XNNPACK's packed right operand, so this is the pure GEMM speed), stock wasm, cpu (batch 2,
//      scaled ×32);
//  (b) the CNN train step (timed interleaved with a 576×4096·4096×128 matMul: the CNN target's
//      reference) and (c) the VGG16 style/content loss + input gradient at 128 and 64 px
//      (bench/workloads.mjs) on wasm-stock (phasewise's kernels unregistered, the stock ones
//      re-registered), wasm-phasewise and cpu, and — when `/usr/bin/python3 -c 'import torch'` works —
//      the same workloads in PyTorch (bench/torch_workloads.py, 2 threads as in the reference, and
//      1 thread), PAIRED: one phasewise step, one step of each PyTorch process, repeated, minima
//      compared (bench/torchPair.mjs) — separately timed runs on this shared machine differed by 3×.
// The wasm backend runs on PHASEWISE_WASM_THREADS threads (default: all cores, at most 8); run it
// with PHASEWISE_WASM_THREADS=1 for the single-threaded build (the issue's premise).
// Never used by tests (no timed assertion anywhere).
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../dist/index.js';
import { WASM_TRAINING_KERNELS } from '../dist/backend/wasm/registerWasmTrainingKernels.js';
import { simdPoolReady } from '../dist/backend/wasm/simdPool.js';
import { kernelRows, summaryLine } from './kernelRows.mjs';
import { CNN_GFLOP, cnnStepMs, cnnWorkload, time, timeInterleaved, vggGflop, vggMs, vggWorkload } from './workloads.mjs';
import { startTorch } from './torchPair.mjs';

process.env.PHASEWISE_QUIET = '1';
const QUICK = process.argv.includes('--quick');
const REPS = QUICK ? 3 : 7;
const REF = { cnn: 14.3, vgg128: 387, vgg64: 214 }; // PyTorch 1.13 CPU, 2 threads (issue 3)
const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');

// ---- backends: keep the stock wasm kernels that phasewise replaces, to switch back and forth ----
// (tfjs-backend-wasm registers its kernels when imported: they are here before any backend starts)
const stock = Object.fromEntries(WASM_TRAINING_KERNELS.map((k) => [k, tf.getKernel(k, 'wasm')]));
const info = await initBackend('wasm'); // the threaded build (PHASEWISE_WASM_THREADS, default: all cores), phasewise's kernels
await simdPoolReady(tf.backend()); // phasewise's SIMD worker pool, started before any timing
const ours = Object.fromEntries(WASM_TRAINING_KERNELS.map((k) => [k, tf.getKernel(k, 'wasm')]));
function swapTo(configs) {
  for (const k of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(k, 'wasm')) tf.unregisterKernel(k, 'wasm');
    if (configs[k]) tf.registerKernel(configs[k]);
  }
}
/** Run `f` on wasm without phasewise's kernels (stock ones where tfjs-backend-wasm has them). */
function withStock(f) {
  swapTo(stock);
  try { return f(); } finally { swapTo(ours); }
}
async function onCpu(f) {
  await initBackend('cpu');
  try { return f(); } finally { await initBackend('wasm'); }
}
/**
 * XNNPACK's matMul: the stock wasm BatchMatMul, which phasewise replaced (its own direct-kernel
 * matMul is faster) — the issue's reference "wasm matmul" for every target ratio.
 */
const xnnMatMul = (a, b) => tf.engine().makeTensorFromTensorInfo(
  stock.BatchMatMul.kernelFunc({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA: false, transposeB: false } }));
const matmulGflops = (mm = xnnMatMul) => {
  const [a, b] = [tf.randomNormal([576, 4096]), tf.randomNormal([4096, 128])];
  const g = (2 * 576 * 4096 * 128) / time(() => mm(a, b), REPS) / 1e6;
  tf.dispose([a, b]);
  return g;
};

console.log(`phasewise bench:kernels — node ${process.version}, ${cpus().length} cores, load average ${load()} (1/5/15 min)`);
console.log(`wasm on ${info.threads} thread${info.threads === 1 ? '' : 's'} (PHASEWISE_WASM_THREADS): XNNPACK's pool and phasewise's SIMD worker pool; PyTorch runs in a separate process, after the tfjs timings.\n`);

let rows = [];
if (!process.argv.includes('--no-kernels')) {
  console.log('(a) kernels: GFLOP/s next to the wasm matMul of the same product; cpu at batch 2, scaled ×32\n');
  const only = process.argv.find((a) => a.startsWith('--cases='))?.slice(8).split(',');
  rows = await kernelRows({ reps: REPS, withStock, onCpu, only, baseline: xnnMatMul });
}
if (process.argv.includes('--kernels-only')) {
  for (const r of rows) console.log(summaryLine(r));
  console.log(`load average ${load()}`);
  process.exit(0);
}

// ---- (b) CNN step, (c) VGG ----
// the CNN step and the reference matMul, interleaved (their ratio is the CNN target)
const MM = [576, 4096, 128];
const [mmA, mmB] = [tf.randomNormal([MM[0], MM[1]]), tf.randomNormal([MM[1], MM[2]])];
const cnn = cnnWorkload(64);
const [cnnBest, mmBest] = timeInterleaved([cnn.step, () => xnnMatMul(mmA, mmB)], QUICK ? 5 : 15, 2);
cnn.dispose();
tf.dispose([mmA, mmB]);
const mmRef = (2 * MM[0] * MM[1] * MM[2]) / mmBest / 1e6;
const fmtMs = (ms) => (ms === undefined ? 'fails' : ms.toFixed(ms < 100 ? 1 : 0));
const tryMs = (f) => { try { return f(); } catch (e) { return { error: e.message.split('\n')[0] }; } };
const res = { cnn: {}, vgg128: {}, vgg64: {} };
res.cnn.phasewise = cnnBest;
res.cnn.stock = withStock(() => tryMs(() => cnnStepMs(64, 3)));
res.cnn.cpu = await onCpu(() => cnnStepMs(8, 1, 0) * 8);
for (const S of [128, 64]) {
  const key = `vgg${S}`;
  res[key].phasewise = vggMs(S, QUICK ? 3 : 5);
  res[key].stock = withStock(() => tryMs(() => vggMs(S, QUICK ? 1 : 3)));
}
// cpu: VGG 64 px timed once; 128 px scaled from it ×4 (conv work scales with the pixel count)
res.vgg64.cpu = await onCpu(() => vggMs(64, 1, 0));
res.vgg128.cpu = res.vgg64.cpu * 4;
const mmAfter = matmulGflops();
const mmOurs = matmulGflops(tf.matMul); // phasewise's own matMul (directMatMul / batchMatMul.ts), for scale

// PyTorch, paired: each workload alternates one phasewise step and one step of each PyTorch process
let torch = {};
if (!process.argv.includes('--no-torch')) {
  try {
    torch = { 2: await startTorch(2), 1: await startTorch(1) };
  } catch (e) {
    console.log(`PyTorch not available to /usr/bin/python3 (${e.message.split('\n')[0]}): using the issue's reference times`);
    torch = {};
  }
}
const pairedMs = { cnn: {}, vgg128: {}, vgg64: {} };
if (torch[2]) {
  for (const key of ['cnn', 'vgg128', 'vgg64']) {
    const w = key === 'cnn' ? cnnWorkload(64) : vggWorkload(key === 'vgg128' ? 128 : 64);
    const best = { phasewise: Infinity, 2: Infinity, 1: Infinity };
    const reps = QUICK ? 3 : key === 'cnn' ? 15 : 7;
    for (let i = 0; i < reps + 2; i++) { // 2 warm-up rounds
      const ms = time(w.step, 1, 0);
      const m2 = await torch[2].step(key);
      const m1 = await torch[1].step(key);
      if (i >= 2) [best.phasewise, best[2], best[1]] = [Math.min(best.phasewise, ms), Math.min(best[2], m2), Math.min(best[1], m1)];
    }
    w.dispose();
    pairedMs[key] = best;
  }
  torch[2].close();
  torch[1].close();
}

const t2 = (key) => pairedMs[key][2];
const t1 = (key) => pairedMs[key][1];
console.log(`\nwasm matMul (XNNPACK) 576×4096·4096×128: ${mmRef.toFixed(1)} GFLOP/s interleaved with the CNN step, ${mmAfter.toFixed(1)} after the workloads; phasewise's matMul ${mmOurs.toFixed(1)}; load ${load()}`);
console.log(torch[2] ? `PyTorch ${torch[2].version}, 2 and 1 threads, paired with phasewise: the PyTorch columns and ratios come from alternating steps (phasewise's paired time in brackets)` : 'PyTorch: issue reference (2 threads) only');
console.log('\nworkload                       wasm-phasewise  wasm-stock     cpu      PyTorch 2t  PyTorch 1t  ref 2t   phasewise/PyTorch 2t  1t    ref');
const LABEL = { cnn: 'CNN train step (b64, 28²)', vgg128: 'VGG16 style+grad 128 px', vgg64: 'VGG16 style+grad 64 px' };
for (const key of ['cnn', 'vgg128', 'vgg64']) {
  const r = res[key];
  const s = typeof r.stock === 'number' ? r.stock : undefined;
  const mine = pairedMs[key].phasewise ?? r.phasewise; // the time paired with PyTorch's, when measured
  const ratio = (t, own = mine) => (t ? (own / t).toFixed(2) : '-');
  const shown = `${fmtMs(r.phasewise)}${pairedMs[key].phasewise ? ` [${fmtMs(mine)}]` : ''}`;
  console.log(`${LABEL[key].padEnd(30)} ${shown.padStart(10)} ms ${fmtMs(s).padStart(9)} ms ${fmtMs(r.cpu).padStart(8)} ms ` +
    `${(t2(key)?.toFixed(1) ?? '-').padStart(9)} ${(t1(key)?.toFixed(1) ?? '-').padStart(11)} ${String(REF[key]).padStart(8)}` +
    `   ${ratio(t2(key)).padStart(12)} ${ratio(t1(key)).padStart(7)} ${ratio(REF[key], r.phasewise).padStart(6)}`);
  if (s === undefined && r.stock) console.log(`   wasm-stock fails: ${r.stock.error}`);
}
console.log('cpu: CNN at batch 8 ×8; VGG 64 px timed once, 128 px = 64 px ×4 (scaled, not measured)');

const mm = mmRef; // measured interleaved with the CNN step
const cnnG = CNN_GFLOP / (res.cnn.phasewise / 1000);
console.log('\ntargets (ratios within this run):');
console.log(`- CNN step: ${CNN_GFLOP.toFixed(2)} GFLOP in ${res.cnn.phasewise.toFixed(1)} ms = ${cnnG.toFixed(1)} GFLOP/s = ` +
  `${((100 * cnnG) / mm).toFixed(0)} % of wasm matMul ${mm.toFixed(1)} (target ≥ 50 %) ${cnnG >= mm / 2 ? 'MET' : 'NOT MET'}`);
const vggMine = pairedMs.vgg128.phasewise ?? res.vgg128.phasewise;
const vggT = t2('vgg128') ?? REF.vgg128;
console.log(`- VGG16 128 px: ${vggMine.toFixed(0)} ms (${(vggGflop(128) / vggMine * 1000).toFixed(1)} GFLOP/s) = ` +
  `${(vggMine / vggT).toFixed(2)}× PyTorch 2 threads${t2('vgg128') ? ' (paired steps, this run)' : ' (the issue\'s reference time)'} (target ≤ 1.0×) ` +
  `${vggMine <= vggT ? 'MET' : 'NOT MET'}` +
  (t1('vgg128') ? `; vs PyTorch 1 thread ${(vggMine / t1('vgg128')).toFixed(2)}×` : ''));
for (const r of rows) console.log(summaryLine(r));
