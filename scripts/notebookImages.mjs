// Write every rich output of executed notebooks to files, to look at them:
// vega-lite specs rendered to PNG with phasewise's renderPng, image/png outputs as they are.
// Usage: node scripts/notebookImages.mjs outDir nb1.ipynb ...
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { renderPng } from 'phasewise';

const [outDir, ...files] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
for (const file of files) {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const stem = basename(file, '.ipynb');
  let n = 0;
  for (const [i, cell] of nb.cells.entries()) {
    for (const o of cell.outputs ?? []) {
      const d = o.data ?? {};
      const name = join(outDir, `${stem}-cell${String(i).padStart(2, '0')}-${n++}.png`);
      if (d['image/png']) writeFileSync(name, Buffer.from([d['image/png']].flat().join(''), 'base64'));
      else if (d['application/vnd.vegalite.v5+json']) writeFileSync(name, await renderPng(d['application/vnd.vegalite.v5+json']));
      else { n--; continue; }
      console.log(name);
    }
  }
}
