// Build a .ipynb from a plain-text cell file: cells separated by lines "%% md" or "%% code".
// Usage: node scripts/mkNotebook.mjs notebooks/src.txt notebooks/name.ipynb
import { readFileSync, writeFileSync } from 'node:fs';
const [src, out] = process.argv.slice(2);
const cells = [];
let cur;
for (const line of readFileSync(src, 'utf8').split('\n')) {
  const m = /^%% (md|code)\s*$/.exec(line);
  if (m) { cur = { type: m[1], lines: [] }; cells.push(cur); continue; }
  if (cur) cur.lines.push(line);
}
const toSource = (lines) => {
  while (lines.length && lines.at(-1).trim() === '') lines.pop();
  return lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
};
const nb = {
  cells: cells.map((c) => c.type === 'md'
    ? { cell_type: 'markdown', metadata: {}, source: toSource(c.lines) }
    : { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: toSource(c.lines) }),
  metadata: {
    kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
    language_info: { codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true }, file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript', version: '5.0.4' },
  },
  nbformat: 4,
  nbformat_minor: 5,
};
nb.cells.forEach((c, i) => { c.id = `cell-${String(i).padStart(2, '0')}`; });
writeFileSync(out, JSON.stringify(nb, null, 1) + '\n');
