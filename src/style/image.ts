/** Read and write images as 0..1 RGB NHWC tensors, with sharp (loaded lazily). */
import { access } from 'node:fs/promises';
import { extname } from 'node:path';
import { tf } from '../backend/tf.js';

type Sharp = typeof import('sharp').default;

let sharpLib: Promise<Sharp> | undefined;
function loadSharp(): Promise<Sharp> {
  sharpLib ??= import('sharp').then((m) => ((m as unknown as { default?: Sharp }).default ?? m) as Sharp);
  return sharpLib;
}

/** Options of {@link readImage}. */
export interface ReadImageOptions {
  /** Resize the shorter side to `size`, then centre-crop `size`×`size` (fastai's val_tfms). */
  size?: number;
}

/** Largest `size` accepted (an image of 2048² already needs ~50 MB per activation copy in VGG block 1). */
export const MAX_IMAGE_SIZE = 2048;

/** Validate an image size: an integer in 1..MAX_IMAGE_SIZE. */
export function checkSize(size: unknown, field: string): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0 || size > MAX_IMAGE_SIZE) {
    throw new RangeError(`${field} is ${JSON.stringify(size)}; allowed: an integer in 1..${MAX_IMAGE_SIZE}`);
  }
  return size;
}

/**
 * Read an image file (PNG, JPEG, WebP, …) as a `[1, h, w, 3]` float32 tensor of 0..1 RGB (alpha
 * dropped, greyscale expanded). With `size`: shorter side scaled to `size`, then the centre
 * `size`×`size` crop. A missing or unreadable file is a RangeError naming the path.
 *
 * @example
 * ```ts
 * const cat = await readImage('chelsea.png', { size: 256 });   // [1, 256, 256, 3]
 * ```
 */
export async function readImage(path: string, opts: ReadImageOptions = {}): Promise<tf.Tensor4D> {
  if (opts.size !== undefined) checkSize(opts.size, 'readImage: size');
  try {
    await access(path);
  } catch {
    throw new RangeError(`readImage: cannot read ${JSON.stringify(path)} (no such file or not readable)`);
  }
  const sharp = await loadSharp();
  let pipeline = sharp(path).rotate().removeAlpha().toColourspace('srgb');
  if (opts.size !== undefined) pipeline = pipeline.resize(opts.size, opts.size, { fit: 'cover', position: 'centre' });
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new RangeError(`readImage: cannot decode ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  const { width, height, channels } = raw.info;
  const px = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let ch = 0; ch < 3; ch++) px[p * 3 + ch] = raw.data[p * channels + (channels >= 3 ? ch : 0)] / 255;
  }
  return tf.tensor4d(px, [1, height, width, 3]);
}

/**
 * Write a 0..1 RGB image (`[1, h, w, 3]` or `[h, w, 3]`; values clipped to 0..1) to a file whose
 * extension picks the format: .png, .jpg/.jpeg (quality 92) or .webp. The tensor is not disposed.
 *
 * @example
 * ```ts
 * await writeImage('out.png', result.image);
 * ```
 */
export async function writeImage(path: string, img: tf.Tensor): Promise<void> {
  const shape = img.rank === 4 ? img.shape.slice(1) : img.shape;
  if ((img.rank !== 3 && !(img.rank === 4 && img.shape[0] === 1)) || shape[2] !== 3) {
    throw new RangeError(`writeImage: img has shape [${img.shape}]; allowed: [1, h, w, 3] or [h, w, 3]`);
  }
  const [h, w] = shape;
  const data = tf.tidy(() => tf.round(tf.mul(tf.clipByValue(img, 0, 1), 255))).dataSync() as Float32Array;
  const bytes = Uint8Array.from(data);
  const sharp = await loadSharp();
  const ext = extname(path).toLowerCase();
  let pipeline = sharp(Buffer.from(bytes.buffer), { raw: { width: w, height: h, channels: 3 } });
  if (ext === '.png') pipeline = pipeline.png();
  else if (ext === '.jpg' || ext === '.jpeg') pipeline = pipeline.jpeg({ quality: 92 });
  else if (ext === '.webp') pipeline = pipeline.webp({ quality: 92 });
  else throw new RangeError(`writeImage: ${JSON.stringify(path)} has extension ${JSON.stringify(ext)}; allowed: .png, .jpg, .jpeg, .webp`);
  await pipeline.toFile(path);
}
