/**
 * Variants the PyTorch fixture does not cover (RMSprop centered + momentum + wd, SGD dampening,
 * Adam with L2 and per-step betas, AdamW per-group, LARS), checked against a plain float64
 * re-statement of the torch / LARS update formulas on the fixture's least-squares problem.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { sgd, adam, adamw, rmsprop, lars, type Optimizer } from '../../src/optim/index.js';
import { loadFixtures, relErr } from './helpers.js';

const lsq = loadFixtures().cases.find((c) => c.problem === 'lsq')!;
const A = lsq.problemData.A!, B = lsq.problemData.b!, X0 = lsq.init[0];

function grad(x: number[]): number[] {
  const r = A.map((row, i) => row.reduce((s, a, j) => s + a * x[j], 0) - B[i]);
  return x.map((_, j) => (2 / A.length) * A.reduce((s, row, i) => s + row[j] * r[i], 0));
}
const norm = (v: number[]) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));

type H = { lr: number; mom: number; beta: number; wd: number; eps: number };
type RefStep = (x: number[], g: number[], st: Record<string, number[] | number>, h: H) => number[];

const ref: Record<string, RefStep> = {
  rmspropCentered: (x, g0, st, h) => {
    const g = g0.map((v, i) => v + h.wd * x[i]);
    const sq = (st.sq as number[] | undefined) ?? x.map(() => 0), ga = (st.ga as number[] | undefined) ?? x.map(() => 0);
    const buf = (st.buf as number[] | undefined) ?? x.map(() => 0);
    st.sq = sq.map((s, i) => h.beta * s + (1 - h.beta) * g[i] * g[i]);
    st.ga = ga.map((s, i) => h.beta * s + (1 - h.beta) * g[i]);
    const avg = x.map((_, i) => Math.sqrt((st.sq as number[])[i] - (st.ga as number[])[i] ** 2) + h.eps);
    st.buf = buf.map((b, i) => h.mom * b + g[i] / avg[i]);
    return x.map((v, i) => v - h.lr * (st.buf as number[])[i]);
  },
  sgdDampening: (x, g0, st, h) => {
    const g = g0.map((v, i) => v + h.wd * x[i]);
    st.buf = st.buf === undefined ? g : (st.buf as number[]).map((b, i) => h.mom * b + (1 - 0.3) * g[i]);
    return x.map((v, i) => v - h.lr * (st.buf as number[])[i]);
  },
  adamL2: (x, g0, st, h) => {
    const t = ((st.t as number | undefined) ?? 0) + 1;
    st.t = t;
    const g = g0.map((v, i) => v + h.wd * x[i]);
    st.m = ((st.m as number[] | undefined) ?? x.map(() => 0)).map((m, i) => h.mom * m + (1 - h.mom) * g[i]);
    st.v = ((st.v as number[] | undefined) ?? x.map(() => 0)).map((v, i) => h.beta * v + (1 - h.beta) * g[i] * g[i]);
    const bc1 = 1 - h.mom ** t, bc2 = 1 - h.beta ** t;
    return x.map((v, i) => v - (h.lr / bc1) * (st.m as number[])[i] / (Math.sqrt((st.v as number[])[i]) / Math.sqrt(bc2) + h.eps));
  },
  lars: (x, g, st, h) => {
    const wn = norm(x), gn = norm(g);
    const ratio = wn > 0 && gn > 0 ? (0.02 * wn) / (gn + h.wd * wn + h.eps) : 1;
    const d = g.map((v, i) => (v + h.wd * x[i]) * h.lr * ratio);
    st.buf = st.buf === undefined ? d : (st.buf as number[]).map((b, i) => h.mom * b + d[i]);
    return x.map((v, i) => v - (st.buf as number[])[i]);
  },
};

const cases: [string, (v: tf.Variable[]) => Optimizer, H, boolean][] = [
  ['rmspropCentered', (v) => rmsprop(v, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, wd: 0.05, eps: 1e-6 }), { lr: 0.01, mom: 0.5, beta: 0.9, wd: 0.05, eps: 1e-6 }, true],
  ['sgdDampening', (v) => sgd(v, { lr: 0.05, momentum: 0.8, dampening: 0.3, wd: 0.02 }), { lr: 0.05, mom: 0.8, beta: 0, wd: 0.02, eps: 0 }, true],
  ['adamL2', (v) => adam(v, { lr: 0.05, betas: [0.8, 0.95], wd: 0.1, eps: 1e-6 }), { lr: 0.05, mom: 0.8, beta: 0.95, wd: 0.1, eps: 1e-6 }, true],
  ['lars', (v) => lars(v, { lr: 2, momentum: 0.9, wd: 0.01, trustCoefficient: 0.02 }), { lr: 2, mom: 0.9, beta: 0, wd: 0.01, eps: 1e-8 }, true],
];

beforeAll(async () => {
  await initBackend('wasm');
});

describe('update formulas against a float64 re-statement', () => {
  for (const [name, make, h0, scheduled] of cases) {
    it(`${name}${scheduled ? ' with per-step lr / momentum / beta' : ''}`, () => {
      const x = tf.tidy(() => tf.variable(tf.tensor1d(X0)));
      const opt = make([x]);
      const At = tf.tensor2d(A), Bt = tf.tensor1d(B);
      let xr = [...X0];
      const st: Record<string, number[] | number> = {};
      for (let i = 0; i < 25; i++) {
        const h = { ...h0, lr: h0.lr * (1 - i / 50), mom: h0.mom * (1 - i / 100), beta: h0.beta && h0.beta + (1 - h0.beta) * (i / 50) };
        if (scheduled) {
          opt.setHyper('lr', h.lr);
          opt.setHyper('momentum', h.mom);
          if (opt.hyperNames.includes('beta')) opt.setHyper('beta', h.beta);
        }
        opt.step(() => tf.mean(tf.square(tf.sub(tf.squeeze(tf.matMul(At, tf.reshape(x, [-1, 1]))), Bt))) as tf.Scalar);
        xr = ref[name](xr, grad(xr), st, h);
        const got = Array.from(x.dataSync());
        got.forEach((v, j) => expect(relErr(v, xr[j]), `step ${i} x[${j}]: ${v} vs ${xr[j]}`).toBeLessThan(1e-4));
      }
      opt.dispose();
      tf.dispose([x, At, Bt]);
    });
  }

  it('adamw decays each group with its own lr*wd', () => {
    const vs = tf.tidy(() => [tf.variable(tf.tensor1d([1, -2])), tf.variable(tf.tensor1d([3]))]);
    const opt = adamw([{ params: [vs[0]], lr: 0.1, wd: 0.5 }, { params: [vs[1]], lr: 0.01 }], { lr: 1, wd: 0.1 });
    // zero gradient: the Adam part is 0 (m = v = 0), only the decay moves the params
    opt.step(() => tf.mul(tf.add(tf.sum(vs[0]), tf.sum(vs[1])), 0) as tf.Scalar);
    expect(Array.from(vs[0].dataSync())).toEqual([1 * (1 - 0.05), -2 * (1 - 0.05)].map(Math.fround));
    expect(vs[1].dataSync()[0]).toBeCloseTo(3 * (1 - 0.001), 6);
    opt.dispose();
    tf.dispose(vs);
  });
});
