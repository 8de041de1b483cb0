import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, contextFrom, guard } from './exec-shared.js';
import { restore } from '../exec/backup-commands.js';

/** `migratelint restore <backup> --db <url> [--yes] [--no-backup]`. */
export async function restoreCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    yes: { type: 'boolean', short: 'y' },
    'no-backup': { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('restore needs one backup file (see: migratelint backups)');
  const ctx = contextFrom(values, io, 'restore', args);
  return guard(ctx, () => restore(ctx, { file: positionals[0], yes: !!values.yes, safetyBackup: !values['no-backup'] }));
}
