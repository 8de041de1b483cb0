/**
 * node-pg-migrate: `node-pg-migrate up <name>` / `down <name>` run exactly the named
 * migration (the file name without extension, as pgmigrations records it). Its docs list
 * `up {N}` / `down {N}` (the next N / the last N); a non-numeric argument is a migration
 * name: bin/node-pg-migrate keeps it as `file`, and the runner filters the pending (up)
 * or applied (down) migrations to that name. Checked in the source of 3.0.0, 5.10.0,
 * 6.2.2 and 9.0.0: the same in all. A name is exact where `up 1` would take whatever is
 * next, so no check against the plan's next item is needed; node-pg-migrate still
 * checks the order itself (checkOrder).
 *
 * Runs in the folder holding package.json above the migrations folder (where its config
 * and .env live); a migrations folder other than ./migrations is passed with
 * --migrations-dir. It reads DATABASE_URL itself (--database-url-var), else PG*.
 */
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import { folderOf } from '../../plan/plan.js';
import type { FrameworkRunner, StepContext } from './types.js';
import { findUp, folderAbs, locateNodeBin, relFromWorkdir } from './shared.js';

const INSTALL = 'install it (npm install --save-dev node-pg-migrate pg) or set runner.node-pg-migrate in the config';

function dirArgs(m: PlannedMigration, at: StepContext): string[] {
  const rel = relFromWorkdir(at, folderOf(m.migration));
  return rel === 'migrations' ? [] : ['--migrations-dir', rel];
}

export const nodePgMigrate: FrameworkRunner = {
  format: 'node-pg-migrate',
  defaultCommand: ['npx', 'node-pg-migrate'],
  selects: 'named',
  install: INSTALL,
  connection: 'DATABASE_URL itself (else PG*)',
  workdir(m, cwd) {
    const from = folderAbs(m, cwd);
    return findUp(from, ['package.json']) ?? path.dirname(from);
  },
  upArgs: (m, _plan, at) => ['up', m.id, ...dirArgs(m, at)],
  downArgs: (m, _plan, at) => ['down', m.id, ...dirArgs(m, at)],
  locate: (at, env) => locateNodeBin('node-pg-migrate', INSTALL, at, env),
};
