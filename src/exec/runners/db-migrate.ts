/**
 * db-migrate: `db-migrate up <name> -c 1` and `db-migrate down <previous> -c 1`.
 *
 * db-migrate has no "only this one": `up <name>` runs the pending migrations whose names
 * sort at or before <name>, `down <name>` the applied ones after it (db-migrate-shared
 * util.js isIncludedInUp/isIncludedInDown), and `-c N` caps the count (lib/commands/
 * run.js, 0.11.14). Both together give exactly one migration, and never one past `m`:
 * up, the first pending migration at or before `m` — `m` itself when every earlier one
 * is applied (the plan's order, checked by runFrameworkStep when the history is known);
 * down, the most recent applied migration after the previous one — `m` when every later
 * one is rolled back. For the first migration, `down -c 1` (the last applied one).
 *
 * Runs in the folder holding database.json (else package.json) above the migrations
 * folder; a migrations folder other than ./migrations is passed with --migrations-dir.
 * db-migrate reads DATABASE_URL itself when it is set.
 */
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import { folderOf } from '../../plan/plan.js';
import type { FrameworkRunner, StepContext } from './types.js';
import { findUp, folderAbs, locateNodeBin, previousInGroup, relFromWorkdir } from './shared.js';

const INSTALL = 'install it (npm install --save-dev db-migrate db-migrate-pg) or set runner.db-migrate in the config';

function dirArgs(m: PlannedMigration, at: StepContext): string[] {
  const rel = relFromWorkdir(at, folderOf(m.migration));
  return rel === 'migrations' ? [] : ['--migrations-dir', rel];
}

export const dbMigrate: FrameworkRunner = {
  format: 'db-migrate',
  defaultCommand: ['npx', 'db-migrate'],
  selects: 'named',
  install: INSTALL,
  connection: 'DATABASE_URL itself (else database.json)',
  workdir(m, cwd) {
    const from = folderAbs(m, cwd);
    return findUp(from, ['database.json']) ?? findUp(from, ['package.json']) ?? path.dirname(from);
  },
  upArgs: (m, _plan, at) => ['up', m.id, '-c', '1', ...dirArgs(m, at)],
  downArgs(m, plan, at) {
    const previous = previousInGroup(m, plan);
    return ['down', ...(previous ? [previous.id] : []), '-c', '1', ...dirArgs(m, at)];
  },
  locate: (at, env) => locateNodeBin('db-migrate', INSTALL, at, env),
};
