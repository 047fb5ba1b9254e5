/**
 * The debiased exponential moving average of the training loss (fastai):
 * `avg = beta * avg + (1 - beta) * loss`, `smooth = avg / (1 - beta^n)` after n batches.
 *
 * @example
 * ```ts
 * const s = new SmoothLoss();
 * s.add(2); // 2 (the first value is unbiased)
 * s.add(1); // (0.98*0.02*2 + 0.02*1) / (1 - 0.98^2) ≈ 1.495
 * ```
 */
export class SmoothLoss {
  private avg = 0;
  private n = 0;
  constructor(readonly beta = 0.98) {
    if (!(beta >= 0 && beta < 1)) throw new RangeError(`SmoothLoss beta is ${beta}; allowed: a number in [0, 1)`);
  }

  /** Add a batch loss; returns the debiased smoothed loss. */
  add(loss: number): number {
    this.n += 1;
    this.avg = this.beta * this.avg + (1 - this.beta) * loss;
    return this.value;
  }

  /** The current debiased value (NaN before the first batch). */
  get value(): number {
    return this.n === 0 ? NaN : this.avg / (1 - this.beta ** this.n);
  }

  /** Serialisable state, for checkpoints. */
  state(): { avg: number; n: number } {
    return { avg: this.avg, n: this.n };
  }

  load(s: { avg: number; n: number }): void {
    this.avg = s.avg;
    this.n = s.n;
  }
}

/**
 * fastai 0.7's stop_div rule: stop when the smoothed loss is NaN or above `factor` × the best
 * smoothed loss; the best is only tracked after `burnIn` iterations.
 *
 * @example
 * ```ts
 * const d = new Divergence();
 * d.check(1.0, 11); // undefined (fine); best = 1.0
 * d.check(4.5, 12); // 'smoothed loss 4.5 > 4 × best 1'
 * ```
 */
export class Divergence {
  best = Infinity;
  constructor(readonly factor = 4, readonly burnIn = 10) {}

  /** Returns a reason string when training diverged at iteration `iteration` (1-based), else undefined. */
  check(smooth: number, iteration: number): string | undefined {
    if (Number.isNaN(smooth)) return `smoothed loss is NaN at iteration ${iteration}`;
    if (smooth > this.factor * this.best) {
      return `smoothed loss ${Number(smooth.toPrecision(4))} > ${this.factor} × best ${Number(this.best.toPrecision(4))} at iteration ${iteration}`;
    }
    if (iteration > this.burnIn && smooth < this.best) this.best = smooth;
    return undefined;
  }
}
