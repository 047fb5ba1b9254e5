/** Replays every PyTorch reference trajectory of test/fixtures/optim-public.json on wasm and cpu. */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { loadFixtures, makeFromTorch, problemLoss, relErr, values } from './helpers.js';

const { cases } = loadFixtures();

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`PyTorch reference trajectories (${backend})`, () => {
    for (const c of cases) {
      it(`${c.name}: ${c.optimizer} on ${c.problem}`, async () => {
        await initBackend(backend);
        const tol = c.optimizer === 'lbfgs' ? 2e-2 : 1e-4;
        const before = tf.memory().numTensors;
        const vars = c.init.map((x, i) => tf.tidy(() => tf.variable(tf.tensor1d(x), true, `${c.name}_${backend}_${i}`)));
        const loss = problemLoss(c, vars);
        const opt = makeFromTorch(c.optimizer, c.hyper, vars, c.groupLrs);
        let worst = 0;
        for (let i = 0; i < c.steps; i++) {
          if (c.schedule) {
            const lr = c.schedule.lr[i];
            opt.setHyper('lr', c.groupLrs ? c.groupLrs.map((g) => (lr * g) / c.groupLrs![0]) : lr);
            opt.setHyper('momentum', c.schedule.mom[i]);
          }
          const l = opt.step(loss);
          worst = Math.max(worst, relErr(l, c.losses[i]));
          expect(relErr(l, c.losses[i]), `loss at step ${i}`).toBeLessThan(tol);
          const got = values(vars);
          got.forEach((row, p) => row.forEach((v, j) => {
            const err = relErr(v, c.trajectory[i][p][j]);
            worst = Math.max(worst, err);
            expect(err, `step ${i} param ${p}[${j}]: ${v} vs ${c.trajectory[i][p][j]}`).toBeLessThan(tol);
          }));
        }
        opt.dispose();
        (loss as { dispose?: () => void }).dispose?.();
        tf.dispose(vars);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}
