// Benchmark of phasewise's wasm training kernels.
//
// Run (from the repository root):   npm run build && node bench/wasmKernels.mjs
// Options: --quick (fewer repetitions), --no-torch (skip the optional PyTorch timing).
//
// Prints, measured in ONE run (the machine is shared and noisy, so only the ratios are meaningful):
//  (a) each kernel on wasm with phasewise's kernels: ms, GFLOP/s, next to the wasm backend's own matMul
//      GFLOP/s on the matching matrix size, the stock wasm kernel where one exists
//      (Conv2DBackpropInput) and the cpu backend (timed on a smaller batch and scaled linearly, as said);
//  (b) the CNN training step of issue 3 (conv3x3 1→32 s1, 32→64 s2, 64→128 s2, ReLU, global average pool,
//      dense 10; batch 64, 28×28×1; tf.train.momentum): ms/step on wasm vs cpu (1 cpu step on batch 8,
//      scaled ×8) vs PyTorch 1.13 CPU (reference 14.3 ms on 2 threads, and, when /usr/bin/python3 has torch,
//      timed in this run with 1 and 2 threads).
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend, registerWasmTrainingKernels } from '../dist/index.js';

process.env.PHASEWISE_QUIET = '1';
const QUICK = process.argv.includes('--quick');
const REPS = QUICK ? 3 : 7;
const TORCH_REF_MS = 14.3;

/** Median ms of `reps` runs of `f` (after one warm-up unless `warm` is false), reading results back. */
function time(f, reps = REPS, warm = true) {
  const once = () => {
    const t0 = performance.now();
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    list.forEach((t) => t.dataSync());
    const ms = performance.now() - t0;
    tf.dispose(list);
    return ms;
  };
  if (warm) once();
  const ts = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

/** One timed run, no warm-up (for the slow cpu backend). */
function timeOnce(f) {
  return time(f, 1, false);
}

const gflops = (flop, ms) => flop / ms / 1e6;
const fmt = (v, d = 1) => v.toFixed(d).padStart(7);

// ---- set up: wasm first (keep the stock Conv2DBackpropInput before phasewise replaces it) ----
await tf.setBackend('wasm');
const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
await initBackend('wasm'); // registers phasewise's kernels
const ours = Object.fromEntries(['Conv2DBackpropInput'].map((k) => [k, tf.getKernel(k, 'wasm')]));
function withStockInput(f) {
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel(stockInput);
  try {
    return f();
  } finally {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel(ours.Conv2DBackpropInput);
  }
}

async function onCpu(f) {
  await initBackend('cpu');
  try {
    return f();
  } finally {
    await initBackend('wasm');
  }
}

// ---- (a) kernels ----
const CONV = [
  { name: 'conv1 1→32 s1 28²', n: 64, h: 28, c: 1, co: 32, s: 1 },
  { name: 'conv2 32→64 s2 28²', n: 64, h: 28, c: 32, co: 64, s: 2 },
  { name: 'conv3 64→128 s2 14²', n: 64, h: 14, c: 64, co: 128, s: 2 },
  { name: '64→64 s1 14²', n: 64, h: 14, c: 64, co: 64, s: 1 },
  { name: '1x1 64→128 s1 14²', n: 64, h: 14, c: 64, co: 128, s: 1, f: 1 },
];
const CPU_BATCH = 2; // the cpu backend is 100-3000x slower: time it on a small batch and scale

console.log('\n(a) kernels, wasm with phasewise kernels (one core); cpu timed at batch', CPU_BATCH, 'and scaled linearly\n');
console.log('kernel                                       wasm ms  GFLOP/s  matMul GF/s  stock ms  x stock    cpu ms    x cpu');
for (const L of CONV) {
  const f = L.f ?? 3;
  const xShape = [L.n, L.h, L.h, L.c];
  const wShape = [f, f, L.c, L.co];
  const x = tf.randomNormal(xShape);
  const w = tf.randomNormal(wShape);
  const dyShape = tf.backend_util.computeConv2DInfo(xShape, wShape, L.s, 1, 'same').outShape;
  const dy = tf.randomNormal(dyShape);
  const P = dyShape[0] * dyShape[1] * dyShape[2];
  const K = f * f * L.c;
  const flop = 2 * K * P * L.co;
  const a = tf.randomNormal([K, P]);
  const b = tf.randomNormal([P, L.co]);
  const mm = time(() => tf.matMul(a, b));
  const filterAttrs = { strides: L.s, pad: 'same', dataFormat: 'NHWC', filterShape: wShape };
  const inputAttrs = { strides: L.s, pad: 'same', dataFormat: 'NHWC', inputShape: xShape };
  const dW = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, filterAttrs));
  const dX = time(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, inputAttrs));
  const dXstock = withStockInput(() => time(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, inputAttrs), 3));
  const scale = L.n / CPU_BATCH;
  const cpuShapes = { x: [CPU_BATCH, ...xShape.slice(1)], dy: [CPU_BATCH, ...dyShape.slice(1)] };
  const [cpuW, cpuX] = await onCpu(() => {
    const xc = tf.randomNormal(cpuShapes.x);
    const dyc = tf.randomNormal(cpuShapes.dy);
    const wc = tf.randomNormal(wShape);
    const tW = timeOnce(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: xc, dy: dyc }, filterAttrs)) * scale;
    const tX = timeOnce(() => tf.engine().runKernel('Conv2DBackpropInput', { dy: dyc, filter: wc },
      { ...inputAttrs, inputShape: cpuShapes.x })) * scale;
    tf.dispose([xc, dyc, wc]);
    return [tW, tX];
  });
  const mmG = gflops(flop, mm);
  console.log(`${('Conv2DBackpropFilter ' + L.name).padEnd(44)} ${fmt(dW)} ${fmt(gflops(flop, dW))}  ${fmt(mmG)}      ${'-'.padStart(7)}  ${'-'.padStart(7)}  ${fmt(cpuW, 0)}  ${fmt(cpuW / dW, 0)}`);
  console.log(`${('Conv2DBackpropInput  ' + L.name).padEnd(44)} ${fmt(dX)} ${fmt(gflops(flop, dX))}  ${fmt(mmG)}      ${fmt(dXstock)}  ${fmt(dXstock / dX)}  ${fmt(cpuX, 0)}  ${fmt(cpuX / dX, 0)}`);
  tf.dispose([x, w, dy, a, b]);
}

