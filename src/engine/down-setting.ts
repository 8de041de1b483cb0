import type { Finding } from '../ir/types.js';

/**
 * How findings in down migrations count (config `down`): like any other (`lint`),
 * at most as warnings (`warn`: a rollback hazard is worth seeing but should not block a
 * deploy), or not at all (`off`).
 */
export const DOWN_SETTINGS = ['lint', 'warn', 'off'] as const;
export type DownSetting = (typeof DOWN_SETTINGS)[number];

/**
 * One migration's findings under the `down` setting, and how many it dropped: a run
 * that checked less than it reports says so (see the reporters' summaries).
 */
export function applyDownSetting(findings: Finding[], setting: DownSetting): { findings: Finding[]; hidden: number } {
  if (setting === 'lint' || !findings.some((f) => f.direction === 'down')) return { findings, hidden: 0 };
  if (setting === 'warn') {
    return { findings: findings.map((f) => (f.direction === 'down' && f.severity === 'error' ? { ...f, severity: 'warn' } : f)), hidden: 0 };
  }
  const kept = findings.filter((f) => f.direction !== 'down');
  return { findings: kept, hidden: findings.length - kept.length };
}
