import type { Io } from './main.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, DURATION_HELP, EXECUTION_HELP, EXECUTION_OPTIONS, PRODUCTION_HELP, PRODUCTION_OPTIONS, checkSettingsForTarget, contextFrom, countOption, executionSettings, guard, guardProduction, onePositional } from './exec-shared.js';
import { loadConfig } from '../config/load.js';
import { ON_FAILURE_POLICIES, type OnFailurePolicy } from '../config/schema.js';
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
      --on-failure <policy> when a migration fails: stop (default), rollback-run (run the
                            downs of what this run applied) or restore (the pre-run backup)
${PRODUCTION_HELP}
${EXECUTION_HELP}
  -h, --help                show this help

Examples:
  migratelint apply db/migrations --dry-run
  migratelint apply db/migrations --db "$DATABASE_URL" --yes --on-failure rollback-run

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
    'on-failure': { type: 'string' },
    ...PRODUCTION_OPTIONS,
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
  const config = await loadConfig({ cwd: io.cwd });
  const onFailure = onFailurePolicy(values['on-failure'], config.onFailure);
  if (onFailure === 'restore' && values['no-backup']) throw new UsageError('--on-failure restore needs the backup apply takes: drop --no-backup');
  if (onFailure === 'restore' && values['tables-only']) {
    throw new UsageError('--on-failure restore needs a whole-database backup: --tables-only saves rows only, not the schema the failed run changed');
  }
  return guard(ctx, async () => {
    if (!values['dry-run']) await guardProduction(ctx, values, 'apply migrations', io.env);
    return apply(ctx, {
      ...exec,
      dir,
      to: values.to,
      dryRun: !!values['dry-run'],
      force: !!values.force,
      backup: !values['no-backup'],
      tablesOnly: !!values['tables-only'],
      yes: !!values.yes,
      keepBackups,
      onFailure,
    });
  });
}

function onFailurePolicy(flag: unknown, configured: OnFailurePolicy): OnFailurePolicy {
  if (flag === undefined) return configured;
  if (!(ON_FAILURE_POLICIES as readonly unknown[]).includes(flag)) {
    throw new UsageError(`--on-failure expects ${ON_FAILURE_POLICIES.join(', ')}, got "${String(flag)}"`);
  }
  return flag as OnFailurePolicy;
}
