import type { Io } from './main.js';
import { intOption, parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, DURATION_HELP, EXECUTION_HELP, EXECUTION_OPTIONS, PRODUCTION_HELP, PRODUCTION_OPTIONS, checkSettingsForTarget, contextFrom, executionSettings, guard, guardProduction, onePositional } from './exec-shared.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { rollback } from '../exec/rollback.js';

export const ROLLBACK_HELP = `Usage: migratelint rollback [dir] [--db URL] [--to <id> | --steps N] [options]

Runs the down migrations, newest first, each in its own transaction, after a backup.

Options:
      --to <id>             roll back the migrations applied after this one
      --steps <n>           roll back the n newest (default 1)
      --dry-run             show the plan; touch nothing
  -y, --yes                 do not ask (a terminal asks before touching a server)
      --no-backup           take no backup first
      --force               run a down whose migration changed since it was applied
${PRODUCTION_HELP}
${EXECUTION_HELP}
  -h, --help                show this help

Examples:
  migratelint rollback db/migrations --dry-run
  migratelint rollback db/migrations --db "$DATABASE_URL" --steps 2 --yes

${DURATION_HELP}`;

/** `migratelint rollback [dir] --db <url> [--to <version> | --steps N]`: run down migrations, newest first. */
export async function rollbackCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...COMMON_OPTIONS,
    ...EXECUTION_OPTIONS,
    to: { type: 'string' },
    steps: { type: 'string' },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'no-backup': { type: 'boolean' },
    force: { type: 'boolean' },
    ...PRODUCTION_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(ROLLBACK_HELP);
    return 0;
  }
  if (values.to !== undefined && values.steps !== undefined) throw new UsageError('rollback takes --to or --steps, not both');
  const steps = intOption(values.steps, 'steps');
  const dir = resolveMigrationsDir(onePositional(positionals, 'rollback', 'migrations directory'), io.cwd);
  const ctx = contextFrom(values, io, 'rollback', args);
  const exec = executionSettings(values);
  checkSettingsForTarget(ctx, exec);
  return guard(ctx, async () => {
    if (!values['dry-run']) await guardProduction(ctx, values, 'roll back migrations', io.env);
    return rollback(ctx, {
      ...exec,
      dir,
      to: values.to,
      steps,
      dryRun: !!values['dry-run'],
      yes: !!values.yes,
      backup: !values['no-backup'],
      force: !!values.force,
    });
  });
}
