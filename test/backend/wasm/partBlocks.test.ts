import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/backend/tf.js';
import { initBackend } from '../../../src/backend/initBackend.js';
import { CACHE_LINE, partBlocks, partBlocksTuning } from '../../../src/backend/wasm/partBlocks.js';
import { disposeInfo, f32, heapAddress } from '../../../src/backend/wasm/wasmHeap.js';
import type { TensorInfo, WasmBackend } from '../../../src/backend/wasm/wasmHeap.js';

describe('partBlocks (partBlocks.ts): per-job accumulators that never share a cache line', () => {
  it('starts every block on a line, zero-filled, inside its tensor, whatever the heap address', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const numTensors = tf.memory().numTensors;
    // small allocations in between move the next address through several alignments
    const spacers: TensorInfo[] = [];
    const bases = new Set<number>();
    for (const [parts, size] of [[8, 576], [3, 1], [5, 17], [2, 16], [8, 9 * 32]]) {
      for (let k = 0; k < 4; k++) {
        spacers.push(backend.makeOutput([1 + k], 'float32'));
        f32(backend, spacers[spacers.length - 1]).fill(7); // dirty memory next to the blocks
        const b = partBlocks(backend, parts, size);
        bases.add(heapAddress(backend, b.info) % CACHE_LINE);
        expect(b.stride % 16).toBe(0);
        expect(b.stride).toBeGreaterThanOrEqual(size);
        expect(b.stride - size).toBeLessThan(16);
        for (let i = 0; i < parts; i++) {
          expect(b.address(i) % CACHE_LINE).toBe(0);
          expect(b.address(i)).toBe(b.address(0) + 4 * i * b.stride);
        }
        // block 0 at the view's start; the last block's end inside the tensor
        expect(b.address(0)).toBe(heapAddress(backend, b.info) + 4 * b.offset);
        expect(b.offset + (parts - 1) * b.stride + size).toBeLessThanOrEqual(f32(backend, b.info).length);
        expect(b.view().every((v) => v === 0)).toBe(true);
        disposeInfo(backend, b.info);
      }
    }
    expect(bases.size).toBeGreaterThan(1); // (the layouts above met more than one misalignment)
    for (const s of spacers) disposeInfo(backend, s);
    expect(tf.memory().numTensors).toBe(numTensors);
  });

  it('packs the blocks end to end when alignment is tuned off (the A/B layout)', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    partBlocksTuning.align = false;
    try {
      const b = partBlocks(backend, 4, 10);
      expect(b.stride).toBe(10);
      expect(b.offset).toBe(0);
      expect(b.address(3)).toBe(heapAddress(backend, b.info) + 4 * 30);
      disposeInfo(backend, b.info);
    } finally {
      partBlocksTuning.align = true;
    }
  });
});
