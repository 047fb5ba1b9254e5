import { BASE_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';

/** What plotLrFind reads (an LrFindResult). */
export interface LrFindCurve {
  lrs: number[];
  losses: number[];
  linear?: boolean;
  suggestions?: object;
}

/** Options of {@link plotLrFind}. */
export interface PlotLrFindOptions {
  /** Linear x axis (default: the result's own mode, i.e. linear for a linear search, else log). */
  linear?: boolean;
  /** Points left out at the start (default 10, as fastai 0.7's n_skip) and at the end (default 5). */
  skipStart?: number;
  skipEnd?: number;
  width?: number;
  height?: number;
}

/**
 * Plot an LR range test: smoothed loss against the learning rate, on a log x axis (or linear, like
 * fastai 0.7's `sched.plot(linear=True)`), with each suggestion marked and labelled.
 *
 * @example
 * ```ts
 * const r = await learner.lrFind();
 * await fs.writeFile('lr-find.png', await renderPng(plotLrFind(r)));
 * ```
 */
export function plotLrFind(result: LrFindCurve, opts: PlotLrFindOptions = {}): VegaLiteSpec {
  if (!result || !Array.isArray(result.lrs) || !Array.isArray(result.losses) || result.lrs.length !== result.losses.length) {
    throw new TypeError('plotLrFind source lacks matching lrs / losses; allowed: an LrFindResult');
  }
  const n = result.lrs.length;
  const skipStart = opts.skipStart ?? Math.min(10, Math.max(0, n - 2));
  const skipEnd = opts.skipEnd ?? Math.min(5, Math.max(0, n - skipStart - 2));
  for (const [name, v] of [['skipStart', skipStart], ['skipEnd', skipEnd]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`plotLrFind ${name} is ${v}; allowed: an integer >= 0`);
  }
  const values = result.lrs
    .map((lr, i) => ({ lr, loss: result.losses[i] }))
    .slice(skipStart, n - skipEnd)
    .filter((r) => Number.isFinite(r.loss) && r.lr > 0);
  if (values.length < 2) throw new RangeError(`plotLrFind has ${values.length} points after skipping ${skipStart} + ${skipEnd}; allowed: at least 2`);
  const linear = opts.linear ?? result.linear ?? false;
  const lossAt = (lr: number) => values.reduce((best, r) => (Math.abs(r.lr - lr) < Math.abs(best.lr - lr) ? r : best)).loss;
  const marks = Object.entries((result.suggestions ?? {}) as Record<string, number>)
    .filter(([, lr]) => Number.isFinite(lr) && lr > 0)
    .map(([name, lr]) => ({ lr, loss: lossAt(lr), label: `${name} ${lr.toExponential(1)}` }));
  const x = { field: 'lr', type: 'quantitative', title: `learning rate (${linear ? 'linear' : 'log'} scale)`, scale: { type: linear ? 'linear' : 'log' }, axis: { format: linear ? '~g' : '.0e' } };
  const y = { field: 'loss', type: 'quantitative', title: 'smoothed loss', scale: { zero: false } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: 'LR finder',
    width: opts.width ?? 420,
    height: opts.height ?? 280,
    padding: { left: 5, top: 5, right: 20, bottom: 5 },
    config: BASE_CONFIG,
    layer: [
      { data: { values }, mark: { type: 'line', color: '#1f77b4', strokeWidth: 2 }, encoding: { x, y } },
      ...(marks.length
        ? [
            { data: { values: marks }, mark: { type: 'point', filled: true, size: 80, color: '#d62728' }, encoding: { x, y } },
            { data: { values: marks }, mark: { type: 'text', align: 'left', dx: 6, dy: -8, fontSize: 12 }, encoding: { x, y, text: { field: 'label', type: 'nominal' } } },
          ]
        : []),
    ],
  };
}
