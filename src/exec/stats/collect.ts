/**
 * Reads the table-statistics snapshot (`migratelint stats`) from a database: the catalogs
 * for what exists, the size functions, the statistics views for how busy each table is,
 * and pg_stat_activity for transactions open at snapshot time.
 *
 * Read only: the session is set read-only before anything else, and nothing is created
 * (no history table, no migration lock). Each group of figures is its own query, so a
 * group the role may not read (a revoked view, sessions of other roles hidden without
 * pg_read_all_stats) goes to `unreadable` with its reason and the other groups are kept.
 */
import type { Driver } from '../drivers/types.js';
import { STATS_FORMAT, STATS_VERSION, type IndexStats, type StatsSnapshot, type TableStats } from '../../stats/format.js';
import { ageWindowSeconds, readActivity } from './activity.js';

export interface CollectOptions {
  /**
   * The size functions take an ACCESS SHARE lock on each relation: behind a migration's
   * ACCESS EXCLUSIVE lock they would wait as long as it runs. After this long the sizes
   * are estimated from pg_class.relpages instead (and the snapshot says so).
   */
  lockTimeoutMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 3_000;

/** The relations a snapshot describes: no system schema (pg_catalog, pg_toast, temp schemas: all `pg_*`), no information_schema. */
const USER_SCHEMA = `n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`;

const KINDS: Record<string, TableStats['kind']> = { r: 'table', p: 'partitioned table', m: 'materialized view' };

interface CatalogRow {
  id: string;
  schema: string;
  name: string;
  kind: string;
  reltuples: number;
  pages: number;
  toast_pages: number;
}

interface IndexRow {
  id: string;
  table_id: string;
  schema: string;
  table: string;
  name: string;
  kind: string;
  valid: boolean;
  unique: boolean;
  primary: boolean;
  pages: number;
}

/** One table's figures while they are gathered; `id` is its oid, as text. */
interface Entry {
  id: string;
  stats: TableStats;
  pages: number;
  toastPages: number;
}

export async function collectStats(driver: Driver, options: CollectOptions = {}): Promise<StatsSnapshot> {
  const unreadable: string[] = [];
  /** Runs one group's query; a failure is recorded as `<group>: <reason>[; <instead>]` and yields undefined. */
  const attempt: Attempt = async <T>(group: string, sql: string, instead?: string): Promise<T[] | undefined> => {
    try {
      return await driver.query<T>(sql);
    } catch (e) {
      unreadable.push(`${group}: ${oneLine(e)}${instead ? `; ${instead}` : ''}`);
      return undefined;
    }
  };

  await sessionSettings(driver, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  // Without these there is no snapshot at all: let the error through.
  const [server] = await driver.query<{ version: string; num: number; db: string; block: number }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS num,
            current_database() AS db, current_setting('block_size')::int AS block`,
  );
  const takenAt = new Date().toISOString();

  const catalog = await attempt<CatalogRow>(
    'pg_class',
    `SELECT c.oid::text AS id, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
            c.reltuples::float8 AS reltuples, c.relpages::float8 AS pages, coalesce(t.relpages, 0)::float8 AS toast_pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
      WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMA}
      ORDER BY n.nspname, c.relname`,
  );
  const entries: Entry[] = (catalog ?? []).map((r) => ({
    id: r.id,
    pages: r.pages,
    toastPages: r.toast_pages,
    stats: {
      schema: r.schema,
      name: r.name,
      kind: KINDS[r.kind],
      // -1: never vacuumed or analysed (PostgreSQL 14+), so the count is unknown.
      rows: r.reltuples < 0 ? null : Math.round(r.reltuples),
      heapBytes: 0,
      indexBytes: 0,
      toastBytes: 0,
      totalBytes: 0,
      seqScans: null,
      idxScans: null,
      inserts: null,
      updates: null,
      deletes: null,
      lastVacuum: null,
      lastAutovacuum: null,
      lastAnalyze: null,
      lastAutoanalyze: null,
    },
  }));
  const byId = new Map(entries.map((e) => [e.id, e]));

  // Partitions, of tables and of indexes: a partitioned relation has no storage of its own.
  const inherits =
    (await attempt<{ child: string; parent: string }>(
      'pg_inherits',
      `SELECT i.inhrelid::text AS child, i.inhparent::text AS parent
         FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relkind IN ('p', 'I')`,
    )) ?? [];
  const children = new Map<string, string[]>();
  for (const { child, parent } of inherits) children.set(parent, [...(children.get(parent) ?? []), child]);
  for (const e of entries) {
    const kids = children.get(e.id);
    if (e.stats.kind === 'partitioned table') e.stats.partitions = kids?.length ?? 0;
    for (const kid of kids ?? []) {
      const k = byId.get(kid);
      if (k) k.stats.partitionOf = `${e.stats.schema}.${e.stats.name}`;
    }
  }

  const indexRows =
    (await attempt<IndexRow>(
      'pg_index',
      `SELECT x.indexrelid::text AS id, x.indrelid::text AS table_id, n.nspname AS schema, t.relname AS table,
              i.relname AS name, i.relkind::text AS kind, x.indisvalid AS valid, x.indisunique AS unique,
              x.indisprimary AS primary, i.relpages::float8 AS pages
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE t.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMA}
        ORDER BY n.nspname, t.relname, i.relname`,
    )) ?? [];

  if (entries.length) await readTableSizes(entries, indexRows, server.block, attempt);
  const indexes = entries.length ? await readIndexes(indexRows, children, server.block, attempt) : [];
  if (entries.length) await readTableActivity(byId, attempt);
  rollUpPartitions(entries, children, byId);

  const { longTransactions, hidden } = await readActivity(attempt);
  if (hidden) {
    unreadable.push(
      `pg_stat_activity: ${hidden} session${hidden === 1 ? '' : 's'} of other roles hidden (needs pg_read_all_stats): transactions open longer than ${ageWindowSeconds}s among them are not listed`,
    );
  }

  return {
    format: STATS_FORMAT,
    version: STATS_VERSION,
    takenAt,
    server: { version: server.version, versionNum: server.num },
    database: server.db,
    tables: entries.map((e) => e.stats),
    indexes,
    longTransactions,
    unreadable,
  };
}

/** Runs one group's query; `instead` says what stands in for the figures when it fails. */
export type Attempt = <T>(group: string, sql: string, instead?: string) => Promise<T[] | undefined>;

/**
 * A read-only session (belt and braces: nothing here writes), and a bound on how long the
 * size functions wait for a lock. PGlite has no other session to wait for; the settings
 * are harmless there. A server that refuses them is still read.
 */
async function sessionSettings(driver: Driver, lockTimeoutMs: number): Promise<void> {
  await driver.execute('SET default_transaction_read_only = on').catch(() => {});
  await driver.execute(`SET lock_timeout = '${Math.max(1, Math.round(lockTimeoutMs))}ms'`).catch(() => {});
}

/**
 * Heap (main fork, free space and visibility maps), index and TOAST bytes of each table
 * with storage: heap + indexes + TOAST = pg_total_relation_size. When the size functions
 * cannot run (a lock they waited for too long), relpages from the last vacuum or analyse
 * stand in, and the snapshot says so.
 */
async function readTableSizes(entries: Entry[], indexRows: IndexRow[], block: number, attempt: Attempt): Promise<void> {
  const sizes = await attempt<{ id: string; table_bytes: number | null; index_bytes: number | null; toast_bytes: number | null }>(
    'table sizes',
    `SELECT c.oid::text AS id, pg_table_size(c.oid)::float8 AS table_bytes, pg_indexes_size(c.oid)::float8 AS index_bytes,
            (CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END)::float8 AS toast_bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND ${USER_SCHEMA}`,
    'estimated from pg_class.relpages (as of the last vacuum or analyse) instead',
  );
  if (sizes) {
    const byId = new Map(sizes.map((s) => [s.id, s]));
    for (const e of entries) {
      const s = byId.get(e.id);
      if (!s) continue; // partitioned (summed later), or dropped since the catalog was read
      e.stats.toastBytes = s.toast_bytes ?? 0;
      e.stats.heapBytes = Math.max(0, (s.table_bytes ?? 0) - e.stats.toastBytes);
      e.stats.indexBytes = s.index_bytes ?? 0;
    }
  } else {
    const indexPages = new Map<string, number>();
    for (const i of indexRows) indexPages.set(i.table_id, (indexPages.get(i.table_id) ?? 0) + i.pages);
    for (const e of entries) {
      e.stats.heapBytes = e.pages * block;
      e.stats.toastBytes = e.toastPages * block;
      e.stats.indexBytes = (indexPages.get(e.id) ?? 0) * block;
    }
  }
  for (const e of entries) e.stats.totalBytes = e.stats.heapBytes + e.stats.indexBytes + e.stats.toastBytes;
}

async function readIndexes(rows: IndexRow[], children: Map<string, string[]>, block: number, attempt: Attempt): Promise<IndexStats[]> {
  const sizes = await attempt<{ id: string; bytes: number | null }>(
    'index sizes',
    `SELECT x.indexrelid::text AS id, pg_relation_size(x.indexrelid)::float8 AS bytes
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE i.relkind = 'i' AND t.relkind IN ('r', 'm') AND ${USER_SCHEMA}`,
    'estimated from pg_class.relpages (as of the last vacuum or analyse) instead',
  );
  const scans = await attempt<{ id: string; scans: number | null }>(
    'pg_stat_user_indexes',
    `SELECT indexrelid::text AS id, idx_scan::float8 AS scans FROM pg_stat_user_indexes`,
  );
  const bytes = new Map(sizes ? sizes.map((s) => [s.id, s.bytes ?? 0]) : rows.map((r) => [r.id, r.pages * block]));
  const scanCount = new Map(scans?.map((s) => [s.id, s.scans]));
  // A partitioned index (relkind I) has no storage: its figures are those of its partitions.
  const sum = (id: string, own: (id: string) => number | null | undefined): number | null => {
    const kids = children.get(id);
    if (!kids) return own(id) ?? null;
    const parts = kids.map((k) => sum(k, own)).filter((v): v is number => v !== null);
    return parts.length ? parts.reduce((a, b) => a + b, 0) : null;
  };
  return rows.map((r) => ({
    schema: r.schema,
    table: r.table,
    name: r.name,
    bytes: (r.kind === 'I' ? sum(r.id, (id) => bytes.get(id)) : bytes.get(r.id)) ?? 0,
    valid: r.valid,
    unique: r.unique,
    primary: r.primary,
    scans: scans ? (r.kind === 'I' ? sum(r.id, (id) => scanCount.get(id)) : (scanCount.get(r.id) ?? null)) : null,
  }));
}

/** Scan and write counters and the last (auto)vacuum and analyse, from pg_stat_user_tables. */
async function readTableActivity(byId: Map<string, Entry>, attempt: Attempt): Promise<void> {
  const rows = await attempt<Record<string, number | null> & { id: string }>(
    'pg_stat_user_tables',
    `SELECT relid::text AS id, seq_scan::float8 AS seq, idx_scan::float8 AS idx,
            n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd, n_tup_del::float8 AS del,
            extract(epoch FROM last_vacuum)::float8 AS vacuum, extract(epoch FROM last_autovacuum)::float8 AS autovacuum,
            extract(epoch FROM last_analyze)::float8 AS analyze, extract(epoch FROM last_autoanalyze)::float8 AS autoanalyze
       FROM pg_stat_user_tables`,
  );
  const date = (epoch: number | null) => (epoch === null ? null : new Date(epoch * 1000).toISOString());
  for (const r of rows ?? []) {
    const e = byId.get(r.id);
    if (!e) continue;
    Object.assign(e.stats, {
      seqScans: r.seq,
      idxScans: r.idx,
      inserts: r.ins,
      updates: r.upd,
      deletes: r.del,
      lastVacuum: date(r.vacuum),
      lastAutovacuum: date(r.autovacuum),
      lastAnalyze: date(r.analyze),
      lastAutoanalyze: date(r.autoanalyze),
    });
  }
}

/**
 * A partitioned table holds no rows itself: its rows, sizes and scan and write counters
 * are the sums over its partitions (nested ones included). Partitions whose row count is
 * unknown (never analysed) are left out of the row sum; null when none is known. Its own
 * last vacuum and analyse stay as read.
 */
function rollUpPartitions(entries: Entry[], children: Map<string, string[]>, byId: Map<string, Entry>): void {
  const done = new Set<string>();
  const counters = ['seqScans', 'idxScans', 'inserts', 'updates', 'deletes'] as const;
  const roll = (e: Entry): TableStats => {
    if (e.stats.kind !== 'partitioned table' || done.has(e.id)) return e.stats;
    done.add(e.id);
    const parts = (children.get(e.id) ?? []).map((k) => byId.get(k)).filter((k): k is Entry => !!k).map(roll);
    const total = (pick: (t: TableStats) => number | null): number | null => {
      const known = parts.map(pick).filter((v): v is number => v !== null);
      return known.length ? known.reduce((a, b) => a + b, 0) : null;
    };
    e.stats.rows = total((t) => t.rows);
    e.stats.heapBytes = total((t) => t.heapBytes) ?? 0;
    e.stats.indexBytes = total((t) => t.indexBytes) ?? 0;
    e.stats.toastBytes = total((t) => t.toastBytes) ?? 0;
    e.stats.totalBytes = e.stats.heapBytes + e.stats.indexBytes + e.stats.toastBytes;
    for (const c of counters) e.stats[c] = total((t) => t[c]) ?? e.stats[c];
    return e.stats;
  };
  for (const e of entries) roll(e);
}

function oneLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
