/** The `phasewise style` command: Gatys style transfer from the command line. */
import { stat } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname, extname, join, basename } from 'node:path';
import type { Command } from 'commander';
import { tf } from '../backend/tf.js';
import { initBackend } from '../backend/initBackend.js';
import { readH5Weights } from '../style/h5Weights.js';
import { writeImage } from '../style/image.js';
import { loadLayersModelDir } from '../style/loadLayersModelDir.js';
import { styleTransfer } from '../style/styleTransfer.js';
import { vgg16, vgg19 } from '../style/vgg.js';
import type { StyleProgress } from '../style/styleOptions.js';

/** What to tell a user who has no weights. */
export const WEIGHTS_HELP = `style transfer needs pretrained VGG weights (--weights <dir or .h5>). On a machine with internet, download
  https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5
(58.9 MB, Keras' VGG16 notop, CC BY 4.0) and pass --weights vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5,
or use the bundled test weights: --weights test/fixtures/vgg19-block3 (VGG19 up to block3_conv4). See docs/style-transfer.md.`;

/** A usage problem of the style command (printed without a stack). */
export class StyleUsageError extends RangeError {
  override name = 'StyleUsageError';
}

const collect = (v: string, prev: string[]) => [...prev, v];

function number(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new StyleUsageError(`${flag} is ${JSON.stringify(v)}; allowed: a number`);
  return n;
}

/** Load the net: a tfjs layers-model directory, or a Keras .h5 (VGG16 or VGG19 notop, detected by its layers). */
async function loadNet(weights: string): Promise<{ net: import('../backend/tf.js').tfl.LayersModel; kind: string }> {
  let st;
  try {
    st = await stat(weights);
  } catch {
    throw new StyleUsageError(`--weights ${JSON.stringify(weights)}: no such file or directory\n${WEIGHTS_HELP}`);
  }
  if (st.isDirectory()) return { net: await loadLayersModelDir(weights), kind: 'tfjs layers model' };
  if (extname(weights).toLowerCase() !== '.h5') throw new StyleUsageError(`--weights ${JSON.stringify(weights)}: allowed: a tfjs model directory or a Keras .h5 file`);
  const w = await readH5Weights(weights);
  const isVgg19 = 'block3_conv4' in w;
  const last = Object.keys(w).filter((n) => /^block\d+_conv\d+$/.test(n)).pop();
  const build = isVgg19 ? vgg19 : vgg16;
  return { net: build({ upTo: last, weights: w }), kind: `${isVgg19 ? 'VGG19' : 'VGG16'} from .h5 (up to ${last})` };
}

/** Options as commander parses them. */
export interface StyleCommandOptions {
  content: string[]; style: string[]; blend?: string; size: string; styleSize?: string; iters: string;
  weights?: string; output: string; contentLayer?: string; styleLayers?: string; contentWeight?: string;
  styleWeight?: string; tvWeight?: string; init: string; optimizer: string; lr?: string; seed: string;
  preserveColor?: boolean; saveEvery?: string; printEvery: string; progress: boolean;
}

