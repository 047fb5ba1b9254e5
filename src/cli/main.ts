#!/usr/bin/env node
import { Command, Option } from 'commander';
import { lrFindCommand } from './lrFindCommand.js';
import { plotScheduleCommand, UsageError } from './plotSchedule.js';
import { trainCommand } from './train.js';
import { PhasesFileError } from './readPhases.js';
import { registerStyleCommand } from './style.js';

/** Print an error without a stack for expected problems (bad input), with one otherwise; exit 1. */
function fail(e: unknown): never {
  const err = e as Error;
  const expected = err instanceof UsageError || err instanceof PhasesFileError || err instanceof RangeError || err instanceof TypeError;
  console.error(`phasewise: ${expected ? err.message : (err.stack ?? String(err))}`);
  process.exit(1);
}

const program = new Command();
program.name('phasewise').description('fastai-style training phases for TensorFlow.js').showHelpAfterError();

program
  .command('plot-schedule')
  .description('plot the learning rate and momentum of a phases.json or a preset (PNG, SVG or vega-lite JSON)')
  .argument('[phases.json]', 'an array of TrainingPhase options, e.g. [{"epochs":1,"lr":0.01,"lrDecay":"cosine"}]')
  .requiredOption('--batches-per-epoch <n>', 'batches in one epoch (a positive integer)')
  .requiredOption('-o, --output <file>', 'out.png | out.svg | out.json')
  .addOption(new Option('--preset <name>', 'a preset instead of a file').choices(['one-cycle', 'sgdr']))
  .option('--lr <lr>', 'preset learning rate (default 1e-2)')
  .option('--optimizer <name>', 'preset optimizer: sgd | adam | adamw | rmsprop | lars (default sgd)')
  .option('--cycle-len <epochs>', 'preset cycle length in epochs (one-cycle 3, sgdr 1)')
  .option('--div <div>', 'one-cycle: lr / div is the low lr (default 10)')
  .option('--pct <pct>', 'one-cycle: percent of the cycle spent in the final annihilation (default 10)')
  .option('--max-mom <m>', 'one-cycle: maximum momentum (default 0.95)')
  .option('--min-mom <m>', 'one-cycle: minimum momentum (default 0.85)')
  .option('--cycles <n>', 'sgdr: number of cycles (default 3)')
  .option('--cycle-mult <m>', 'sgdr: cycle length multiplier (default 2)')
  .option('--no-text', 'no phase boundaries or optimizer names')
  .option('--no-moms', 'no momentum panel')
  .action(async (file, opts) => {
    try {
      console.log(await plotScheduleCommand(file, opts));
    } catch (e) {
      fail(e);
    }
  });

program
  .command('train')
  .description('train a small CNN on digits (bundled) or Fashion-MNIST through a preset or a phases.json; writes a run folder')
  .option('--data <spec>', 'digits | fashion-mnist:<dir with the IDX files>', 'digits')
  .option('--phases <file>', 'a phases.json instead of a preset')
  .addOption(new Option('--preset <name>', 'one-cycle (default) | sgdr').choices(['one-cycle', 'sgdr']))
  .option('--lr <lr>', 'preset learning rate (default 0.4)')
  .option('--optimizer <name>', 'preset optimizer: sgd | adam | adamw | rmsprop | lars (default sgd)')
  .option('--cycle-len <epochs>', 'preset cycle length in epochs (one-cycle 8, sgdr 1)')
  .option('--div <div>', 'one-cycle: lr / div is the low lr (default 10)')
  .option('--pct <pct>', 'one-cycle: percent of the cycle in the final annihilation (default 10)')
  .option('--max-mom <m>', 'one-cycle: maximum momentum (default 0.95)')
  .option('--min-mom <m>', 'one-cycle: minimum momentum (default 0.85)')
  .option('--cycles <n>', 'sgdr: number of cycles (default 3)')
  .option('--cycle-mult <m>', 'sgdr: cycle length multiplier (default 2)')
  .option('--batch-size <n>', 'batch size', '64')
  .option('--valid-pct <p>', 'fraction held out for validation', '0.2')
  .option('--seed <n>', 'seed of the split, the shuffle and the initial weights', '0')
  .option('--filters <list>', 'filters of the CNN blocks', '32,64,128')
  .option('--stop-div', 'stop when the smoothed loss diverges')
  .option('--swa-start <epoch>', 'stochastic weight averaging from this (1-based) epoch')
  .option('--swa-eval-freq <n>', 'evaluate the SWA model every n epochs (default 1)')
  .option('--resume', 'continue from <out>/checkpoint')
  .option('--quiet', 'no progress bar or epoch lines')
  .option('-o, --out <dir>', 'the run folder', 'runs/digits')
  .action(async (opts) => {
    try {
      const r = await trainCommand(opts);
      console.log(r.summary);
      if (r.interrupted) process.exit(130);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('lr-find')
  .description("the LR range test on the train command's CNN: plot loss against lr and print suggestions")
  .option('--data <spec>', 'digits | fashion-mnist:<dir>', 'digits')
  .option('--start-lr <lr>', 'first lr', '1e-5')
  .option('--end-lr <lr>', 'last lr', '10')
  .option('--num-it <n>', 'iterations', '100')
  .option('--linear', 'linear lr steps and a linear x axis')
  .option('--optimizer <name>', 'sgd | adam | adamw | rmsprop | lars', 'sgd')
  .option('--batch-size <n>', 'batch size', '64')
  .option('--seed <n>', 'seed', '0')
  .option('-o, --output <file>', 'lr-find.png | .svg | .json', 'runs/lr-find.png')
  .action(async (opts) => {
    try {
      console.log(await lrFindCommand(opts));
    } catch (e) {
      fail(e);
    }
  });

registerStyleCommand(program);

program.parseAsync(process.argv).catch(fail);
