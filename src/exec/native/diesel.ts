/**
 * diesel's `__diesel_schema_migrations`, checked against diesel-rs/diesel
 * diesel/src/migration/setup_migration_table.sql, diesel_migrations/src/migration_harness.rs
 * (run_migration inserts the version, revert_migration deletes it, in the migration's own
 * transaction unless metadata.toml says run_in_transaction = false) and
 * diesel_migrations/migrations_internals/src/lib.rs (`version_from_string`: the folder
 * name up to its first `_`, with the `-` removed; nothing else is removed):
 *
 *   CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
 *          version VARCHAR(50) PRIMARY KEY NOT NULL,
 *          run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
 *   );
 *
 * So `2023-04-01-120000_create_posts` is recorded as `20230401120000`. diesel keeps no
 * failed state.
 */
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';
import type { NativeHistory, NativeState } from './types.js';
import { findTable, folderName, readVersionSet, type FoundTable } from './common.js';

const TABLE = '__diesel_schema_migrations';

/** diesel's version of a migration folder name. */
export function dieselVersion(p: PlannedMigration): string {
  return folderName(p.file).split('_')[0].replace(/-/g, '');
}

async function table(driver: Driver): Promise<FoundTable | undefined> {
  const t = await findTable(driver, TABLE);
  return t && t.columns.has('version') ? t : undefined;
}

async function ensured(driver: Driver): Promise<FoundTable> {
  await diesel.ensure!(driver);
  return (await table(driver))!;
}

export const diesel: NativeHistory = {
  format: 'diesel',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await table(driver);
    return t && readVersionSet(driver, t, plan, 'diesel', dieselVersion);
  },

  async ensure(driver) {
    await driver.execute(`CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`);
  },

  async recordApplied(driver, m) {
    const t = await ensured(driver);
    await driver.query(`INSERT INTO ${t.sql} (version) VALUES ($1)`, [dieselVersion(m)]);
  },

  async recordRolledBack(driver, m) {
    const t = await ensured(driver);
    await driver.query(`DELETE FROM ${t.sql} WHERE version = $1`, [dieselVersion(m)]);
  },

  async repair(driver, m, outcome) {
    const t = await ensured(driver);
    await driver.query(`DELETE FROM ${t.sql} WHERE version = $1`, [dieselVersion(m)]);
    if (outcome === 'applied') await driver.query(`INSERT INTO ${t.sql} (version) VALUES ($1)`, [dieselVersion(m)]);
  },
};
