#!/usr/bin/env node
import { Command, Option } from 'commander';
import { plotScheduleCommand, UsageError } from './plotSchedule.js';
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

registerStyleCommand(program);

program.parseAsync(process.argv).catch(fail);
