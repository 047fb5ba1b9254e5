import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { requireBackend } from '../backend/initBackend.js';
import { tf } from '../backend/tf.js';

/** Where the bundled digits file lives (data/digits.csv.gz at the package root). */
export const DIGITS_FILE = fileURLToPath(new URL('../../data/digits.csv.gz', import.meta.url));

/**
 * The scikit-learn digits data set, bundled: 1797 handwritten digits as 8×8 grey images.
 * Pixels (0..16 in the file) are scaled to 0..1. Data: E. Alpaydin and C. Kaynak, UCI, CC BY 4.0.
 *
 * @returns x: float32 [1797, 8, 8, 1] in 0..1; y: int32 [1797] labels 0–9. The caller owns both.
 * @example
 * ```ts
 * const { x, y } = loadDigits();
 * x.shape; // [1797, 8, 8, 1]
 * ```
 */
export function loadDigits(): { x: tf.Tensor4D; y: tf.Tensor1D } {
  requireBackend('loadDigits');
  const text = gunzipSync(readFileSync(DIGITS_FILE)).toString('utf8');
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  const pixels = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    const v = row.split(',');
    if (v.length !== 65) throw new Error(`${DIGITS_FILE}: row ${i + 1} has ${v.length} values; expected 65`);
    for (let j = 0; j < 64; j++) pixels[i * 64 + j] = Number(v[j]) / 16;
    labels[i] = Number(v[64]);
  });
  return { x: tf.tensor4d(pixels, [rows.length, 8, 8, 1]), y: tf.tensor1d(labels, 'int32') };
}
