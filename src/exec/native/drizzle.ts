/**
 * Drizzle's `drizzle.__drizzle_migrations`, checked against drizzle-team/drizzle-orm
 * drizzle-orm/src/pg-core/dialect.ts (PgDialect.migrate) and drizzle-orm/src/migrator.ts
 * (readMigrationFiles: each journal entry's `<tag>.sql`, hash = SHA-256 hex of the file's
 * text, folderMillis = the entry's `when` from meta/_journal.json):
 *
 *   CREATE SCHEMA IF NOT EXISTS "drizzle"
 *   CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (
 *     id SERIAL PRIMARY KEY,
 *     hash text NOT NULL,
 *     created_at bigint
 *   )
 *
 * Drizzle reads only the newest row (`order by created_at desc limit 1`) and runs every
 * journal entry whose `when` is later than its created_at, inserting ("hash",
 * "created_at") = (hash, when). So a migration counts as applied when its `when` is at
 * most the newest created_at. Drizzle keeps no failed state and has no down migrations.
 *
 * The journal is read from `<folder>/meta/_journal.json` next to the migration files (paths
 * relative to the working directory). Without it, read falls back to matching rows by
 * hash, and writing refuses: the row's created_at IS the journal's `when`.
 *
 * (drizzle-kit 1.0 betas add `name` and `applied_at` columns and folder-per-migration
 * files; read needs only hash and created_at, so it works on both tables.)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PlannedMigration } from '../../plan/plan.js';
import type { Driver } from '../drivers/types.js';
import { sha256 } from '../../sha256.js';
import { ExecError } from '../errors.js';
import type { NativeHistory, NativeState } from './types.js';
import { emptyState, fileBytes, findTable, hasColumns, ofFormat, str, toBig, type FoundTable } from './common.js';

const SCHEMA = 'drizzle';
const TABLE = '__drizzle_migrations';

/** Drizzle's hash of a migration: SHA-256 hex of the file read as UTF-8 text. */
export const drizzleHash = (m: PlannedMigration): string => sha256().update(fileBytes(m).toString('utf8')).digest('hex');

/** The journal's `when` for a migration (its tag is the file name without .sql); undefined without a journal entry. */
export function drizzleWhen(m: PlannedMigration, cache = new Map<string, Map<string, number> | null>()): number | undefined {
  const journal = path.resolve(path.dirname(m.file), 'meta', '_journal.json');
  let entries = cache.get(journal);
  if (entries === undefined) {
    entries = null;
    try {
      const parsed = JSON.parse(fs.readFileSync(journal, 'utf8')) as { entries?: { tag?: unknown; when?: unknown }[] };
      entries = new Map();
      for (const e of parsed.entries ?? []) if (typeof e.tag === 'string' && typeof e.when === 'number') entries.set(e.tag, e.when);
    } catch {
      // no journal (or not one Drizzle could read)
    }
    cache.set(journal, entries);
  }
  return entries?.get(path.basename(m.file).replace(/\.sql$/i, ''));
}

async function table(driver: Driver): Promise<FoundTable | undefined> {
  const t = await findTable(driver, TABLE, SCHEMA);
  return t && hasColumns(t, 'hash', 'created_at') ? t : undefined;
}

async function ensured(driver: Driver): Promise<FoundTable> {
  await drizzle.ensure!(driver);
  return (await table(driver))!;
}

function whenOf(m: PlannedMigration): number {
  const when = drizzleWhen(m);
  if (when === undefined) {
    throw new ExecError(
      `${m.file}: Drizzle records a migration under its journal entry's "when", and meta/_journal.json has none for it`,
      'generate migrations with drizzle-kit, which writes the journal',
    );
  }
  return when;
}

async function remove(driver: Driver, t: FoundTable, m: PlannedMigration): Promise<void> {
  const when = drizzleWhen(m);
  if (when !== undefined) await driver.query(`DELETE FROM ${t.sql} WHERE created_at = $1`, [String(when)]);
  else await driver.query(`DELETE FROM ${t.sql} WHERE hash = $1`, [drizzleHash(m)]);
}

export const drizzle: NativeHistory = {
  format: 'drizzle',
  table: TABLE,

  async read(driver, plan): Promise<NativeState | undefined> {
    const t = await table(driver);
    if (!t) return undefined;
    const state = emptyState(t.display);
    const rows = (await driver.query<{ hash: string; created_at: unknown }>(`SELECT hash, created_at::text AS created_at FROM ${t.sql}`)).map((r) => ({
      hash: r.hash,
      createdAt: r.created_at === null ? undefined : toBig(str(r.created_at)),
    }));
    let newest: bigint | undefined;
    for (const r of rows) if (r.createdAt !== undefined && (newest === undefined || r.createdAt > newest)) newest = r.createdAt;
    const hashes = new Set(rows.map((r) => r.hash));
    const knownHashes = new Set<string>();
    const knownWhen = new Set<bigint>();
    const cache = new Map<string, Map<string, number> | null>();
    for (const p of ofFormat(plan, 'drizzle')) {
      const hash = drizzleHash(p);
      knownHashes.add(hash);
      const when = drizzleWhen(p, cache);
      if (when !== undefined) {
        knownWhen.add(BigInt(when));
        if (newest !== undefined && BigInt(when) <= newest) state.applied.add(p.id);
      } else if (hashes.has(hash)) {
        state.applied.add(p.id);
      }
    }
    for (const r of rows) {
      if (knownHashes.has(r.hash) || (r.createdAt !== undefined && knownWhen.has(r.createdAt))) continue;
      state.unknown.push(`created_at ${r.createdAt ?? 'NULL'} (hash ${r.hash.slice(0, 12)})`);
    }
    return state;
  },

  async ensure(driver) {
    await driver.execute(`CREATE SCHEMA IF NOT EXISTS "${SCHEMA}"`);
    await driver.execute(`CREATE TABLE IF NOT EXISTS "${SCHEMA}"."${TABLE}" (
				id SERIAL PRIMARY KEY,
				hash text NOT NULL,
				created_at bigint
			)`);
  },

  async recordApplied(driver, m) {
    const when = whenOf(m);
    const t = await ensured(driver);
    await driver.query(`insert into ${t.sql} ("hash", "created_at") values($1, $2)`, [drizzleHash(m), String(when)]);
  },

  /**
   * Drizzle has no down migrations. The migration's row goes, so that Drizzle (which looks
   * only at the newest created_at) runs it again once it is the newest one left: roll back
   * newest first, as with any tool.
   */
  async recordRolledBack(driver, m) {
    await remove(driver, await ensured(driver), m);
  },

  async repair(driver, m, outcome) {
    const when = outcome === 'applied' ? whenOf(m) : undefined;
    const t = await ensured(driver);
    await remove(driver, t, m);
    if (when !== undefined) await driver.query(`insert into ${t.sql} ("hash", "created_at") values($1, $2)`, [drizzleHash(m), String(when)]);
  },
};
