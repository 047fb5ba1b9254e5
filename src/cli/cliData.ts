import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../backend/tf.js';
import { arrayDataset } from '../data/arrayDataset.js';
import type { Dataset } from '../data/dataset.js';
import { loadDigits } from '../data/loadDigits.js';
import { loadIdx } from '../data/loadIdx.js';
import { trainValidSplit } from '../data/split.js';
import { UsageError } from './plotSchedule.js';

/**
 * The CLI's data: `digits` (bundled) or `fashion-mnist:<dir>` (the IDX files t10k-images-idx3-ubyte(.gz)
 * and t10k-labels-idx1-ubyte(.gz), or train-*), split into train / valid with a seeded shuffle.
 */
export function cliData(spec: string, o: { batchSize: number; validPct: number; seed: number }): { train: Dataset; valid: Dataset; name: string; shape: number[] } {
  let x: tf.Tensor;
  let y: tf.Tensor;
  let name: string;
  if (spec === 'digits') {
    ({ x, y } = loadDigits());
    name = 'digits';
  } else if (spec.startsWith('fashion-mnist:')) {
    const dir = spec.slice('fashion-mnist:'.length);
    if (!dir) throw new UsageError('--data fashion-mnist:<dir> needs the folder holding the IDX files');
    const pick = (stem: string) => {
      for (const prefix of ['train', 't10k']) for (const ext of ['.gz', '']) {
        const f = join(dir, `${prefix}-${stem}${ext}`);
        if (existsSync(f)) return f;
      }
      throw new UsageError(`--data ${spec}: no ${stem} file (train-${stem}[.gz] or t10k-${stem}[.gz]) in ${dir}`);
    };
    ({ x, y } = loadIdx(pick('images-idx3-ubyte'), pick('labels-idx1-ubyte')));
    name = 'fashion-mnist';
  } else {
    throw new UsageError(`--data is ${JSON.stringify(spec)}; allowed: digits, fashion-mnist:<dir>`);
  }
  const s = trainValidSplit(x, y, { validPct: o.validPct, seed: o.seed });
  const shape = x.shape.slice(1);
  tf.dispose([x, y]);
  const train = arrayDataset(s.xTrain, s.yTrain, { batchSize: o.batchSize, shuffle: true, seed: o.seed });
  const valid = arrayDataset(s.xValid, s.yValid, { batchSize: 512 });
  tf.dispose([s.xTrain, s.yTrain, s.xValid, s.yValid]);
  return { train, valid, name, shape };
}
