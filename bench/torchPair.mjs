// Paired timing against PyTorch: a long-lived `/usr/bin/python3 bench/torch_workloads.py --serve`
// process runs one step of a workload per request, so bench/wasmKernels.mjs can alternate a tfjs
// step and a PyTorch step and compare their minima — both sides then see the same load on this
// shared machine (separately timed runs of the same PyTorch workload differed by up to 3× here).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Start the PyTorch side with `threads` threads: `{ version, step(name) → ms, close() }`, or throw
 * (with PyTorch's error) when `/usr/bin/python3` cannot import torch.
 */
export async function startTorch(threads) {
  const p = spawn('/usr/bin/python3', ['bench/torch_workloads.py', '--threads', String(threads), '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => { stderr += d; });
  const lines = createInterface({ input: p.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`PyTorch (${threads} threads) ended: ${stderr.trim().split('\n').at(-1) ?? 'no output'}`);
    return r.value;
  };
  const ready = await next();
  const version = ready.split(' ')[1];
  return {
    version,
    async step(name) {
      p.stdin.write(`${name}\n`);
      return Number(await next());
    },
    close() {
      p.stdin.end('quit\n');
    },
  };
}
