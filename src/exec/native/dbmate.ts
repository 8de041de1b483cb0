/**
 * dbmate's `schema_migrations`, checked against amacneil/dbmate pkg/driver/postgres/postgres.go
 * (CreateMigrationsTable, SelectMigrations, InsertMigration, DeleteMigration) and
 * pkg/dbmate/db.go (the version is the leading digits of the file name, `^(\d+).*\.sql$`):
 *
 *   create table if not exists <schema>.schema_migrations (version varchar primary key)
 *
 * (varchar(128) is dbmate's MySQL layout.) One row per applied migration; dbmate keeps
 * no failed state. The schema is the first of the URL's search_path, else current_schema().
 *
 * golang-migrate names its table `schema_migrations` too (version bigint, dirty boolean):
 * a table with `dirty` is golang-migrate's, and `read` leaves it alone.
 */
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';
import { ExecError } from '../errors.js';
import type { NativeHistory, NativeState } from './types.js';
import { findTable, readVersionSet, type FoundTable } from './common.js';

const TABLE = 'schema_migrations';

/** The version dbmate reads from a file name. */
export function dbmateVersion(p: PlannedMigration): string | undefined {
  return /^(\d+)/.exec(path.basename(p.file))?.[1] ?? (/^\d+$/.test(p.id) ? p.id : undefined);
}

async function table(driver: Driver): Promise<FoundTable | undefined> {
  const t = await findTable(driver, TABLE);
  return t && t.columns.has('version') && !t.columns.has('dirty') ? t : undefined;
}

function versionOf(m: PlannedMigration): string {
  const v = dbmateVersion(m);
  if (v === undefined) throw new ExecError(`${m.file}: dbmate reads no version from this file name (expected <digits>_<name>.sql)`);
  return v;
}

async function ensured(driver: Driver): Promise<FoundTable> {
  await dbmate.ensure!(driver);
  const t = await table(driver);
  if (!t) throw new ExecError(`${TABLE} exists but is not dbmate's (it has a dirty column): is it golang-migrate's?`);
  return t;
}

export const dbmate: NativeHistory = {
  format: 'dbmate',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await table(driver);
    return t && readVersionSet(driver, t, plan, 'dbmate', dbmateVersion);
  },

  async ensure(driver) {
    await driver.execute(`create table if not exists ${TABLE} (version varchar primary key)`);
  },

  async recordApplied(driver, m) {
    const t = await ensured(driver);
    await driver.query(`insert into ${t.sql} (version) values ($1)`, [versionOf(m)]);
  },

  async recordRolledBack(driver, m) {
    const t = await ensured(driver);
    await driver.query(`delete from ${t.sql} where version = $1`, [versionOf(m)]);
  },

  async repair(driver, m, outcome) {
    const t = await ensured(driver);
    await driver.query(`delete from ${t.sql} where version = $1`, [versionOf(m)]);
    if (outcome === 'applied') await driver.query(`insert into ${t.sql} (version) values ($1)`, [versionOf(m)]);
  },
};
