/**
 * Kysely has no migration command line of its own: its Migrator is a library API the
 * project calls from its own script. The community CLI kysely-ctl (kysely-org, binary
 * `kysely`) mirrors knex's: `kysely migrate:up <name>` migrates to that migration
 * (Migrator.migrateTo: with every earlier one applied, exactly it) and `kysely
 * migrate:down <name>` migrates DOWN TO the named one, which stays applied — so the
 * rollback names the previous migration, and for the first one `migrate:down` alone
 * undoes the last applied (checked in kysely-ctl 0.20 dist/bin.mjs: both `migrate:up` and
 * `migrate up` spellings exist).
 *
 * There is no default: runner.kysely must name the command (e.g. "npx kysely" for
 * kysely-ctl, or a project script that accepts the same arguments). It runs in the
 * folder holding kysely.config.* (else package.json). Kysely reads no connection
 * variable: the project's config does, by convention DATABASE_URL.
 */
import path from 'node:path';
import type { FrameworkRunner } from './types.js';
import { findUp, folderAbs, previousInGroup } from './shared.js';

const INSTALL =
  'Kysely has no migration command line of its own: install kysely-ctl (npm install --save-dev kysely-ctl) and set runner.kysely to "npx kysely" in the config, or set it to your own script (called with migrate:up <name> / migrate:down [<previous>])';

const CONFIGS = ['kysely.config.ts', 'kysely.config.js', 'kysely.config.mts', 'kysely.config.mjs', '.config/kysely.config.ts', '.config/kysely.config.js'];

export const kysely: FrameworkRunner = {
  format: 'kysely',
  defaultCommand: [],
  selects: 'named',
  install: INSTALL,
  connection: 'nothing by itself: the project (kysely.config.*) reads DATABASE_URL by convention',
  workdir(m, cwd) {
    const from = folderAbs(m, cwd);
    return findUp(from, CONFIGS) ?? findUp(from, ['package.json']) ?? path.dirname(from);
  },
  upArgs: (m) => ['migrate:up', m.id],
  downArgs(m, plan) {
    const previous = previousInGroup(m, plan);
    return ['migrate:down', ...(previous ? [previous.id] : [])];
  },
  locate: () => ({ refusal: INSTALL }),
};
