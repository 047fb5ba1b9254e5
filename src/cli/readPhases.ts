import { readFileSync } from 'node:fs';
import { TrainingPhase, type TrainingPhaseOptions } from '../phases/trainingPhase.js';

/** A phases.json problem: the message names the file and the JSON path of the bad field. */
export class PhasesFileError extends Error {
  override name = 'PhasesFileError';
}

/**
 * Parse the text of a phases.json: an array of TrainingPhase options (or `{ "phases": [...] }`),
 * with the same field names as `new TrainingPhase({...})` except `data`.
 *
 * @throws PhasesFileError naming `file` and the path of the bad field, e.g. `phases.json[1].lrDecay`.
 * @example
 * ```ts
 * parsePhases('[{"epochs": 1, "lr": 0.01}, {"epochs": 2, "lr": 0.01, "lrDecay": "cosine"}]', 'phases.json');
 * ```
 */
export function parsePhases(text: string, file: string): TrainingPhase[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PhasesFileError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  let list = json;
  let prefix = file;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const keys = Object.keys(json);
    const extra = keys.filter((k) => k !== 'phases');
    if (extra.length) throw new PhasesFileError(`${file}: unknown field ${JSON.stringify(extra[0])}; allowed: an array of phases or { "phases": [...] }`);
    list = (json as { phases?: unknown }).phases;
    prefix = `${file}.phases`;
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw new PhasesFileError(`${prefix} is ${JSON.stringify(list)}; allowed: a non-empty array of phases like {"epochs": 1, "lr": 0.01}`);
  }
  return list.map((entry, i) => {
    const at = `${prefix}[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new PhasesFileError(`${at} is ${JSON.stringify(entry)}; allowed: an object like {"epochs": 1, "lr": 0.01}`);
    }
    if ('data' in entry) throw new PhasesFileError(`${at}.data cannot be given in a JSON file; allowed fields: every TrainingPhase field but data`);
    try {
      return new TrainingPhase(entry as TrainingPhaseOptions);
    } catch (e) {
      const msg = (e as Error).message.replace(/^TrainingPhase(\.| )/, (_m, sep: string) => (sep === '.' ? `${at}.` : `${at} `));
      throw new PhasesFileError(msg.startsWith(at) ? msg : `${at}: ${msg}`);
    }
  });
}

/** Read and parse a phases.json file (see {@link parsePhases}). */
export function readPhases(file: string): TrainingPhase[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PhasesFileError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parsePhases(text, file);
}
