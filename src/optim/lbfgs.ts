/** L-BFGS with optional strong-Wolfe line search, following torch.optim.LBFGS. */
import { tf } from '../backend/tf.js';
import { Optimizer, type ParamState, type UpdateResult } from './optimizer.js';
import type { GradientsInput, Hypers, OptimizerStateDict, ParamsInput } from './types.js';
import { absMax, dot, strongWolfe } from './lineSearch.js';
import { buildGroups, checkHyper, describeValue } from './validate.js';
import { freshLbfgsState as fresh, lbfgsStateFromData, lbfgsStateToData, type LbfgsState } from './lbfgsState.js';

export type { LbfgsState, LbfgsStopReason } from './lbfgsState.js';

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Step length (initial step of the line search), > 0; default 1. */
  lr?: number;
  /** Max iterations per `step`; default 20. */
  maxIter?: number;
  /** Max loss evaluations per `step`; default floor(maxIter * 1.25). */
  maxEval?: number;
  /** Stop when max |grad| <= this; default 1e-7. */
  toleranceGrad?: number;
  /** Stop when the loss or the step changes less than this; default 1e-9. */
  toleranceChange?: number;
  /** Number of (s, y) pairs kept; default 100. */
  historySize?: number;
  /** 'strongWolfe' for the strong-Wolfe line search; default none (fixed step lr). */
  lineSearch?: 'strongWolfe' | null;
}

class NanLoss extends Error {}

const KEYS = ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearch'];

function resolve(base: Record<string, unknown>, spec: Record<string, unknown>, field: string): Hypers {
  const o = { ...base, ...Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) };
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) throw new RangeError(`${field}: unknown option ${JSON.stringify(k)}; allowed: ${KEYS.join(', ')}`);
  const ls = o.lineSearch ?? null;
  if (ls !== null && ls !== 'strongWolfe') throw new RangeError(`${field}: lineSearch is ${describeValue(ls)}; allowed: 'strongWolfe' or null`);
  const maxIter = checkHyper(`${field}: maxIter`, 'maxIter', o.maxIter ?? 20) as number;
  return {
    lr: checkHyper(`${field}: lr`, 'lr', o.lr ?? 1),
    maxIter,
    maxEval: checkHyper(`${field}: maxEval`, 'maxEval', o.maxEval ?? Math.floor((maxIter * 5) / 4)),
    toleranceGrad: checkHyper(`${field}: toleranceGrad`, 'toleranceGrad', o.toleranceGrad ?? 1e-7),
    toleranceChange: checkHyper(`${field}: toleranceChange`, 'toleranceChange', o.toleranceChange ?? 1e-9),
    historySize: checkHyper(`${field}: historySize`, 'historySize', o.historySize ?? 100),
    strongWolfe: ls === 'strongWolfe',
  };
}


/** L-BFGS (torch.optim.LBFGS). Create it with {@link lbfgs}. */
export class LBFGS extends Optimizer {
  protected readonly bufferNames = [] as const;
  /** Iteration state: `funcEvals`, `nIter`, `stopReason`, history. */
  state: LbfgsState = fresh();
  private readonly numel: number;

  constructor(params: ParamsInput<LbfgsOptions>, opts: LbfgsOptions = {}) {
    const base = (opts ?? {}) as unknown as Record<string, unknown>;
    const groups = buildGroups('lbfgs', params, (spec, field) => resolve(base, spec, field));
    if (groups.length !== 1) throw new RangeError(`lbfgs: params has ${groups.length} param groups; allowed: 1 (L-BFGS has one global state)`);
    super('lbfgs', groups, ['lr']);
    this.numel = groups[0].params.reduce((n, p) => n + p.size, 0);
  }

  protected update(_p: tf.Variable, _g: tf.Tensor, _s: ParamState, _h: Hypers, _k: (v: number) => tf.Scalar): UpdateResult {
    throw new TypeError('lbfgs: no per-variable update; use step(closure)');
  }

  /** Not available: L-BFGS needs to re-evaluate the loss. Throws a TypeError; use {@link step}. */
  override applyGradients(_grads: GradientsInput): void {
    throw new TypeError('lbfgs.applyGradients: not supported; allowed: step(closure) (L-BFGS re-evaluates the loss)');
  }

  private readFlat(): Float32Array {
    const x = new Float32Array(this.numel);
    let off = 0;
    for (const p of this.paramGroups[0].params) { x.set(p.dataSync() as Float32Array, off); off += p.size; }
    return x;
  }

