import { describe, expect, it } from 'vitest';
import { plotLosses } from '../../src/plot/plotLosses.js';
import { plotLrFind } from '../../src/plot/plotLrFind.js';
import { renderSvg } from '../../src/plot/render.js';
import { v5Errors } from './vegaLiteV5.js';

const rec = {
  losses: [2.3, 2.0, NaN, 1.2, 1.0, 0.9],
  smoothLosses: [2.3, 2.1, 2.1, 1.8, 1.5, 1.3],
  epochs: [
    { iterations: 3, validLoss: 1.9, metrics: { accuracy: 0.5 } },
    { iterations: 6, validLoss: 1.1, metrics: { accuracy: 0.7 }, swaLoss: 1.0 },
  ],
};

describe('plotLosses', () => {
  it('draws batch, smoothed and validation losses and a metrics panel; valid v5', async () => {
    const spec = plotLosses(rec);
    expect(v5Errors(spec)).toEqual([]);
    const [loss, metrics] = spec.hconcat;
    const lines = loss.layer[0].data.values;
    expect(lines.filter((r: { series: string }) => r.series === 'train (batch)')).toHaveLength(5); // NaN left out
    expect(loss.layer[1].data.values).toEqual([
      { iteration: 2, loss: 1.9, series: 'valid' },
      { iteration: 5, loss: 1.1, series: 'valid' },
      { iteration: 5, loss: 1.0, series: 'valid (SWA)' },
    ]);
    expect(metrics.data.values).toEqual([{ epoch: 1, value: 0.5, metric: 'accuracy' }, { epoch: 2, value: 0.7, metric: 'accuracy' }]);
    expect(await renderSvg(spec)).toContain('valid (SWA)');
  });

  it('has a single panel without metrics and rejects a non-recorder', () => {
    const spec = plotLosses({ ...rec, epochs: [] });
    expect(spec.hconcat).toBeUndefined();
    expect(v5Errors(spec)).toEqual([]);
    expect(() => plotLosses({} as never)).toThrow(/lacks losses/);
  });
});

describe('plotLrFind', () => {
  const lrs = Array.from({ length: 30 }, (_, i) => 1e-5 * 10 ** (i / 5));
  const losses = lrs.map((lr, i) => 2 - Math.log10(lr / 1e-5) / 4 + (i > 25 ? (i - 25) : 0));
  const r = { lrs, losses, linear: false, suggestions: { valley: lrs[12], minimum: lrs[25] / 10, steep: lrs[14] } };

  it('uses a log axis by default, skips 10 at the start and 5 at the end, marks the suggestions', () => {
    const spec = plotLrFind(r);
    expect(v5Errors(spec)).toEqual([]);
    expect(spec.layer[0].encoding.x.scale.type).toBe('log');
    expect(spec.layer[0].data.values).toHaveLength(15);
    expect(spec.layer[0].data.values[0].lr).toBe(lrs[10]);
    expect(spec.layer[2].data.values.map((m: { label: string }) => m.label.split(' ')[0])).toEqual(['valley', 'minimum', 'steep']);
  });

  it('linear: true gives a linear axis (fastai 0.7 plot(linear=True))', () => {
    const spec = plotLrFind({ ...r, linear: true }, { skipStart: 0, skipEnd: 0 });
    expect(spec.layer[0].encoding.x.scale.type).toBe('linear');
    expect(spec.layer[0].data.values).toHaveLength(30);
    expect(plotLrFind(r, { linear: true }).layer[0].encoding.x.scale.type).toBe('linear');
  });

  it('rejects mismatched or too short curves', () => {
    expect(() => plotLrFind({ lrs: [1, 2], losses: [1] })).toThrow(/matching lrs \/ losses/);
    expect(() => plotLrFind({ lrs: [1, 2, 3], losses: [1, 2, 3] }, { skipStart: 2, skipEnd: 0 })).toThrow(/has 1 points/);
  });
});
