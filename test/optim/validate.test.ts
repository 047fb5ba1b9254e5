/** Bad input: RangeError/TypeError naming field, value and what is allowed, thrown before any change. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { sgd, adam, rmsprop, lars, lbfgs, type Optimizer } from '../../src/optim/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const mk = () => tf.tidy(() => [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor1d([3]))]);
const loss = (v: tf.Variable[]) => () => tf.add(tf.sum(tf.square(v[0])), tf.sum(tf.square(v[1]))) as tf.Scalar;

describe('constructor validation', () => {
  let v: tf.Variable[] = [];
  beforeAll(() => { v = mk(); });
  const cases: [string, () => unknown, RegExp, typeof RangeError | typeof TypeError][] = [
    ['lr < 0', () => sgd(v, { lr: -1 }), /sgd: lr is -1; allowed: a finite number >= 0/, RangeError],
    ['NaN lr', () => adam(v, { lr: NaN }), /adam: lr is NaN/, RangeError],
    ['Infinity wd', () => sgd(v, { lr: 0.1, wd: Infinity }), /sgd: wd is Infinity/, RangeError],
    ['momentum 1', () => sgd(v, { lr: 0.1, momentum: 1 }), /sgd: momentum is 1; allowed: a finite number >= 0 and < 1/, RangeError],
    ['momentum < 0', () => rmsprop(v, { momentum: -0.1 }), /rmsprop: momentum is -0.1/, RangeError],
    ['beta1 outside', () => adam(v, { lr: 0.1, betas: [1, 0.999] }), /adam: betas\[0\] is 1/, RangeError],
    ['beta2 outside', () => adam(v, { lr: 0.1, betas: [0.9, 1.5] }), /adam: betas\[1\] is 1.5/, RangeError],
    ['eps 0', () => adam(v, { lr: 0.1, eps: 0 }), /adam: eps is 0; allowed: a finite number > 0/, RangeError],
    ['nesterov without momentum', () => sgd(v, { lr: 0.1, nesterov: true }), /nesterov .*momentum 0.*allowed: nesterov only with momentum > 0 and dampening 0/, RangeError],
    ['nesterov with dampening', () => sgd(v, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /dampening 0.1/, RangeError],
    ['unknown option', () => sgd(v, { lr: 0.1, weightDecay: 1 } as never), /sgd: unknown option "weightDecay"; allowed: lr, momentum/, RangeError],
    ['missing lr', () => sgd(v, {} as never), /sgd: lr is undefined/, TypeError],
    ['variable twice', () => sgd([v[0], v[0]], { lr: 0.1 }), /sgd: params\[1\] is variable '.*', already given as sgd: params\[0\]/, RangeError],
    ['variable in two groups', () => sgd([{ params: [v[0]] }, { params: [v[0], v[1]] }], { lr: 0.1 }), /param group 1: params\[0\] .* already given as sgd: param group 0: params\[0\]/, RangeError],
    ['not a variable', () => sgd([tf.scalar(1) as never], { lr: 0.1 }), /sgd: params\[0\] is a rank-0 tensor.*allowed: a tf.Variable/, TypeError],
    ['per-group bad lr', () => sgd([{ params: [v[0]], lr: -2 }, { params: [v[1]] }], { lr: 0.1 }), /sgd: param group 0: lr is -2/, RangeError],
    ['lars trust', () => lars(v, { lr: 1, trustCoefficient: 0 }), /lars: trustCoefficient is 0/, RangeError],
    ['lbfgs groups', () => lbfgs([{ params: [v[0]] }, { params: [v[1]] }]), /lbfgs: params has 2 param groups; allowed: 1/, RangeError],
    ['lbfgs line search', () => lbfgs(v, { lineSearch: 'armijo' as never }), /lbfgs: lineSearch is "armijo"; allowed: 'strongWolfe' or null/, RangeError],
    ['lbfgs maxIter', () => lbfgs(v, { maxIter: 0.5 }), /lbfgs: maxIter is 0.5; allowed: an integer >= 1/, RangeError],
  ];
  for (const [name, f, msg, Err] of cases) {
    it(name, () => {
      expect(f).toThrow(Err);
      expect(f).toThrow(msg);
    });
  }
});

describe('errors leave parameters and state untouched', () => {
  function withOpt(make: (v: tf.Variable[]) => Optimizer, bad: (o: Optimizer, v: tf.Variable[]) => void, msg: RegExp) {
    const v = mk();
    const o = make(v);
    o.step(loss(v));
    const before = { p: v.map((x) => Array.from(x.dataSync())), s: JSON.stringify(o.stateDict()), n: tf.memory().numTensors };
    expect(() => bad(o, v)).toThrow(msg);
    expect(v.map((x) => Array.from(x.dataSync()))).toEqual(before.p);
    expect(JSON.stringify(o.stateDict())).toEqual(before.s);
    expect(tf.memory().numTensors).toBe(before.n);
    o.dispose();
    tf.dispose(v);
  }
  const two = (v: tf.Variable[]) => sgd([{ params: [v[0]] }, { params: [v[1]] }], { lr: 0.1, momentum: 0.9 });

  it('unknown hyper name', () => withOpt(two, (o) => o.setHyper('alpha' as never, 1), /sgd.setHyper: hyper name is "alpha"; allowed: 'lr', 'momentum', 'wd'/));
  it('beta on sgd', () => withOpt(two, (o) => o.setHyper('beta', 0.9), /allowed: 'lr', 'momentum', 'wd'/));
  it('per-group array of the wrong length', () => withOpt(two, (o) => o.setHyper('lr', [0.1, 0.2, 0.3]), /sgd.setHyper\('lr'\) has 3 values .*allowed: one number, or an array of 2/));
  it('one bad value in a per-group array changes nothing', () => withOpt(two, (o) => o.setHyper('momentum', [0.5, 1.2]), /param group 1: value is 1.2/));
  it('NaN hyper', () => withOpt((v) => adam(v, { lr: 0.1 }), (o) => o.setHyper('eps', NaN), /adam.setHyper\('eps'\): value is NaN/));
  it('nesterov momentum set to 0', () => withOpt((v) => sgd(v, { lr: 0.1, momentum: 0.9, nesterov: true }), (o) => o.setHyper('momentum', 0), /nesterov/));
  it('closure returning a number', () => withOpt(two, (o) => o.step((() => 3) as never), /sgd.step\(closure\): closure returned 3; allowed: a scalar \(rank-0\) tf.Tensor/));
  it('closure returning a vector', () => withOpt(two, (o, v) => o.step((() => tf.square(v[0])) as never), /closure returned a rank-1 tensor of shape \[2\]/));
  it('closure returning nothing', () => withOpt((v) => adam(v, { lr: 0.1 }), (o) => o.step((() => undefined) as never), /closure returned undefined/));
  it('lbfgs closure returning a vector', () => withOpt((v) => lbfgs(v), (o, v) => o.step((() => tf.square(v[0])) as never), /lbfgs.step\(closure\): closure returned a rank-1 tensor/));
  it('momentum on lbfgs', () => withOpt((v) => lbfgs(v), (o) => o.setHyper('momentum', 0.9), /lbfgs.setHyper: hyper name is "momentum"; allowed: 'lr'/));
  it('lbfgs applyGradients', () => withOpt((v) => lbfgs(v), (o) => o.applyGradients({}), /lbfgs.applyGradients: not supported/));
  it('gradient of the wrong shape', () => withOpt(two, (o, v) => { const z = tf.zeros([3]); try { o.applyGradients(new Map([[v[0], z]])); } finally { z.dispose(); } }, /the gradient of '.*' has shape \[3\]; allowed: the variable's shape \[2\]/));
  it('loadStateDict of another optimizer', () => withOpt(two, (o) => o.loadStateDict({ ...o.stateDict(), name: 'adam' }), /sgd.loadStateDict: state.name is "adam"; allowed: 'sgd'/));
  it('loadStateDict with a wrong buffer size', () => withOpt(two, (o) => {
    const s = o.stateDict();
    s.state[0][0]!.buffers.momentumBuffer = [1, 2, 3];
    o.loadStateDict(s);
  }, /buffers.momentumBuffer has 3 values; allowed: 2/));
});

describe('disposed variables', () => {
  it('at construction and at step', () => {
    const v = mk();
    const o = sgd(v, { lr: 0.1 });
    v[1].dispose();
    expect(() => sgd(v, { lr: 0.1 })).toThrow(/sgd: params\[1\] is the disposed variable/);
    const before = Array.from(v[0].dataSync());
    expect(() => o.step(() => tf.sum(tf.square(v[0])) as tf.Scalar)).toThrow(TypeError);
    expect(() => o.applyGradients(new Map([[v[0], tf.ones([2])]]))).toThrow(/disposed variable/);
    expect(Array.from(v[0].dataSync())).toEqual(before);
    o.dispose();
    v[0].dispose();
  });
});

describe('setHyper / getHyper', () => {
  it("maps 'momentum' and 'beta' to Adam's betas and RMSprop's alpha, per group", () => {
    const v = mk();
    const a = adam([{ params: [v[0]], betas: [0.8, 0.9] }, { params: [v[1]] }], { lr: 0.1 });
    expect(a.getHyper('momentum')).toEqual([0.8, 0.9]);
    expect(a.getHyper('beta')).toEqual([0.9, 0.999]);
    a.setHyper('lr', [0.1, 0.01]);
    expect(a.getHyper('lr')).toEqual([0.1, 0.01]);
    const r = rmsprop(v, { alpha: 0.95 });
    expect(r.getHyper('beta')).toEqual([0.95]);
    expect(r.getHyper('lr')).toEqual([0.01]);
    expect([a.name, r.name, lbfgs(v).name, lars(v, { lr: 1 }).name, sgd(v, { lr: 1 }).name]).toEqual(['adam', 'rmsprop', 'lbfgs', 'lars', 'sgd']);
    tf.dispose(v);
  });
});
