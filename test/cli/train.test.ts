import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../dist/cli/main.js');
const env = { ...process.env, PHASEWISE_QUIET: '1' };

describe('phasewise train (built CLI)', () => {
  it('trains the digits CNN and writes the run folder', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pw-train-')), 'run');
    const r = await run(process.execPath, [cli, 'train', '--cycle-len', '2', '--filters', '16,32', '--out', out, '--quiet'], { env });
    // one-cycle of 2 epochs at 23 batches each: 21 + 21 + 5 iterations, the last epoch partial
    expect(r.stdout).toMatch(/digits: 47 iterations, 3 epochs/);
    for (const f of ['history.csv', 'lr.png', 'lr.vl.json', 'losses.png', 'losses.vl.json', 'metrics.json', 'model/model.json', 'model/weights.bin', 'checkpoint/state.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toBe(3);
    expect(metrics.accuracy).toBeGreaterThan(0.5);
    const csv = readFileSync(join(out, 'history.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('iteration,epoch,phase,optimizer,lr,momentum,loss,smooth_loss,valid_loss,accuracy');
    expect(csv).toHaveLength(48);
  });

  it('SIGINT stops after the batch, keeps the last checkpoint and the history readable; --resume finishes', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pw-int-')), 'run');
    const args = [cli, 'train', '--cycle-len', '3', '--filters', '16,32', '--out', out, '--quiet'];
    const child = spawn(process.execPath, args, { env });
    let stdout = '';
    child.stdout.on('data', (b) => (stdout += b));
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(out, 'checkpoint', 'state.json'))) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 50);
      child.on('exit', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    expect(code).toBe(130);
    expect(stdout).toMatch(/stopped: interrupted \(SIGINT\)/);
    const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8'));
    expect(state.epoch).toBeGreaterThanOrEqual(1);
    const csv = readFileSync(join(out, 'history.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBeGreaterThan(state.iteration);
    expect(csv.length).toBeLessThan(70);
    const r = await run(process.execPath, [...args, '--resume'], { env });
    expect(r.stdout).toMatch(/digits: 69 iterations, 3 epochs/);
  });
});
