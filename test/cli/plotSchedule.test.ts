import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parsePhases } from '../../src/cli/readPhases.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'phasewise-cli-'));

async function phasewise(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('phasewise plot-schedule (built CLI)', () => {
  it('plots the one-cycle preset to a PNG', async () => {
    const out = join(dir, 'one-cycle.png');
    const r = await phasewise('plot-schedule', '--preset', 'one-cycle', '--lr', '1e-2', '--cycle-len', '3', '--div', '10', '--pct', '10', '--batches-per-epoch', '40', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 phases, 120 iterations');
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
  });

  it('plots the sgdr preset to vega-lite JSON', async () => {
    const out = join(dir, 'sgdr.json');
    const r = await phasewise('plot-schedule', '--preset', 'sgdr', '--lr', '1e-2', '--cycles', '3', '--cycle-len', '1', '--cycle-mult', '2', '--batches-per-epoch', '20', '-o', out);
    expect(r.code).toBe(0);
    const spec = JSON.parse(readFileSync(out, 'utf8'));
    // 1 + 19 + 40 + 80 iterations; boundaries after the warm-up and each cycle
    expect(spec.data.values).toHaveLength(140);
    expect(spec.hconcat[0].layer[1].data.values.map((v: { boundary: number }) => v.boundary)).toEqual([1, 20, 60]);
  });

  it('plots a phases.json to SVG, honouring --no-moms', async () => {
    const file = join(dir, 'phases.json');
    writeFileSync(file, JSON.stringify([{ epochs: 1, lr: 0.01 }, { epochs: 2, optimizer: 'adam', lr: 0.01, lrEnd: 0.001, lrDecay: 'cosine' }]));
    const out = join(dir, 'p.svg');
    const r = await phasewise('plot-schedule', file, '--batches-per-epoch', '10', '--no-moms', '-o', out);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('>adam<');
    expect(svg).not.toContain('>momentum<');
  });

  it.each<[string, unknown, RegExp]>([
    ['a bad decay', [{ epochs: 1 }, { epochs: 2, lrDecay: 'cos' }], /phases\.json\[1\]\.lrDecay is "cos"; allowed:/],
    ['a negative epoch', { phases: [{ epochs: -2 }] }, /phases\.json\.phases\[0\]\.epochs is -2/],
    ['an unknown field', [{ epochs: 1, lr_decay: 'linear' }], /phases\.json\[0\] has unknown field "lr_decay"/],
    ['a non-object entry', [1], /phases\.json\[0\] is 1; allowed: an object/],
    ['an empty list', [], /phases\.json is \[\]; allowed: a non-empty array/],
  ])('a malformed phases.json (%s) prints the path, exits non-zero and writes nothing', async (_n, content, msg) => {
    const file = join(dir, 'phases.json');
    writeFileSync(file, JSON.stringify(content));
    const out = join(dir, `bad-${Math.random()}.png`);
    const r = await phasewise('plot-schedule', file, '--batches-per-epoch', '10', '-o', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(msg);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects invalid JSON, bad numbers and bad output extensions without writing', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '[{"epochs": 1,]');
    let r = await phasewise('plot-schedule', file, '--batches-per-epoch', '10', '-o', join(dir, 'x.png'));
    expect(r.stderr).toMatch(/broken\.json: not valid JSON/);
    r = await phasewise('plot-schedule', '--preset', 'one-cycle', '--batches-per-epoch', 'ten', '-o', join(dir, 'x.png'));
    expect(r.stderr).toMatch(/--batches-per-epoch is "ten"; allowed: a number/);
    r = await phasewise('plot-schedule', '--preset', 'one-cycle', '--batches-per-epoch', '2.5', '-o', join(dir, 'x.png'));
    expect(r.stderr).toMatch(/batchesPerEpoch is 2\.5; allowed: a positive integer/);
    r = await phasewise('plot-schedule', '--preset', 'one-cycle', '--pct', '120', '--batches-per-epoch', '10', '-o', join(dir, 'x.png'));
    expect(r.stderr).toMatch(/oneCyclePhases\.pct is 120/);
    r = await phasewise('plot-schedule', '--preset', 'one-cycle', '--batches-per-epoch', '10', '-o', join(dir, 'x.gif'));
    expect(r.stderr).toMatch(/allowed: \.png, \.svg, \.json/);
    r = await phasewise('plot-schedule', join(dir, 'missing.json'), '--batches-per-epoch', '10', '-o', join(dir, 'x.png'));
    expect(r.stderr).toMatch(/missing\.json: cannot read \(ENOENT\)/);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });
});

describe('parsePhases', () => {
  it('builds TrainingPhases with the JSON fields', () => {
    const p = parsePhases('[{"epochs": 0.5, "optimizer": "adam", "lr": [0.001, 0.01], "lrEnd": [0.0001, 0.001], "lrDecay": {"type": "polynomial", "power": 2}}]', 'f.json');
    expect(p[0].epochs).toBe(0.5);
    expect(p[0].lrEnd).toEqual([0.0001, 0.001]);
    expect(p[0].lrDecay).toEqual({ type: 'polynomial', power: 2 });
  });

  it('refuses a data field', () => {
    expect(() => parsePhases('[{"epochs": 1, "data": "x"}]', 'f.json')).toThrow(/f\.json\[0\]\.data cannot be given in a JSON file/);
  });
});
