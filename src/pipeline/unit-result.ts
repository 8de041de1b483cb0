import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import type { ReadFile } from '../frontends/registry.js';
import type { UnitLinter } from './unit-linter.js';
import type { UnitResult } from './parallel.js';
import { summarize } from './summary.js';
import { LintCache } from './cache.js';

/**
 * What a run keeps of a linted migration: the summary, the findings, and the content
 * hashes of the other files its result depends on (for the cache).
 */
export function unitResult(migration: Migration | undefined, findings: Finding[], hashOf: (file: string) => string): UnitResult {
  const deps = (migration?.inputs ?? []).map((f): [string, string] => [f, hashOf(f)]);
  return { migration: migration && summarize(migration, findings), findings, deps };
}

/** Lints one unit on its own (no earlier migrations in the schema model) down to what a run keeps of it. */
export function lintUnitResult(
  linter: UnitLinter,
  unit: MigrationUnit,
  read: ReadFile,
  hashOf: (file: string) => string = (file) => LintCache.hashText(read(file)),
): UnitResult {
  const out = linter.lint(unit, read);
  return unitResult(out.migration, out.findings, hashOf);
}
