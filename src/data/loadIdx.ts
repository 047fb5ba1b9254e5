import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { requireBackend } from '../backend/initBackend.js';
import { tf } from '../backend/tf.js';

function readMaybeGz(file: string): Buffer {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new Error(`loadIdx cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf;
}

/** Parse an IDX file of unsigned bytes: returns its dimensions and the data view. */
export function parseIdx(buf: Buffer, file: string): { dims: number[]; data: Uint8Array } {
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new Error(`${file} is not an IDX file (bad magic number)`);
  if (buf[2] !== 0x08) throw new Error(`${file}: IDX data type 0x${buf[2].toString(16)} is not supported; allowed: 0x08 (unsigned byte)`);
  const rank = buf[3];
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== offset + count) {
    throw new Error(`${file}: header says ${dims.join('×')} = ${count} bytes of data but the file has ${buf.length - offset}`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, count) };
}

/**
 * Load an MNIST-format (IDX) image file and its label file, gzipped or not — e.g. Fashion-MNIST's
 * `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz`.
 *
 * @returns x: float32 [n, h, w, 1] scaled to 0..1; y: int32 [n]. The caller owns both.
 * @example
 * ```ts
 * const { x, y } = loadIdx('fashion/t10k-images-idx3-ubyte.gz', 'fashion/t10k-labels-idx1-ubyte.gz');
 * x.shape; // [10000, 28, 28, 1]
 * ```
 */
export function loadIdx(imagesFile: string, labelsFile: string): { x: tf.Tensor4D; y: tf.Tensor1D } {
  requireBackend('loadIdx');
  const images = parseIdx(readMaybeGz(imagesFile), imagesFile);
  const labels = parseIdx(readMaybeGz(labelsFile), labelsFile);
  if (images.dims.length !== 3) throw new Error(`${imagesFile} has ${images.dims.length} dimensions; expected 3 (n, rows, cols)`);
  if (labels.dims.length !== 1) throw new Error(`${labelsFile} has ${labels.dims.length} dimensions; expected 1 (n)`);
  const [n, h, w] = images.dims;
  if (labels.dims[0] !== n) throw new Error(`${imagesFile} has ${n} images but ${labelsFile} has ${labels.dims[0]} labels`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { x: tf.tensor4d(pixels, [n, h, w, 1]), y: tf.tensor1d(Int32Array.from(labels.data), 'int32') };
}
