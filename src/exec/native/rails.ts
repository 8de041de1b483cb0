/**
 * Rails' `schema_migrations`, as ActiveRecord::SchemaMigration creates it on PostgreSQL
 * (activerecord lib/active_record/schema_migration.rb, internal_metadata.rb):
 *
 *   CREATE TABLE "schema_migrations" ("version" character varying NOT NULL PRIMARY KEY)
 *   CREATE TABLE "ar_internal_metadata" ("key" character varying NOT NULL PRIMARY KEY,
 *     "value" character varying, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL)
 *
 * One row per applied migration: the 14-digit version of its file name
 * (`20240501120000_add_x.rb`). Rails keeps no failed state (a failed migration's
 * transaction is rolled back, and its row is never written). dbmate's table has the same
 * name and shape; a plan's Rails migrations are matched by version like dbmate's.
 * Rails writes its own rows: its migrations run through `bin/rails`, so only `read` and
 * `ensure` (the trial creates the tables before the first migration) are here.
 */
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { NativeHistory, NativeState } from './types.js';
import { findTable, readVersionSet } from './common.js';

const TABLE = 'schema_migrations';

/** The version Rails reads from a migration's file name. */
export function railsVersion(p: PlannedMigration): string | undefined {
  return /^(\d+)_/.exec(path.basename(p.file))?.[1] ?? (/^\d+$/.test(p.id) ? p.id : undefined);
}

export const rails: NativeHistory = {
  format: 'rails',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const found = await findTable(driver, TABLE);
    const t = found && found.columns.has('version') && !found.columns.has('dirty') ? found : undefined;
    return t && readVersionSet(driver, t, plan, 'rails', railsVersion);
  },

  async ensure(driver) {
    await driver.execute(`CREATE TABLE IF NOT EXISTS "schema_migrations" ("version" character varying NOT NULL PRIMARY KEY)`);
    await driver.execute(
      `CREATE TABLE IF NOT EXISTS "ar_internal_metadata" ("key" character varying NOT NULL PRIMARY KEY, "value" character varying, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL)`,
    );
  },
};
