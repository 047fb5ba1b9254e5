/** Test helpers: the fixture problems and a factory from PyTorch hyper names to phasewise optimizers. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/backend/tf.js';
import { sgd, adam, adamw, rmsprop, lars, lbfgs, type Optimizer } from '../../src/optim/index.js';

export interface FixtureCase {
  name: string;
  problem: 'lsq' | 'rosenbrock' | 'two_groups';
  problemData: { A?: number[][]; b?: number[] };
  init: number[][];
  optimizer: string;
  hyper: Record<string, unknown>;
  steps: number;
  schedule: { lr: number[]; mom: number[] } | null;
  groupLrs: number[] | null;
  trajectory: number[][][];
  losses: number[];
}

export function loadFixtures(): { cases: FixtureCase[] } {
  const path = fileURLToPath(new URL('../fixtures/optim-public.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The loss closure of a fixture problem over the given variables. */
export function problemLoss(c: Pick<FixtureCase, 'problem' | 'problemData'>, vars: tf.Variable[]): () => tf.Scalar {
  if (c.problem === 'lsq') {
    const A = tf.tensor2d(c.problemData.A!);
    const b = tf.tensor1d(c.problemData.b!);
    const keep = [A, b];
    const f = () => tf.mean(tf.square(tf.sub(tf.squeeze(tf.matMul(A, tf.reshape(vars[0], [-1, 1]))), b))) as tf.Scalar;
    return Object.assign(f, { dispose: () => tf.dispose(keep) });
  }
  if (c.problem === 'rosenbrock') return () => rosenbrock(vars[0]);
  return () => {
    const [p, q] = vars;
    const a = tf.mul(tf.sum(tf.square(p)), 0.5);
    const b = tf.sum(tf.pow(tf.sub(q, 1), 4));
    const c0 = tf.mul(tf.slice(p, [0], [1]), tf.slice(q, [0], [1]));
    return tf.add(tf.add(a, b), tf.sum(c0)) as tf.Scalar;
  };
}

export function rosenbrock(x: tf.Tensor): tf.Scalar {
  const x0 = tf.slice(x, [0], [1]);
  const x1 = tf.slice(x, [1], [1]);
  return tf.sum(tf.add(tf.square(tf.sub(1, x0)), tf.mul(100, tf.square(tf.sub(x1, tf.square(x0)))))) as tf.Scalar;
}

/** Map PyTorch argument names to phasewise options and build the optimizer. */
export function makeFromTorch(name: string, hyper: Record<string, unknown>, params: tf.Variable[], groupLrs: number[] | null): Optimizer {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hyper)) {
    const key = ({ weight_decay: 'wd', max_iter: 'maxIter', history_size: 'historySize', line_search_fn: 'lineSearch', max_eval: 'maxEval' } as Record<string, string>)[k] ?? k;
    o[key] = key === 'lineSearch' ? (v === 'strong_wolfe' ? 'strongWolfe' : v) : v;
  }
  const ps = groupLrs ? params.map((p, i) => ({ params: [p], lr: groupLrs[i] })) : params;
  const f = { sgd, adam, adamw, rmsprop, lars, lbfgs }[name] as (p: unknown, o: unknown) => Optimizer;
  return f(ps, o);
}

/** |a - b| / (|b| + 1e-3) */
export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / (Math.abs(b) + 1e-3);
}

export function values(vars: tf.Variable[]): number[][] {
  return vars.map((v) => Array.from(v.dataSync()));
}
