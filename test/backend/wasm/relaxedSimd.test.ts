import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { maddInto, RELAXED_MADD, relaxedSimd, relaxedSimdTuning } from '../../../src/backend/wasm/relaxedSimd.js';
import { MUL4, ADD4 } from '../../../src/backend/wasm/wasmOps.js';

const dist = pathToFileURL(resolve('dist/backend/wasm/relaxedSimd.js')).href;

describe('relaxed SIMD (relaxedSimd.ts)', () => {
  afterEach(() => { relaxedSimdTuning.enabled = true; });

  it('emits one relaxed multiply-add, or a multiply and an add', () => {
    expect(maddInto(3, 4, 5, true)).toEqual([0x20, 4, 0x20, 5, 0x20, 3, ...RELAXED_MADD, 0x21, 3]);
    expect(maddInto(3, 4, 5, false)).toEqual([0x20, 3, 0x20, 4, 0x20, 5, ...MUL4, ...ADD4, 0x21, 3]);
  });

  it('is available on this Node once enabled (Node 20: at run time), and turned off by the tuning switch', () => {
    expect(relaxedSimd()).toBe(true);
    const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, ...RELAXED_MADD, 11]);
    expect((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(probe)).toBe(true);
    relaxedSimdTuning.enabled = false;
    expect(relaxedSimd()).toBe(false);
  });

  it('PHASEWISE_WASM_FMA=0 keeps every kernel on mul + add', () => {
    const script = `const { relaxedSimd } = await import(${JSON.stringify(dist)}); console.log(relaxedSimd());`;
    const run = (fma: string) => execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, PHASEWISE_WASM_FMA: fma }, encoding: 'utf8' }).trim();
    expect(run('0')).toBe('false');
    expect(run('1')).toBe('true');
  });
});
