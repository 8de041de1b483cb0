/**
 * Sequelize: `sequelize-cli db:migrate --to <file>` runs the pending migrations up to and
 * including that file — with every earlier one applied (the plan's order), exactly that
 * one; `sequelize-cli db:migrate:undo --name <file>` undoes that one. Names are file names
 * with their extension, as SequelizeMeta records them.
 *
 * Checked against sequelize-cli's src/commands/migrate.js and migrate_undo.js (6.6.5):
 * `--to` must equal a pending migration's `file` exactly (else it runs nothing and says
 * "No migrations were executed"); `--name` on undo calls umzug's down(name). `db:migrate
 * --name` (exact, since 6.4, sequelize/cli#1034) is not used: older CLIs ignore an unknown
 * option and would run every pending migration.
 *
 * Runs in the folder holding .sequelizerc (else config/config.json|js, else package.json)
 * above the migrations folder; without a .sequelizerc, a migrations folder other than
 * ./migrations is passed with --migrations-path. sequelize-cli reads the connection from
 * its config: `use_env_variable: "DATABASE_URL"` is the convention (or `--url`, which
 * migratelint does not use: the password would show in the process list).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { FrameworkRunner, StepContext } from './types.js';
import { fileName, findUp, folderAbs, locateNodeBin, relFromWorkdir } from './shared.js';
import { folderOf } from '../../plan/plan.js';

const INSTALL = 'install it (npm install --save-dev sequelize-cli sequelize pg) or set runner.sequelize in the config';

function pathArgs(m: PlannedMigration, at: StepContext): string[] {
  if (fs.existsSync(path.join(at.workdir, '.sequelizerc'))) return [];
  const rel = relFromWorkdir(at, folderOf(m.migration));
  return rel === 'migrations' ? [] : ['--migrations-path', rel];
}

export const sequelize: FrameworkRunner = {
  format: 'sequelize',
  defaultCommand: ['npx', 'sequelize-cli'],
  selects: 'named',
  install: INSTALL,
  connection: 'its config file: use_env_variable "DATABASE_URL" by convention',
  workdir(m, cwd) {
    const from = folderAbs(m, cwd);
    return (
      findUp(from, ['.sequelizerc']) ??
      findUp(from, ['config/config.json', 'config/config.js']) ??
      findUp(from, ['package.json']) ??
      path.dirname(from)
    );
  },
  upArgs: (m, _plan, at) => ['db:migrate', '--to', fileName(m), ...pathArgs(m, at)],
  downArgs: (m, _plan, at) => ['db:migrate:undo', '--name', fileName(m), ...pathArgs(m, at)],
  locate: (at, env) => locateNodeBin('sequelize-cli', INSTALL, at, env),
};
