import type { Callback, FitContext } from './events.js';
import type { Recorder } from './recorder.js';

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits);
}

/** One summary line for an epoch: epoch, train (smoothed) loss, valid loss, metrics, seconds. */
export function epochLine(rec: Recorder): string {
  const e = rec.epochs[rec.epochs.length - 1];
  const metrics = Object.entries(e.metrics).map(([k, v]) => `${k} ${fmt(v)}`);
  const swa = e.swaLoss !== undefined ? [`swa_loss ${fmt(e.swaLoss)}`, ...Object.entries(e.swaMetrics ?? {}).map(([k, v]) => `swa_${k} ${fmt(v)}`)] : [];
  return [`epoch ${e.epoch + 1}`, `train_loss ${fmt(e.trainLoss)}`, `valid_loss ${fmt(e.validLoss)}`, ...metrics, ...swa, `${e.seconds.toFixed(1)}s`].join('  ');
}

/**
 * Progress reporting: a cli-progress bar per epoch (loss, lr) when stdout is a TTY, and one line per
 * epoch either way. cli-progress is loaded lazily.
 */
export function progressCallback(rec: Recorder, stream: NodeJS.WriteStream = process.stdout): Callback {
  const tty = Boolean(stream.isTTY);
  let bar: { start(total: number, v: number, p?: object): void; update(v: number, p?: object): void; stop(): void; setTotal(t: number): void } | undefined;
  let Bar: (new (opts: object) => NonNullable<typeof bar>) | undefined;
  let done = 0;
  return {
    order: 100,
    async beforeFit() {
      if (!tty) return;
      const mod = (await import('cli-progress')) as unknown as { default?: { SingleBar: typeof Bar }; SingleBar: typeof Bar };
      Bar = (mod.default?.SingleBar ?? mod.SingleBar)!;
    },
    beforeEpoch(ctx: FitContext) {
      done = 0;
      if (!Bar) return;
      bar = new Bar({ format: `epoch ${ctx.epoch + 1} [{bar}] {value}/{total} loss {loss} lr {lr}`, stream, hideCursor: false, clearOnComplete: true });
      bar.start(ctx.epochBatches, 0, { loss: '-', lr: '-' });
    },
    afterBatch(ctx: FitContext) {
      done++;
      bar?.update(done, { loss: fmt(ctx.smoothLoss), lr: ctx.lrs[ctx.lrs.length - 1].toExponential(2) });
    },
    beforeValidate() {
      bar?.stop();
      bar = undefined;
    },
    afterEpoch() {
      stream.write(`${epochLine(rec)}\n`);
    },
    afterFit() {
      bar?.stop();
      if (rec.stopped) stream.write(`stopped: ${rec.stopped}\n`);
    },
  };
}
