import { describe, expect, it } from 'vitest';
import { createMailbox, decodeUnits, postText, revokeText, spinWait, takeText, waitText } from '../../../src/backend/wasm/poolMailbox.js';

describe('SIMD pool mailboxes (poolMailbox.ts)', () => {
  it('delivers each posted text once, in order, per slot (non-ASCII too)', () => {
    const mb = createMailbox(2, 64);
    expect(postText(mb, 1, JSON.stringify({ task: 'a', jobs: [{ n0: 0, n1: 32 }] }))).toBe(true);
    const first = waitText(mb, 1, 0);
    expect(JSON.parse(first.text)).toEqual({ task: 'a', jobs: [{ n0: 0, n1: 32 }] });
    expect(first.seen).toBe(1);
    expect(postText(mb, 1, 'γ→δ')).toBe(true);
    expect(waitText(mb, 1, first.seen)).toEqual({ text: 'γ→δ', seen: 2 });
    expect(Atomics.load(mb.seq, 0)).toBe(0); // the other slot saw nothing
  });

  it('round-trips long texts with surrogate pairs, across chunk boundaries, from shared memory', () => {
    const text = JSON.stringify({ task: 'τ', jobs: Array.from({ length: 900 }, (_, i) => ({ n0: i, s: '😀x' })) });
    expect(text.length).toBeGreaterThan(16384);
    const mb = createMailbox(1, 1 << 15);
    expect(postText(mb, 0, text)).toBe(true);
    expect(waitText(mb, 0, 0).text).toBe(text);
    const units = new Uint16Array(new SharedArrayBuffer(2 * text.length));
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    expect(decodeUnits(units, 8193)).toBe(text.slice(0, 8193));
    expect(decodeUnits(units, 0)).toBe('');
  });

  it('skips a revoked message unread; a taken one can no longer be revoked', () => {
    const mb = createMailbox(1, 64);
    expect(revokeText(mb, 0)).toBe(false); // nothing posted yet
    expect(postText(mb, 0, 'first')).toBe(true);
    expect(revokeText(mb, 0)).toBe(true);
    expect(revokeText(mb, 0)).toBe(false); // (once)
    expect(takeText(mb, 0)).toBeUndefined(); // a worker waking now skips it
    expect(postText(mb, 0, 'second')).toBe(true);
    expect(waitText(mb, 0, 0)).toEqual({ text: 'second', seen: 2 });
    expect(revokeText(mb, 0)).toBe(false); // taken
    expect(takeText(mb, 0)).toBeUndefined(); // (once)
    expect(postText(mb, 0, 'third')).toBe(true);
    expect(waitText(mb, 0, 1)).toEqual({ text: 'third', seen: 3 }); // a stale count still finds the newest message
  });

  it('refuses a text longer than the box without posting anything', () => {
    const mb = createMailbox(1, 8);
    expect(postText(mb, 0, '123456789')).toBe(false);
    expect(Atomics.load(mb.seq, 0)).toBe(0);
    expect(postText(mb, 0, '12345678')).toBe(true);
    expect(waitText(mb, 0, 0).text).toBe('12345678');
  });

  it('spinWait returns at once when the value already differs, and false after its timeout', () => {
    const a = new Int32Array(new SharedArrayBuffer(8));
    a[0] = 1;
    expect(spinWait(a, 0, 0, 1, 50)).toBe(true);
    const t0 = Date.now();
    expect(spinWait(a, 1, 0, 1, 20)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(19);
  });
});
