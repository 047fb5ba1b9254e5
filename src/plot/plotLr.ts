import type { ScheduleTable } from '../phases/phaseSchedule.js';
import { BASE_CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';

/** What plotLr reads from a Recorder (the runner's record of a fit). */
export interface LrRecord {
  lrs: number[][];
  moms: number[];
  boundaries: number[];
  optimizers: string[];
}

/** Options of {@link plotLr}. */
export interface PlotLrOptions {
  /** Dashed lines at phase boundaries and each phase's optimizer name (default true). */
  showText?: boolean;
  /** A momentum panel beside the lr panel (default true). */
  showMoms?: boolean;
  /** Panel width and height in pixels (default 360 × 240). */
  width?: number;
  height?: number;
}

interface Normalised {
  lrs: number[][];
  moms: number[];
  boundaries: number[];
  labels: string[];
}

function isTable(s: ScheduleTable | LrRecord): s is ScheduleTable {
  return Array.isArray((s as ScheduleTable).lr) && Array.isArray((s as ScheduleTable).momentum);
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function normalise(source: ScheduleTable | LrRecord): Normalised {
  if (source === null || typeof source !== 'object') {
    throw new TypeError(`plotLr source is ${String(source)}; allowed: a ScheduleTable (phaseSchedule) or a Recorder`);
  }
  if (isTable(source)) {
    const labels = source.optimizers.map((name, i) => {
      const lines = [name];
      const wd = source.wd?.[i];
      if (wd !== undefined) lines.push(`wd=${wd.length > 1 && new Set(wd).size > 1 ? `[${wd.map(fmt).join(',')}]` : fmt(wd[0])}`);
      const beta = source.beta?.[i];
      if (beta !== undefined) lines.push(`beta=${fmt(beta)}`);
      return lines.join('\n');
    });
    return { lrs: source.lr, moms: source.momentum, boundaries: source.boundaries, labels };
  }
  const r = source as LrRecord;
  if (!Array.isArray(r.lrs) || !Array.isArray(r.moms) || !Array.isArray(r.boundaries) || !Array.isArray(r.optimizers)) {
    throw new TypeError('plotLr source lacks lrs / moms / boundaries / optimizers; allowed: a ScheduleTable (phaseSchedule) or a Recorder');
  }
  return { lrs: r.lrs, moms: r.moms, boundaries: r.boundaries, labels: r.optimizers.slice() };
}

/** The index of the layer group with the highest lr (ties: the last group, as fastai plots lrs[-1]). */
function highestGroup(lrs: number[][]): number {
  const groups = lrs[0]?.length ?? 1;
  let best = groups - 1;
  let bestMax = -Infinity;
  for (let g = groups - 1; g >= 0; g--) {
    let m = -Infinity;
    for (const row of lrs) m = Math.max(m, row[g]);
    if (m > bestMax) {
      bestMax = m;
      best = g;
    }
  }
  return best;
}

/** A y domain with room around a constant series (vega would collapse it to a point). */
function yScale(values: number[]): VegaLiteSpec {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo > 1e-12 * Math.max(1, Math.abs(hi))) return { zero: false };
  const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 0.1;
  return { zero: false, domain: [lo - pad, hi + pad] };
}

function panel(field: string, series: number[], title: string, axisTitle: string, format: string, n: Normalised, show: boolean, width: number, height: number): VegaLiteSpec {
  const total = n.lrs.length;
  const layers: VegaLiteSpec[] = [
    {
      mark: { type: 'line', color: '#1f77b4', strokeWidth: 2 },
      encoding: {
        x: { field: 'iteration', type: 'quantitative', title: 'iteration', scale: { domain: [0, Math.max(1, total - 1)], nice: false } },
        y: { field, type: 'quantitative', title: axisTitle, axis: { format }, scale: yScale(series) },
      },
    },
  ];
  if (show) {
    const inner = n.boundaries.slice(1).map((b) => ({ boundary: b }));
    if (inner.length) {
      layers.push({
        data: { values: inner },
        mark: { type: 'rule', color: 'red', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x: { field: 'boundary', type: 'quantitative' } },
      });
    }
    const ends = [...n.boundaries.slice(1), total];
    // Centred at mid-height like fastai; a phase too narrow for its label gets it higher up, staggered,
    // so that neighbouring labels do not print over each other.
    let narrow = 0;
    const texts = n.boundaries.map((b, i) => {
      const span = ((ends[i] - b) / Math.max(1, total - 1)) * width;
      const y = span >= 48 ? height / 2 : height * (0.12 + 0.1 * (narrow++ % 3));
      return { mid: (b + ends[i] - 1) / 2, y, label: n.labels[i] ?? '' };
    });
    layers.push({
      data: { values: texts },
      mark: { type: 'text', fontSize: 14, opacity: 0.5, lineBreak: '\n', align: 'center', baseline: 'middle' },
      encoding: {
        x: { field: 'mid', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative', scale: null },
        text: { field: 'label', type: 'nominal' },
      },
    });
  }
  return { title, width, height, layer: layers };
}

/**
 * Plot a schedule or a recorded fit like fastai's `sched.plot_lr`: the learning rate against the
 * iteration and, beside it, the momentum; a dashed red line at each boundary between phases and each
 * phase's optimizer name (plus wd / beta when set) centred in its span. With several layer groups it
 * plots the group with the highest lr and says so in the title.
 *
 * @returns a vega-lite v5 spec object (render with `renderPng` / `renderSvg`, or `display` in tslab).
 * @example
 * ```ts
 * const table = phaseSchedule(oneCyclePhases({ cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 }), 40);
 * await fs.writeFile('lr.png', await renderPng(plotLr(table)));
 * ```
 */
export function plotLr(source: ScheduleTable | LrRecord, opts: PlotLrOptions = {}): VegaLiteSpec {
  const n = normalise(source);
  if (n.lrs.length === 0) throw new RangeError('plotLr source has 0 iterations; allowed: at least one iteration');
  const showText = opts.showText ?? true;
  const showMoms = opts.showMoms ?? true;
  const width = opts.width ?? 360;
  const height = opts.height ?? 240;
  const groups = n.lrs[0].length;
  const g = highestGroup(n.lrs);
  const values = n.lrs.map((row, i) => ({ iteration: i, lr: row[g], momentum: n.moms[i] }));
  const lrTitle = groups > 1 ? `learning rate (group ${g + 1} of ${groups}, the highest)` : 'learning rate';
  const panels = [panel('lr', values.map((v) => v.lr), lrTitle, 'learning rate', '.1e', n, showText, width, height)];
  if (showMoms) panels.push(panel('momentum', n.moms, 'momentum', 'momentum', '.3f', n, showText, width, height));
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA, padding: { left: 5, top: 5, right: 20, bottom: 5 }, data: { values }, config: BASE_CONFIG };
  if (panels.length === 1) return { ...spec, ...panels[0] };
  return { ...spec, hconcat: panels };
}
