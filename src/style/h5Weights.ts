/** Read Keras `.h5` weight files (e.g. VGG16/VGG19 "notop") with h5wasm, loaded lazily. */
import { access } from 'node:fs/promises';
import type { LayerWeights, WeightArray } from './layerWeights.js';

type H5Module = typeof import('h5wasm');
type H5Group = InstanceType<H5Module['Group']>;
type H5Dataset = InstanceType<H5Module['Dataset']>;

let h5: Promise<H5Module['default']> | undefined;

/** h5wasm's Node build, imported on first use (it is a 3 MB wasm module). */
export function loadH5wasm(): Promise<H5Module['default']> {
  h5 ??= import('h5wasm/node').then(async (m) => {
    const lib = (m as unknown as { default: H5Module['default'] }).default;
    await lib.ready;
    return lib;
  });
  return h5;
}

const strings = (v: unknown): string[] | undefined => {
  if (v === null || v === undefined) return undefined;
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s as Uint8Array)).replace(/\0+$/, ''));
};

function isDataset(e: unknown, lib: H5Module['default']): e is H5Dataset {
  return e instanceof lib.Dataset;
}

/** Every dataset under `group`, depth first, as [path relative to group, dataset]. */
function datasets(group: H5Group, lib: H5Module['default'], prefix = ''): [string, H5Dataset][] {
  const out: [string, H5Dataset][] = [];
  for (const key of group.keys()) {
    const e = group.get(key);
    if (isDataset(e, lib)) out.push([prefix + key, e]);
    else if (e instanceof lib.Group) out.push(...datasets(e, lib, `${prefix}${key}/`));
  }
  return out;
}

/** Kernel before bias: Keras order ('W'/'kernel' then 'b'/'bias') when names say so. */
function rank(name: string): number {
  const base = name.split('/').pop() ?? name;
  if (/(^|_)(W|kernel)(_\d+)?(:\d+)?$/.test(base) || /kernel/.test(base)) return 0;
  if (/(^|_)(b|bias)(_\d+)?(:\d+)?$/.test(base) || /bias/.test(base)) return 1;
  return 2;
}

/**
 * Read the per-layer weights of a Keras HDF5 weights file (`model.save_weights` / the Keras
 * applications downloads, e.g. `vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`). Layout read:
 * one group per layer (under `model_weights/` for full-model files), the layer order from the root
 * attribute `layer_names`, each layer's arrays from its `weight_names` attribute — legacy names
 * `block1_conv1/block1_conv1_W_1:0` (kernel, HWIO) and `block1_conv1/block1_conv1_b_1:0`, or newer
 * `block1_conv1/block1_conv1/kernel:0` and `.../bias:0`. Without `weight_names`, every dataset of the
 * group is taken, kernel before bias. A missing file is a RangeError naming the path.
 *
 * @example
 * ```ts
 * const w = await readH5Weights('vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5');
 * w.block1_conv1[0].shape;   // [3, 3, 3, 64]
 * const net = vgg16({ weights: w });
 * ```
 */
export async function readH5Weights(path: string): Promise<LayerWeights> {
  try {
    await access(path);
  } catch {
    throw new RangeError(`readH5Weights: cannot read ${JSON.stringify(path)} (no such file or not readable)`);
  }
  const lib = await loadH5wasm();
  let file: InstanceType<H5Module['File']>;
  try {
    file = new lib.File(path, 'r');
  } catch (e) {
    throw new RangeError(`readH5Weights: ${JSON.stringify(path)} is not an HDF5 file (${(e as Error).message})`);
  }
  try {
    const mw = file.get('model_weights');
    const root: H5Group = mw instanceof lib.Group ? mw : file;
    const names = strings(root.attrs.layer_names?.value) ?? root.keys();
    const out: LayerWeights = {};
    for (const layer of names) {
      const g = root.get(layer);
      if (!(g instanceof lib.Group)) continue;
      const listed = strings(g.attrs.weight_names?.value);
      let arrays: [string, H5Dataset][];
      if (listed && listed.length > 0) {
        arrays = listed.map((n) => {
          const d = g.get(n);
          if (!isDataset(d, lib)) throw new RangeError(`readH5Weights: ${path}: layer '${layer}' lists weight '${n}' but has no such dataset`);
          return [n, d];
        });
      } else {
        arrays = datasets(g, lib).sort((a, b) => rank(a[0]) - rank(b[0]));
      }
      if (arrays.length === 0) continue;
      out[layer] = arrays.map(([name, d]): WeightArray => ({
        name,
        shape: d.shape ?? [],
        data: Float32Array.from(d.value as ArrayLike<number>),
      }));
    }
    return out;
  } finally {
    file.close();
  }
}
