/**
 * MikroORM: `mikro-orm migration:up --only <name>` / `migration:down --only <name>` run
 * exactly that migration (the file name without extension, as mikro_orm_migrations
 * records it since v5). Checked against @mikro-orm/cli commands/MigrationCommandFactory.js
 * (7.2.1; the same options in 5.x and 6.x): `-o, --only` "Migrate only specified
 * versions" becomes `{ migrations: [name] }` (used when neither --to nor --from is given);
 * `--to` would run everything up to (or, down, back to and including) the target.
 *
 * Runs in the folder holding package.json above the migrations folder, where the CLI
 * finds its config (package.json "mikro-orm".configPaths, ./src/mikro-orm.config.ts, ...).
 * MikroORM reads MIKRO_ORM_CLIENT_URL, MIKRO_ORM_HOST, ... itself, over its config file
 * (core/utils/env-vars.js): migratelint sets them from the target database.
 */
import path from 'node:path';
import type { FrameworkRunner } from './types.js';
import { findUp, folderAbs, locateNodeBin } from './shared.js';

const INSTALL = 'install it (npm install --save-dev @mikro-orm/cli @mikro-orm/migrations) or set runner.mikro-orm in the config';

export const mikroOrm: FrameworkRunner = {
  format: 'mikro-orm',
  defaultCommand: ['npx', 'mikro-orm'],
  selects: 'named',
  install: INSTALL,
  connection: 'MIKRO_ORM_CLIENT_URL (and MIKRO_ORM_HOST, _PORT, _USER, _PASSWORD, _DB_NAME) itself, over its config file',
  workdir(m, cwd) {
    const from = folderAbs(m, cwd);
    return findUp(from, ['package.json']) ?? path.dirname(from);
  },
  upArgs: (m) => ['migration:up', '--only', m.id],
  downArgs: (m) => ['migration:down', '--only', m.id],
  env(url) {
    const env: Record<string, string> = { MIKRO_ORM_CLIENT_URL: url.toString() };
    if (url.hostname) env.MIKRO_ORM_HOST = decodeURIComponent(url.hostname);
    if (url.port) env.MIKRO_ORM_PORT = url.port;
    if (url.username) env.MIKRO_ORM_USER = decodeURIComponent(url.username);
    if (url.password) env.MIKRO_ORM_PASSWORD = decodeURIComponent(url.password);
    const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (db) env.MIKRO_ORM_DB_NAME = db;
    return env;
  },
  locate: (at, env) => locateNodeBin('mikro-orm', INSTALL, at, env),
};
