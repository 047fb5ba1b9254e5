import { existsSync, readdirSync } from 'node:fs';
import type { VegaLiteSpec } from './spec.js';

function checkSpec(spec: unknown, fn: string): void {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError(`${fn} spec is ${Array.isArray(spec) ? 'an array' : String(spec)}; allowed: a vega-lite spec object (e.g. plotLr(...))`);
  }
}

/**
 * Render a vega-lite spec to an SVG string (vega-lite compiles it, vega renders it headlessly).
 * vega and vega-lite are loaded lazily, on the first call.
 *
 * @example
 * ```ts
 * const svg = await renderSvg(plotLr(phaseSchedule(phases, 100)));
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  checkSpec(spec, 'renderSvg');
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vl.compile(spec as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', `${process.env.HOME ?? ''}/.fonts`, `${process.env.HOME ?? ''}/.local/share/fonts`];
let fontWarned = false;

function hasFont(dir: string, depth = 0): boolean {
  if (depth > 4 || !existsSync(dir)) return false;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile() && /\.(ttf|otf|ttc)$/i.test(e.name)) return true;
      if (e.isDirectory() && hasFont(`${dir}/${e.name}`, depth + 1)) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Zoom factor of the bitmap (default 2, for crisp labels). */
  scale?: number;
}

/**
 * Render a vega-lite spec to PNG bytes: SVG via {@link renderSvg}, rasterised by @resvg/resvg-js
 * with the system fonts (DejaVu Sans preferred). resvg silently drops text when no font is
 * installed, so on Linux without fonts a warning says to install `fonts-dejavu-core`.
 *
 * @example
 * ```ts
 * await fs.writeFile('lr.png', await renderPng(plotLr(table), { scale: 2 }));
 * ```
 */
export async function renderPng(spec: VegaLiteSpec, opts: RenderPngOptions = {}): Promise<Uint8Array> {
  checkSpec(spec, 'renderPng');
  const scale = opts.scale ?? 2;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 16) {
    throw new RangeError(`renderPng scale is ${String(scale)}; allowed: a number in (0, 16]`);
  }
  if (process.platform === 'linux' && !fontWarned && !FONT_DIRS.some((d) => hasFont(d))) {
    fontWarned = true;
    console.warn('phasewise: no font found, plot text will be missing; install one (Debian: apt-get install -y fonts-dejavu-core)');
  }
  const svg = await renderSvg(spec);
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
}
