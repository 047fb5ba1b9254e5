import type { tf } from '../backend/tf.js';

/** One mini-batch. The tensors belong to whoever receives them (the training loop disposes them). */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/**
 * A source of mini-batches. `length` is the number of batches per epoch (fastai's `len(dl)`);
 * `batches(epoch)` yields that epoch's batches in order (a seeded shuffle depends on the epoch, so an
 * epoch's order can be replayed when a run resumes from a checkpoint).
 */
export interface Dataset {
  /** Batches per epoch. */
  readonly length: number;
  /** Examples per epoch. */
  readonly size: number;
  /** The batch size (the last batch may be smaller unless dropLast). */
  readonly batchSize: number;
  /** Shape of one example's x, e.g. [8, 8, 1]. */
  readonly exampleShape: number[];
  /** Shape of one example's y ([] for integer labels). */
  readonly labelShape: number[];
  /** The batches of epoch `epoch` (0-based). */
  batches(epoch?: number): Iterable<Batch>;
  /** Free the tensors the dataset owns. */
  dispose(): void;
}

/** A deterministic PRNG (mulberry32): the same seed gives the same sequence in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates permutation of 0 … n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
