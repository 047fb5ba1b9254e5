/** fast.ai lesson 13's initial image: median-filtered uniform noise. */
import { tf } from '../backend/tf.js';
import { mulberry32 } from '../data/dataset.js';

/** scipy.ndimage 'reflect' boundary: (d c b a | a b c d | d c b a). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let k = ((i % period) + period) % period;
  if (k >= n) k = period - 1 - k;
  return k;
}

/**
 * Spatial median filter per channel of an HWC Float32Array, exactly
 * `scipy.ndimage.median_filter(x, size=[k, k, 1])` (mode 'reflect', origin 0: the window covers
 * offsets −⌊k/2⌋ … k−1−⌊k/2⌋, and for even k·k the element of rank ⌊k²/2⌋ — the upper median).
 * Sorts each k×k window (O(h·w·c·k² log k); about a second for 256²×3 with k = 8).
 *
 * @example
 * ```ts
 * medianFilter(new Float32Array(h * w * 3), h, w, 3, 8);
 * ```
 */
export function medianFilter(x: Float32Array, h: number, w: number, c: number, k: number): Float32Array {
  const out = new Float32Array(x.length);
  const lo = -Math.floor(k / 2), rank = Math.floor((k * k) / 2);
  const win = new Float32Array(k * k);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h; i++) {
      const rows = Array.from({ length: k }, (_, a) => reflect(i + lo + a, h));
      for (let j = 0; j < w; j++) {
        let n = 0;
        for (const r of rows) for (let b = 0; b < k; b++) win[n++] = x[(r * w + reflect(j + lo + b, w)) * c + ch];
        win.sort();
        out[(i * w + j) * c + ch] = win[rank];
      }
    }
  }
  return out;
}

/**
 * The lesson's initial image: uniform(0, 1) noise of shape `[b, h, w, 3]`, an 8×8 spatial median filter
 * per channel (`median_filter(noise, [8, 8, 1])`), divided by 2 (mean ≈ 0.25). Seeded (mulberry32); every
 * image of the batch gets the same noise, so a batch run starts where single runs start.
 *
 * @example
 * ```ts
 * const init = medianNoise([1, 64, 64, 3], 42);
 * ```
 */
export function medianNoise(shape: [number, number, number, number], seed = 0, k = 8): tf.Tensor4D {
  const [b, h, w, c] = shape;
  const rand = mulberry32(seed);
  const noise = new Float32Array(h * w * c);
  for (let i = 0; i < noise.length; i++) noise[i] = rand();
  const filtered = medianFilter(noise, h, w, c, k);
  const all = new Float32Array(b * filtered.length);
  for (let i = 0; i < b; i++) all.set(filtered, i * filtered.length);
  for (let i = 0; i < all.length; i++) all[i] /= 2;
  return tf.tensor4d(all, shape);
}
