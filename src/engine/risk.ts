/**
 * Lock findings weighed with table statistics. Rules assume every existing table is big
 * and busy; a snapshot (`migratelint stats`) says how big each really is, so a finding
 * that carries its lock (`Finding.lock`) gets the table's size and the estimated time the
 * lock is held, and its severity follows the size: below `risk.small` at most a warning,
 * above `risk.large` as the rule says, in between unchanged.
 *
 * Applied after the rules, where the run's findings are gathered (like the `down`
 * setting): cached and worker results stay the same whatever the snapshot. A table the
 * snapshot does not know (created by the change set, or in another database) is left as
 * the rule reported it. Correctness findings carry no lock and are never changed, except
 * that one that needs rows (`harmlessWhenEmpty`) says so when the table is empty.
 */
import type { Finding, FindingLock, FindingRisk, TableRef } from '../ir/types.js';
import { findTable, type StatsSnapshot, type TableStats } from '../stats/format.js';
import { estimateLock } from '../stats/estimate.js';
import type { RiskSettings } from '../stats/risk-settings.js';
import { formatBytes, formatDurationRange, formatRows } from '../stats/units.js';
import { blocksReads, blocksWrites, type LockLevel } from '../pg/locks.js';

export interface RiskContext {
  stats: StatsSnapshot;
  settings: RiskSettings;
}

/** The snapshot's table for a lock: by name, or through the index it names. */
export function lockedTable(stats: StatsSnapshot, lock: FindingLock): TableStats | undefined {
  if (lock.table) return findTable(stats, lock.table, lock.schema);
  if (!lock.index) return undefined;
  const schema = lock.schema ?? 'public';
  const index = stats.indexes.find((i) => i.name === lock.index && i.schema === schema);
  return index && findTable(stats, index.table, index.schema);
}

/** What ordinary traffic waits for while the lock is held, in two words. */
function waits(mode: string): string {
  const level = mode as LockLevel;
  if (blocksReads(level)) return 'reads and writes wait';
  if (blocksWrites(level)) return 'writes wait';
  return 'schema changes and VACUUM wait';
}

/** `orders: ~41M rows, 23 GB`. */
export function describeTable(t: TableStats): string {
  return `${t.name}: ${t.rows === null ? formatRows(null) : `~${formatRows(t.rows)}`}, ${formatBytes(t.totalBytes)}`;
}

/** The risk of one lock on a known table. */
export function riskOf(t: TableStats, lock: FindingLock, settings: RiskSettings): FindingRisk {
  const e = estimateLock(t, lock.work, settings.throughput);
  const size = t.totalBytes < settings.smallBytes ? 'small' : t.totalBytes > settings.largeBytes ? 'large' : 'medium';
  return {
    table: `${t.schema}.${t.name}`,
    rows: t.rows,
    bytes: t.totalBytes,
    lock: lock.mode,
    estimate: { lowSeconds: round(e.lowSeconds), highSeconds: round(e.highSeconds) },
    size,
  };
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/** One finding, weighed; the same object when the snapshot has nothing to say about it. */
export function weighFinding(f: Finding, ctx: RiskContext): Finding {
  if (f.harmlessWhenEmpty) return emptyTableNote(f, f.harmlessWhenEmpty, ctx.stats);
  if (!f.lock) return f;
  const t = lockedTable(ctx.stats, f.lock);
  if (!t) return f;
  const risk = riskOf(t, f.lock, ctx.settings);
  const held = f.lock.work === 'catalog' ? 'held only a moment once granted' : `for ${formatDurationRange(risk.estimate.lowSeconds, risk.estimate.highSeconds)}`;
  let message = `${f.message} (${describeTable(t)} — ${f.lock.mode} lock ${held}; ${waits(f.lock.mode)})`;
  let severity = f.severity;
  if (risk.size === 'small' && severity === 'error') {
    severity = 'warn';
    message += ` [a warning: small table, under risk.small ${formatBytes(ctx.settings.smallBytes)}]`;
  }
  return { ...f, message, severity, risk };
}

/** A correctness finding that needs rows: an empty table makes it succeed, which is worth saying (severity kept). */
function emptyTableNote(f: Finding, ref: TableRef, stats: StatsSnapshot): Finding {
  const t = findTable(stats, ref.table, ref.schema);
  if (!t || t.rows !== 0) return f;
  return { ...f, message: `${f.message} (${t.name} is empty in the stats snapshot of ${stats.takenAt.slice(0, 10)}: this will succeed if it still is)` };
}

/** A migration's findings, weighed; unchanged without a snapshot. */
export function applyRisk(findings: Finding[], ctx: RiskContext | undefined): Finding[] {
  if (!ctx) return findings;
  return findings.map((f) => weighFinding(f, ctx));
}
