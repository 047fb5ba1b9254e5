"""PyTorch CPU timings of the workloads of phasewise's `npm run bench:kernels` (issue 3).

`/usr/bin/python3 bench/torch_workloads.py --threads 2 [--quick]` prints one JSON object
{"threads": t, "cnn_ms": ..., "vgg128_ms": ..., "vgg64_ms": ...} (best of the timed runs, ms).
`--serve` (what bench/wasmKernels.mjs uses) times one step per workload name read from stdin, so the
benchmark can alternate tfjs and PyTorch steps (paired timing on a shared, noisy machine).

Workloads (the tfjs side, bench/workloads.mjs, computes exactly the same things):
- CNN train step: conv3x3 1->32 s1, 32->64 s2, 64->128 s2 (padding 'same' = 1), ReLU after each,
  global average pool, dense 10; batch 64, 1x28x28; softmax cross-entropy; SGD momentum 0.9.
- VGG16 (13 conv layers of Keras' VGG16, random He-normal weights, ReLU, 2x2 max-pools), truncated
  after block5_conv1; batch 1, 3xSxS input (S = 128, 64). Loss = MSE(block4_conv2, target)
  + sum over l in block{1..5}_conv1 of MSE(Gram(F_l), target_l), Gram per image F F^T / (c*h*w);
  the layer outputs are post-ReLU (as Keras' conv layers with activation='relu').
  Timed: forward + gradient of the loss w.r.t. the input image.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VGG16 = [(3, 64), (64, 64), 'M', (64, 128), (128, 128), 'M', (128, 256), (256, 256), (256, 256), 'M',
         (256, 512), (512, 512), (512, 512), 'M', (512, 512)]  # ... up to block5_conv1
NAMES = ['block1_conv1', 'block1_conv2', 'block2_conv1', 'block2_conv2', 'block3_conv1', 'block3_conv2',
         'block3_conv3', 'block4_conv1', 'block4_conv2', 'block4_conv3', 'block5_conv1']
STYLE = ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block5_conv1']
CONTENT = 'block4_conv2'


def best_ms(f, reps, warm=2):
    for _ in range(warm):
        f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1000)
    return min(ts)  # the least-contended run, as the tfjs side reports


def cnn_step():
    """The CNN training step as a function running one step."""
    torch.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(1, 32, 3, 1, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
                      nn.Conv2d(64, 128, 3, 2, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()
    return step


def cnn_ms(reps):
    return best_ms(cnn_step(), reps, warm=3)


def serve():
    """Paired timing: read a workload name per line ('cnn', 'vgg128', 'vgg64'), run one step of it and
    print its ms; 'quit' ends. Lets bench/wasmKernels.mjs alternate tfjs and PyTorch steps, so both
    see the same machine load (this machine is shared: separate runs differ by up to 3x)."""
    steps = {'cnn': cnn_step(), 'vgg128': vgg_step(128), 'vgg64': vgg_step(64)}
    print('ready', torch.__version__, flush=True)
    for line in sys.stdin:
        name = line.strip()
        if name == 'quit':
            break
        t0 = time.perf_counter()
        steps[name]()
        print((time.perf_counter() - t0) * 1000, flush=True)


def gram(f):
    b, c, h, w = f.shape
    v = f.reshape(b, c, h * w)
    return torch.bmm(v, v.transpose(1, 2)) / (c * h * w)


def vgg_features(x, weights):
    out = {}
    i = 0
    for spec in VGG16:
        if spec == 'M':
            x = F.max_pool2d(x, 2, 2)
            continue
        w, b = weights[i]
        x = F.relu(F.conv2d(x, w, b, padding=1))
        out[NAMES[i]] = x
        i += 1
    return out


def vgg_step(size):
    """The VGG workload at `size` as a function running one step."""
    torch.manual_seed(0)
    weights = []
    for spec in VGG16:
        if spec != 'M':
            cin, cout = spec
            weights.append((torch.randn(cout, cin, 3, 3) * (2.0 / (9 * cin)) ** 0.5, torch.zeros(cout)))
    with torch.no_grad():
        feats = vgg_features(torch.rand(1, 3, size, size), weights)
        content_t = feats[CONTENT] * 0.5
        style_t = {k: gram(feats[k]) * 0.5 for k in STYLE}
    img = torch.rand(1, 3, size, size)

    def step():
        x = img.clone().requires_grad_(True)
        f = vgg_features(x, weights)
        loss = F.mse_loss(f[CONTENT], content_t)
        for k in STYLE:
            loss = loss + F.mse_loss(gram(f[k]), style_t[k])
        loss.backward()
        return x.grad
    return step


def vgg_ms(size, reps):
    return best_ms(vgg_step(size), reps)


def main():
    threads = int(sys.argv[sys.argv.index('--threads') + 1]) if '--threads' in sys.argv else 2
    quick = '--quick' in sys.argv
    torch.set_num_threads(threads)
    if '--serve' in sys.argv:
        serve()
        return
    print(json.dumps({
        'threads': threads,
        'torch': torch.__version__,
        'cnn_ms': cnn_ms(5 if quick else 15),
        'vgg128_ms': vgg_ms(128, 3 if quick else 7),
        'vgg64_ms': vgg_ms(64, 3 if quick else 9),
    }))


if __name__ == '__main__':
    main()
