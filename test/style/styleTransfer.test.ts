/** styleTransfer on the VGG19-block3 fixture (wasm backend with phasewise's training kernels). */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { loadLayersModelDir } from '../../src/style/loadLayersModelDir.js';
import { styleTransfer } from '../../src/style/styleTransfer.js';
import { readImage } from '../../src/style/image.js';
import type { StyleTransferOptions } from '../../src/style/styleOptions.js';

const FIX = new URL('../fixtures/', import.meta.url).pathname;
const CAT = `${FIX}images/chelsea.png`, STARRY = `${FIX}images/starry_night_512.jpg`, SCREAM = `${FIX}images/the_scream.jpg`;
let net: tfl.LayersModel;
const layers = { contentLayer: 'block3_conv2', styleLayers: ['block1_conv1', 'block2_conv1', 'block3_conv1'] };

beforeAll(async () => {
  await initBackend('wasm');
  net = await loadLayersModelDir(`${FIX}vgg19-block3`);
});

describe('styleTransfer', () => {
  it('lowers the total loss at least 10x in 60 L-BFGS evaluations at 64 px (style weight 0.1), and frees every tensor', async () => {
    const base = tf.memory().numTensors;
    const seen: number[] = [];
    const snaps: number[][] = [];
    const { image, losses } = await styleTransfer({
      net, ...layers, content: CAT, style: STARRY, size: 64, iterations: 60, snapshotEvery: 20, styleWeight: 0.1,
      onProgress: (p) => {
        seen.push(p.evals);
        expect(Math.abs(p.loss - (p.contentLoss + p.styleLoss + p.tvLoss)) / p.loss).toBeLessThan(1e-5);
        if (p.image) snaps.push(p.image.shape);
      },
    });
    expect(image.shape).toEqual([1, 64, 64, 3]);
    expect(losses.length).toBeGreaterThanOrEqual(60);
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
    expect(snaps.slice(0, 3)).toEqual([[1, 64, 64, 3], [1, 64, 64, 3], [1, 64, 64, 3]]);
    const last = losses[losses.length - 1];
    expect(losses[0] / last, `loss ${losses[0]} -> ${last}`).toBeGreaterThanOrEqual(10);
    expect(tf.memory().numTensors).toBe(base + 1);
    const [lo, hi] = tf.tidy(() => [tf.min(image).dataSync()[0], tf.max(image).dataSync()[0]]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    image.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('a batch of 2 content images equals two single runs (Adam, same seed), with blended styles', async () => {
    const cat = await readImage(CAT, { size: 32 });
    const flipped = tf.reverse(cat, 2) as tf.Tensor4D;
    const common: Omit<StyleTransferOptions, 'content'> = {
      net, ...layers, style: [STARRY, SCREAM], blend: [3, 1], styleSize: 48, iterations: 8, optimizer: 'adam', seed: 7, tvWeight: 10,
    };
    const base = tf.memory().numTensors;
    const both = await styleTransfer({ ...common, content: [cat, flipped] });
    const one = await styleTransfer({ ...common, content: cat });
    const two = await styleTransfer({ ...common, content: flipped });
    const sep = tf.concat([one.image, two.image]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(both.image, sep))).dataSync()[0])).toBeLessThan(1e-4);
    // the batch loss is the sum of the per-image losses
    expect(Math.abs(both.losses[0] - one.losses[0] - two.losses[0]) / both.losses[0]).toBeLessThan(1e-4);
    tf.dispose([sep, both.image, one.image, two.image]);
    expect(tf.memory().numTensors).toBe(base);
    tf.dispose([cat, flipped]);
  });

  it('init content with preserveColor keeps the content chrominance', async () => {
    const cat = await readImage(CAT, { size: 32 });
    const { image } = await styleTransfer({ net, ...layers, content: cat, style: STARRY, styleSize: 32, iterations: 3, init: 'content', preserveColor: true });
    // I and Q of the result equal the content's (up to clipping)
    const iq = (x: tf.Tensor) => tf.tidy(() => tf.matMul(tf.reshape(x, [-1, 3]), tf.tensor2d([[0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]]), false, true));
    expect(tf.tidy(() => tf.mean(tf.abs(tf.sub(iq(image), iq(cat)))).dataSync()[0])).toBeLessThan(2e-3);
    tf.dispose([cat, image]);
  });

  describe('bad input is rejected before any optimisation', () => {
    const cases: [string, Partial<StyleTransferOptions>, RegExp][] = [
      ['a missing content image', { content: `${FIX}images/nope.png` }, /nope\.png/],
      ['a missing style image', { style: [STARRY, '/no/such/style.jpg'], blend: [1, 1] }, /\/no\/such\/style\.jpg/],
      ['an unknown content layer', { contentLayer: 'block5_conv2' }, /"block5_conv2".*available: input_1, block1_conv1, .*block3_conv4/],
      ['an unknown style layer', { styleLayers: ['block1_conv1', 'relu1_1'] }, /styleLayers\[1\] "relu1_1"/],
      ['too few blend weights', { style: [STARRY, SCREAM], blend: [1] }, /blend.*2 finite numbers/],
      ['blend weights summing to 0', { style: [STARRY, SCREAM], blend: [0, 0] }, /sums to 0/],
      ['size 0', { size: 0 }, /size is 0; allowed: an integer in 1\.\.2048/],
      ['size above the maximum', { size: 4096 }, /size is 4096/],
      ['iterations 0', { iterations: 0 }, /iterations is 0/],
      ['an unknown optimizer', { optimizer: 'sgd' as 'adam' }, /optimizer is "sgd"; allowed: 'lbfgs', 'adam'/],
      ['an unknown init', { init: 'random' as 'noise' }, /init is "random"/],
    ];
    for (const [name, patch, re] of cases) {
      it(name, async () => {
        const base = tf.memory().numTensors;
        let evals = 0;
        await expect(styleTransfer({ net, ...layers, content: CAT, style: STARRY, size: 32, iterations: 5, ...patch, onProgress: () => { evals++; } } as StyleTransferOptions)).rejects.toThrow(re);
        expect(evals).toBe(0);
        expect(tf.memory().numTensors).toBe(base);
      });
    }
  });
});
