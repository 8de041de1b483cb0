import type { MigrationFormat } from '../../ir/types.js';
import type { PlannedMigration } from '../../plan/plan.js';

/**
 * How a code framework's own runner applies or rolls back exactly one migration, so
 * that its Python or JavaScript code, data steps and hooks run and the framework writes
 * its own history row. migratelint wraps it: lint gate, lock, backup, timeouts (through
 * `PGOPTIONS`), report.
 */
export interface FrameworkRunner {
  format: MigrationFormat;
  /** The command run when the config names none (`runner: { alembic: "..." }` overrides it). */
  defaultCommand: string[];
  /** Arguments after the command that apply `m` (every migration before it is applied already). */
  upArgs(m: PlannedMigration, plan: readonly PlannedMigration[]): string[];
  /** Arguments after the command that roll back `m` alone (every migration after it is rolled back already). */
  downArgs(m: PlannedMigration, plan: readonly PlannedMigration[]): string[];
  /** The folder the command runs in (where alembic.ini, manage.py, knexfile.js live). */
  workdir(m: PlannedMigration, cwd: string): string;
  /** What to install or configure when the command is not available, in one line. */
  install: string;
}
