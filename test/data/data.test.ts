import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/initBackend.js';
import { tf } from '../../src/backend/tf.js';
import { arrayDataset } from '../../src/data/arrayDataset.js';
import { permutation } from '../../src/data/dataset.js';
import { loadDigits } from '../../src/data/loadDigits.js';
import { loadIdx } from '../../src/data/loadIdx.js';
import { resizeImages } from '../../src/data/resizeImages.js';
import { trainValidSplit } from '../../src/data/split.js';

beforeAll(async () => {
  process.env.PHASEWISE_QUIET = '1';
  await initBackend('wasm');
});

describe('arrayDataset', () => {
  const x = () => tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i, -i]));
  const y = () => tf.tensor1d(Array.from({ length: 10 }, (_, i) => i), 'int32');

  it('batches in order, with a smaller last batch or dropLast', async () => {
    const [xs, ys] = [x(), y()];
    const ds = arrayDataset(xs, ys, { batchSize: 4 });
    tf.dispose([xs, ys]); // the dataset keeps its own references
    expect(ds.length).toBe(3);
    const got: number[][] = [];
    for (const b of ds.batches(0)) {
      got.push(Array.from(await b.y.data()));
      tf.dispose([b.x, b.y]);
    }
    expect(got).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const [x2, y2] = [x(), y()];
    const dl = arrayDataset(x2, y2, { batchSize: 4, dropLast: true });
    expect(dl.length).toBe(2);
    expect(dl.size).toBe(8);
    tf.dispose([x2, y2]);
    ds.dispose();
    dl.dispose();
  });

  it('shuffles with a seed, differently each epoch, reproducibly, keeping x and y aligned', async () => {
    const [xs, ys] = [x(), y()];
    const a = arrayDataset(xs, ys, { batchSize: 10, shuffle: true, seed: 7 });
    const b = arrayDataset(xs, ys, { batchSize: 10, shuffle: true, seed: 7 });
    const order = async (ds: typeof a, e: number) => {
      const [batch] = [...ds.batches(e)];
      const yv = Array.from(await batch.y.data());
      const xv = Array.from(await batch.x.data());
      tf.dispose([batch.x, batch.y]);
      yv.forEach((v, i) => expect(xv[2 * i]).toBe(v));
      return yv;
    };
    const e0 = await order(a, 0);
    expect(e0).toEqual(await order(b, 0));
    expect(e0).not.toEqual(await order(a, 1));
    expect([...e0].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(permutation(10, 7))).toEqual(e0);
    tf.dispose([xs, ys]);
    a.dispose();
    b.dispose();
  });

  it('applies a transform and leaks nothing', async () => {
    const imgs = tf.ones([6, 4, 4, 1]);
    const labels = tf.zeros([6], 'int32');
    const ds = arrayDataset(imgs, labels, { batchSize: 3, transform: resizeImages(8) });
    const n0 = tf.memory().numTensors;
    for (const b of ds.batches(0)) {
      expect(b.x.shape).toEqual([3, 8, 8, 1]);
      tf.dispose([b.x, b.y]);
    }
    expect(tf.memory().numTensors).toBe(n0);
    ds.dispose();
    tf.dispose([imgs, labels]);
  });

  it('rejects bad input', () => {
    const [xs, ys] = [x(), y()];
    expect(() => arrayDataset(xs, tf.zeros([3]), { batchSize: 2 })).toThrow(/x has 10 examples but y has 3/);
    expect(() => arrayDataset(xs, ys, { batchSize: 0 })).toThrow(/batchSize is 0; allowed: an integer >= 1/);
    expect(() => arrayDataset(xs, ys, { batchSize: 20, dropLast: true })).toThrow(/has 0 batches/);
    const bad = tf.tensor2d([[1, NaN]]);
    expect(() => arrayDataset(bad, tf.zeros([1]), { batchSize: 1 })).toThrow(/x contains NaN or Infinity/);
    expect(() => resizeImages(0)).toThrow(/height is 0/);
    tf.dispose([xs, ys, bad]);
  });
});

describe('loaders', () => {
  it('loadDigits gives the bundled 1797 digits in 0..1', async () => {
    const { x, y } = loadDigits();
    expect(x.shape).toEqual([1797, 8, 8, 1]);
    expect(y.shape).toEqual([1797]);
    expect((await tf.max(x).data())[0]).toBe(1);
    // the first row of sklearn's digits.csv: 0,0,5,13,9,1,0,0 … label 0
    expect(Array.from((await x.data()).slice(0, 8)).map((v) => v * 16)).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(Array.from((await y.data()).slice(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    tf.dispose([x, y]);
  });

  it('loadIdx reads gzipped and plain IDX files and rejects malformed ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    const head = (magic: number, dims: number[]) => {
      const b = Buffer.alloc(4 + 4 * dims.length);
      b.writeUInt32BE(magic, 0);
      dims.forEach((v, i) => b.writeUInt32BE(v, 4 + 4 * i));
      return b;
    };
    const images = Buffer.concat([head(0x803, [2, 2, 3]), Buffer.from([0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0])]);
    const labels = Buffer.concat([head(0x801, [2]), Buffer.from([7, 3])]);
    writeFileSync(join(dir, 'i.gz'), gzipSync(images));
    writeFileSync(join(dir, 'l'), labels);
    const { x, y } = loadIdx(join(dir, 'i.gz'), join(dir, 'l'));
    expect(x.shape).toEqual([2, 2, 3, 1]);
    expect(Array.from(await x.data()).slice(0, 6)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => Math.fround(v)));
    expect(Array.from(await y.data())).toEqual([7, 3]);
    tf.dispose([x, y]);
    writeFileSync(join(dir, 'short'), images.subarray(0, 20));
    expect(() => loadIdx(join(dir, 'short'), join(dir, 'l'))).toThrow(/header says 2×2×3 = 12 bytes of data but the file has 4/);
    writeFileSync(join(dir, 'l3'), Buffer.concat([head(0x801, [3]), Buffer.from([1, 2, 3])]));
    expect(() => loadIdx(join(dir, 'i.gz'), join(dir, 'l3'))).toThrow(/has 2 images but .* has 3 labels/);
    expect(() => loadIdx(join(dir, 'missing'), join(dir, 'l'))).toThrow(/cannot read .*missing \(ENOENT\)/);
  });

  it('trainValidSplit is a seeded partition', async () => {
    const x = tf.tidy(() => tf.reshape(tf.range(0, 10), [10, 1]));
    const y = tf.range(0, 10);
    const s = trainValidSplit(x, y, { validPct: 0.3, seed: 1 });
    const all = [...(await s.yTrain.data()), ...(await s.yValid.data())].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.yValid.shape).toEqual([3]);
    expect(() => trainValidSplit(x, y, { validPct: 1 })).toThrow(/validPct is 1/);
    tf.dispose([x, y, s.xTrain, s.yTrain, s.xValid, s.yValid]);
  });
});
