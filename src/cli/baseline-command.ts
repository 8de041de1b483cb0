import { writeBaseline, DEFAULT_BASELINE } from '../baseline.js';
import { parseCommandArgs } from './args.js';
import { LINT_OPTIONS, runLint } from './lint-command.js';
import type { Io } from './main.js';

/** `migratelint baseline [paths]`: record today's findings so later runs report only new ones. */
export async function baselineCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...LINT_OPTIONS, output: { type: 'string', short: 'o' } });
  const { result, config } = await runLint(values, positionals, io);
  const file = values.output ?? (typeof config.baseline === 'string' ? config.baseline : DEFAULT_BASELINE);
  const count = writeBaseline(result, file, io.cwd);
  io.stdout.write(`migratelint: recorded ${count} finding${count === 1 ? '' : 's'} in ${result.files.length} files to ${file}\n`);
  return 0;
}
