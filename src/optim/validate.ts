/**
 * Validation helpers shared by the optimizers. Every failure is a RangeError / TypeError whose
 * message names the field, the value and what is allowed.
 */
import { tf } from '../backend/tf.js';
import type { Hypers, ParamGroup } from './types.js';

function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof tf.Tensor) return `a rank-${v.rank} tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return typeof v;
}

/** Describe a value for an error message. @example `describeValue(NaN) // 'NaN'` */
export const describeValue = show;

/**
 * Check a number: finite, within bounds. `field` is the full field name used in messages.
 *
 * @example
 * ```ts
 * checkNumber('sgd: lr', -1, { min: 0 }); // throws RangeError "sgd: lr is -1; allowed: a finite number >= 0"
 * ```
 */
export function checkNumber(
  field: string,
  value: unknown,
  b: { min?: number; minExclusive?: boolean; max?: number; maxExclusive?: boolean; integer?: boolean } = {},
): number {
  const parts: string[] = [];
  if (b.integer) parts.push('an integer'); else parts.push('a finite number');
  if (b.min !== undefined) parts.push(`${b.minExclusive ? '>' : '>='} ${b.min}`);
  if (b.max !== undefined) parts.push(`${b.maxExclusive ? '<' : '<='} ${b.max}`);
  const allowed = parts.length === 3 ? `${parts[0]} ${parts[1]} and ${parts[2]}` : parts.join(' ');
  if (typeof value !== 'number') throw new TypeError(`${field} is ${show(value)}; allowed: ${allowed}`);
  const bad = !Number.isFinite(value)
    || (b.integer === true && !Number.isInteger(value))
    || (b.min !== undefined && (b.minExclusive ? value <= b.min : value < b.min))
    || (b.max !== undefined && (b.maxExclusive ? value >= b.max : value > b.max));
  if (bad) throw new RangeError(`${field} is ${show(value)}; allowed: ${allowed}`);
  return value;
}

/** Bounds of each canonical hyper. @example `HYPER_BOUNDS.momentum // { min: 0, max: 1, maxExclusive: true }` */
export const HYPER_BOUNDS: Record<string, Parameters<typeof checkNumber>[2]> = {
  lr: { min: 0 },
  momentum: { min: 0, max: 1, maxExclusive: true },
  beta: { min: 0, max: 1, maxExclusive: true },
  wd: { min: 0 },
  eps: { min: 0, minExclusive: true },
  dampening: { min: 0, max: 1 },
  trustCoefficient: { min: 0, minExclusive: true },
  maxIter: { min: 1, integer: true },
  maxEval: { min: 1, integer: true },
  historySize: { min: 1, integer: true },
  toleranceGrad: { min: 0 },
  toleranceChange: { min: 0 },
};

/**
 * Validate one hyper value by canonical name (booleans are checked as booleans).
 *
 * @example
 * ```ts
 * checkHyper('adam: betas[0]', 'momentum', 1); // RangeError: ... allowed: a finite number >= 0 and < 1
 * ```
 */
export function checkHyper(field: string, name: string, value: unknown): number | boolean {
  if (name === 'nesterov' || name === 'centered' || name === 'strongWolfe') {
    if (typeof value !== 'boolean') throw new TypeError(`${field} is ${show(value)}; allowed: true or false`);
    return value;
  }
  return checkNumber(field, value, HYPER_BOUNDS[name] ?? {});
}

/**
 * Check a variable is a live tf.Variable.
 *
 * @example
 * ```ts
 * checkVariable('sgd: params[0]', w);
 * ```
 */
export function checkVariable(field: string, v: unknown): tf.Variable {
  if (!(v instanceof tf.Variable)) {
    throw new TypeError(`${field} is ${show(v)}; allowed: a tf.Variable (for a layers model use layerGroups(model, ...) or layer.trainableWeights[i].read())`);
  }
  if (v.isDisposed) throw new TypeError(`${field} is the disposed variable '${v.name}'; allowed: a live tf.Variable`);
  return v;
}

/**
 * Normalise constructor `params` into param groups, checking each variable is live and appears
 * once. `resolve(spec, field)` turns a group's overrides into validated hypers.
 *
 * @example
 * ```ts
 * const groups = buildGroups('sgd', [w, b], (spec) => ({ lr: 0.1 }));
 * ```
 */
