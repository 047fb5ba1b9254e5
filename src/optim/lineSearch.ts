/**
 * Strong-Wolfe line search with cubic interpolation, following the semantics of PyTorch's
 * `_strong_wolfe` / `_cubic_interpolate` (torch/optim/lbfgs.py, itself from minFunc / torch7's
 * lswolfe.lua). Works on flat Float32Array vectors; used by {@link lbfgs}.
 */

/** Dot product of two flat vectors, accumulated in double precision. @example `dot(a, b)` */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** max |a_i|. @example `absMax(new Float32Array([1, -3])) // 3` */
export function absMax(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || v !== v) m = v;
  }
  return m;
}

/**
 * Minimiser of the cubic through (x1, f1, slope g1) and (x2, f2, slope g2), clamped to `bounds`
 * (default [min(x1,x2), max(x1,x2)]); the bounds' midpoint when the cubic has no real minimiser.
 *
 * @example
 * ```ts
 * cubicInterpolate(0, 1, -1, 1, 0.5, 0.2); // a point in [0, 1]
 * ```
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** The objective along the search direction: loss and flat gradient at `x + t*d`. */
export type DirectionalObjective = (t: number) => { f: number; g: Float32Array };

/** Result of {@link strongWolfe}: the chosen step, its loss and gradient, evaluations used. */
export interface LineSearchResult {
  f: number;
  g: Float32Array;
  t: number;
  evals: number;
}

/**
 * Strong-Wolfe line search (sufficient decrease `f(t) <= f + c1*t*gtd` and curvature
 * `|g(t)·d| <= -c2*gtd`): bracket, then zoom with cubic interpolation, at most `maxLs` evaluations
 * after the first. `obj(t)` evaluates the objective at `x + t*d`.
 *
 * @example
 * ```ts
 * const r = strongWolfe(obj, d, 1, f0, g0, dot(g0, d));
 * ```
 */
export function strongWolfe(
  obj: DirectionalObjective, d: Float32Array, t0: number, f: number, g: Float32Array, gtd: number,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25,
): LineSearchResult {
  let t = t0;
  const dNorm = absMax(d);
  let { f: fNew, g: gNew } = obj(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let br: number[] = [], brF: number[] = [], brG: Float32Array[] = [], brGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      br = [tPrev, t]; brF = [fPrev, fNew]; brG = [gPrev, gNew]; brGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      br = [t]; brF = [fNew]; brG = [gNew]; done = true;
      break;
    }
    if (gtdNew >= 0) {
      br = [tPrev, t]; brF = [fPrev, fNew]; brG = [gPrev, gNew]; brGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp; fPrev = fNew; gPrev = gNew; gtdPrev = gtdNew;
    ({ f: fNew, g: gNew } = obj(t));
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    br = [0, t]; brF = [f, fNew]; brG = [g, gNew];
  }
  // zoom: refine the bracket until a point satisfies the strong Wolfe conditions
  let insufProgress = false;
  let [low, high] = brF[0] <= brF[brF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(br[1] - br[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(br[0], brF[0], brGtd[0], br[1], brF[1], brGtd[1]);
    const bMax = Math.max(br[0], br[1]), bMin = Math.min(br[0], br[1]);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    ({ f: fNew, g: gNew } = obj(t));
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= brF[low]) {
      br[high] = t; brF[high] = fNew; brG[high] = gNew; brGtd[high] = gtdNew;
      [low, high] = brF[0] <= brF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (br[high] - br[low]) >= 0) {
        br[high] = br[low]; brF[high] = brF[low]; brG[high] = brG[low]; brGtd[high] = brGtd[low];
      }
      br[low] = t; brF[low] = fNew; brG[low] = gNew; brGtd[low] = gtdNew;
    }
  }
  return { f: brF[low], g: brG[low], t: br[low], evals };
}
