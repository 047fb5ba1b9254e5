/** L-BFGS: evaluation counting, stop reasons, NaN handling, strong-Wolfe line search pieces. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { lbfgs } from '../../src/optim/index.js';
import { cubicInterpolate, strongWolfe } from '../../src/optim/lineSearch.js';
import { rosenbrock } from './helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('cubicInterpolate', () => {
  it('finds the exact minimiser of a quadratic (a cubic with zero cubic term)', () => {
    const f = (x: number) => (x - 0.3) ** 2, g = (x: number) => 2 * (x - 0.3);
    expect(cubicInterpolate(0, f(0), g(0), 1, f(1), g(1))).toBeCloseTo(0.3, 12);
    expect(cubicInterpolate(1, f(1), g(1), -0.5, f(-0.5), g(-0.5))).toBeCloseTo(0.3, 12);
  });
  it('finds the local minimiser of a true cubic and clamps to bounds', () => {
    const f = (x: number) => x ** 3 - 3 * x, g = (x: number) => 3 * x * x - 3; // local min at 1
    expect(cubicInterpolate(0, f(0), g(0), 2, f(2), g(2))).toBeCloseTo(1, 12);
    expect(cubicInterpolate(0, f(0), g(0), 2, f(2), g(2), [1.5, 3])).toBe(1.5);
  });
});

describe('strongWolfe', () => {
  it('returns a step satisfying the strong Wolfe conditions on a 1-d quadratic', () => {
    const d = new Float32Array([1]);
    const obj = (t: number) => ({ f: (t - 5) ** 2, g: new Float32Array([2 * (t - 5)]) });
    const f0 = 25, g0 = new Float32Array([-10]), gtd = -10;
    const r = strongWolfe(obj, d, 0.1, f0, g0, gtd); // too short a first step: must extrapolate
    expect(r.f).toBeLessThanOrEqual(f0 + 1e-4 * r.t * gtd);
    expect(Math.abs(r.g[0] * d[0])).toBeLessThanOrEqual(0.9 * Math.abs(gtd));
    expect(r.evals).toBeGreaterThan(1);
  });
});

describe('lbfgs', () => {
  it('counts loss evaluations in state.funcEvals (== closure calls) and iterations in state.nIter', () => {
    const x = tf.tidy(() => tf.variable(tf.tensor1d([-1.2, 1])));
    const opt = lbfgs([x], { lineSearch: 'strongWolfe', maxIter: 10 });
    let calls = 0;
    const l0 = opt.step(() => { calls++; return rosenbrock(x); });
    expect(l0).toBeCloseTo(24.2, 4);
    expect(opt.state.funcEvals).toBe(calls);
    expect(opt.state.nIter).toBe(10);
    expect(opt.state.stopReason).toBe('maxIter');
    opt.step(() => { calls++; return rosenbrock(x); });
    expect(opt.state.funcEvals).toBe(calls);
    opt.dispose();
    x.dispose();
  });

  it('respects maxEval, and stops early at the optimum', () => {
    const r = tf.tidy(() => tf.variable(tf.tensor1d([-1.2, 1])));
    const opt = lbfgs([r], { maxIter: 100, maxEval: 5 });
    opt.step(() => rosenbrock(r));
    expect(opt.state.funcEvals).toBe(5);
    expect(opt.state.stopReason).toBe('maxEval');
    r.dispose();
    const x = tf.tidy(() => tf.variable(tf.tensor1d([3, -4])));
    const opt2 = lbfgs([x], { maxIter: 100, lineSearch: 'strongWolfe' });
    opt2.step(() => tf.sum(tf.square(x)) as tf.Scalar);
    expect(Math.max(...Array.from(x.dataSync()).map(Math.abs))).toBeLessThan(1e-6);
    const evals = opt2.state.funcEvals;
    opt2.step(() => tf.sum(tf.square(x)) as tf.Scalar);
    expect(['toleranceGrad', 'toleranceChange']).toContain(opt2.state.stopReason);
    expect(opt2.state.funcEvals - evals).toBeLessThanOrEqual(3);
    x.dispose();
  });

  it('a NaN loss stops the step, warns, records the reason and restores params and history', () => {
    const x = tf.tidy(() => tf.variable(tf.tensor1d([-1.2, 1])));
    const opt = lbfgs([x], { maxIter: 5 });
    opt.step(() => rosenbrock(x));
    const before = Array.from(x.dataSync());
    const hist = JSON.stringify({ ...opt.stateDict().extra, funcEvals: 0, stopReason: null });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let calls = 0;
    // finite at the start of the step, NaN from the third evaluation on
    const loss = opt.step(() => { calls++; return calls >= 3 ? tf.mul(rosenbrock(x), NaN) as tf.Scalar : rosenbrock(x); });
    expect(Number.isFinite(loss)).toBe(true);
    expect(opt.state.stopReason).toBe('nanLoss');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/NaN/));
    warn.mockRestore();
    expect(Array.from(x.dataSync())).toEqual(before);
    expect(JSON.stringify({ ...opt.stateDict().extra, funcEvals: 0, stopReason: null })).toEqual(hist);
    opt.dispose();
    x.dispose();
  });

  it('optimises several variables of different shapes as one flat vector', () => {
    const vars = tf.tidy(() => [tf.variable(tf.ones([2, 3])), tf.variable(tf.fill([4], -2))]);
    const opt = lbfgs(vars, { lineSearch: 'strongWolfe' });
    const f = () => tf.add(tf.sum(tf.square(tf.sub(vars[0], 0.5))), tf.sum(tf.square(tf.add(vars[1], 1)))) as tf.Scalar;
    opt.step(f);
    expect(Array.from(vars[0].dataSync()).every((v) => Math.abs(v - 0.5) < 1e-4)).toBe(true);
    expect(Array.from(vars[1].dataSync()).every((v) => Math.abs(v + 1) < 1e-4)).toBe(true);
    tf.dispose(vars);
  });
});
