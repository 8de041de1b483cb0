/**
 * The table-statistics snapshot (`migratelint stats`, `.migratelint-stats.json`): what lock
 * risk depends on, read from the catalogs and statistics views of a real database, so that
 * CI can weigh a lock without access to that database. Schema, table and index names and
 * numbers only: no rows, no query texts, no user or host names, nothing secret; safe to
 * commit.
 *
 * The file is versioned: a reader refuses a file of another format, and a version newer
 * than it knows, in one line naming the file.
 */
import fs from 'node:fs';

export const STATS_FORMAT = 'migratelint-stats';
/** Bumped when a field changes meaning or goes; new optional fields do not bump it. */
export const STATS_VERSION = 1;
export const DEFAULT_STATS_FILE = '.migratelint-stats.json';

export interface StatsSnapshot {
  format: typeof STATS_FORMAT;
  version: number;
  /** When it was taken (ISO 8601, UTC). */
  takenAt: string;
  server: {
    /** `server_version`, e.g. `15.18`. */
    version: string;
    /** `server_version_num`, e.g. 150018. */
    versionNum: number;
  };
  /** The database's name (no host, port or user). */
  database: string;
  tables: TableStats[];
  indexes: IndexStats[];
  /** Transactions open at snapshot time for longer than a minute: ages only. */
  longTransactions: { ageSeconds: number; state: string }[];
  /** Figures the snapshot could not read, and why (`pg_stat_user_tables: permission denied`). */
  unreadable: string[];
}

export interface TableStats {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned table' | 'materialized view';
  /** pg_class.reltuples; null when the table was never vacuumed or analysed (-1). */
  rows: number | null;
  heapBytes: number;
  indexBytes: number;
  toastBytes: number;
  /** Heap + indexes + TOAST. For a partitioned table: the sum over its partitions. */
  totalBytes: number;
  /** pg_stat_user_tables counters since the last statistics reset; null when unreadable. */
  seqScans: number | null;
  idxScans: number | null;
  inserts: number | null;
  updates: number | null;
  deletes: number | null;
  lastVacuum: string | null;
  lastAutovacuum: string | null;
  lastAnalyze: string | null;
  lastAutoanalyze: string | null;
  /** For a partition: its parent, `schema.name`. */
  partitionOf?: string;
  /** For a partitioned table: how many partitions it has. */
  partitions?: number;
}

export interface IndexStats {
  schema: string;
  table: string;
  name: string;
  bytes: number;
  valid: boolean;
  unique: boolean;
  primary: boolean;
  scans: number | null;
}

/** A snapshot file that cannot be used: the message names the file and what is wrong. */
export class StatsFileError extends Error {}

/** Reads and checks a snapshot file. Throws StatsFileError with a one-line message. */
export function readStatsFile(file: string): StatsSnapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StatsFileError(`${file}: ${code === 'ENOENT' ? 'no such file (take one with `migratelint stats --db URL`)' : `cannot read it (${code ?? String(e)})`}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // One line: Node's message quotes the start of the text, newlines and all.
    throw new StatsFileError(`${file}: not JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  return checkStats(data, file);
}

/** Checks parsed JSON against the format; `file` names it in errors. */
export function checkStats(data: unknown, file: string): StatsSnapshot {
  const o = data as Partial<StatsSnapshot> | null;
  if (!o || typeof o !== 'object' || o.format !== STATS_FORMAT) {
    throw new StatsFileError(`${file}: not a migratelint stats snapshot (expected "format": "${STATS_FORMAT}")`);
  }
  if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) {
    throw new StatsFileError(`${file}: "version" must be a whole number, got ${JSON.stringify(o.version)}`);
  }
  if (o.version > STATS_VERSION) {
    throw new StatsFileError(`${file}: stats snapshot version ${o.version} is newer than this migratelint reads (${STATS_VERSION}); upgrade migratelint or take the snapshot again`);
  }
  if (!Array.isArray(o.tables) || !Array.isArray(o.indexes)) {
    throw new StatsFileError(`${file}: "tables" and "indexes" must be lists`);
  }
  o.tables.forEach((t, i) => {
    if (!t || typeof t.schema !== 'string' || typeof t.name !== 'string' || typeof t.totalBytes !== 'number' || (t.rows !== null && typeof t.rows !== 'number')) {
      throw new StatsFileError(`${file}: tables[${i}] needs "schema", "name" (text), "rows" (a number or null) and "totalBytes" (a number)`);
    }
  });
  if (typeof o.takenAt !== 'string' || Number.isNaN(Date.parse(o.takenAt))) {
    throw new StatsFileError(`${file}: "takenAt" must be a date (ISO 8601), got ${JSON.stringify(o.takenAt)}`);
  }
  return {
    ...o,
    longTransactions: Array.isArray(o.longTransactions) ? o.longTransactions : [],
    unreadable: Array.isArray(o.unreadable) ? o.unreadable : [],
  } as StatsSnapshot;
}

/** The table a statement names, as the snapshot knows it: `schema.name`, `public` when unqualified. */
export function findTable(stats: StatsSnapshot, name: string, schema?: string): TableStats | undefined {
  const s = schema ?? 'public';
  return stats.tables.find((t) => t.name === name && t.schema === s);
}
