/** Stats snapshots built by hand, for tests that need no database. */
import { STATS_FORMAT, STATS_VERSION, type StatsSnapshot, type TableStats, type IndexStats } from '../../src/stats/format.js';

export const MB = 1024 * 1024;
export const GB = 1024 * MB;

/** A table of `bytes` in all: 70 % heap, 25 % indexes, 5 % TOAST unless given. */
export function table(name: string, rows: number | null, bytes: number, extra: Partial<TableStats> = {}): TableStats {
  const heapBytes = extra.heapBytes ?? Math.round(bytes * 0.7);
  const indexBytes = extra.indexBytes ?? Math.round(bytes * 0.25);
  const toastBytes = extra.toastBytes ?? bytes - heapBytes - indexBytes;
  return {
    schema: 'public',
    name,
    kind: 'table',
    rows,
    heapBytes,
    indexBytes,
    toastBytes,
    totalBytes: bytes,
    seqScans: 0,
    idxScans: 0,
    inserts: 0,
    updates: 0,
    deletes: 0,
    lastVacuum: null,
    lastAutovacuum: null,
    lastAnalyze: '2025-01-01T00:00:00Z',
    lastAutoanalyze: null,
    ...extra,
  };
}

export function index(name: string, tableName: string, bytes = MB, extra: Partial<IndexStats> = {}): IndexStats {
  return { schema: 'public', table: tableName, name, bytes, valid: true, unique: false, primary: false, scans: 0, ...extra };
}

export function snapshot(tables: TableStats[], indexes: IndexStats[] = []): StatsSnapshot {
  return {
    format: STATS_FORMAT,
    version: STATS_VERSION,
    takenAt: '2025-03-01T12:00:00.000Z',
    server: { version: '15.18', versionNum: 150018 },
    database: 'app',
    tables,
    indexes,
    longTransactions: [],
    unreadable: [],
  };
}

/** The snapshot most tests use: one big, one tiny, one empty table. */
export const SHOP = snapshot(
  [table('orders', 41_000_000, 23 * GB), table('countries', 250, 48 * 1024), table('drafts', 0, 16 * 1024)],
  [index('orders_created_idx', 'orders', 900 * MB), index('countries_code_idx', 'countries', 16 * 1024)],
);
