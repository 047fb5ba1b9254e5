/** `phasewise style` (built CLI in dist/: `npm test` builds first). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const FIX = join(ROOT, 'test/fixtures');
const dir = mkdtempSync(join(tmpdir(), 'phasewise-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'style', ...args], { encoding: 'utf8', env: { ...process.env, PHASEWISE_QUIET: '1' } });

describe.skipIf(!existsSync(CLI))('phasewise style', () => {
  it('without --weights exits non-zero and says how to get weights', () => {
    const r = run(['--content', join(FIX, 'images/chelsea.png'), '--style', join(FIX, 'images/starry_night_512.jpg')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/vgg16_weights_tf_dim_ordering_tf_kernels_notop\.h5/);
    expect(r.stderr).toMatch(/test\/fixtures\/vgg19-block3/);
  });

  it('names a missing content image and a bad blend before running', () => {
    const w = ['--weights', join(FIX, 'vgg19-block3'), '--size', '32', '--iters', '2'];
    const a = run([...w, '--content', join(dir, 'none.png'), '--style', join(FIX, 'images/starry_night_512.jpg'), '-o', join(dir, 'a.png')]);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/none\.png/);
    const b = run([...w, '--content', join(FIX, 'images/chelsea.png'), '--style', join(FIX, 'images/starry_night_512.jpg'), '--blend', '0.7,0.3', '-o', join(dir, 'b.png')]);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/blend/);
  });

  it('runs a tiny transfer with the fixture weights, printing lines when not a TTY', () => {
    const out = join(dir, 'out.png');
    const r = run(['--weights', join(FIX, 'vgg19-block3'), '--content', join(FIX, 'images/chelsea.png'), '--style', join(FIX, 'images/starry_night_512.jpg'),
      '--style', join(FIX, 'images/the_scream.jpg'), '--blend', '0.7,0.3', '--size', '32', '--iters', '4', '--print-every', '2', '--content-layer', 'block2_conv2', '-o', out]);
    expect(r.stderr).toMatch(/eval 2\/4/);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    expect(existsSync(out)).toBe(true);
  });
});
