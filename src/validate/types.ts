import type { Range } from '../ir/types.js';
import type { Rule } from '../../rules/kit/rule.js';

/** The checks `migratelint validate` runs, in the order they are reported. */
export const CHECK_IDS = ['lint', 'sequence', 'reversibility', 'trial', 'drift'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_TITLES: Record<CheckId, string> = {
  lint: 'lint',
  sequence: 'sequence',
  reversibility: 'reversibility',
  trial: 'trial run',
  drift: 'drift',
};

/** Two sides of a comparison (the schema before an up and after its down), shown under a finding. */
export interface FindingDetail {
  label: string;
  lines: string[];
}

export interface ValidateFinding {
  check: CheckId;
  /** `validate/<check>-<what>` for validate's own findings; a lint rule id for lint findings. */
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  /** Where, relative to the working directory; absent for findings about the target database. */
  file?: string;
  range?: Range;
  /** Relevant context: both schemas' parts for a trial difference, PostgreSQL's detail and hint. */
  details?: FindingDetail[];
  /** What to do about it, in one line. */
  hint?: string;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line: what was checked ("42 migrations, 0 errors") or why it was skipped. */
  summary: string;
  findings: ValidateFinding[];
  /** Extra facts per check (trial timings, the pending list), also in the JSON output. */
  data?: Record<string, unknown>;
}

export interface MigrationSummary {
  path: string;
  format: string;
  version: string | null;
  name: string | null;
  up: string;
  down: string;
}

export interface ValidateResult {
  /** True when no check failed (skipped checks do not fail). */
  ok: boolean;
  checks: CheckResult[];
  migrations: MigrationSummary[];
  /** The target named by --db, masked. */
  target?: string;
  durationMs: number;
  /** The lint rules that were available (for SARIF rule metadata); not part of the JSON output. */
  lintRules?: readonly Rule[];
}

export function errorCount(findings: readonly ValidateFinding[]): number {
  return findings.filter((f) => f.severity === 'error').length;
}

export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** How a migration is named in messages: the file's base name without `.up.sql` / `.sql`. */
export function migrationLabel(m: { path: string; version?: string; name?: string }): string {
  const base = m.path.split(/[\\/]/);
  let last = base[base.length - 1];
  // diesel and prisma keep one migration per folder: the folder is its name.
  if (/^(up|down|migration)\.sql$/i.test(last) && base.length > 1) last = base[base.length - 2];
  return last.replace(/(\.(up|down))?\.(sql|py|ts|js|mjs|cjs)$/i, '');
}
