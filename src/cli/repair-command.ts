import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, PRODUCTION_OPTIONS, contextFrom, guard, guardProduction } from './exec-shared.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { repair } from '../exec/repair.js';
import { loadConfig } from '../config/load.js';

/**
 * `migratelint repair <id> --applied|--rolled-back --reason TEXT [dir] --db <url>`:
 * record by hand what a human did to a partly applied or failed migration.
 */
export async function repairCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    applied: { type: 'boolean' },
    'rolled-back': { type: 'boolean' },
    reason: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    ...PRODUCTION_OPTIONS,
  });
  const [id, dirArg, ...extra] = positionals;
  if (!id) throw new UsageError('repair needs the id of the migration to record (migratelint status lists them)');
  if (extra.length) throw new UsageError(`repair takes one migration id and one migrations directory, got: ${positionals.join(' ')}`);
  if (!!values.applied === !!values['rolled-back']) throw new UsageError('repair needs exactly one of --applied or --rolled-back');
  const reason = String(values.reason ?? '').trim();
  if (!reason) throw new UsageError('repair needs --reason "what was done by hand", recorded in the history');
  const dir = resolveMigrationsDir(dirArg, io.cwd);
  const config = await loadConfig({ cwd: io.cwd });
  const ctx = contextFrom(values, io, 'repair', args);
  return guard(ctx, async () => {
    await guardProduction(ctx, values, `record ${id} as ${values.applied ? 'applied' : 'rolled back'}`, io.env);
    return repair(ctx, { dir, id, outcome: values.applied ? 'applied' : 'rolled back', reason, yes: !!values.yes, nativeHistory: config.nativeHistory });
  });
}
