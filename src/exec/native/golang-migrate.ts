/**
 * golang-migrate's `schema_migrations`, checked against golang-migrate/migrate
 * database/postgres/postgres.go (ensureVersionTable, SetVersion, Version) and
 * source/parse.go (the version in a file name):
 *
 *   CREATE TABLE IF NOT EXISTS "<current_schema>"."schema_migrations" (version bigint not null primary key, dirty boolean not null)
 *
 * The table holds ONE row: the current version, and `dirty` when the migration to it
 * failed part-way. Every migration whose version is at most the current one counts as
 * applied. SetVersion is `TRUNCATE` then `INSERT (version, dirty)` (no row for the nil
 * version -1), in one transaction; the runner sets (target, dirty=true) before a
 * migration and (target, false) after it, so a finished migration leaves (target, false).
 * A file's version is `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, parsed as a number.
 *
 * dbmate also names its table `schema_migrations` (version varchar, no `dirty`): a table
 * without `dirty` is not golang-migrate's, and `read` leaves it alone.
 */
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';
import { ExecError } from '../errors.js';
import type { NativeHistory, NativeState } from './types.js';
import { emptyState, findTable, hasColumns, ofFormat, str, type FoundTable } from './common.js';

const TABLE = 'schema_migrations';

/** The version golang-migrate reads from a file name. */
export function golangMigrateVersion(p: PlannedMigration): bigint | undefined {
  const m = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/.exec(path.basename(p.file));
  if (m) return BigInt(m[1]);
  return /^\d+$/.test(p.id) ? BigInt(p.id) : undefined;
}

async function table(driver: Driver): Promise<FoundTable | undefined> {
  const t = await findTable(driver, TABLE);
  return t && hasColumns(t, 'version', 'dirty') ? t : undefined;
}

async function current(driver: Driver, t: FoundTable): Promise<{ version: bigint; dirty: boolean } | undefined> {
  const [row] = await driver.query<{ version: unknown; dirty: boolean }>(`SELECT version::text AS version, dirty FROM ${t.sql} LIMIT 1`);
  return row ? { version: BigInt(str(row.version)), dirty: !!row.dirty } : undefined;
}

/** SetVersion, as the driver does it: the one row replaced (none for the nil version). */
async function setVersion(driver: Driver, t: FoundTable, version: bigint | undefined, dirty: boolean): Promise<void> {
  await driver.execute(`TRUNCATE ${t.sql}`);
  if (version !== undefined) await driver.query(`INSERT INTO ${t.sql} (version, dirty) VALUES ($1, $2)`, [version.toString(), dirty]);
}

/** The version before `m` among the plan's migrations of its folder (golang-migrate's Prev), undefined for none (nil). */
function previous(m: PlannedMigration, plan: readonly PlannedMigration[]): bigint | undefined {
  const v = golangMigrateVersion(m);
  if (v === undefined) return undefined;
  let prev: bigint | undefined;
  for (const p of ofFormat(plan, 'golang-migrate')) {
    if (path.dirname(p.file) !== path.dirname(m.file)) continue;
    const pv = golangMigrateVersion(p);
    if (pv !== undefined && pv < v && (prev === undefined || pv > prev)) prev = pv;
  }
  return prev;
}

async function ensured(driver: Driver): Promise<FoundTable> {
  await golangMigrate.ensure!(driver);
  const t = await table(driver);
  if (!t) throw new ExecError(`${TABLE} exists but is not golang-migrate's (it has no dirty column): is it dbmate's?`);
  return t;
}

function versionOf(m: PlannedMigration): bigint {
  const v = golangMigrateVersion(m);
  if (v === undefined) throw new ExecError(`${m.file}: golang-migrate reads no version from this file name`);
  return v;
}

export const golangMigrate: NativeHistory = {
  format: 'golang-migrate',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await table(driver);
    if (!t) return undefined;
    const state = emptyState(t.display);
    const cur = await current(driver, t);
    if (!cur) return state;
    let known = false;
    for (const p of ofFormat(plan, 'golang-migrate')) {
      const v = golangMigrateVersion(p);
      if (v === undefined) continue;
      if (v === cur.version) known = true;
      if (v < cur.version || (v === cur.version && !cur.dirty)) state.applied.add(p.id);
      if (v === cur.version && cur.dirty) {
        state.dirty.push({
          id: p.id,
          message:
            `golang-migrate marks version ${cur.version} dirty: a migration to it failed part-way. ` +
            `Fix the database by hand, then record the version it is really at (migrate force <version>, or migratelint repair)`,
        });
      }
    }
    if (!known) {
      state.unknown.push(cur.version.toString());
      if (cur.dirty) {
        state.dirty.push({
          id: cur.version.toString(),
          message: `golang-migrate marks version ${cur.version} dirty, and no migration here has that version`,
        });
      }
    }
    return state;
  },

  async ensure(driver) {
    await driver.execute(`CREATE TABLE IF NOT EXISTS ${TABLE} (version bigint not null primary key, dirty boolean not null)`);
  },

  /** The version moves up to `m` (never down: golang-migrate counts everything at or below the current version as applied). */
  async recordApplied(driver, m) {
    const t = await ensured(driver);
    const v = versionOf(m);
    const cur = await current(driver, t);
    await setVersion(driver, t, cur && !cur.dirty && cur.version > v ? cur.version : v, false);
  },

  /**
   * The version moves down to the one before `m` (the table empties when there is none),
   * as `migrate down 1` does. golang-migrate keeps one version, so only the newest applied
   * migration can be recorded as rolled back.
   */
  async recordRolledBack(driver, m, plan) {
    const t = await ensured(driver);
    const v = versionOf(m);
    const cur = await current(driver, t);
    if (cur && cur.version > v) {
      throw new ExecError(
        `golang-migrate records one current version (${cur.version}): it cannot record ${m.id} as rolled back while a later version is applied`,
        'roll back the later migrations first',
      );
    }
    await setVersion(driver, t, previous(m, plan), false);
  },

  /** `migrate force`: the version becomes `m` (applied) or the one before it (rolled back), and is clean. */
  async repair(driver, m, outcome, plan) {
    const t = await ensured(driver);
    await setVersion(driver, t, outcome === 'applied' ? versionOf(m) : previous(m, plan), false);
  },
};
