/**
 * Shared-memory mailboxes for the SIMD pool: the posting thread writes a task's JSON into a worker's
 * box and bumps that worker's sequence number (`Atomics.notify`); the worker, blocked in
 * `Atomics.wait` on it, wakes, reads the text and runs the task. A futex wake instead of
 * `postMessage`, whose delivery through the worker's event loop took 25–160 µs per call on this
 * project's host (an empty `pool.run`), as much as a small kernel.
 *
 * Layout per worker: `seq[slot]` (the message count), `claim[slot]` (the last message's state: posted,
 * taken by the worker, or revoked by the poster), and a box of two SharedArrayBuffer views:
 * `length` (one int32, the text's length) and `text` (`capacity` UTF-16 code units).
 *
 * A message is taken or revoked, never both: the worker takes it (`claim` posted → taken, one
 * compare-exchange) before reading the text, and the poster may revoke it (posted → revoked) when it
 * no longer needs the worker, e.g. when the posting thread has run every job of a shared task itself
 * while the worker was still waking (a sleeping vCPU's wake took 0.3 ms at the median and over 2 ms
 * at the 90th percentile inside a VGG training step here). A revoked message is skipped unread, so
 * the poster need not wait for that worker, and it never writes a box whose message was taken and
 * not yet answered.
 *
 * @example
 * ```ts
 * const mb = createMailbox(1);
 * postText(mb, 0, JSON.stringify({ task: 'x', jobs: [] }));   // false if the text does not fit
 * const { text, seen } = waitText(mb, 0, 0);                    // (in the worker)
 * ```
 */

/** The mailboxes of a pool (plain shared arrays: passed to each worker in its workerData). */
export interface Mailbox {
  /** Messages posted so far, per worker slot. */
  seq: Int32Array;
  /** Per slot: the state of its last message, {@link POSTED}, {@link TAKEN} or {@link REVOKED}. */
  claim: Int32Array;
  /** Per slot: `[length]` then the text's UTF-16 code units. */
  boxes: { length: Int32Array; text: Uint16Array }[];
}

/** Code units a box holds (a task's jobs are a few kB of JSON). */
export const MAILBOX_CHARS = 1 << 17;

/** Message states in `claim`: waiting for the worker, taken by it, withdrawn by the poster (and no message yet). */
export const POSTED = 0;
export const TAKEN = 1;
export const REVOKED = 2;

/** Mailboxes for `workers` slots of `capacity` UTF-16 code units each. */
export function createMailbox(workers: number, capacity = MAILBOX_CHARS): Mailbox {
  return {
    seq: new Int32Array(new SharedArrayBuffer(4 * workers)),
    claim: new Int32Array(new SharedArrayBuffer(4 * workers)).fill(REVOKED),
    boxes: Array.from({ length: workers }, () => ({
      length: new Int32Array(new SharedArrayBuffer(4)),
      text: new Uint16Array(new SharedArrayBuffer(2 * capacity)),
    })),
  };
}

/** Write `text` to `slot`'s box and wake its worker; false (nothing posted) when it does not fit. */
export function postText(mb: Mailbox, slot: number, text: string): boolean {
  const box = mb.boxes[slot];
  if (text.length > box.text.length) return false;
  for (let i = 0; i < text.length; i++) box.text[i] = text.charCodeAt(i);
  box.length[0] = text.length;
  Atomics.store(mb.claim, slot, POSTED); // (sequentially consistent: the text is visible before the state)
  Atomics.add(mb.seq, slot, 1);
  Atomics.notify(mb.seq, slot);
  return true;
}

/**
 * Wait while `a[i] === value`: first spinning on `Atomics.load` for up to `spinMs` (a sleeping
 * thread's futex wake took 50–120 µs on this project's 2-vCPU host), then in `Atomics.wait` (at most
 * `timeoutMs` in all). Returns false on timeout.
 */
export function spinWait(a: Int32Array, i: number, value: number, spinMs: number, timeoutMs = Infinity): boolean {
  const t0 = performance.now();
  for (let n = 0; Atomics.load(a, i) === value; n++) {
    if ((n & 255) !== 255) continue;
    const spent = performance.now() - t0;
    if (spent > timeoutMs) return false;
    if (spent > spinMs) return Atomics.wait(a, i, value, timeoutMs - spent) !== 'timed-out' || Atomics.load(a, i) !== value;
  }
  return true;
}

/**
 * Tuning: how long a worker spins for its next task, and the posting thread for a worker's answer,
 * before sleeping (ms). A worker takes `workerSpinMs` from the posting thread when the pool starts
 * (simdPool.ts passes it in workerData), so set it before the first pooled call.
 */
export const mailboxTuning = { workerSpinMs: 0.1, answerSpinMs: 5 };

/** A UTF-16LE decoder when typed arrays are little-endian (else undefined: decodeUnits falls back). */
const utf16 = (() => {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) return undefined;
  try {
    return new TextDecoder('utf-16le');
  } catch {
    return undefined;
  }
})();

/**
 * The string of UTF-16 code units `units[0, n)`. A decoder reads a non-shared copy (decoders refuse
 * shared memory): ~6 µs for a 4.7k-unit task text, against ~124 µs for `String.fromCharCode(...units)`,
 * whose argument spread was most of a worker's 0.3–0.5 ms start on a pooled depthwise gradient.
 * Texts come from `JSON.stringify`, which never leaves a lone surrogate (a decoder would replace it).
 */
export function decodeUnits(units: Uint16Array, n: number): string {
  const copy = units.slice(0, n);
  if (utf16) return utf16.decode(copy);
  let text = '';
  for (let i = 0; i < n; i += 8192) text += String.fromCharCode.apply(null, copy.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  return text;
}

/**
 * Block until `slot` has a message after the `seen`-th that this thread takes (revoked ones are
 * skipped unread); its text and the message count seen.
 */
export function waitText(mb: Mailbox, slot: number, seen: number): { text: string; seen: number } {
  for (;;) {
    while (!spinWait(mb.seq, slot, seen, mailboxTuning.workerSpinMs));
    seen = Atomics.load(mb.seq, slot);
    const text = takeText(mb, slot);
    if (text !== undefined) return { text, seen };
  }
}

/** Take `slot`'s last message: its text, or undefined when it was revoked or already taken. */
export function takeText(mb: Mailbox, slot: number): string | undefined {
  if (Atomics.compareExchange(mb.claim, slot, POSTED, TAKEN) !== POSTED) return undefined;
  const box = mb.boxes[slot];
  return decodeUnits(box.text, box.length[0]);
}

/** Withdraw `slot`'s last message if its worker has not taken it: true when revoked (it will never run). */
export function revokeText(mb: Mailbox, slot: number): boolean {
  return Atomics.compareExchange(mb.claim, slot, POSTED, REVOKED) === POSTED;
}
