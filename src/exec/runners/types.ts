import type { MigrationFormat } from '../../ir/types.js';
import type { PlannedMigration } from '../../plan/plan.js';

/** Where one step runs. */
export interface StepContext {
  /** The project folder: every `m.file` is relative to it. */
  cwd: string;
  /** The folder the command runs in (paths in the arguments are relative to it). */
  workdir: string;
}

/**
 * The command a runner runs when the config names none, found for one project: the
 * local binary, the Python that has the framework, TypeORM's DataSource file... or,
 * when the tool is not there, one line saying what to install or configure.
 */
export type Located = { argv: string[] } | { refusal: string };

/**
 * How a command picks the migration it runs:
 * - `named`: the arguments name `m` (alembic, Django, knex, Sequelize, node-pg-migrate,
 *   MikroORM, Kysely through kysely-ctl, db-migrate with a bound);
 * - `pending`: the tool runs every pending migration and cannot stop at one (TypeORM's
 *   `migration:run`): `m` must be the only pending migration of its folder.
 */
export type Selection = 'named' | 'pending';

/**
 * How a code framework's own runner applies or rolls back exactly one migration, so
 * that its Python or JavaScript code, data steps and hooks run and the framework writes
 * its own history row. migratelint wraps it: lint gate, lock, backup, timeouts (through
 * `PGOPTIONS`), report.
 */
export interface FrameworkRunner {
  format: MigrationFormat;
  /**
   * The command run when the config names none (`runner: { alembic: "..." }` overrides it),
   * as its users would type it. `locate` finds the real executable for a project.
   */
  defaultCommand: string[];
  /** Arguments after the command that apply `m` (every migration before it is applied already). */
  upArgs(m: PlannedMigration, plan: readonly PlannedMigration[], at: StepContext): string[];
  /** Arguments after the command that roll back `m` alone (every migration after it is rolled back already). */
  downArgs(m: PlannedMigration, plan: readonly PlannedMigration[], at: StepContext): string[];
  /** The folder the default command runs in (where alembic.ini, manage.py, knexfile.js live). */
  workdir(m: PlannedMigration, cwd: string): string;
  /** What to install or configure when the command is not available, in one line. */
  install: string;
  selects: Selection;
  /**
   * Finds the default command for a project (run in `workdir`); undefined for a runner
   * that has no default (Kysely: a command must be configured).
   */
  locate(at: StepContext, env: NodeJS.ProcessEnv): Located;
  /** Completes a configured command (Django: `python manage.py` gets its `migrate`). */
  complete?(argv: string[]): string[];
  /** Why the tool cannot run `m` alone in this direction, whatever the database holds; undefined when it can. */
  refuse?(m: PlannedMigration, direction: 'up' | 'down', plan: readonly PlannedMigration[]): string | undefined;
  /** Variables the tool itself reads for its connection, beyond DATABASE_URL and PG* (MikroORM's MIKRO_ORM_*). */
  env?(url: URL): Record<string, string>;
  /** Where the tool (or, by convention, the project's config) takes the connection from: for docs and messages. */
  connection: string;
}