// depthwise and segment sum
{
  const xShape = [64, 28, 28, 32];
  const wShape = [3, 3, 32, 2];
  const x = tf.randomNormal(xShape);
  const w = tf.randomNormal(wShape);
  const dyShape = [64, 28, 28, 64];
  const dy = tf.randomNormal(dyShape);
  const flop = 2 * 9 * 64 * 28 * 28 * 64;
  const attrs = { strides: 1, dilations: 1, pad: 'same' };
  const dW = time(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: wShape }));
  const dX = time(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape }));
  const scale = 64 / CPU_BATCH;
  const [cW, cX] = await onCpu(() => {
    const xc = tf.randomNormal([CPU_BATCH, 28, 28, 32]);
    const dyc = tf.randomNormal([CPU_BATCH, 28, 28, 64]);
    const r = [
      timeOnce(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xc, dy: dyc }, { ...attrs, filterShape: wShape })) * scale,
      timeOnce(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyc, filter: w }, { ...attrs, inputShape: [CPU_BATCH, 28, 28, 32] })) * scale,
    ];
    tf.dispose([xc, dyc]);
    return r;
  });
  console.log(`${'DepthwiseBackpropFilter 32×2 s1 28² b64'.padEnd(44)} ${fmt(dW)} ${fmt(gflops(flop, dW))}  ${'-'.padStart(7)}      ${'-'.padStart(7)}  ${'-'.padStart(7)}  ${fmt(cW, 0)}  ${fmt(cW / dW, 0)}`);
  console.log(`${'DepthwiseBackpropInput  32×2 s1 28² b64'.padEnd(44)} ${fmt(dX)} ${fmt(gflops(flop, dX))}  ${'-'.padStart(7)}      ${'-'.padStart(7)}  ${'-'.padStart(7)}  ${fmt(cX, 0)}  ${fmt(cX / dX, 0)}`);
  tf.dispose([x, w, dy]);

  const vals = tf.randomNormal([64 * 50, 128]);
  const ids = tf.randomUniform([64 * 50], 0, 1000, 'int32');
  const seg = time(() => tf.unsortedSegmentSum(vals, ids, 1000));
  const cSeg = await onCpu(() => timeOnce(() => tf.unsortedSegmentSum(tf.slice(vals, [0, 0], [64, 128]), tf.slice(ids, [0], [64]), 1000)) * 50);
  console.log(`${'UnsortedSegmentSum 3200×128 → 1000 segs'.padEnd(44)} ${fmt(seg)} ${'-'.padStart(7)}  ${'-'.padStart(7)}      ${'-'.padStart(7)}  ${'-'.padStart(7)}  ${fmt(cSeg, 0)}  ${fmt(cSeg / seg, 0)}   (cpu: 64 rows ×50)`);
  tf.dispose([vals, ids]);
}

