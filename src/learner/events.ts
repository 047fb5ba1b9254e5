import type { tfl } from '../backend/tf.js';
import type { Batch } from '../data/dataset.js';
import type { Optimizer } from '../optim/index.js';
import type { TrainingPhase } from '../phases/trainingPhase.js';

/** The events of the training loop, in the order they fire. */
export const EVENTS = [
  'beforeFit',
  'beforePhase',
  'beforeEpoch',
  'beforeBatch',
  'afterLoss',
  'afterStep',
  'afterBatch',
  'beforeValidate',
  'afterValidate',
  'afterEpoch',
  'afterPhase',
  'afterFit',
] as const;

export type EventName = (typeof EVENTS)[number];

/** What callbacks see. Mutable fields are the loop's live state. */
export interface FitContext {
  /** The model being trained. */
  model: tfl.LayersModel;
  /** Global iteration (0-based) of the current batch. */
  iteration: number;
  /** Global epoch (0-based). */
  epoch: number;
  /** Batches in one epoch of the current data. */
  epochBatches: number;
  /** Index of the current phase. */
  phaseIndex: number;
  phase: TrainingPhase;
  /** The current phase's optimizer (set from beforePhase on). */
  optimizer?: Optimizer;
  /** The current batch (beforeBatch … afterBatch). */
  batch?: Batch;
  /** This batch's loss (afterLoss on). */
  loss?: number;
  /** Debiased smoothed training loss. */
  smoothLoss?: number;
  /** lr of every layer group for this batch. */
  lrs: number[];
  momentum: number;
  /** Validation results (afterValidate / afterEpoch). */
  valid?: { loss: number; metrics: Record<string, number> };
  /** Ask the loop to stop after this batch; the reason is recorded. */
  stop(reason: string): void;
}

/** A callback: a plain object with any of the event methods; lower `order` runs first. */
export type Callback = { order?: number } & { [E in EventName]?: (ctx: FitContext) => void | Promise<void> };

/** Thrown by a callback to skip the rest of this batch (no step). */
export class CancelBatchError extends Error {
  override name = 'CancelBatchError';
}
/** Thrown by a callback to end the current epoch early (validation still runs). */
export class CancelEpochError extends Error {
  override name = 'CancelEpochError';
}
/** Thrown by a callback to stop the fit cleanly; the message is recorded as the reason. */
export class CancelFitError extends Error {
  override name = 'CancelFitError';
}

/** Run `event` on every callback, in `order`. */
export async function fire(callbacks: Callback[], event: EventName, ctx: FitContext): Promise<void> {
  for (const cb of callbacks) {
    const f = cb[event];
    if (f) await f.call(cb, ctx);
  }
}

/** Sort callbacks by order (stable), validating their shape. */
export function sortCallbacks(list: Callback[]): Callback[] {
  list.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw new TypeError(`callbacks[${i}] is ${String(cb)}; allowed: an object with event methods (${EVENTS.join(', ')})`);
    for (const k of Object.keys(cb)) {
      if (k !== 'order' && !(EVENTS as readonly string[]).includes(k)) {
        throw new TypeError(`callbacks[${i}] has unknown event ${JSON.stringify(k)}; allowed: order, ${EVENTS.join(', ')}`);
      }
    }
  });
  return list.map((cb, i) => ({ cb, i })).sort((a, b) => (a.cb.order ?? 0) - (b.cb.order ?? 0) || a.i - b.i).map((e) => e.cb);
}
