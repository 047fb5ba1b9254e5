import { describe, expect, it } from 'vitest';
import { TrainingPhase, type TrainingPhaseOptions } from '../../src/phases/trainingPhase.js';

const make = (o: Partial<TrainingPhaseOptions> & Record<string, unknown>) => () => new TrainingPhase({ epochs: 1, ...o } as TrainingPhaseOptions);

describe('TrainingPhase', () => {
  it('has fastai 0.7 defaults', () => {
    const p = new TrainingPhase({ epochs: 0.25 });
    expect(p.epochs).toBe(0.25);
    expect(p.optimizer).toBe('sgd');
    expect(p.lr).toBe(1e-2);
    expect(p.lrDecay).toBe('none');
    expect(p.momentum).toBe(0.9);
    expect(p.momentumDecay).toBe('none');
    expect(p.lrTarget).toBe(1e-2);
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('a decay without lrEnd goes to 0 (except exponential, which requires lrEnd)', () => {
    expect(new TrainingPhase({ epochs: 1, lr: 0.1, lrDecay: 'cosine' }).lrTarget).toBe(0);
    expect(new TrainingPhase({ epochs: 1, lr: [0.1, 0.2], lrDecay: 'linear' }).lrTarget).toEqual([0, 0]);
    expect(new TrainingPhase({ epochs: 1, momentum: 0.9, momentumDecay: 'linear' }).momentumTarget).toBe(0);
    expect(make({ lrDecay: 'exponential' })).toThrow(/lrEnd is undefined but lrDecay is 'exponential'/);
  });

  it('copies per-group arrays', () => {
    const lr = [1, 2];
    const p = new TrainingPhase({ epochs: 1, lr });
    lr[0] = 5;
    expect(p.lr).toEqual([1, 2]);
    expect(p.groups).toBe(2);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['epochs 0', { epochs: 0 }, /TrainingPhase\.epochs is 0; allowed: a finite number > 0/],
    ['epochs < 0', { epochs: -1 }, /epochs is -1/],
    ['epochs NaN', { epochs: NaN }, /epochs is NaN/],
    ['epochs Infinity', { epochs: Infinity }, /epochs is Infinity/],
    ['epochs a string', { epochs: '2' }, /epochs is "2"/],
    ['negative lr', { lr: -0.1 }, /TrainingPhase\.lr is -0\.1; allowed: a finite number >= 0/],
    ['NaN in a per-group lr', { lr: [0.1, NaN] }, /TrainingPhase\.lr\[1\] is NaN/],
    ['Infinity lrEnd', { lr: 1, lrEnd: Infinity, lrDecay: 'linear' }, /lrEnd is Infinity/],
    ['exponential with lr 0', { lr: 0, lrEnd: 1, lrDecay: 'exponential' }, /lr is 0; allowed: a finite number > 0 \(exponential decay\)/],
    ['exponential with lrEnd 0', { lr: 1, lrEnd: 0, lrDecay: 'exponential' }, /lrEnd is 0; allowed: a finite number > 0/],
    ['lrEnd with decay none', { lr: 1, lrEnd: 0.1 }, /lrEnd is 0\.1 but lrDecay is 'none'/],
    ['momentumEnd with decay none', { momentumEnd: 0.8 }, /momentumEnd is 0\.8 but momentumDecay is 'none'/],
    ['lr and lrEnd group lengths differ', { lr: [1, 2], lrEnd: [1, 2, 3], lrDecay: 'linear' }, /lrEnd has 3 layer groups but TrainingPhase\.lr has 2/],
    ['lr and wd group lengths differ', { lr: [1, 2], wd: [0, 0, 0] }, /wd has 3 layer groups but TrainingPhase\.lr has 2/],
    ['unknown decay', { lrDecay: 'cos' }, /lrDecay is "cos"; allowed: 'none', 'linear', 'cosine', 'exponential'/],
    ['unknown momentum decay', { momentumDecay: 'step' }, /momentumDecay is "step"/],
    ['polynomial power 0', { lrDecay: { type: 'polynomial', power: 0 } }, /lrDecay\.power is 0; allowed: a finite number > 0/],
    ['polynomial power negative', { lrDecay: { type: 'polynomial', power: -2 } }, /power is -2/],
    ['polynomial without type', { lrDecay: { power: 2 } }, /lrDecay\.type is undefined/],
    ['unknown optimizer', { optimizer: 'adagrad' }, /optimizer is "adagrad"; allowed: 'sgd', 'adam', 'adamw', 'rmsprop', 'lars' or a factory/],
    ['momentum 1', { momentum: 1 }, /momentum is 1; allowed: a number in \[0, 1\)/],
    ['momentum negative', { momentum: -0.1 }, /momentum is -0\.1/],
    ['momentumEnd out of range', { momentumEnd: 1.2, momentumDecay: 'linear' }, /momentumEnd is 1\.2/],
    ['beta 1', { beta: 1 }, /beta is 1; allowed: a number in \[0, 1\)/],
    ['negative wd', { wd: -1e-4 }, /wd is -0\.0001; allowed: a finite number >= 0/],
    ['empty lr array', { lr: [] }, /lr is \[\]/],
    ['unknown field', { lr_decay: 'linear' }, /unknown field "lr_decay"/],
  ])('rejects %s', (_name, opts, msg) => {
    const f = make(opts);
    expect(f).toThrow(msg);
    try {
      f();
    } catch (e) {
      expect(e instanceof RangeError || e instanceof TypeError).toBe(true);
    }
  });

  it('rejects options that are not an object', () => {
    expect(() => new TrainingPhase(undefined as unknown as TrainingPhaseOptions)).toThrow(TypeError);
  });

  it('accepts a factory and labels it by name', () => {
    function myOpt() {
      return {};
    }
    expect(new TrainingPhase({ epochs: 1, optimizer: myOpt }).optimizerName).toBe('myOpt');
  });
});
