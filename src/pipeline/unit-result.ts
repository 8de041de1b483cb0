import type { MigrationUnit } from '../ir/unit.js';
import type { ReadFile } from '../frontends/registry.js';
import type { UnitLinter } from './unit-linter.js';
import type { UnitResult } from './parallel.js';
import { summarize } from './summary.js';
import { LintCache } from './cache.js';

/**
 * Lints one unit down to what a run keeps of it: the summary, the findings, and the
 * content hashes of the other files its result depends on (for the cache).
 */
export function lintUnitResult(
  linter: UnitLinter,
  unit: MigrationUnit,
  read: ReadFile,
  hashOf: (file: string) => string = (file) => LintCache.hashText(read(file)),
): UnitResult {
  const out = linter.lint(unit, read);
  const deps = (out.migration?.inputs ?? []).map((f): [string, string] => [f, hashOf(f)]);
  return { migration: out.migration && summarize(out.migration, out.findings), findings: out.findings, deps };
}
