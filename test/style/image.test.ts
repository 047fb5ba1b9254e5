/** readImage / writeImage (sharp), the median-filtered noise init, colour preservation identities. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { readImage, writeImage } from '../../src/style/image.js';
import { medianFilter, medianNoise } from '../../src/style/medianNoise.js';
import { preserveColor } from '../../src/style/preserveColor.js';

const CAT = new URL('../fixtures/images/chelsea.png', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'phasewise-img-'));
beforeAll(async () => { await initBackend('cpu'); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readImage / writeImage', () => {
  it('reads 0..1 RGB [1, h, w, 3]; size = shorter side then centre crop; PNG round trip is exact', async () => {
    const full = await readImage(CAT);
    expect(full.shape).toEqual([1, 300, 451, 3]);
    const sq = await readImage(CAT, { size: 64 });
    expect(sq.shape).toEqual([1, 64, 64, 3]);
    const [lo, hi] = tf.tidy(() => [tf.min(sq).dataSync()[0], tf.max(sq).dataSync()[0]]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    const path = join(dir, 'cat.png');
    await writeImage(path, sq);
    const back = await readImage(path);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(back, sq))).dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([full, sq, back]);
  });

  it('names a missing path, and rejects bad sizes and extensions', async () => {
    await expect(readImage(join(dir, 'missing.jpg'))).rejects.toThrow(/missing\.jpg/);
    await expect(readImage(CAT, { size: 0 })).rejects.toThrow(/size is 0/);
    await expect(writeImage(join(dir, 'x.bmp'), tf.zeros([1, 2, 2, 3]))).rejects.toThrow(/\.bmp/);
  });
});

describe('median noise init', () => {
  it('medianFilter matches scipy.ndimage.median_filter(size=[k, k, 1], mode="reflect") on a hand example', () => {
    // 1 channel, 3x3, k=2: window offsets -1..0 in each direction, rank floor(4/2) = 2 (upper median)
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // pixel (0,0): rows reflect(-1)=0, 0; cols 0, 0 → [1,1,1,1] → 1
    // pixel (1,1): rows 0,1 cols 0,1 → [1,2,4,5] sorted → index 2 → 4
    // pixel (2,2): rows 1,2 cols 1,2 → [5,6,8,9] → 8
    const y = medianFilter(x, 3, 3, 1, 2);
    expect(y[0]).toBe(1);
    expect(y[4]).toBe(4);
    expect(y[8]).toBe(8);
  });

  it('is seeded, in [0, 0.5], smooth, and the same for every image of a batch', () => {
    const a = medianNoise([2, 16, 16, 3], 3), b = medianNoise([1, 16, 16, 3], 3), c = medianNoise([1, 16, 16, 3], 4);
    const av = a.dataSync() as Float32Array, bv = b.dataSync() as Float32Array, cv = c.dataSync() as Float32Array;
    expect(Array.from(av.slice(0, 768))).toEqual(Array.from(bv));
    expect(Array.from(av.slice(768))).toEqual(Array.from(bv));
    expect(Array.from(bv)).not.toEqual(Array.from(cv));
    expect(Math.max(...bv)).toBeLessThanOrEqual(0.5);
    const mean = bv.reduce((s, v) => s + v, 0) / bv.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.3);
    tf.dispose([a, b, c]);
  });
});

describe('preserveColor', () => {
  it('is the identity when the stylised image is the content, and keeps the stylised luminance', () => {
    const x = tf.randomUniform([1, 4, 4, 3], 0.2, 0.8, 'float32', 1) as tf.Tensor4D;
    const s = tf.randomUniform([1, 4, 4, 3], 0.2, 0.8, 'float32', 2) as tf.Tensor4D;
    const same = preserveColor(x, x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(same, x))).dataSync()[0])).toBeLessThan(1e-5);
    const mixed = preserveColor(s, x);
    const lum = (t: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(t, tf.tensor1d([0.299, 0.587, 0.114])), -1));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(lum(mixed), lum(s)))).dataSync()[0])).toBeLessThan(0.05);
    tf.dispose([x, s, same, mixed]);
  });
});
