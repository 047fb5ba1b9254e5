/** L-BFGS iteration state and its conversion to / from plain JSON-safe data. */
import { describeValue } from './validate.js';

/** Why the last `lbfgs.step` stopped. */
export type LbfgsStopReason = 'maxIter' | 'maxEval' | 'toleranceGrad' | 'toleranceChange' | 'nanLoss';

/**
 * L-BFGS state, readable as `opt.state` (flat vectors are Float32Arrays over all params, in
 * param order). `funcEvals` counts closure evaluations since creation (cumulative, including a
 * step's first evaluation and every line-search evaluation); `nIter` counts iterations.
 *
 * @example
 * ```ts
 * while (opt.state.funcEvals < 500) opt.step(loss);
 * ```
 */
export interface LbfgsState {
  funcEvals: number;
  nIter: number;
  /** Why the last step stopped ('nanLoss': a NaN loss, params restored). */
  stopReason?: LbfgsStopReason;
  d?: Float32Array;
  t?: number;
  oldDirs: Float32Array[];
  oldStps: Float32Array[];
  ro: number[];
  hDiag: number;
  prevFlatGrad?: Float32Array;
  prevLoss?: number;
}

/** An empty state. @example `opt.state = freshLbfgsState()` */
export function freshLbfgsState(): LbfgsState {
  return { funcEvals: 0, nIter: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1 };
}

/**
 * The state as plain data (number arrays, nulls for absent entries).
 *
 * @example
 * ```ts
 * JSON.stringify(lbfgsStateToData(opt.state));
 * ```
 */
export function lbfgsStateToData(s: LbfgsState): Record<string, unknown> {
  const arr = (a?: Float32Array) => (a ? Array.from(a) : null);
  return {
    funcEvals: s.funcEvals, nIter: s.nIter, stopReason: s.stopReason ?? null, d: arr(s.d), t: s.t ?? null,
    oldDirs: s.oldDirs.map((a) => Array.from(a)), oldStps: s.oldStps.map((a) => Array.from(a)), ro: [...s.ro],
    hDiag: s.hDiag, prevFlatGrad: arr(s.prevFlatGrad), prevLoss: s.prevLoss ?? null,
  };
}

/**
 * Rebuild a state from {@link lbfgsStateToData}'s output, checking every vector has `n` values.
 *
 * @example
 * ```ts
 * const st = lbfgsStateFromData(JSON.parse(saved), 196608);
 * ```
 */
export function lbfgsStateFromData(extra: unknown, n: number): LbfgsState {
  const where = 'lbfgs.loadStateDict: extra';
  const e = (extra ?? {}) as Record<string, unknown>;
  const num = (k: string, dflt: number): number => {
    const v = e[k] ?? dflt;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${where}.${k} is ${describeValue(v)}; allowed: a number`);
    return v;
  };
  const vec = (k: string, v: unknown): Float32Array | undefined => {
    if (v === null || v === undefined) return undefined;
    if (!Array.isArray(v) || v.length !== n) throw new RangeError(`${where}.${k} has ${Array.isArray(v) ? v.length : describeValue(v)} values; allowed: ${n} (the params' total size) or null`);
    return Float32Array.from(v as number[]);
  };
  const list = (k: string): unknown[] => {
    const v = e[k] ?? [];
    if (!Array.isArray(v)) throw new TypeError(`${where}.${k} is ${describeValue(v)}; allowed: an array`);
    return v;
  };
  const s: LbfgsState = {
    funcEvals: num('funcEvals', 0), nIter: num('nIter', 0), d: vec('d', e.d), t: e.t == null ? undefined : num('t', 0),
    oldDirs: list('oldDirs').map((a, i) => vec(`oldDirs[${i}]`, a)!), oldStps: list('oldStps').map((a, i) => vec(`oldStps[${i}]`, a)!),
    ro: list('ro').map(Number), hDiag: num('hDiag', 1), prevFlatGrad: vec('prevFlatGrad', e.prevFlatGrad),
    prevLoss: e.prevLoss == null ? undefined : num('prevLoss', 0), stopReason: (e.stopReason as LbfgsStopReason | null) ?? undefined,
  };
  if (s.oldDirs.length !== s.oldStps.length || s.ro.length !== s.oldDirs.length) {
    throw new RangeError(`${where}: oldDirs/oldStps/ro have ${s.oldDirs.length}/${s.oldStps.length}/${s.ro.length} entries; allowed: equal lengths`);
  }
  return s;
}
