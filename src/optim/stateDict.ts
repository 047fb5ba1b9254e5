/**
 * Conversion between first-order optimizer state (tensors keyed by variable) and the plain,
 * JSON-safe {@link OptimizerStateDict}, with validation that throws before anything changes.
 */
import { tf } from '../backend/tf.js';
import type { ParamState } from './optimizer.js';
import type { Hypers, OptimizerStateDict, ParamGroup, ParamStateDict } from './types.js';
import { checkHyper, describeValue } from './validate.js';

/**
 * Serialise per-variable state: `state[g][i]` for parameter i of group g, buffers as number arrays.
 *
 * @example
 * ```ts
 * const dict = slotsToDict('sgd', opt.paramGroups, slots);
 * ```
 */
export function slotsToDict(name: string, groups: ParamGroup[], slots: Map<tf.Variable, ParamState>): OptimizerStateDict {
  return {
    name,
    groups: groups.map((g) => ({ hypers: { ...g.hypers } })),
    state: groups.map((g) => g.params.map((p) => {
      const st = slots.get(p);
      if (!st) return null;
      const buffers: Record<string, number[]> = {};
      for (const [k, b] of Object.entries(st.buffers)) buffers[k] = Array.from(b.dataSync());
      return { step: st.step, shape: [...p.shape], buffers };
    })),
  };
}

/**
 * Check a dict's name, group count and hypers; returns the hypers to restore, one per group.
 *
 * @example
 * ```ts
 * const hypers = checkDictHypers('sgd.loadStateDict', 'sgd', dict, groups, () => {});
 * ```
 */
export function checkDictHypers(
  where: string, name: string, s: OptimizerStateDict, groups: ParamGroup[], checkGroup: (h: Hypers, field: string) => void,
): Hypers[] {
  if (s === null || typeof s !== 'object') throw new TypeError(`${where}: state is ${describeValue(s)}; allowed: an object from stateDict()`);
  if (s.name !== name) throw new RangeError(`${where}: state.name is ${describeValue(s.name)}; allowed: '${name}'`);
  if (!Array.isArray(s.groups) || s.groups.length !== groups.length || !Array.isArray(s.state) || s.state.length !== groups.length) {
    throw new RangeError(`${where}: state has ${Array.isArray(s.groups) ? s.groups.length : describeValue(s.groups)} groups; allowed: ${groups.length} (this optimizer's param groups)`);
  }
  return groups.map((g, gi) => {
    const h: Hypers = { ...g.hypers };
    for (const [k, v] of Object.entries(s.groups[gi]?.hypers ?? {})) {
      if (!(k in g.hypers)) throw new RangeError(`${where}: group ${gi} hyper '${k}'; allowed: ${Object.keys(g.hypers).join(', ')}`);
      h[k] = checkHyper(`${where}: group ${gi} ${k}`, k, v);
    }
    checkGroup(h, `${where}: group ${gi}`);
    return h;
  });
}

/**
 * Check per-parameter entries: counts per group, step counts, buffer names and sizes.
 *
 * @example
 * ```ts
 * checkDictSlots('adam.loadStateDict', dict, groups, ['expAvg', 'expAvgSq']);
 * ```
 */
export function checkDictSlots(where: string, s: OptimizerStateDict, groups: ParamGroup[], bufferNames: readonly string[]): void {
  groups.forEach((g, gi) => {
    const row = s.state[gi];
    if (!Array.isArray(row) || row.length !== g.params.length) {
      throw new RangeError(`${where}: group ${gi} has ${Array.isArray(row) ? row.length : describeValue(row)} param states; allowed: ${g.params.length}`);
    }
    row.forEach((ps: ParamStateDict | null, i) => {
      if (ps === null) return;
      if (typeof ps.step !== 'number' || !Number.isInteger(ps.step) || ps.step < 0) {
        throw new RangeError(`${where}: state[${gi}][${i}].step is ${describeValue(ps.step)}; allowed: an integer >= 0`);
      }
      const size = g.params[i].size;
      for (const [k, arr] of Object.entries(ps.buffers ?? {})) {
        if (!bufferNames.includes(k)) throw new RangeError(`${where}: state[${gi}][${i}] buffer '${k}'; allowed: ${bufferNames.join(', ')}`);
        if (!Array.isArray(arr) || arr.length !== size) {
          throw new RangeError(`${where}: state[${gi}][${i}].buffers.${k} has ${Array.isArray(arr) ? arr.length : describeValue(arr)} values; allowed: ${size} (the size of '${g.params[i].name}')`);
        }
      }
    });
  });
}

/**
 * Build state tensors (owned by the caller) from a checked dict.
 *
 * @example
 * ```ts
 * for (const [p, st] of dictToSlots(dict, groups)) slots.set(p, st);
 * ```
 */
export function dictToSlots(s: OptimizerStateDict, groups: ParamGroup[]): Map<tf.Variable, ParamState> {
  const out = new Map<tf.Variable, ParamState>();
  groups.forEach((g, gi) => g.params.forEach((p, i) => {
    const ps = s.state[gi][i];
    if (!ps) return;
    const buffers: Record<string, tf.Tensor> = {};
    for (const [k, arr] of Object.entries(ps.buffers ?? {})) buffers[k] = tf.tensor(arr, p.shape, 'float32');
    out.set(p, { step: ps.step, buffers });
  }));
  return out;
}
