import { annealCos, annealExp, annealLinear, annealNone, annealPoly, type Annealer } from './annealers.js';

/** A decay type name, as in fastai 0.7's DecayType. */
export type DecayName = 'none' | 'linear' | 'cosine' | 'exponential';

/** How a value moves from its start to its end inside a phase. */
export type Decay = DecayName | { type: 'polynomial'; power: number };

const NAMES: readonly string[] = ['none', 'linear', 'cosine', 'exponential'];
const ALLOWED = `'none', 'linear', 'cosine', 'exponential' or { type: 'polynomial', power > 0 }`;

/**
 * Check a decay spec, naming `field` in the error.
 *
 * @throws TypeError/RangeError naming the field, the value and what is allowed.
 * @example
 * ```ts
 * checkDecay('lrDecay', { type: 'polynomial', power: 2 }); // ok
 * checkDecay('lrDecay', 'cos');                            // RangeError: lrDecay is "cos"; allowed: …
 * ```
 */
export function checkDecay(field: string, value: unknown): Decay {
  if (typeof value === 'string') {
    if (NAMES.includes(value)) return value as DecayName;
    throw new RangeError(`${field} is ${JSON.stringify(value)}; allowed: ${ALLOWED}`);
  }
  if (value !== null && typeof value === 'object') {
    const v = value as { type?: unknown; power?: unknown };
    if (v.type !== 'polynomial') {
      throw new RangeError(`${field}.type is ${JSON.stringify(v.type)}; allowed: ${ALLOWED}`);
    }
    const extra = Object.keys(v).filter((k) => k !== 'type' && k !== 'power');
    if (extra.length) throw new TypeError(`${field} has unknown field ${JSON.stringify(extra[0])}; allowed: type, power`);
    if (typeof v.power !== 'number' || !Number.isFinite(v.power) || v.power <= 0) {
      throw new RangeError(`${field}.power is ${String(v.power)}; allowed: a finite number > 0`);
    }
    return { type: 'polynomial', power: v.power };
  }
  throw new TypeError(`${field} is ${String(value)}; allowed: ${ALLOWED}`);
}

/**
 * The annealer for a decay spec.
 *
 * @example
 * ```ts
 * annealerFor('cosine')(1, 0, 0.5);                          // 0.5
 * annealerFor({ type: 'polynomial', power: 2 })(1, 0, 0.5);  // 0.25
 * ```
 */
export function annealerFor(decay: Decay): Annealer {
  if (typeof decay === 'object') return annealPoly(decay.power);
  switch (decay) {
    case 'none':
      return annealNone;
    case 'linear':
      return annealLinear;
    case 'cosine':
      return annealCos;
    case 'exponential':
      return annealExp;
  }
}

/** A readable name for a decay spec, e.g. 'cosine' or 'polynomial(2)'. */
export function decayLabel(decay: Decay): string {
  return typeof decay === 'object' ? `polynomial(${decay.power})` : decay;
}
