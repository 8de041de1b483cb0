import type { Finding, Migration, Range } from '../ir/types.js';
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

/** `partial`: passed as far as it went, but did not cover everything (a warning, never a pass). */
export type CheckStatus = 'passed' | 'partial' | 'failed' | 'skipped';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line: what was checked ("42 migrations, 0 errors") or why it was skipped. */
  summary: string;
  /**
   * Validate's own findings have rule ids `validate/<check>-<what>`, lint's keep their rule's
   * id. A finding about the target database alone has no file (`file: ''`); one about a file
   * as a whole points at its start (`FILE_START`).
   */
  findings: Finding[];
  /** Extra facts per check (trial timings, the pending list), also in the JSON output. */
  data?: Record<string, unknown>;
}

export interface ValidateResult {
  /** True when no check failed (skipped and partial checks do not fail). */
  ok: boolean;
  checks: CheckResult[];
  /** The migrations validated (their IR: the reports list them and fingerprint findings from their sources). */
  migrations: Migration[];
  /** The target named by --db, masked. */
  target?: string;
  durationMs: number;
  /** The lint rules that were available (for SARIF rule metadata); not part of the JSON output. */
  lintRules: readonly Rule[];
}

/** Where a finding about a file as a whole points: the file's start. */
export const FILE_START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** The place of a finding about the target database rather than a file: none (`hasFile` is false). */
export const ON_TARGET: { file: string; range: Range } = { file: '', range: FILE_START };

export function errorCount(findings: readonly Finding[]): number {
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
