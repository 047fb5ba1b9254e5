// Style-transfer benchmark: ms per loss + image-gradient evaluation with vgg19-block3
// (content block3_conv2, style block1_conv1, block2_conv1, block3_conv1) at 128 and 256 px on the
// default backend (initBackend() → wasm with phasewise's training kernels), next to PyTorch CPU in
// the same run when /usr/bin/python3 has torch (apt-get install -y python3-torch).
//
// Run:  npm run build && node bench/style.mjs            (BENCH_REPS=5 to change repetitions)
//
// The machine is shared and noisy: read the ratios, not the absolute numbers.
import { spawnSync } from 'node:child_process';
import { tf, tfl } from '../dist/backend/tf.js';
import {
  initBackend, loadLayersModelDir, hookOutputs, preprocess, contentLoss, styleLoss, gramMatrix,
} from '../dist/index.js';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const SIZES = [128, 256];
const CONTENT = 'block3_conv2';
const STYLE = ['block1_conv1', 'block2_conv1', 'block3_conv1'];

const info = await initBackend();
const net = await loadLayersModelDir(new URL('../test/fixtures/vgg19-block3', import.meta.url).pathname);
const sub = tfl.model({ inputs: net.inputs, outputs: net.getLayer(CONTENT).output });
const hooks = hookOutputs(sub, [CONTENT, ...STYLE]);

function timeMs(f, reps) {
  f(); // warm-up (kernel setup, allocations)
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t0) / reps;
}

const ours = {};
for (const size of SIZES) {
  const x = tf.variable(tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 1));
  const targets = tf.tidy(() => {
    tf.dispose(sub.apply(preprocess(tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 2))));
    const o = hooks.outputs();
    return [tf.keep(tf.clone(o[0])), ...o.slice(1).map((f) => tf.keep(gramMatrix(f)))];
  });
  const evalOnce = () => {
    const { value, grads } = tf.variableGrads(() => {
      tf.dispose(sub.apply(preprocess(x)));
      const o = hooks.outputs();
      return tf.add(contentLoss(o[0], targets[0]), styleLoss(o.slice(1), targets.slice(1)));
    }, [x]);
    value.dataSync();
    grads[x.name].dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  ours[size] = timeMs(evalOnce, REPS);
  tf.dispose([x, ...targets]);
}
hooks.remove();

// Gram variants at block1 size for 256 px (65536 x 64): forward + gradient.
const f = tf.randomNormal([1, 256, 256, 64], 0, 1, 'float32', 3);
const gramVariants = {
  'matMul(transposeA)': (v) => { const r = tf.reshape(v, [1, -1, 64]); return tf.matMul(r, r, true, false); },
  'transpose + matMul': (v) => { const r = tf.reshape(v, [1, -1, 64]); return tf.matMul(tf.transpose(r, [0, 2, 1]), r); },
  'gramMatrix (custom grad)': (v) => gramMatrix(v),
};
const gramMs = {};
for (const [name, g] of Object.entries(gramVariants)) {
  gramMs[name] = timeMs(() => tf.tidy(() => tf.grad((v) => tf.sum(g(v)))(f).dataSync()), REPS);
}
f.dispose();

// PyTorch CPU, same layers (random weights), same losses, backward w.r.t. the image.
const PY = String.raw`
import sys, time, json, torch, torch.nn as nn, torch.nn.functional as F
reps = int(sys.argv[1]); sizes = [int(s) for s in sys.argv[2].split(',')]; threads = int(sys.argv[3])
torch.set_num_threads(threads); torch.manual_seed(0)
cfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256]   # vgg19 up to block3_conv4 (8 convs)
layers, c = [], 3
for v in cfg:
    if v == 'M': layers.append(nn.MaxPool2d(2, 2))
    else: layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]; c = v
net = nn.Sequential(*layers).eval()
for p in net.parameters(): p.requires_grad_(False)
# relu indices: block1_conv1=1, block2_conv1=6, block3_conv1=11, block3_conv2=13 (stop there, as the tfjs side)
STYLE, CONTENT = [1, 6, 11], 13
def feats(x):
    out = {}
    for i, m in enumerate(net):
        x = m(x)
        if i in STYLE or i == CONTENT: out[i] = x
        if i == CONTENT: break
    return out
def gram(x):
    b, c, h, w = x.shape; f = x.view(b, c, h * w)
    return torch.bmm(f, f.transpose(1, 2)) / (c * h * w)
res = {}
for s in sizes:
    with torch.no_grad():
        t = feats(torch.rand(1, 3, s, s) * 255 - 120)
        tc, tg = t[CONTENT], [gram(t[i]) for i in STYLE]
    img = (torch.rand(1, 3, s, s) * 255 - 120).requires_grad_(True)
    def ev():
        img.grad = None
        o = feats(img)
        loss = F.mse_loss(o[CONTENT], tc) + sum(F.mse_loss(gram(o[i]), g) for i, g in zip(STYLE, tg))
        loss.backward()
    ev()
    t0 = time.perf_counter()
    for _ in range(reps): ev()
    res[s] = (time.perf_counter() - t0) / reps * 1000
print(json.dumps(res))
`;
const torch = {};
for (const threads of [1, 2]) {
  const r = spawnSync('/usr/bin/python3', ['-c', PY, String(REPS), SIZES.join(','), String(threads)], { encoding: 'utf8' });
  if (r.status === 0) torch[threads] = JSON.parse(r.stdout.trim().split('\n').pop());
  else { torch.error = (r.stderr || r.error?.message || 'python3 failed').trim().split('\n').pop(); break; }
}

console.log(`backend: ${info.name} (${info.package}, ${info.threads} thread${info.threads === 1 ? '' : 's'}); ${REPS} reps after 1 warm-up`);
console.log('loss + image gradient, vgg19-block3, content block3_conv2, style block1_conv1/block2_conv1/block3_conv1:');
for (const s of SIZES) {
  const parts = [`  ${s} px: phasewise ${ours[s].toFixed(0)} ms/eval`];
  for (const t of [1, 2]) if (torch[t]) parts.push(`torch ${t} thread${t > 1 ? 's' : ''} ${torch[t][s].toFixed(0)} ms (ratio ${(ours[s] / torch[t][s]).toFixed(2)}x)`);
  console.log(parts.join(' | '));
}
if (torch.error) console.log(`  torch: not measured (${torch.error})`);
console.log('Gram forward + gradient, [1, 256, 256, 64] features:');
for (const [name, ms] of Object.entries(gramMs)) console.log(`  ${name.padEnd(26)} ${ms.toFixed(1)} ms`);
