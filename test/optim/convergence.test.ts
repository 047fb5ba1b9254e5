/** Every optimizer converges on a parabola and on Rosenbrock with reasonable hypers (wasm backend). */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { sgd, adam, adamw, rmsprop, lars, lbfgs, type Optimizer } from '../../src/optim/index.js';
import { rosenbrock } from './helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

type Make = (v: tf.Variable[]) => Optimizer;
const cosine = (lr: number, i: number, n: number) => (lr / 2) * (1 + Math.cos((Math.PI * i) / n));

const parabola: [string, Make, number][] = [
  ['sgd', (v) => sgd(v, { lr: 0.1 }), 200],
  ['sgd nesterov', (v) => sgd(v, { lr: 0.05, momentum: 0.9, nesterov: true }), 200],
  ['adam', (v) => adam(v, { lr: 0.1 }), 500],
  ['adamw', (v) => adamw(v, { lr: 0.1, wd: 0 }), 500],
  ['rmsprop centered+momentum', (v) => rmsprop(v, { lr: 0.01, momentum: 0.9, centered: true }), 500],
  ['lars', (v) => lars(v, { lr: 1, momentum: 0.9, trustCoefficient: 0.02 }), 1000],
  ['lbfgs', (v) => lbfgs(v), 2],
];

describe('parabola sum((x - c)^2)', () => {
  for (const [name, make, steps] of parabola) {
    it(`${name} reaches the minimum`, () => {
      const c = tf.tensor1d([1, -2, 3, 0.5, -1]);
      const x = tf.tidy(() => tf.variable(tf.zeros([5])));
      const opt = make([x]);
      const cosineLr = name === 'lars';
      for (let i = 0; i < steps; i++) {
        if (cosineLr) opt.setHyper('lr', cosine(1, i, steps));
        opt.step(() => tf.sum(tf.square(tf.sub(x, c))));
      }
      const got = Array.from(x.dataSync());
      [1, -2, 3, 0.5, -1].forEach((v, i) => expect(Math.abs(got[i] - v), `${name} x[${i}] = ${got[i]}`).toBeLessThan(1e-2));
      opt.dispose();
      tf.dispose([c, x]);
    });
  }
});

const rosen: [string, Make, number, boolean][] = [
  ['sgd momentum', (v) => sgd(v, { lr: 1e-3, momentum: 0.9 }), 3000, false],
  ['adam', (v) => adam(v, { lr: 0.05 }), 5000, true],
  ['adamw', (v) => adamw(v, { lr: 0.05, wd: 0 }), 5000, true],
  ['rmsprop', (v) => rmsprop(v, { lr: 0.01 }), 3000, true],
  ['lars', (v) => lars(v, { lr: 1, momentum: 0.9, trustCoefficient: 0.01 }), 3000, true],
  ['lbfgs strong Wolfe', (v) => lbfgs(v, { lineSearch: 'strongWolfe', maxIter: 100 }), 3, false],
];

describe('Rosenbrock from (-1.2, 1)', () => {
  for (const [name, make, steps, anneal] of rosen) {
    it(`${name} reaches (1, 1)`, () => {
      const x = tf.tidy(() => tf.variable(tf.tensor1d([-1.2, 1])));
      const opt = make([x]);
      const lr0 = opt.getHyper('lr')[0];
      for (let i = 0; i < steps; i++) {
        if (anneal) opt.setHyper('lr', cosine(lr0, i, steps));
        opt.step(() => rosenbrock(x));
      }
      const [a, b] = Array.from(x.dataSync());
      expect(Math.abs(a - 1), `${name}: x = (${a}, ${b})`).toBeLessThan(0.05);
      expect(Math.abs(b - 1), `${name}: x = (${a}, ${b})`).toBeLessThan(0.1);
      opt.dispose();
      x.dispose();
    });
  }
});
