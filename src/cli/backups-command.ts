import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, contextFrom, guard, retentionOptions } from './exec-shared.js';
import { backups } from '../exec/backup-commands.js';

/** `migratelint backups [--json] [--verify] [--prune --keep N | --max-age 30d]`. */
export async function backupsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    json: { type: 'boolean' },
    verify: { type: 'boolean' },
    prune: { type: 'boolean' },
    keep: { type: 'string' },
    'max-age': { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`backups takes no arguments (got: ${positionals.join(' ')})`);
  const retention = retentionOptions(values);
  if (values.prune && !retention) throw new UsageError('--prune needs a retention setting: --keep N and/or --max-age 30d');
  if (!values.prune && retention) throw new UsageError('--keep and --max-age go with --prune');
  const ctx = contextFrom(values, io, 'backups', args);
  return guard(ctx, () => backups(ctx, { json: !!values.json, verify: !!values.verify, prune: values.prune ? retention : undefined }));
}