  private writeFlat(x: Float32Array): void {
    let off = 0;
    for (const p of this.paramGroups[0].params) {
      const v = tf.tensor(x.slice(off, off + p.size), p.shape, 'float32');
      p.assign(v);
      v.dispose();
      off += p.size;
    }
  }

  private evaluate(closure: () => tf.Scalar): { f: number; g: Float32Array } {
    const { loss, grads } = this.computeGradients(closure);
    const g = new Float32Array(this.numel);
    let off = 0;
    for (const p of this.paramGroups[0].params) {
      const t = grads.get(p);
      if (t) g.set(t.dataSync() as Float32Array, off);
      off += p.size;
    }
    tf.dispose([...grads.values()]);
    this.state.funcEvals += 1;
    if (Number.isNaN(loss)) throw new NanLoss();
    return { f: loss, g };
  }

  /**
   * One L-BFGS step (up to `maxIter` iterations / `maxEval` loss evaluations), exactly as
   * torch.optim.LBFGS.step. `closure` returns the loss; the optimizer computes gradients.
   * Returns the loss at the start of the step. If an evaluation gives a NaN loss, the step stops,
   * the parameters and the history are restored to what they were before this step,
   * `state.stopReason` becomes 'nanLoss' and a warning is printed (console.warn); no error is thrown.
   */
  override step(closure: () => tf.Scalar): number {
    const h = this.paramGroups[0].hypers;
    const lr = h.lr as number, maxIter = h.maxIter as number, maxEval = h.maxEval as number;
    const tolGrad = h.toleranceGrad as number, tolChange = h.toleranceChange as number, histSize = h.historySize as number;
    const s = this.state;
    const saved: LbfgsState = { ...s, oldDirs: [...s.oldDirs], oldStps: [...s.oldStps], ro: [...s.ro] };
    const x0 = this.readFlat();
    let origLoss: number;
    let first: { f: number; g: Float32Array };
    try {
      first = this.evaluate(closure);
    } catch (e) {
      if (!(e instanceof NanLoss)) throw e;
      return this.abort(x0, saved, NaN);
    }
    origLoss = first.f;
    let loss = first.f;
    let flatGrad = first.g;
    let currentEvals = 1;
    if (absMax(flatGrad) <= tolGrad) { s.stopReason = 'toleranceGrad'; return origLoss; }
    let x = x0;
    let { d, t } = s;
    let nIter = 0;
    try {
      while (nIter < maxIter) {
        nIter += 1;
        s.nIter += 1;
        if (s.nIter === 1) {
          d = flatGrad.map((v) => -v);
          s.oldDirs = []; s.oldStps = []; s.ro = []; s.hDiag = 1;
        } else {
          const y = new Float32Array(this.numel), st = new Float32Array(this.numel);
          const pg = s.prevFlatGrad!, dd = d!, tt = t!;
          for (let i = 0; i < y.length; i++) { y[i] = flatGrad[i] - pg[i]; st[i] = dd[i] * tt; }
          const ys = dot(y, st);
          if (ys > 1e-10) {
            if (s.oldDirs.length === histSize) { s.oldDirs.shift(); s.oldStps.shift(); s.ro.shift(); }
            s.oldDirs.push(y); s.oldStps.push(st); s.ro.push(1 / ys);
            s.hDiag = ys / dot(y, y);
          }
          // two-loop recursion: d = -H g
          const num = s.oldDirs.length, al = new Array<number>(num);
          const q = flatGrad.map((v) => -v);
          for (let i = num - 1; i >= 0; i--) {
            al[i] = dot(s.oldStps[i], q) * s.ro[i];
            const dir = s.oldDirs[i], a = al[i];
            for (let k = 0; k < q.length; k++) q[k] -= a * dir[k];
          }
          for (let k = 0; k < q.length; k++) q[k] *= s.hDiag;
          for (let i = 0; i < num; i++) {
            const c = al[i] - dot(s.oldDirs[i], q) * s.ro[i], stp = s.oldStps[i];
            for (let k = 0; k < q.length; k++) q[k] += c * stp[k];
          }
          d = q;
        }
        s.prevFlatGrad = flatGrad;
        s.prevLoss = loss;
        const prevLoss = loss;
        let sumAbs = 0;
        for (let i = 0; i < flatGrad.length; i++) sumAbs += Math.abs(flatGrad[i]);
        t = s.nIter === 1 ? Math.min(1, 1 / sumAbs) * lr : lr;
        const gtd = dot(flatGrad, d!);
        if (gtd > -tolChange) { s.stopReason = 'toleranceChange'; break; }
        let lsEvals = 0;
        let optCond = false;
        const dir = d!, xBase = x;
        const moved = (step: number): Float32Array => {
          const out = new Float32Array(xBase.length);
          for (let i = 0; i < out.length; i++) out[i] = xBase[i] + step * dir[i];
          return out;
        };
        if (h.strongWolfe) {
          const r = strongWolfe((tt) => { this.writeFlat(moved(tt)); return this.evaluate(closure); }, dir, t, loss, flatGrad, gtd, 1e-4, 0.9, tolChange);
          loss = r.f; flatGrad = r.g; t = r.t; lsEvals = r.evals;
          x = moved(t);
          this.writeFlat(x);
          optCond = absMax(flatGrad) <= tolGrad;
        } else {
          x = moved(t);
          this.writeFlat(x);
          if (nIter !== maxIter) {
            const r = this.evaluate(closure);
            loss = r.f; flatGrad = r.g; lsEvals = 1;
            optCond = absMax(flatGrad) <= tolGrad;
          }
        }
        currentEvals += lsEvals;
        if (nIter === maxIter) { s.stopReason = 'maxIter'; break; }
        if (currentEvals >= maxEval) { s.stopReason = 'maxEval'; break; }
        if (optCond) { s.stopReason = 'toleranceGrad'; break; }
        let stepMax = 0;
        for (let i = 0; i < dir.length; i++) stepMax = Math.max(stepMax, Math.abs(dir[i] * t));
        if (stepMax <= tolChange) { s.stopReason = 'toleranceChange'; break; }
        if (Math.abs(loss - prevLoss) < tolChange) { s.stopReason = 'toleranceChange'; break; }
      }
    } catch (e) {
      if (!(e instanceof NanLoss)) throw e;
      return this.abort(x0, saved, origLoss);
    }
    s.d = d; s.t = t;
    return origLoss;
  }

