/**
 * Per-job accumulator blocks on the wasm heap that never share a 64-byte cache line: each block
 * starts on a line and the blocks are `stride` floats apart (`size` rounded up to 16 floats).
 *
 * Pooled filter gradients give every image range its own accumulators, and every thread updates its
 * block thousands of times per job. Packed end to end from a heap address that is only 8- or
 * 16-byte aligned, two neighbouring blocks shared a line, and two threads writing that line in turn
 * moved it between the cores on every update ("false sharing"): on the 64×28²×64 stride-2 depthwise
 * filter gradient's interior, two threads took 0.79–0.95 ms with the shared line against 0.50–0.62
 * ms without (best of 40, 3 runs; a scratch harness, not kept in the repository).
 *
 * Layout: block `i` is floats `[offset + i·stride, offset + i·stride + size)` of `info`, with
 * `offset < 16` chosen so that `heapAddress(info) + 4·offset` is a multiple of 64.
 *
 * @example
 * ```ts
 * const parts = partBlocks(backend, 8, 9 * 64);      // 8 blocks of 576 floats, zero-filled
 * jobs.map((job, i) => ({ ...job, acc: parts.address(i) }));
 * sumParts(parts.view(), 8, parts.stride, 576, f32(backend, out));
 * disposeInfo(backend, parts.info);
 * ```
 */
import { f32, heapAddress } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Bytes of a cache line (x86-64 and Arm cores). */
export const CACHE_LINE = 64;

/** Blocks made by {@link partBlocks}. */
export interface PartBlocks {
  /** The heap tensor holding them (free it with disposeInfo). */
  info: TensorInfo;
  /** Floats from one block's start to the next's (a multiple of 16 unless {@link partBlocksTuning} `align` is off). */
  stride: number;
  /** Float index in `info` of block 0's first value. */
  offset: number;
  /** Byte address of block `i`. */
  address(i: number): number;
  /** A float32 view from block 0's start (re-take it after any allocation). */
  view(): Float32Array;
}

/** Tuning: `align` false packs the blocks end to end from the heap address (the old layout, for A/B runs). */
export const partBlocksTuning = { align: true };

/** `parts` zero-filled blocks of `size` floats, each starting on its own cache line. */
export function partBlocks(backend: WasmBackend, parts: number, size: number): PartBlocks {
  const lineFloats = partBlocksTuning.align ? CACHE_LINE / 4 : 1;
  const stride = Math.ceil(size / lineFloats) * lineFloats;
  const info = backend.makeOutput([parts * stride + lineFloats], 'float32');
  const base = heapAddress(backend, info);
  const offset = partBlocksTuning.align ? ((CACHE_LINE - (base % CACHE_LINE)) % CACHE_LINE) / 4 : 0;
  const view = () => f32(backend, info).subarray(offset);
  view().fill(0);
  return { info, stride, offset, address: (i) => base + 4 * (offset + i * stride), view };
}
