// Check executed notebooks: every code cell has at least one output, no output is an error, no
// cell wrote a TypeScript diagnostic to stderr, and every cell that calls display() produced a
// rich output (vega-lite or image/png). Usage: node scripts/checkNotebooks.mjs out/a.ipynb ...
import { readFileSync } from 'node:fs';

const RICH = ['application/vnd.vegalite.v5+json', 'image/png'];
let failures = 0;
for (const file of process.argv.slice(2)) {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const text = (v) => (Array.isArray(v) ? v.join('') : String(v ?? ''));
  let code = 0;
  let rich = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    code++;
    const src = text(cell.source);
    const outs = cell.outputs ?? [];
    const fail = (why) => {
      failures++;
      console.error(`${file}: code cell ${i} (${src.split('\n')[0].slice(0, 60)}…): ${why}`);
    };
    if (outs.length === 0) fail('no output');
    for (const o of outs) {
      if (o.output_type === 'error') fail(`error output: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') {
        const t = text(o.text);
        // tslab reports compile errors as "line:col - message" and runtime errors as a stack trace on stderr
        if (/^\d+:\d+ - /m.test(t)) fail(`compile error: ${t.trim()}`);
        if (/^\w*(Error|Exception)\b.*\n\s+at /m.test(t)) fail(`runtime error: ${t.trim().split('\n')[0]}`);
      }
    }
    const richOuts = outs.filter((o) => o.data && RICH.some((m) => m in o.data));
    rich += richOuts.length;
    if (/\bawait (display|show)(\.png)?\(/.test(src) && richOuts.length === 0) fail('calls display but has no vega-lite / image/png output');
  });
  console.log(`${file}: ${code} code cells, ${rich} rich outputs`);
}
if (failures) {
  console.error(`${failures} problem(s)`);
  process.exit(1);
}
