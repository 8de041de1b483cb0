/**
 * knex: `knex migrate:up <name>` runs one named pending migration; `knex migrate:down
 * <name>` undoes one named applied migration. The name is the file name WITH its
 * extension, as knex_migrations records it.
 *
 * Checked against knex's bin/cli.js (`migrate:up [<name>]`: "Run the next or the
 * specified migration that has not yet been run"; `migrate:down [<name>]`) and
 * lib/migrations/migrate/Migrator.js (up/down match `config.name` against
 * migrationSource.getMigrationName, the file name), knex 3.3.
 *
 * Runs in the folder holding the knexfile (searched upward from the migrations folder),
 * where knex looks for it. knex reads no connection variable itself: the knexfile does
 * (by convention `connection: process.env.DATABASE_URL`); the `pg` driver falls back to
 * PG* variables and reads PGOPTIONS.
 */
import type { FrameworkRunner } from './types.js';
import { fileName, findUp, folderAbs, locateNodeBin } from './shared.js';

const INSTALL = 'install it (npm install --save-dev knex pg) or set runner.knex in the config';
const KNEXFILES = ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.mts', 'knexfile.cts', 'knexfile.coffee'];

export const knex: FrameworkRunner = {
  format: 'knex',
  defaultCommand: ['npx', 'knex'],
  selects: 'named',
  install: INSTALL,
  connection: 'nothing by itself: the knexfile reads DATABASE_URL by convention; pg reads PG* and PGOPTIONS',
  workdir: (m, cwd) => findUp(folderAbs(m, cwd), KNEXFILES) ?? cwd,
  upArgs: (m) => ['migrate:up', fileName(m)],
  downArgs: (m) => ['migrate:down', fileName(m)],
  locate: (at, env) => locateNodeBin('knex', INSTALL, at, env),
};
