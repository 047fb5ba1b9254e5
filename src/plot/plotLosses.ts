import { BASE_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';

/** What plotLosses reads from a Recorder. */
export interface LossRecord {
  losses: number[];
  smoothLosses: number[];
  boundaries?: number[];
  epochs: { iterations: number; validLoss?: number; metrics: Record<string, number>; swaLoss?: number }[];
}

/**
 * Plot a fit's losses against the iteration: the raw batch losses (faint), the debiased smoothed
 * training loss, the validation loss at each epoch end (points) and, when SWA ran, the SWA model's
 * validation loss; beside it, each epoch-end metric. NaN / infinite losses are left out.
 *
 * @example
 * ```ts
 * const rec = await learner.fitOptSched(phases);
 * await fs.writeFile('losses.png', await renderPng(plotLosses(rec)));
 * ```
 */
export function plotLosses(rec: LossRecord, opts: { width?: number; height?: number } = {}): VegaLiteSpec {
  if (!rec || !Array.isArray(rec.losses) || !Array.isArray(rec.smoothLosses) || !Array.isArray(rec.epochs)) {
    throw new TypeError('plotLosses source lacks losses / smoothLosses / epochs; allowed: a Recorder');
  }
  if (rec.losses.length === 0) throw new RangeError('plotLosses source has 0 iterations; allowed: at least one');
  const width = opts.width ?? 420;
  const height = opts.height ?? 260;
  const rows: { iteration: number; loss: number; series: string }[] = [];
  const ok = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  rec.losses.forEach((l, i) => ok(l) && rows.push({ iteration: i, loss: l, series: 'train (batch)' }));
  rec.smoothLosses.forEach((l, i) => ok(l) && rows.push({ iteration: i, loss: l, series: 'train (smoothed)' }));
  const points: { iteration: number; loss: number; series: string }[] = [];
  for (const e of rec.epochs) {
    if (ok(e.validLoss)) points.push({ iteration: e.iterations - 1, loss: e.validLoss, series: 'valid' });
    if (ok(e.swaLoss)) points.push({ iteration: e.iterations - 1, loss: e.swaLoss, series: 'valid (SWA)' });
  }
  const all = ['train (batch)', 'train (smoothed)', 'valid', 'valid (SWA)'];
  const palette = ['#aec7e8', '#1f77b4', '#d62728', '#2ca02c'];
  const present = new Set([...rows, ...points].map((r) => r.series));
  const keep = all.map((s, i) => [s, palette[i]] as const).filter(([s]) => present.has(s));
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: keep.map((k) => k[0]), range: keep.map((k) => k[1]) } };
  const x = { field: 'iteration', type: 'quantitative', title: 'iteration' };
  const y = { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } };
  const lossPanel: VegaLiteSpec = {
    title: 'loss',
    width,
    height,
    layer: [
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, opacity: { condition: { test: "datum.series === 'train (batch)'", value: 0.6 }, value: 1 } } },
      ...(points.length ? [{ data: { values: points }, mark: { type: 'line', point: { size: 50 }, strokeDash: [4, 3] }, encoding: { x, y, color } }] : []),
    ],
  };
  const metricRows = rec.epochs.flatMap((e, i) => Object.entries(e.metrics).filter(([, v]) => ok(v)).map(([metric, value]) => ({ epoch: i + 1, value, metric })));
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA, padding: { left: 5, top: 5, right: 20, bottom: 5 }, config: BASE_CONFIG };
  if (metricRows.length === 0) return { ...spec, ...lossPanel };
  const metricPanel: VegaLiteSpec = {
    title: 'validation metrics',
    width: Math.round(width * 0.6),
    height,
    data: { values: metricRows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
      color: { field: 'metric', type: 'nominal', title: null },
    },
  };
  return { ...spec, hconcat: [lossPanel, metricPanel], resolve: { scale: { color: 'independent' } } };
}