  private abort(x0: Float32Array, saved: LbfgsState, ret: number): number {
    this.writeFlat(x0);
    this.state = { ...saved, funcEvals: this.state.funcEvals, stopReason: 'nanLoss' };
    console.warn('phasewise lbfgs: the loss is NaN; step stopped, parameters restored to their values before this step (state.stopReason = "nanLoss")');
    return ret;
  }

  /** State as plain data: `extra` holds funcEvals, nIter, d, t, history (number arrays), hDiag, prevFlatGrad, prevLoss. */
  override stateDict(): OptimizerStateDict {
    return {
      name: this.name, groups: [{ hypers: { ...this.paramGroups[0].hypers } }],
      state: [this.paramGroups[0].params.map(() => null)], extra: lbfgsStateToData(this.state),
    };
  }

  /** Restore a state saved by {@link stateDict} (same total parameter size); validated first. */
  override loadStateDict(sd: OptimizerStateDict): void {
    const hypers = this.checkStateDict(sd);
    const next = lbfgsStateFromData(sd.extra, this.numel);
    this.paramGroups[0].hypers = hypers[0];
    this.state = next;
  }

  /** Drop the history (frees its memory; lbfgs keeps no tensors between steps). */
  override dispose(): void {
    this.state = fresh();
  }
}

/**
 * L-BFGS, torch.optim.LBFGS semantics: two-loop recursion over the last `historySize` pairs
 * (s = t*d, y = g_new - g_old, kept when y·s > 1e-10, H0 = y·s / y·y), first step length
 * `min(1, 1/sum|g|) * lr`, then `lr`; optional strong-Wolfe line search. One param group only.
 * `step(closure)` returns the loss at the start of the step; `opt.state.funcEvals` counts closure
 * evaluations (cumulative) and `opt.state.nIter` iterations. Hyper: 'lr' only.
 *
 * @example
 * ```ts
 * const img = tf.variable(init);
 * const opt = lbfgs([img], { lineSearch: 'strongWolfe', maxIter: 20 });
 * while (opt.state.funcEvals < 300) opt.step(() => styleLoss(img));
 * ```
 */
export function lbfgs(params: ParamsInput<LbfgsOptions>, opts: LbfgsOptions = {}): LBFGS {
  return new LBFGS(params, opts);
}
