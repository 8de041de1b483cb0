import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, PRODUCTION_OPTIONS, contextFrom, guard, guardProduction } from './exec-shared.js';
import { recoverInterruptedRestore, restore } from '../exec/backup-commands.js';

/**
 * `migratelint restore <backup> --db <url> [--yes] [--no-backup]`;
 * `migratelint restore --resume | --undo --db <url>`: finish or undo an interrupted restore.
 */
export async function restoreCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    yes: { type: 'boolean', short: 'y' },
    'no-backup': { type: 'boolean' },
    resume: { type: 'boolean' },
    undo: { type: 'boolean' },
    ...PRODUCTION_OPTIONS,
  });
  if (values.resume && values.undo) throw new UsageError('restore takes --resume or --undo, not both');
  if (values.resume || values.undo) {
    const flag = values.resume ? '--resume' : '--undo';
    if (positionals.length) throw new UsageError(`restore ${flag} takes no backup file: it finishes or undoes the interrupted restore`);
    if (values['no-backup']) throw new UsageError(`restore ${flag} takes no --no-backup`);
    const ctx = contextFrom(values, io, 'restore', args);
    return guard(ctx, async () => {
      await guardProduction(ctx, values, `${values.resume ? 'finish' : 'undo'} the interrupted restore`, io.env);
      return recoverInterruptedRestore(ctx, values.resume ? 'resume' : 'undo');
    });
  }
  if (positionals.length !== 1) throw new UsageError('restore needs one backup file (see: migratelint backups), or --resume / --undo');
  const ctx = contextFrom(values, io, 'restore', args);
  return guard(ctx, async () => {
    await guardProduction(ctx, values, `restore ${positionals[0]}`, io.env);
    return restore(ctx, { file: positionals[0], yes: !!values.yes, safetyBackup: !values['no-backup'] });
  });
}
