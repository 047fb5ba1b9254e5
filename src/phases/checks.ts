/** Field checks shared by TrainingPhase and the presets: each error names the field, the value and what is allowed. */

/** A scalar or one value per layer group. */
export type PerGroup = number | number[];

function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A finite number satisfying `ok`, else a RangeError naming `field`. */
export function checkNumber(field: string, value: unknown, ok: (v: number) => boolean, allowed: string): number {
  if (typeof value !== 'number') throw new TypeError(`${field} is ${show(value)}; allowed: ${allowed}`);
  if (!Number.isFinite(value) || !ok(value)) throw new RangeError(`${field} is ${show(value)}; allowed: ${allowed}`);
  return value;
}

/** A number or a non-empty array of numbers, each satisfying `ok`. Arrays are copied. */
export function checkPerGroup(field: string, value: unknown, ok: (v: number) => boolean, allowed: string): PerGroup {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RangeError(`${field} is []; allowed: ${allowed}, or a non-empty array of them (one per layer group)`);
    return value.map((v, i) => checkNumber(`${field}[${i}]`, v, ok, allowed));
  }
  if (typeof value !== 'number') {
    throw new TypeError(`${field} is ${show(value)}; allowed: ${allowed}, or an array of them (one per layer group)`);
  }
  return checkNumber(field, value, ok, allowed);
}

/** The number of layer groups of a per-group value (undefined for a scalar). */
export function groupCount(v: PerGroup | undefined): number | undefined {
  return Array.isArray(v) ? v.length : undefined;
}

/** Check that every per-group array among `fields` has the same length. */
export function checkSameGroups(owner: string, fields: Record<string, PerGroup | undefined>): number | undefined {
  let seen: [string, number] | undefined;
  for (const [name, v] of Object.entries(fields)) {
    const n = groupCount(v);
    if (n === undefined) continue;
    if (seen && seen[1] !== n) {
      throw new RangeError(`${owner}.${name} has ${n} layer groups but ${owner}.${seen[0]} has ${seen[1]}; allowed: per-group arrays of the same length`);
    }
    seen ??= [name, n];
  }
  return seen?.[1];
}

/** Broadcast a per-group value to `n` groups. */
export function broadcast(v: PerGroup, n: number): number[] {
  return Array.isArray(v) ? v.slice() : new Array<number>(n).fill(v);
}

/** Apply `f` element-wise to a per-group value, keeping its shape. */
export function mapGroups(v: PerGroup, f: (x: number) => number): PerGroup {
  return Array.isArray(v) ? v.map(f) : f(v);
}
