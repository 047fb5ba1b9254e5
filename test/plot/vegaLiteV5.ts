// Validates specs against the vega-lite v5 JSON schema (test/fixtures/vega-lite-v5.schema.json.gz).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

type Validate = ((spec: unknown) => boolean) & { errors?: unknown };
let validate: Validate | undefined;

/** Errors of `spec` against the vega-lite v5 schema, or [] when valid. */
export function v5Errors(spec: unknown): unknown[] {
  if (!validate) {
    const file = fileURLToPath(new URL('../fixtures/vega-lite-v5.schema.json.gz', import.meta.url));
    const schema = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
    const ajv = new Ajv.default({ allErrors: false, strict: false, validateFormats: false });
    validate = ajv.compile(schema) as unknown as Validate;
  }
  return validate!(spec) ? [] : ((validate!.errors as unknown[]) ?? ['invalid']);
}