/** Run the command; returns the output path. */
export async function styleCommand(o: StyleCommandOptions): Promise<string> {
  if (!o.weights) throw new StyleUsageError(`missing --weights.\n${WEIGHTS_HELP}`);
  if (!o.content?.length) throw new StyleUsageError('missing --content <image>');
  if (!o.style?.length) throw new StyleUsageError('missing --style <image> (repeat for several styles)');
  const blend = o.blend?.split(',').map((s) => number(s.trim(), '--blend')!);
  await initBackend();
  const { net, kind } = await loadNet(o.weights);
  const iterations = number(o.iters, '--iters')!;
  const printEvery = number(o.printEvery, '--print-every')!;
  const saveEvery = number(o.saveEvery, '--save-every');
  const tty = Boolean(process.stderr.isTTY) && o.progress;
  let bar: import('cli-progress').SingleBar | undefined;
  if (tty) {
    const { default: cliProgress } = await import('cli-progress');
    bar = new cliProgress.SingleBar({ format: 'style |{bar}| {value}/{total} evals | loss {loss} | {eta_formatted} left', stream: process.stderr }, cliProgress.Presets.shades_classic);
  }
  const pending: Promise<void>[] = [];
  const onProgress = (p: StyleProgress) => {
    if (bar) {
      if (p.evals === 1) bar.start(iterations, 0, { loss: '-' });
      bar.update(Math.min(p.evals, iterations), { loss: p.loss.toExponential(3) });
    } else if (p.evals === 1 || p.evals % printEvery === 0) {
      console.error(`eval ${p.evals}/${iterations}: loss ${p.loss.toExponential(4)} (content ${p.contentLoss.toExponential(3)}, style ${p.styleLoss.toExponential(3)}, tv ${p.tvLoss.toExponential(3)})`);
    }
    if (p.image) {
      const snap = tf.keep(tf.clone(p.image));
      const file = join(dirname(o.output), `${basename(o.output, extname(o.output))}_${p.evals}${extname(o.output)}`);
      pending.push(writeImage(file, snap).finally(() => snap.dispose()));
    }
  };
  console.error(`phasewise style: ${kind}; ${o.content.join(', ')} in the style of ${o.style.join(', ')}; ${o.size} px, ${iterations} evaluations`);
  const { image, losses } = await styleTransfer({
    net, content: o.content.length === 1 ? o.content[0] : o.content, style: o.style, blend,
    size: number(o.size, '--size'), styleSize: number(o.styleSize, '--style-size'), iterations,
    contentLayer: o.contentLayer, styleLayers: o.styleLayers?.split(',').map((s) => s.trim()),
    contentWeight: number(o.contentWeight, '--content-weight'), styleWeight: number(o.styleWeight, '--style-weight'),
    tvWeight: number(o.tvWeight, '--tv-weight'), init: o.init as 'noise', optimizer: o.optimizer as 'lbfgs',
    lr: number(o.lr, '--lr'), seed: number(o.seed, '--seed'), preserveColor: o.preserveColor,
    snapshotEvery: saveEvery, onProgress,
  });
  bar?.stop();
  await Promise.all(pending);
  mkdirSync(dirname(o.output), { recursive: true });
  if (image.shape[0] === 1) {
    await writeImage(o.output, image);
  } else {
    for (let i = 0; i < image.shape[0]; i++) {
      const one = tf.slice(image, [i, 0, 0, 0], [1, -1, -1, -1]);
      await writeImage(join(dirname(o.output), `${basename(o.output, extname(o.output))}_${i}${extname(o.output)}`), one);
      one.dispose();
    }
  }
  image.dispose();
  console.error(`loss ${losses[0].toExponential(4)} -> ${losses[losses.length - 1].toExponential(4)} in ${losses.length} evaluations`);
  return o.output;
}

/**
 * Register `phasewise style` on a commander program.
 *
 * @example
 * ```sh
 * phasewise style --content cat.jpg --style starry.jpg --size 256 --iters 300 --weights vgg16_notop.h5 -o out.png
 * ```
 */
export function registerStyleCommand(program: Command): void {
  program
    .command('style')
    .description('Gatys neural style transfer (L-BFGS on the image, VGG features)')
    .option('--content <image>', 'content image (repeat for a batch)', collect, [])
    .option('--style <image>', 'style image (repeat to blend several)', collect, [])
    .option('--blend <w1,w2,...>', 'style blend weights (normalised to sum 1)')
    .option('--weights <dir or .h5>', 'VGG weights: a tfjs layers-model directory or a Keras notop .h5')
    .option('-o, --output <file>', 'output image (.png, .jpg, .webp)', 'out.png')
    .option('--size <px>', 'content size: shorter side, then centre crop', '256')
    .option('--style-size <px>', 'style image size (default --size)')
    .option('--iters <n>', 'loss evaluations', '300')
    .option('--content-layer <name>', 'content layer (default block4_conv2, else the last block end)')
    .option('--style-layers <a,b,...>', 'style layers (default the block*_conv1 layers)')
    .option('--content-weight <w>', 'content weight (default 1)')
    .option('--style-weight <w>', 'style weight (default 1)')
    .option('--tv-weight <w>', 'total-variation weight (default 0)')
    .option('--init <kind>', 'noise | content', 'noise')
    .option('--optimizer <name>', 'lbfgs | adam', 'lbfgs')
    .option('--lr <lr>', 'learning rate (default lbfgs 1, adam 0.02)')
    .option('--seed <n>', 'noise seed', '0')
    .option('--preserve-color', "keep the content's colours (luminance-only transfer)")
    .option('--save-every <n>', 'write out_<evals>.png every n evaluations')
    .option('--print-every <n>', 'without a TTY, print a line every n evaluations', '10')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: StyleCommandOptions) => {
      try {
        console.log(await styleCommand(opts));
      } catch (e) {
        const err = e as Error;
        const expected = err instanceof RangeError || err instanceof TypeError;
        console.error(`phasewise: ${expected ? err.message : (err.stack ?? String(err))}`);
        process.exit(1);
      }
    });
}
