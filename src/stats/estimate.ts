/**
 * How long a statement holds its lock, estimated from the size of the table it works on.
 * Pure arithmetic, no I/O: the figures come from a stats snapshot (`format.ts`) and the
 * throughputs from the config (defaults measured by `bench/lock-estimate.mjs`).
 *
 * The model (README, "Lock risk from table statistics"):
 * - index build (CREATE INDEX, REINDEX, ADD PRIMARY KEY/UNIQUE/EXCLUDE): the heap is read
 *   and sorted once per index: heap bytes / index-build throughput;
 * - rewrite (ALTER COLUMN TYPE, ADD COLUMN with a volatile default, SET TABLESPACE/LOGGED,
 *   VACUUM FULL, CLUSTER, REFRESH MATERIALIZED VIEW): the heap and TOAST are copied and
 *   every index is rebuilt: (heap + TOAST + indexes) / rewrite throughput;
 * - validation scan (VALIDATE-less ADD CHECK/FOREIGN KEY, SET NOT NULL): every row is
 *   read: (heap + TOAST) / scan throughput;
 * - catalog only (DROP INDEX, DETACH PARTITION): no work under the lock once granted.
 *
 * The point estimate is what the measured throughput gives on an idle server; the range
 * is half to twice that, because what the model does not know (concurrent load, I/O
 * contention, a cold cache, the column types and the index's width) moves it by that
 * much. Waiting FOR the lock (behind a long transaction) is not in it.
 */
import type { LockWork } from '../ir/types.js';
import type { TableStats } from './format.js';

/** MB (1024²) per second, for each kind of work. */
export interface Throughputs {
  indexBuild: number;
  rewrite: number;
  scan: number;
}

/**
 * Measured with `scripts/with-postgres.sh node bench/lock-estimate.mjs` (and `--cold`):
 * PostgreSQL 15.18, default settings, on the 2-core development machine, tables of ~10,
 * 100 and 400 MB of heap. The slowest rate among the tables of 100 MB and more, rounded
 * down: a text-column index (60-76 MB/s; an integer one builds at 210-270), ALTER COLUMN
 * TYPE with three indexes (63-98), VALIDATE of a CHECK with a cold OS cache (800; warm
 * 1000-1480). So the estimate errs on the long side; see the README for the figures.
 */
export const DEFAULT_THROUGHPUTS: Throughputs = { indexBuild: 60, rewrite: 60, scan: 800 };

/** The range is the point estimate divided and multiplied by this. */
export const SPREAD = 2;

export interface LockEstimate {
  /** The bytes the work goes through (what the throughput divides). */
  workBytes: number;
  lowSeconds: number;
  highSeconds: number;
}

const MB = 1024 * 1024;

/** The bytes a kind of work reads or writes on `table`. */
export function workBytes(table: Pick<TableStats, 'heapBytes' | 'indexBytes' | 'toastBytes'>, work: LockWork): number {
  const heap = table.heapBytes ?? 0;
  const toast = table.toastBytes ?? 0;
  const indexes = table.indexBytes ?? 0;
  switch (work) {
    case 'index-build':
      return heap;
    case 'rewrite':
      return heap + toast + indexes;
    case 'scan':
      return heap + toast;
    case 'catalog':
      return 0;
  }
}

/** How long the work holds its lock on `table`: a range in seconds. */
export function estimateLock(
  table: Pick<TableStats, 'heapBytes' | 'indexBytes' | 'toastBytes'>,
  work: LockWork,
  throughputs: Throughputs = DEFAULT_THROUGHPUTS,
): LockEstimate {
  const bytes = workBytes(table, work);
  if (work === 'catalog' || bytes === 0) return { workBytes: bytes, lowSeconds: 0, highSeconds: 0 };
  const rate = { 'index-build': throughputs.indexBuild, rewrite: throughputs.rewrite, scan: throughputs.scan }[work];
  const point = bytes / MB / rate;
  return { workBytes: bytes, lowSeconds: point / SPREAD, highSeconds: point * SPREAD };
}
