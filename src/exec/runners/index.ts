/**
 * Code migrations are applied in production by their framework's own runner, one step
 * at a time: so RunPython, data code, hooks and the framework's history table all
 * happen as the team's own deploys would do them. This module says, per format, which
 * command does that and whether it is there.
 *
 * A command configured in `runner: { <format>: "command line" }` is split like a shell
 * would (quotes, backslashes, leading NAME=value assignments; no pipes or variables)
 * and runs in the project folder (`cwd`), as typed there. Without one, the runner's
 * default runs in the tool's own folder (where alembic.ini, manage.py, the knexfile...
 * live): the project's node_modules/.bin binary (as `npx --no-install` finds it, never
 * downloaded) or the Python that has the framework.
 */
import type { MigrationFormat } from '../../ir/types.js';
import type { PlannedMigration } from '../../plan/plan.js';
import { FORMATS } from '../../formats/index.js';
import { CommandSyntaxError, splitCommandLine } from './argv.js';
import type { FrameworkRunner } from './types.js';
import { which } from './shared.js';
import { alembic } from './alembic.js';
import { django } from './django.js';
import { knex } from './knex.js';
import { rails } from './rails.js';
import { sequelize } from './sequelize.js';
import { nodePgMigrate } from './node-pg-migrate.js';
import { typeorm } from './typeorm.js';
import { mikroOrm } from './mikro-orm.js';
import { kysely } from './kysely.js';
import { dbMigrate } from './db-migrate.js';

export type { FrameworkRunner, StepContext, Located, Selection } from './types.js';
export { formatCommandLine, splitCommandLine, CommandSyntaxError } from './argv.js';
export { stepArgv, describeStep } from './step.js';
export { runFrameworkStep, checkStep, frameworkEnv, type FrameworkStepOptions, type FrameworkStepResult } from './run.js';

const RUNNERS: readonly FrameworkRunner[] = [alembic, django, rails, knex, sequelize, nodePgMigrate, typeorm, mikroOrm, kysely, dbMigrate];

const BY_FORMAT = new Map<MigrationFormat, FrameworkRunner>(RUNNERS.map((r) => [r.format, r]));

/** The runner of a code format; undefined for the SQL formats migratelint applies itself. */
export function runnerFor(format: MigrationFormat): FrameworkRunner | undefined {
  return BY_FORMAT.get(format);
}

/** Every framework runner, in a fixed order (docs, `migratelint status`). */
export const frameworkRunners = (): readonly FrameworkRunner[] => RUNNERS;

/** A command ready to run: `argv` then the step's arguments, with `env` added, in `workdir`. */
export interface ResolvedCommand {
  argv: string[];
  /** From the config's leading NAME=value words. */
  env: Record<string, string>;
  /** Where it runs: the project folder for a configured command, the tool's folder for the default. */
  workdir: string;
  /** Whether the config named it. */
  configured: boolean;
}

/** Why a format's migrations cannot be run through their framework here, in one line. */
export interface Refusal {
  refusal: string;
}

export interface ResolveOptions {
  /** A migration of the folder about to run: the default command is looked for from its tool folder. */
  m?: PlannedMigration;
  /** Environment the command will run with (PATH, VIRTUAL_ENV); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The command that runs one migration of `format`, or a one-line refusal saying what
 * to install or configure. `runners` is the config's `runner` key.
 */
export function resolveCommand(
  format: MigrationFormat,
  runners: Partial<Record<MigrationFormat, string>> | undefined,
  cwd: string,
  options: ResolveOptions = {},
): ResolvedCommand | Refusal {
  const runner = runnerFor(format);
  const label = FORMATS[format]?.label ?? format;
  if (!runner) return { refusal: `${label} migrations are applied by migratelint itself: there is no framework runner for them` };
  const env = options.env ?? process.env;
  const configured = runners?.[format];
  if (configured !== undefined) {
    let split;
    try {
      split = splitCommandLine(configured);
    } catch (e) {
      if (e instanceof CommandSyntaxError) return { refusal: `runner.${format} in the config: ${e.message}` };
      throw e;
    }
    const [command, ...rest] = split.argv;
    const file = which(command, { ...env, ...split.env }, cwd);
    if (!file) {
      const where = command.includes('/') ? `${command} (from ${cwd}) is not an executable file` : `${command} is not on PATH`;
      return { refusal: `runner.${format} in the config: ${where}; ${runner.install}` };
    }
    const argv = [command.includes('/') ? file : command, ...rest];
    return { argv: runner.complete ? runner.complete(argv) : argv, env: split.env, workdir: cwd, configured: true };
  }
  const workdir = options.m ? runner.workdir(options.m, cwd) : cwd;
  const found = runner.locate({ cwd, workdir }, env);
  if ('refusal' in found) return found;
  return { argv: found.argv, env: {}, workdir, configured: false };
}
