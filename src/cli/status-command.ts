import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { COMMON_OPTIONS, contextFrom, guard, onePositional } from './exec-shared.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { status } from '../exec/status.js';

/** `migratelint status [dir] --db <url> [--json]`: applied, pending and drift. */
export async function statusCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_OPTIONS, json: { type: 'boolean' } });
  const dir = resolveMigrationsDir(onePositional(positionals, 'status', 'migrations directory'), io.cwd);
  const ctx = contextFrom(values, io, 'status', args);
  return guard(ctx, () => status(ctx, { dir, json: !!values.json }));
}
