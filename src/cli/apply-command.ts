import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { COMMON_OPTIONS, EXECUTION_OPTIONS, contextFrom, countOption, executionSettings, guard, onePositional } from './exec-shared.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { apply } from '../exec/apply.js';

/** `migratelint apply [dir] --db <url>`: lint, back up, lock, apply pending migrations. */
export async function applyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    ...EXECUTION_OPTIONS,
    to: { type: 'string' },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'no-backup': { type: 'boolean' },
    'tables-only': { type: 'boolean' },
    'keep-backups': { type: 'string' },
    force: { type: 'boolean' },
  });
  const dir = resolveMigrationsDir(onePositional(positionals, 'apply', 'migrations directory'), io.cwd);
  const ctx = contextFrom(values, io, 'apply', args);
  const exec = executionSettings(values);
  const keepBackups = countOption(values['keep-backups'], 'keep-backups');
  return guard(ctx, () =>
    apply(ctx, {
      ...exec,
      dir,
      to: values.to,
      dryRun: !!values['dry-run'],
      force: !!values.force,
      backup: !values['no-backup'],
      tablesOnly: !!values['tables-only'],
      yes: !!values.yes,
      keepBackups,
    }),
  );
}
