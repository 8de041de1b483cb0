/**
 * Prisma's `_prisma_migrations`, checked against prisma/prisma-engines:
 * - schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs (create_migrations_table);
 * - schema-engine/connectors/sql-schema-connector/src/sql_migration_persistence.rs
 *   (record_migration_started: id = a new UUID v4, checksum, started_at, migration_name;
 *   record_successful_step: applied_steps_count + 1; record_migration_finished: finished_at;
 *   mark_migration_applied (`migrate resolve --applied`): logs '', started_at = finished_at;
 *   mark_migration_rolled_back_by_id: rolled_back_at);
 * - schema-engine/core/src/commands/apply_migrations.rs (`migrate deploy`: a migration is
 *   applied when a row of its name has rolled_back_at NULL; a row with finished_at NULL and
 *   rolled_back_at NULL is a failed migration, and deploy refuses to go on);
 * - schema-engine/core/src/commands/mark_migration_applied.rs (resolve --applied first marks
 *   the failed rows of the migration rolled back);
 * - schema-engine/connectors/schema-connector/src/checksum.rs (checksum: SHA-256 of the
 *   migration.sql text, lowercase hex).
 *
 *   CREATE TABLE _prisma_migrations (
 *       id                      VARCHAR(36) PRIMARY KEY NOT NULL,
 *       checksum                VARCHAR(64) NOT NULL,
 *       finished_at             TIMESTAMPTZ,
 *       migration_name          VARCHAR(255) NOT NULL,
 *       logs                    TEXT,
 *       rolled_back_at          TIMESTAMPTZ,
 *       started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
 *       applied_steps_count     INTEGER NOT NULL DEFAULT 0
 *   );
 *
 * migration_name is the migration's folder name (`20230101000000_init`).
 *
 * Prisma has no down migrations. When a migration is rolled back anyway (by hand, or a
 * down script migratelint ran), its rows get rolled_back_at, which is what
 * `prisma migrate resolve --rolled-back` writes: Prisma then counts it as not applied and
 * `migrate deploy` runs it again.
 */
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';
import { sha256 } from '../../sha256.js';
import type { NativeHistory, NativeState } from './types.js';
import { emptyState, fileBytes, findTable, folderName, hasColumns, ofFormat, type FoundTable } from './common.js';

const TABLE = '_prisma_migrations';

/** Prisma's checksum of a migration: SHA-256 of migration.sql as it is on disk. */
export const prismaChecksum = (m: PlannedMigration): string => sha256().update(fileBytes(m)).digest('hex');

/** migration_name: the migration's folder. */
export const prismaName = (m: PlannedMigration): string => folderName(m.file);

async function table(driver: Driver): Promise<FoundTable | undefined> {
  const t = await findTable(driver, TABLE);
  return t && hasColumns(t, 'migration_name', 'finished_at', 'rolled_back_at') ? t : undefined;
}

async function ensured(driver: Driver): Promise<FoundTable> {
  await prisma.ensure!(driver);
  return (await table(driver))!;
}

const uuid = (): string => globalThis.crypto.randomUUID();

export const prisma: NativeHistory = {
  format: 'prisma',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await table(driver);
    if (!t) return undefined;
    const state = emptyState(t.display);
    const rows = await driver.query<{ name: string; finished: boolean; logs: string | null }>(
      `SELECT migration_name AS name, finished_at IS NOT NULL AS finished, ${t.columns.has('logs') ? 'logs' : 'NULL::text'} AS logs
         FROM ${t.sql} WHERE rolled_back_at IS NULL`,
    );
    const finished = new Set(rows.filter((r) => r.finished).map((r) => r.name));
    const failed = new Map(rows.filter((r) => !r.finished).map((r) => [r.name, r]));
    const known = new Set<string>();
    for (const p of ofFormat(plan, 'prisma')) {
      const name = prismaName(p);
      known.add(name);
      const f = failed.get(name);
      if (f) {
        const logs = f.logs?.trim() ? `: ${f.logs.trim().split('\n')[0]}` : '';
        state.dirty.push({
          id: p.id,
          message: `Prisma recorded ${name} as failed (finished_at is empty)${logs}. Fix the database, then prisma migrate resolve --applied / --rolled-back (or migratelint repair)`,
        });
      } else if (finished.has(name)) {
        state.applied.add(p.id);
      }
    }
    for (const name of new Set(rows.map((r) => r.name))) if (!known.has(name)) state.unknown.push(name);
    return state;
  },

  async ensure(driver) {
    if (await findTable(driver, TABLE)) return;
    await driver.execute(`CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`);
  },

  /**
   * The row `migrate deploy` leaves: started when the migration's transaction began
   * (now()), one step, finished now (clock_timestamp()), no logs.
   */
  async recordApplied(driver, m) {
    const t = await ensured(driver);
    await driver.query(
      `INSERT INTO ${t.sql} (id, checksum, started_at, migration_name, applied_steps_count, finished_at) VALUES ($1, $2, now(), $3, 1, clock_timestamp())`,
      [uuid(), prismaChecksum(m), prismaName(m)],
    );
  },

  async recordRolledBack(driver, m) {
    const t = await ensured(driver);
    await driver.query(`UPDATE ${t.sql} SET rolled_back_at = now() WHERE migration_name = $1 AND rolled_back_at IS NULL`, [prismaName(m)]);
  },

  /**
   * `prisma migrate resolve`: --rolled-back marks the failed rows rolled back (and here the
   * finished ones too: the migration is recorded as not applied); --applied marks the
   * failed rows rolled back and inserts a finished row with logs '' (mark_migration_applied).
   */
  async repair(driver, m, outcome) {
    const t = await ensured(driver);
    const name = prismaName(m);
    if (outcome === 'rolled back') {
      await driver.query(`UPDATE ${t.sql} SET rolled_back_at = now() WHERE migration_name = $1 AND rolled_back_at IS NULL`, [name]);
      return;
    }
    await driver.query(`UPDATE ${t.sql} SET rolled_back_at = now() WHERE migration_name = $1 AND rolled_back_at IS NULL AND finished_at IS NULL`, [name]);
    const [done] = await driver.query(`SELECT 1 FROM ${t.sql} WHERE migration_name = $1 AND rolled_back_at IS NULL AND finished_at IS NOT NULL LIMIT 1`, [name]);
    if (done) return;
    await driver.query(
      `INSERT INTO ${t.sql} (id, checksum, logs, started_at, finished_at, migration_name) VALUES ($1, $2, '', now(), now(), $3)`,
      [uuid(), prismaChecksum(m), name],
    );
  },
};
