import { describe, expect, it } from 'vitest';
import { claimEach, decodeTask, encodeTask } from '../../../src/backend/wasm/poolJobs.js';

describe('SIMD pool task texts (poolJobs.ts)', () => {
  const g = { batch: 64, inHeight: 28, padInfo: { top: 0, left: 0, type: 'SAME' }, inShape: [64, 28, 28, 64] };

  it('writes the fields every job shares once and gives back equal jobs', () => {
    const jobs = Array.from({ length: 8 }, (_, i) => ({ g, x: 1024, acc: 4096 + 2304 * i, n0: 8 * i, n1: 8 * i + 8, fma: true }));
    const text = encodeTask('depthwiseGenerated', jobs, true);
    expect(text.split('"inHeight"').length - 1).toBe(1); // the geometry once, not per job
    expect(text.length).toBeLessThan(JSON.stringify({ task: 'depthwiseGenerated', jobs }).length / 2);
    expect(decodeTask(text)).toEqual({ task: 'depthwiseGenerated', shared: true, jobs });
  });

  it('keeps a field per job when its values differ, a job lacks it, or only one job is posted', () => {
    const jobs = [{ a: 1, b: 2, c: 'x' }, { a: 1, b: 3 }, { a: 1, b: 2, c: 'x' }];
    const m = JSON.parse(encodeTask('t', jobs, false)) as { common: object; jobs: object[] };
    expect(m.common).toEqual({ a: 1 });
    expect(m.jobs).toEqual([{ b: 2, c: 'x' }, { b: 3 }, { b: 2, c: 'x' }]);
    expect(decodeTask(encodeTask('t', jobs, false))).toEqual({ task: 't', shared: false, jobs });
    expect(JSON.parse(encodeTask('t', [{ a: 1 }], true)).common).toEqual({});
    expect(decodeTask(encodeTask('t', [], true))).toEqual({ task: 't', shared: true, jobs: [] });
  });

  it('treats distinct objects equal in value, and the number 1 and the string 1, as per-job fields (shared means the same value)', () => {
    const jobs = [{ g: { h: 1 }, n: 0, s: 1 }, { g: { h: 1 }, n: 1, s: '1' }];
    expect(JSON.parse(encodeTask('t', jobs, true)).common).toEqual({});
    expect(decodeTask(encodeTask('t', jobs, true)).jobs).toEqual(jobs);
  });

  it('reads a text without shared fields (the plain job list)', () => {
    expect(decodeTask(JSON.stringify({ task: 't', jobs: [{ n: 1 }] }))).toEqual({ task: 't', shared: false, jobs: [{ n: 1 }] });
  });

  it('claimEach runs each job the counter hands out once, from where the counter stands', () => {
    const next = new Int32Array(new SharedArrayBuffer(4));
    const seen: number[] = [];
    Atomics.store(next, 0, 2); // another thread already took jobs 0 and 1
    claimEach(next, [10, 11, 12, 13], (j) => seen.push(j));
    expect(seen).toEqual([12, 13]);
    claimEach(next, [10, 11, 12, 13], (j) => seen.push(j)); // none left
    expect(seen).toEqual([12, 13]);
  });
});
