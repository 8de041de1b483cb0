import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, contextFrom, guard } from './exec-shared.js';
import { backup } from '../exec/backup-commands.js';

/** `migratelint backup --db <url> [--output FILE] [--tables-only] [--tables a,b]`. */
export async function backupCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    output: { type: 'string', short: 'o' },
    'tables-only': { type: 'boolean' },
    tables: { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`backup takes no arguments (got: ${positionals.join(' ')}); use --output FILE`);
  const tables = values.tables !== undefined ? String(values.tables).split(',').map((t) => t.trim()).filter(Boolean) : undefined;
  if (tables && !tables.length) throw new UsageError('--tables expects a comma-separated list of tables');
  const ctx = contextFrom(values, io, 'backup', args);
  return guard(ctx, () => backup(ctx, { output: values.output, tablesOnly: !!values['tables-only'], tables }));
}