// ---- (b) the CNN training step ----
function buildCnn() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

function cnnStepTimer(batch, reps, warm = true) {
  const model = buildCnn();
  const opt = tf.train.momentum(0.01, 0.9);
  const xs = tf.randomNormal([batch, 28, 28, 1]);
  const ys = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const step = () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs)), true);
    return loss;
  };
  const ms = time(step, reps, warm);
  tf.dispose([xs, ys]);
  opt.dispose();
  model.dispose();
  return ms;
}

console.log('\n(b) CNN training step: conv3x3 1→32 s1, 32→64 s2, 64→128 s2, ReLU, GAP, dense 10; batch 64, 28×28; momentum SGD\n');
const wasmStep = cnnStepTimer(64, QUICK ? 5 : 15);
const cpuStep = await onCpu(() => cnnStepTimer(8, 1, false) * 8);
let torch = '';
let torch1;
let torch2;
if (!process.argv.includes('--no-torch')) {
  try {
    const py = `
import time, torch, torch.nn as nn, sys
def run(threads):
    torch.set_num_threads(threads); torch.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(1,32,3,1,1), nn.ReLU(), nn.Conv2d(32,64,3,2,1), nn.ReLU(), nn.Conv2d(64,128,3,2,1), nn.ReLU(),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128,10))
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(64,1,28,28); y = torch.randint(0,10,(64,))
    def step():
        opt.zero_grad(); loss = nn.functional.cross_entropy(m(x), y); loss.backward(); opt.step()
    for _ in range(3): step()
    ts = []
    for _ in range(15):
        t0 = time.perf_counter(); step(); ts.append((time.perf_counter()-t0)*1000)
    ts.sort(); return ts[len(ts)//2]
print(run(1), run(2))
`;
    const out = execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/);
    [torch1, torch2] = out.map(Number);
  } catch {
    torch = ' (PyTorch not available to /usr/bin/python3: only the 14.3 ms reference is used)';
  }
}
console.log(`wasm + phasewise kernels: ${wasmStep.toFixed(1)} ms/step`);
console.log(`cpu backend:              ${cpuStep.toFixed(0)} ms/step (1 step at batch 8, ×8)   → wasm is ${(cpuStep / wasmStep).toFixed(0)}× faster`);
console.log(`PyTorch 1.13 CPU reference (2 threads): ${TORCH_REF_MS} ms/step → wasm / torch = ${(wasmStep / TORCH_REF_MS).toFixed(2)}${torch}`);
if (torch1 !== undefined) {
  console.log(`PyTorch in this run: 1 thread ${torch1.toFixed(1)} ms (wasm / torch = ${(wasmStep / torch1).toFixed(2)}), ` +
    `2 threads ${torch2.toFixed(1)} ms (wasm / torch = ${(wasmStep / torch2).toFixed(2)})`);
}
