import type { Finding } from '../ir/types.js';
import type { LintResult } from '../lint.js';
import type { BaselineOutcome } from '../baseline.js';
import { plural, FILE_START, type CheckResult } from './types.js';
import { lockBudgetFindings } from './lock-budget.js';

/**
 * Check 1, lint: the project's config and rules over every pending migration. Without
 * --db every migration is pending. With --db, migrations the target has already applied
 * are not held against the release (their findings were accepted when they shipped).
 * Fails on error-level findings, or on warnings too when the config says `failOn: "warn"`.
 */
export function lintCheck(
  result: LintResult,
  options: { failOn?: 'error' | 'warn'; pendingFiles?: ReadonlySet<string>; baseline?: BaselineOutcome; maxLockSeconds?: number } = {},
): CheckResult {
  const { pendingFiles } = options;
  const pending = pendingFiles ? result.migrations.filter((m) => m.files.some((f) => pendingFiles.has(f))) : result.migrations;
  const files = new Set(pending.flatMap((m) => m.files));
  // Lint's findings as they are; a fix becomes a hint (validate does not apply fixes).
  const findings: Finding[] = result.findings
    .filter((f) => files.has(f.file))
    .map(({ fix, ...f }) => (fix ? { ...f, hint: `fix: ${fix.description} (migratelint lint --fix)` } : f));
  // With a stats snapshot: the statements holding a write-blocking lock longer than risk.maxLock.
  if (options.maxLockSeconds !== undefined) findings.push(...lockBudgetFindings(findings, options.maxLockSeconds));
  for (const m of pending) {
    for (const p of m.problems) {
      if (!p.message.startsWith('cannot read')) continue;
      findings.push({ ruleId: 'validate/lint-unreadable', severity: 'error', message: p.message, file: p.file, range: p.range ?? FILE_START });
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const failed = errors > 0 || (options.failOn === 'warn' && warnings > 0);
  const skipped = result.migrations.length - pending.length;
  const scope = pendingFiles ? `${plural(pending.length, 'pending migration')} (${skipped} already applied, not re-linted)` : plural(pending.length, 'migration');
  const hidden = options.baseline?.suppressed ? `, ${plural(options.baseline.suppressed, 'known finding')} hidden by ${options.baseline.file}` : '';
  return {
    id: 'lint',
    status: failed ? 'failed' : 'passed',
    summary: `${scope}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${hidden}`,
    findings,
    ...(options.baseline ? { data: { baseline: { file: options.baseline.file, suppressed: options.baseline.suppressed } } } : {}),
  };
}