export function buildGroups(
  opt: string,
  params: unknown,
  resolve: (spec: Record<string, unknown>, field: string) => Hypers,
): ParamGroup[] {
  if (!Array.isArray(params) || params.length === 0) {
    throw new TypeError(`${opt}: params is ${show(params)}; allowed: a non-empty array of tf.Variable or of param groups { params: tf.Variable[], ...hypers }`);
  }
  const isGroups = params.every((p) => p !== null && typeof p === 'object' && !(p instanceof tf.Tensor) && 'params' in p);
  const specs: Record<string, unknown>[] = isGroups ? (params as Record<string, unknown>[]) : [{ params }];
  const seen = new Map<tf.Variable, string>();
  const groups: ParamGroup[] = [];
  specs.forEach((spec, g) => {
    const field = isGroups ? `${opt}: param group ${g}` : opt;
    const list = spec.params;
    if (!Array.isArray(list)) {
      throw new TypeError(`${field}: params is ${show(list)}; allowed: an array of tf.Variable`);
    }
    const vars = list.map((v, i) => {
      const where = isGroups ? `${field}: params[${i}]` : `${opt}: params[${i}]`;
      const variable = checkVariable(where, v);
      const prev = seen.get(variable);
      if (prev !== undefined) {
        throw new RangeError(`${where} is variable '${variable.name}', already given as ${prev}; allowed: each variable once, in one group`);
      }
      seen.set(variable, where);
      return variable;
    });
    const { params: _p, ...overrides } = spec;
    groups.push({ params: vars, hypers: resolve(overrides, field) });
  });
  if (seen.size === 0) throw new TypeError(`${opt}: params holds no variable; allowed: at least one tf.Variable`);
  return groups;
}

/**
 * Expand `value | value[]` to one value per group, checking the array length.
 *
 * @example
 * ```ts
 * perGroup('sgd: setHyper(lr)', [0.1, 0.01], 2); // [0.1, 0.01]
 * ```
 */
export function perGroup(field: string, value: unknown, nGroups: number): unknown[] {
  if (Array.isArray(value)) {
    if (value.length !== nGroups) {
      throw new RangeError(`${field} has ${value.length} values (${show(value)}); allowed: one number, or an array of ${nGroups} (one per param group)`);
    }
    return value;
  }
  return new Array(nGroups).fill(value);
}

/**
 * Resolve one group's options: `spec` (group overrides) over `base` (constructor options) over
 * `defaults`, renamed to canonical hyper keys by `keys` (`betas` expands to `momentum` and `beta`),
 * every value validated. An unknown option name is a RangeError; a missing required one a TypeError.
 *
 * @example
 * ```ts
 * resolveOptions('sgd', { lr: 0.1 }, {}, { momentum: 0 }, { lr: 'lr', momentum: 'momentum' }); // { lr: 0.1, momentum: 0 }
 * ```
 */
export function resolveOptions(
  field: string,
  base: Record<string, unknown>,
  spec: Record<string, unknown>,
  defaults: Record<string, unknown>,
  keys: Record<string, string | [string, string]>,
): Hypers {
  const out: Hypers = {};
  for (const src of [base, spec]) {
    for (const k of Object.keys(src)) {
      if (!(k in keys)) {
        throw new RangeError(`${field}: unknown option ${JSON.stringify(k)}; allowed: ${Object.keys(keys).join(', ')}`);
      }
    }
  }
  for (const [opt, key] of Object.entries(keys)) {
    const v = spec[opt] !== undefined ? spec[opt] : base[opt] !== undefined ? base[opt] : defaults[opt];
    if (v === undefined) throw new TypeError(`${field}: ${opt} is undefined; allowed: ${opt === 'lr' ? 'a finite number >= 0 (required)' : 'a value'}`);
    if (Array.isArray(key)) {
      if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${field}: ${opt} is ${show(v)}; allowed: a pair [beta1, beta2], each >= 0 and < 1`);
      out[key[0]] = checkHyper(`${field}: ${opt}[0]`, key[0], v[0]);
      out[key[1]] = checkHyper(`${field}: ${opt}[1]`, key[1], v[1]);
    } else {
      out[key] = checkHyper(`${field}: ${opt}`, key, v);
    }
  }
  return out;
}
