/** A vega-lite (v5 schema) specification object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VegaLiteSpec = Record<string, any>;

/** The vega-lite v5 schema URL every phasewise spec carries (JupyterLab renders v5). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Shared look: white background, no view border, readable fonts. */
export const BASE_CONFIG = {
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14 },
};
