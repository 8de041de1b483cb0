import path from 'node:path';
import type { Io } from './main.js';
import { wantsColor, writeReport } from './output.js';
import { parseOutputs, reportContext } from './report-outputs.js';
import { intOption, parseCommandArgs } from './args.js';
import { UsageError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { loadFrontend } from '../frontends/registry.js';
import { resolveMigrationsDir } from '../exec/migrations.js';
import { chooseDb, parseDbTarget, redact } from '../exec/url.js';
import { secretsOf } from '../exec/context.js';
import { Progress } from '../exec/progress.js';
import type { Driver } from '../exec/drivers/types.js';
import { validate } from '../validate/index.js';
import { validateReporters } from '../validate/report.js';
import { openScratchTrialDb } from '../validate/trial-server.js';
import { CHECK_IDS, type CheckId } from '../validate/types.js';
import { RULE_OPTION, withRuleFlags } from './rule-flag.js';
import { requireIncludedFiles, requireMigrationFiles, requireSomeMigrations } from './no-silent-green.js';
import { riskForRun } from './lint-stats.js';

export const VALIDATE_HELP = `Usage: migratelint validate [paths...] [options]

The release gate: one verdict over five checks.
  lint           the project's rules over every pending migration
  sequence       versions unique and ordered; one Alembic head / Django leaf; no
                 pending migration older than an applied one (with --db)
  reversibility  every migration whose format has downs has a usable one
  trial run      each migration (SQL, or code from its lowered SQL) applied up, down
                 and up again on an embedded PostgreSQL (PGlite) or --trial-db, the
                 schema (and generated rows) compared after every down
  drift          with --db: applied migrations changed or missing on disk, what a
                 deploy would apply (read-only)

Options:
  -f, --format <name[:file]>  text (default), json, sarif, markdown; github, gitlab, junit
                          or compact for the findings alone (annotations, Code Quality, test
                          dashboards, one line each); repeatable, each to its own file:
                          -f sarif:validate.sarif -f github
  -o, --output <file>     write the report to a file instead of stdout
      --sarif-category <name>  the SARIF run's category, to upload it beside lint's
      --sarif-srcroot     also record the repository's absolute path (%SRCROOT%) in the SARIF
  -c, --config <file>     use this config file instead of searching for one
      --db <url>          the deploy target (postgres://..., pglite:<dir>), read-only;
                          default $MIGRATELINT_DB, else a postgres:// $DATABASE_URL,
                          else drift is skipped (and said so)
      --schema <name>     schema of the target's history table (default public)
      --pg-version <n>    major version of the production PostgreSQL server
      --baseline <file>   hide lint findings recorded in this baseline
      --stats <file>      a table-statistics snapshot (default: the config's "stats"): lint
                          findings weighed by table size, and a warning for each statement
                          holding a lock that blocks writes longer than risk.maxLock
      --rule <id:severity>  set a rule's severity over the config: off, warn or error (repeatable)
      --trial             run the trial (the default whenever there are SQL migrations)
      --trial-data        generated rows in the tables each migration names, and what its
                          down loses of them (the default); --no-trial-data: without rows
      --trial-db <url>    run the trial on this PostgreSQL server (production's version)
                          instead of PGlite, in a scratch database of its own, dropped after
                          (the role needs CREATEDB; a superuser's trial is faster)
      --no-lint, --no-sequence, --no-reversibility, --no-trial, --no-drift
                          switch a check off (the report says it was skipped)
      --debug             show stack traces of internal errors
  -h, --help              show this help

Examples:
  migratelint validate db/migrations
  migratelint validate --db "$DATABASE_URL" --format markdown --output validate.md
  migratelint validate --no-trial --rule require-concurrent-index:warn

Paths default to the config's "include", else ./migrations or ./db/migrations.
On PGlite, a history of 100 migrations or more runs on two databases on two threads when
four cores (two idle) and 4 GB allow it, with the same findings; MIGRATELINT_TRIAL_THREADS=1
(or 2) decides instead.
Exit codes: 0 every check passed (or was skipped), 1 a check failed, 2 usage or input error.
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  format: { type: 'string', short: 'f', multiple: true, default: ['text'] as string[] },
  output: { type: 'string', short: 'o' },
  'sarif-category': { type: 'string' },
  'sarif-srcroot': { type: 'boolean' },
  db: { type: 'string' },
  schema: { type: 'string' },
  'pg-version': { type: 'string' },
  baseline: { type: 'string' },
  stats: { type: 'string' },
  'trial-db': { type: 'string' },
  trial: { type: 'boolean' },
  'trial-data': { type: 'boolean' },
  'no-trial-data': { type: 'boolean' },
  'no-lint': { type: 'boolean' },
  'no-sequence': { type: 'boolean' },
  'no-reversibility': { type: 'boolean' },
  'no-trial': { type: 'boolean' },
  'no-drift': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  ...RULE_OPTION,
} as const;


/**
 * --trial-db: the trial on a PostgreSQL server, in a scratch database of its own (created
 * and dropped by src/validate/trial-server.ts); no other database is touched.
 */
async function openTrialDb(url: string, io: Io): Promise<Driver> {
  const target = parseDbTarget(url, io.cwd, io.env);
  if (target.kind === 'pglite') throw new UsageError('--trial-db expects a postgres:// URL of a server (the embedded trial database is the default)');
  try {
    return await openScratchTrialDb(target, (text) => io.stderr.write(`note: ${text}\n`));
  } catch (e) {
    throw new UsageError(`--trial-db: ${redact((e as Error).message, secretsOf(target))}`);
  }
}

/** `migratelint validate`: lint, sequence, reversibility, trial run and drift; one verdict. */
export async function validateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (values.help) {
    io.stdout.write(VALIDATE_HELP);
    return 0;
  }
  // The formats of lint, each to its own file (-f name:file), from one run.
  const outputs = parseOutputs(values.format, values.output);
  for (const o of outputs) {
    if (!Object.hasOwn(validateReporters, o.format)) throw new UsageError(`unknown format "${o.format}" for validate (expected one of: ${Object.keys(validateReporters).join(', ')})`);
  }
  const reportCtx = reportContext(values, args, io);
  if (values.trial && values['no-trial']) throw new UsageError('--trial and --no-trial contradict each other');
  if (values['trial-db'] !== undefined && values['no-trial']) throw new UsageError('--trial-db and --no-trial contradict each other');
  if (values['trial-data'] && values['no-trial-data']) throw new UsageError('--trial-data and --no-trial-data contradict each other');
  if (values.schema !== undefined && !/^[^\0]{1,63}$/.test(values.schema)) throw new UsageError('--schema expects a schema name');
  // As the other commands: --db, else MIGRATELINT_DB, else a PostgreSQL DATABASE_URL (read only here: drift and order).
  const choice = chooseDb(values.db, io.env);
  const db: string | undefined = choice.from === 'default' ? undefined : choice.value;
  if (db !== undefined) parseDbTarget(db, io.cwd, io.env); // a malformed URL is a usage error, before any work
  if (choice.from === 'DATABASE_URL') io.stderr.write(`note: no --db or MIGRATELINT_DB: checking drift against DATABASE_URL (${parseDbTarget(db, io.cwd, io.env).display})\n`);

  loadFrontend('sql').catch(() => undefined);
  const config = withRuleFlags(await loadConfig({ cwd: io.cwd, configFile: values.config }), values.rule);
  let paths = positionals;
  if (paths.length === 0) paths = config.include?.length ? [path.relative(io.cwd, config.dir) || '.'] : [resolveMigrationsDir(undefined, io.cwd)];
  // Zero migrations validated is no pass: a folder (or include) holding none is a usage error.
  if (positionals.length === 0 && config.include?.length) requireIncludedFiles(config, io.cwd);
  else requireMigrationFiles(paths, io.cwd);

  const off: Partial<Record<CheckId, string>> = {};
  // `validate: { trial: false }` in the config (flags win).
  const fromConfig = config.validate;
  for (const id of CHECK_IDS) {
    if (values[`no-${id}`]) off[id] = `--no-${id}`;
    else if (fromConfig?.[id] === false && !(id === 'trial' && (values.trial || values['trial-db'] !== undefined))) off[id] = `validate.${id}: false in ${config.file ?? 'the config'}`;
  }

  const progress = Progress.for(io.stderr as NodeJS.WritableStream & { isTTY?: boolean }, io.env);
  const task = progress.start('validate');
  let trialDriver: Driver | undefined;
  let result;
  try {
    if (values['trial-db'] !== undefined) trialDriver = await openTrialDb(values['trial-db'], io);
    result = await validate({
      cwd: io.cwd,
      paths,
      config,
      pgVersion: intOption(values['pg-version'], 'pg-version'),
      off,
      db,
      schema: values.schema,
      env: io.env,
      trialDriver,
      trialData: !values['no-trial-data'],
      baseline: values.baseline,
      risk: riskForRun(values.stats, config, io.cwd),
      onProgress: (what) => task.update(what),
    });
  } finally {
    task.end();
    await trialDriver?.close().catch(() => {});
  }

  if (result.ok) requireSomeMigrations(result.migrations.length, positionals.length || !config.include?.length ? paths : [], config, io.cwd);
  for (const o of outputs) {
    const color = o.file === undefined && o.format === 'text' && wantsColor(io);
    writeReport(io, o.file, validateReporters[o.format](result, { ...reportCtx, color }));
  }
  return result.ok ? 0 : 1;
}
