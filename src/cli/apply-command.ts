import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, DURATION_HELP, EXECUTION_HELP, EXECUTION_OPTIONS, checkSettingsForTarget, contextFrom, countOption, executionSettings, guard, onePositional } from './exec-shared.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { apply } from '../exec/apply.js';

export const APPLY_HELP = `Usage: migratelint apply [dir] [--db URL] [options]

Lints, backs up, takes the lock and applies the pending migrations, each in its own transaction.

Options:
      --to <id>             stop after this migration (in the plan's order)
      --dry-run             show the plan; touch nothing
  -y, --yes                 do not ask (a terminal asks before touching a server)
      --no-backup           take no backup first
      --tables-only         back up only the rows of the tables the migrations touch
      --keep-backups <n>    afterwards, delete all but the n newest backups (1 or more)
      --force               apply despite error-level findings (recorded in the report)
${EXECUTION_HELP}
${DURATION_HELP}`;

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
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(APPLY_HELP);
    return 0;
  }
  const dir = resolveMigrationsDir(onePositional(positionals, 'apply', 'migrations directory'), io.cwd);
  const ctx = contextFrom(values, io, 'apply', args);
  const exec = executionSettings(values);
  checkSettingsForTarget(ctx, exec);
  const keepBackups = countOption(values['keep-backups'], 'keep-backups');
  if (keepBackups === 0) throw new UsageError('--keep-backups 0 would delete the backup apply takes: give 1 or more');
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
