import type { Finding } from '../ir/types.js';
import { blocksWrites, type LockLevel } from '../pg/locks.js';
import { formatDurationRange, formatSeconds } from '../stats/units.js';
import { ON_TARGET } from './types.js';

/**
 * The lint check's note on lock time (config `risk.maxLock`): with a stats snapshot, each
 * statement estimated to hold a lock that stops writes for longer than the budget is
 * listed as a warning, at the statement. The high end of the estimate is compared: a
 * release gate errs on the safe side. One per statement, whatever the number of rules
 * that found its lock.
 */
export function lockBudgetFindings(findings: readonly Finding[], maxLockSeconds: number): Finding[] {
  const out = new Map<string, Finding>();
  for (const f of findings) {
    const r = f.risk;
    if (!r || !blocksWrites(r.lock as LockLevel) || r.estimate.highSeconds <= maxLockSeconds) continue;
    const key = `${f.file}:${f.range.start.line}:${f.range.start.column}`;
    if (out.has(key)) continue;
    out.set(key, {
      ruleId: 'validate/lock-over-budget',
      severity: 'warn',
      message: `holds ${r.lock} on ${r.table} for ${formatDurationRange(r.estimate.lowSeconds, r.estimate.highSeconds)}, over risk.maxLock (${formatSeconds(maxLockSeconds)})`,
      file: f.file,
      range: f.range,
      ...(f.direction ? { direction: f.direction } : {}),
      risk: r,
      hint: 'run it where a long lock is acceptable, or the non-blocking form the lint finding names',
    });
  }
  return [...out.values()];
}

/** How much older than the database's statistics a snapshot may be before validate says so. */
export const STALE_AFTER_DAYS = 7;

/**
 * A snapshot much older than the database's last ANALYZE: table sizes may have moved
 * since, and the weighing with them. A warning on the lint check, naming both dates.
 */
export function staleStatsFinding(takenAt: string, lastAnalyze: string | undefined, target: string): Finding | undefined {
  if (!lastAnalyze) return undefined;
  const days = (Date.parse(lastAnalyze) - Date.parse(takenAt)) / 86_400_000;
  if (!(days > STALE_AFTER_DAYS)) return undefined;
  return {
    ruleId: 'validate/stats-stale',
    severity: 'warn',
    message: `the table-statistics snapshot (taken ${takenAt.slice(0, 10)}) is ${Math.floor(days)} days older than the last ANALYZE on ${target} (${lastAnalyze.slice(0, 10)}): table sizes, and the lock estimates made with them, may be out of date`,
    ...ON_TARGET,
    hint: `take it again: migratelint stats --db ${target}`,
  };
}
