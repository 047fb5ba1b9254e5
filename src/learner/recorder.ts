import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';

/** One epoch's results. */
export interface EpochRecord {
  epoch: number;
  /** Iterations done when the epoch ended. */
  iterations: number;
  trainLoss: number;
  validLoss?: number;
  metrics: Record<string, number>;
  /** SWA model results, when SWA evaluated at this epoch. */
  swaLoss?: number;
  swaMetrics?: Record<string, number>;
  seconds: number;
}

/**
 * The record of a fit: every iteration's lr (all groups), momentum, loss and smoothed loss; every
 * epoch's validation loss and metrics; phase boundaries and optimizer names; why it stopped early.
 * `plotLr(recorder)` and `plotLosses(recorder)` draw it; `toCsv(path)` writes it.
 *
 * @example
 * ```ts
 * const rec = await learner.fitOptSched(phases);
 * rec.lrs[0];         // lrs of every group at iteration 0
 * rec.toCsv('runs/history.csv');
 * ```
 */
export class Recorder {
  lrs: number[][] = [];
  moms: number[] = [];
  losses: number[] = [];
  smoothLosses: number[] = [];
  /** The phase index of every iteration. */
  phases: number[] = [];
  /** First iteration of each phase. */
  boundaries: number[] = [];
  optimizers: string[] = [];
  epochs: EpochRecord[] = [];
  /** Why the fit stopped early (stopDiv, a callback, SIGINT), else undefined. */
  stopped?: string;

  /** Append one iteration. */
  addIteration(lrs: number[], mom: number, loss: number, smooth: number, phase: number): void {
    this.lrs.push(lrs.slice());
    this.moms.push(mom);
    this.losses.push(loss);
    this.smoothLosses.push(smooth);
    this.phases.push(phase);
  }

  /** The rows of the CSV: one per iteration, with epoch results on the epoch's last iteration. */
  rows(): (string | number)[][] {
    const groups = this.lrs[0]?.length ?? 1;
    const metricNames = [...new Set(this.epochs.flatMap((e) => Object.keys(e.metrics)))];
    const swa = this.epochs.some((e) => e.swaLoss !== undefined);
    const swaNames = swa ? [...new Set(this.epochs.flatMap((e) => Object.keys(e.swaMetrics ?? {})))] : [];
    const header = [
      'iteration', 'epoch', 'phase', 'optimizer',
      ...(groups === 1 ? ['lr'] : Array.from({ length: groups }, (_, g) => `lr_${g}`)),
      'momentum', 'loss', 'smooth_loss', 'valid_loss', ...metricNames,
      ...(swa ? ['swa_loss', ...swaNames.map((m) => `swa_${m}`)] : []),
    ];
    const epochAt = new Map(this.epochs.map((e) => [e.iterations - 1, e]));
    let epoch = 0;
    const rows: (string | number)[][] = [header];
    for (let i = 0; i < this.losses.length; i++) {
      const e = epochAt.get(i);
      const num = (v: number | undefined) => (v === undefined ? '' : v);
      rows.push([
        i, epoch, this.phases[i] ?? '', this.optimizers[this.phases[i]] ?? '',
        ...this.lrs[i], this.moms[i], this.losses[i], this.smoothLosses[i],
        num(e?.validLoss), ...metricNames.map((m) => num(e?.metrics[m])),
        ...(swa ? [num(e?.swaLoss), ...swaNames.map((m) => num(e?.swaMetrics?.[m]))] : []),
      ]);
      if (e) epoch++;
    }
    return rows;
  }

  /** Write the history as CSV (csv-stringify), creating the folder. */
  toCsv(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, stringify(this.rows()));
  }

  /** A plain-data copy (JSON-serialisable), for checkpoints. */
  toJSON(): Record<string, unknown> {
    const { lrs, moms, losses, smoothLosses, phases, boundaries, optimizers, epochs, stopped } = this;
    return { lrs, moms, losses, smoothLosses, phases, boundaries, optimizers, epochs, stopped };
  }

  /** Rebuild a Recorder from {@link Recorder.toJSON} output. */
  static fromJSON(o: Record<string, unknown>): Recorder {
    return Object.assign(new Recorder(), o);
  }
}
