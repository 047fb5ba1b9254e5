import { describe, expect, it } from 'vitest';
import { phaseSchedule } from '../../src/phases/phaseSchedule.js';
import { oneCyclePhases } from '../../src/phases/presets.js';
import { TrainingPhase } from '../../src/phases/trainingPhase.js';
import { plotLr } from '../../src/plot/plotLr.js';
import { renderPng, renderSvg } from '../../src/plot/render.js';
import { v5Errors } from './vegaLiteV5.js';

const table = phaseSchedule(oneCyclePhases({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 }), 40);
type Layer = { mark: { type: string }; data?: { values: Record<string, unknown>[] } };
const marks = (panel: { layer: Layer[] }, type: string) => panel.layer.filter((l) => l.mark.type === type);

describe('plotLr', () => {
  it('has an lr panel and a momentum panel with boundary rules and optimizer names', () => {
    const spec = plotLr(table);
    expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
    expect(spec.hconcat).toHaveLength(2);
    const [lr, mom] = spec.hconcat;
    expect(lr.title).toBe('learning rate');
    expect(mom.title).toBe('momentum');
    for (const panel of [lr, mom]) {
      expect(marks(panel, 'line')).toHaveLength(1);
      const rules = marks(panel, 'rule');
      expect(rules).toHaveLength(1);
      // one rule per inner boundary: phases start at 0, 54, 108
      expect(rules[0].data!.values.map((v) => v.boundary)).toEqual([54, 108]);
      const text = marks(panel, 'text');
      expect(text).toHaveLength(1);
      expect(text[0].data!.values.map((v) => v.label)).toEqual(['sgd', 'sgd', 'sgd']);
      // centred in each phase's span
      expect(text[0].data!.values.map((v) => v.mid)).toEqual([26.5, 80.5, 113.5]);
    }
    expect(spec.data.values).toHaveLength(120);
    expect(spec.data.values[54]).toEqual({ iteration: 54, lr: table.lr[54][0], momentum: table.momentum[54] });
    expect(v5Errors(spec)).toEqual([]);
  });

  it('showText false drops the rules and texts', () => {
    const spec = plotLr(table, { showText: false });
    for (const panel of spec.hconcat) {
      expect(marks(panel, 'rule')).toHaveLength(0);
      expect(marks(panel, 'text')).toHaveLength(0);
      expect(marks(panel, 'line')).toHaveLength(1);
    }
    expect(v5Errors(spec)).toEqual([]);
  });

  it('showMoms false leaves one panel', () => {
    const spec = plotLr(table, { showMoms: false });
    expect(spec.hconcat).toBeUndefined();
    expect(spec.title).toBe('learning rate');
    expect(marks(spec as { layer: Layer[] }, 'rule')).toHaveLength(1);
    expect(v5Errors(spec)).toEqual([]);
  });

  it('with several layer groups plots the highest one and says so', () => {
    const t = phaseSchedule([new TrainingPhase({ epochs: 1, lr: [1e-4, 1e-3, 1e-2], lrDecay: 'cosine' })], 10);
    const spec = plotLr(t);
    expect(spec.hconcat[0].title).toBe('learning rate (group 3 of 3, the highest)');
    expect(spec.data.values.map((v: { lr: number }) => v.lr)).toEqual(t.lr.map((r) => r[2]));
  });

  it('labels phases with wd and beta when set', () => {
    const t = phaseSchedule([new TrainingPhase({ epochs: 1, optimizer: 'adam', beta: 0.99, wd: 1e-4 })], 10);
    const text = marks(plotLr(t).hconcat[0], 'text');
    expect(text[0].data!.values[0].label).toBe('adam\nwd=0.0001\nbeta=0.99');
  });

  it('accepts a recorder-shaped source', () => {
    const spec = plotLr({ lrs: [[1], [2], [3], [4]], moms: [0.9, 0.9, 0.8, 0.8], boundaries: [0, 2], optimizers: ['sgd', 'adam'] });
    expect(marks(spec.hconcat[0], 'text')[0].data!.values.map((v) => v.label)).toEqual(['sgd', 'adam']);
    expect(v5Errors(spec)).toEqual([]);
  });

  it('rejects a source that is neither a table nor a recorder', () => {
    expect(() => plotLr({} as never)).toThrow(/lacks lrs/);
    expect(() => plotLr(null as never)).toThrow(TypeError);
  });

  it('renders to SVG with the optimizer names and to a PNG', async () => {
    const spec = plotLr(table);
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>sgd<');
    expect(svg).toContain('learning rate');
    expect(svg).toContain('stroke-dasharray="6,4"');
    const png = await renderPng(spec, { scale: 1 });
    expect(Array.from(png.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // width from the IHDR chunk: two 360-px panels plus axes
    const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
    expect(width).toBeGreaterThan(720);
  });

  it('renderPng rejects a bad scale and a non-object spec', async () => {
    await expect(renderPng(plotLr(table), { scale: 0 })).rejects.toThrow(/scale is 0; allowed: a number in \(0, 16\]/);
    await expect(renderSvg('spec' as never)).rejects.toThrow(TypeError);
  });
});

describe('display', () => {
  it('outside a tslab kernel says how to write the plot instead', async () => {
    const { display } = await import('../../src/plot/display.js');
    await expect(display(plotLr(table))).rejects.toThrow(/display\(\) needs a running tslab \(Jupyter\) kernel; .*renderPng/);
  });
});
