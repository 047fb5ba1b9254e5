import { createRequire } from 'node:module';
import { renderSvg } from './render.js';
import type { VegaLiteSpec } from './spec.js';

/** The mime type JupyterLab renders vega-lite v5 specs under. */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

type WriteDisplayData = (data: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update?: boolean) => void;

/** tslab's live display writer, found among the modules the kernel has loaded. */
function tslabWriter(): WriteDisplayData | undefined {
  const require = createRequire(import.meta.url);
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const w = (mod?.exports as { lastWriteDisplayData?: WriteDisplayData } | undefined)?.lastWriteDisplayData;
    if (typeof w === 'function') return w;
  }
  return undefined;
}

/**
 * Show a vega-lite spec inline in a tslab (Jupyter) notebook: one display message carrying the spec
 * as an object under `application/vnd.vegalite.v5+json`, plus an SVG rendering and a text
 * fallback for front ends that cannot run vega-lite.
 *
 * @throws Error outside a tslab kernel (use renderPng / renderSvg to write files instead).
 * @example
 * ```ts
 * // in a tslab cell
 * await display(plotLr(phaseSchedule(phases, 100)));
 * ```
 */
export async function display(spec: VegaLiteSpec): Promise<void> {
  const write = tslabWriter();
  if (!write) {
    throw new Error('display() needs a running tslab (Jupyter) kernel; outside a notebook write the plot with renderPng(spec) or renderSvg(spec)');
  }
  const svg = await renderSvg(spec);
  const title = typeof spec.title === 'string' ? spec.title : 'vega-lite chart';
  write({
    data: { [VEGA_LITE_MIME]: spec, 'image/svg+xml': svg, 'text/plain': `<${title}>` },
    metadata: {},
    transient: {},
  });
}
