import path from 'node:path';
import { lint, lintText, type LintResult } from '../../../src/lint.js';
import type { Finding, Migration } from '../../../src/ir/types.js';

export const FIXTURES = path.join('fixtures', 'typescript');

/** Lints one framework's fixture folder. */
export function lintFixtures(framework: string): Promise<LintResult> {
  return lint([path.join(FIXTURES, framework)]);
}

/** `rule@line:column` for each finding of a file (by base name), optionally of some rules only. */
export function findingsIn(result: LintResult, file: string, rules?: string[]): string[] {
  return result.findings
    .filter((f) => path.basename(f.file) === file && (!rules || rules.includes(f.ruleId)))
    .map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.column}`);
}

export function migrationOf(result: LintResult, file: string): Migration {
  const m = result.migrations.find((x) => path.basename(x.path) === file);
  if (!m) throw new Error(`no migration read from ${file}`);
  return m;
}

/** Lints code given as text under a file name (the name picks the frontend). */
export async function lintCode(code: string, filename = '20240101000000_migration.ts'): Promise<{ result: LintResult; migration: Migration | undefined; findings: Finding[] }> {
  const result = await lintText(code, filename);
  return { result, migration: result.migrations[0], findings: result.findings };
}

export const at = (f: Finding) => `${f.ruleId}@${f.range.start.line}:${f.range.start.column}`;

/** Findings of the given rules, as `rule@line:column`. */
export const only = (findings: Finding[], ...rules: string[]) => findings.filter((f) => rules.includes(f.ruleId)).map(at);
