/**
 * For every optimizer: save -> load -> continue equals an uninterrupted run, the state survives
 * JSON, and tf.memory().numTensors is constant over 100 warm steps and back to baseline after dispose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { sgd, adam, adamw, rmsprop, lars, lbfgs, type Optimizer } from '../../src/optim/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

type Make = (v: tf.Variable[]) => Optimizer;
const groups = (v: tf.Variable[], lrs: number[]) => v.map((p, i) => ({ params: [p], lr: lrs[i] }));
const makers: [string, Make][] = [
  ['sgd', (v) => sgd(groups(v, [0.05, 0.02]), { lr: 0.05, momentum: 0.9, dampening: 0.1, wd: 1e-3 })],
  ['sgd nesterov', (v) => sgd(v, { lr: 0.05, momentum: 0.9, nesterov: true })],
  ['adam', (v) => adam(groups(v, [0.01, 0.003]), { lr: 0.01, wd: 1e-3 })],
  ['adamw', (v) => adamw(v, { lr: 0.01, betas: [0.8, 0.99] })],
  ['rmsprop', (v) => rmsprop(groups(v, [0.01, 0.005]), { lr: 0.01, momentum: 0.5, centered: true, wd: 1e-3 })],
  ['lars', (v) => lars(v, { lr: 0.5, momentum: 0.9, wd: 1e-3 })],
  ['lbfgs', (v) => lbfgs(v, { maxIter: 3, historySize: 4 })],
  ['lbfgs strongWolfe', (v) => lbfgs(v, { maxIter: 3, historySize: 4, lineSearch: 'strongWolfe' })],
];

function setup(): { vars: tf.Variable[]; loss: () => tf.Scalar; data: tf.Tensor[] } {
  const x = tf.randomNormal([8, 3], 0, 1, 'float32', 1);
  const y = tf.randomNormal([8, 4], 0, 1, 'float32', 2);
  const vars = tf.tidy(() => [
    tf.variable(tf.randomNormal([3, 4], 0, 0.5, 'float32', 3)),
    tf.variable(tf.zeros([4])),
  ]);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, vars[0]), vars[1]), y))) as tf.Scalar;
  return { vars, loss, data: [x, y] };
}

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

describe('stateDict round trip', () => {
  for (const [name, make] of makers) {
    it(`${name}: N straight steps == k steps, save, load into a new optimizer, N-k steps`, () => {
      const N = name.startsWith('lbfgs') ? 4 : 10, k = name.startsWith('lbfgs') ? 2 : 4;
      const init = setup();
      const start = snapshot(init.vars);
      const straight = make(init.vars);
      const lossesA: number[] = [];
      for (let i = 0; i < N; i++) {
        if (!name.startsWith('lbfgs')) straight.setHyper('lr', straight.getHyper('lr').map((l) => l * 0.9));
        lossesA.push(straight.step(init.loss));
      }
      const endA = snapshot(init.vars);
      straight.dispose();
      // restart from the same initial values
      init.vars.forEach((v, i) => v.assign(tf.tensor(start[i], v.shape)));
      const first = make(init.vars);
      const lossesB: number[] = [];
      for (let i = 0; i < k; i++) {
        if (!name.startsWith('lbfgs')) first.setHyper('lr', first.getHyper('lr').map((l) => l * 0.9));
        lossesB.push(first.step(init.loss));
      }
      const saved = JSON.parse(JSON.stringify(first.stateDict()));
      first.dispose();
      const second = make(init.vars);
      second.loadStateDict(saved);
      expect(second.getHyper('lr')).toEqual(saved.groups.map((g: { hypers: { lr: number } }) => g.hypers.lr));
      for (let i = k; i < N; i++) {
        if (!name.startsWith('lbfgs')) second.setHyper('lr', second.getHyper('lr').map((l) => l * 0.9));
        lossesB.push(second.step(init.loss));
      }
      expect(lossesB).toEqual(lossesA);
      expect(snapshot(init.vars)).toEqual(endA);
      expect(lossesA[N - 1]).toBeLessThan(lossesA[0]);
      second.dispose();
      tf.dispose([...init.vars, ...init.data]);
    });
  }
});

describe('no tensor leaks', () => {
  for (const [name, make] of makers) {
    it(`${name}: numTensors constant over 100 steps and back to baseline after dispose`, () => {
      const init = setup();
      const baseline = tf.memory().numTensors;
      const opt = make(init.vars);
      opt.step(init.loss);
      const warm = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) {
        opt.step(init.loss);
        expect(tf.memory().numTensors).toBe(warm);
      }
      if (!name.startsWith('lbfgs')) {
        // applyGradients with tf.variableGrads' NamedTensorMap, as the runner calls it
        for (let i = 0; i < 10; i++) {
          const { value, grads } = tf.variableGrads(init.loss, init.vars);
          opt.applyGradients(grads);
          tf.dispose([value, ...Object.values(grads)]);
          expect(tf.memory().numTensors).toBe(warm);
        }
      }
      opt.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
      tf.dispose([...init.vars, ...init.data]);
    });
  }
});
