/**
 * The text of a SIMD pool task (simdPool.ts → simdWorker.ts): JSON of the task name and its job
 * list, with the fields every job shares written once. A kernel's jobs usually differ only in an
 * image range and an accumulator address while sharing a geometry of ~40 fields: the stride-2
 * depthwise filter gradient's 8 jobs went from 4024 to 780 characters, and stringifying and copying
 * them into a mailbox from 39 to 14 µs (best of 3000), so the posting thread starts its own jobs
 * sooner, as does the worker (it decodes and parses the text).
 *
 * Formula: `common = { k: jobs[0][k] | every job has k with jobs[i][k] === jobs[0][k] }`,
 * `own_i = jobs[i] without those keys`; decoding gives `jobs[i] = { ...common, ...own_i }` (equal as
 * JSON; shared objects come back as one object per job).
 *
 * @example
 * ```ts
 * const text = encodeTask('depthwiseGenerated', [{ g, n0: 0, n1: 8 }, { g, n0: 8, n1: 16 }], true);
 * decodeTask(text); // { task: 'depthwiseGenerated', shared: true, jobs: [{ g, n0: 0, n1: 8 }, { g, n0: 8, n1: 16 }] }
 * ```
 */

/** A decoded task: its name, whether jobs are claimed from the pool's shared counter, and the jobs. */
export interface TaskMessage<J = Record<string, unknown>> {
  task: string;
  shared: boolean;
  jobs: J[];
}

/** JSON text of `task` with `jobs` (plain-data objects), their shared fields factored out. */
export function encodeTask(task: string, jobs: readonly object[], shared: boolean): string {
  const list = jobs as readonly Record<string, unknown>[];
  const first = list[0] ?? {};
  const keys = Object.keys(first).filter((k) => list.length > 1 && list.every((j) => Object.prototype.hasOwnProperty.call(j, k) && j[k] === first[k]));
  const common: Record<string, unknown> = {};
  for (const k of keys) common[k] = first[k];
  const own = keys.length ? list.map((j) => {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(j)) if (!(k in common)) o[k] = j[k];
    return o;
  }) : list;
  return JSON.stringify({ task, shared, common, jobs: own });
}

/** The task of {@link encodeTask}'s `text`, each job its shared fields then its own. */
export function decodeTask<J = Record<string, unknown>>(text: string): TaskMessage<J> {
  const m = JSON.parse(text) as { task: string; shared?: boolean; common?: Record<string, unknown>; jobs: Record<string, unknown>[] };
  const common = m.common ?? {};
  const hasCommon = Object.keys(common).length > 0;
  return { task: m.task, shared: m.shared === true, jobs: (hasCommon ? m.jobs.map((j) => ({ ...common, ...j })) : m.jobs) as J[] };
}

/**
 * Run the jobs this thread claims from a shared task's counter `next[0]` (every thread of the pool,
 * the posting one included, calls this on the same list): `run(jobs[i])` for each `i` it draws, until
 * the counter passes the list's end.
 */
export function claimEach<J>(next: Int32Array, jobs: readonly J[], run: (job: J) => void): void {
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) run(jobs[i]);
}
