/**
 * `lint --fix` on disk: plans the fixes so the result deploys (src/engine/fix-plan), writes
 * the changed files and the new migrations, and says what it did and what is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LintResult } from '../lint.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Finding, Migration } from '../ir/types.js';
import { planFixes, type FixPlan } from '../engine/fix-plan/plan.js';
import { sectionWrapping } from '../engine/section-wrapping.js';

export interface FixOutcome {
  /** Files written, new ones included. */
  files: number;
  /** Fixes applied: in place, moved to a new migration, or completed by one. */
  fixes: number;
  /** What was done and what is left, for stderr. */
  summary: string;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const where = (f: Finding) => `${f.file}:${f.range.start.line}`;

/** The config's `transaction` for a format. */
function transactionSetting(config: ResolvedConfig, format: Migration['format']): boolean | undefined {
  return typeof config.transaction === 'object' ? config.transaction[format] : config.transaction;
}

/** Applies the fixes of a lint result (linted with `retainIR`) to the files under `cwd`. */
export function fixMigrationFiles(result: LintResult, cwd: string, config: ResolvedConfig): FixOutcome {
  const tools = { golangMigrateMultiStatement: config.golangMigrate?.multiStatement };
  const plan = planFixes({
    migrations: result.migrations,
    findings: result.findings,
    readBytes: (file) => fs.readFileSync(path.resolve(cwd, file)),
    listDir: (folder) => {
      try {
        return fs.readdirSync(path.resolve(cwd, folder));
      } catch {
        return [];
      }
    },
    aloneRunsOutsideTransaction: (m) =>
      sectionWrapping(m, { ...m.up, statements: m.up.statements.slice(0, 1) }, transactionSetting(config, m.format), tools) === false,
  });
  const created = new Set(plan.created);
  for (const w of plan.writes) {
    const abs = path.resolve(cwd, w.file);
    if (created.has(w.file)) fs.mkdirSync(path.dirname(abs), { recursive: true });
    // A new migration never replaces a file: its version was free when planned.
    fs.writeFileSync(abs, w.bytes, { flag: created.has(w.file) ? 'wx' : 'w' });
  }
  return { files: plan.writes.length, fixes: plan.inPlace.length + plan.moved.length + plan.completed.length, summary: summarize(plan) };
}

function summarize(plan: FixPlan): string {
  const changed = new Set(plan.inPlace.map((f) => f.file));
  const lines = [`migratelint: applied ${plural(plan.inPlace.length, 'fix', 'fixes')} in ${plural(changed.size, 'file')}`];
  if (plan.moved.length) {
    lines.push(`migratelint: moved ${plural(plan.moved.length, 'statement')} that cannot run in a transaction to new migrations of their own:`);
    for (const m of plan.moved) lines.push(`  ${where(m.finding)} (${m.finding.ruleId}) → ${m.to}`);
  }
  const wholeMigrations = plan.switched.filter((s) => !s.statementOnly);
  const statements = plan.switched.filter((s) => s.statementOnly);
  if (wholeMigrations.length) {
    lines.push(`migratelint: ran ${plural(wholeMigrations.length, 'migration')} outside a transaction, each holding only the statement fixed:`);
    for (const s of wholeMigrations) lines.push(`  ${where(s.finding)} (${s.what})`);
  }
  if (statements.length) {
    lines.push(`migratelint: ran ${plural(statements.length, 'statement')} outside their migration's transaction:`);
    for (const s of statements) lines.push(`  ${where(s.finding)} (${s.what})`);
  }
  if (plan.completed.length) {
    const files = [...new Set(plan.completed.map((c) => c.to))];
    lines.push(`migratelint: added NOT VALID to ${plural(plan.completed.length, 'constraint')}, validated by ${plural(files.length, 'new migration')}:`);
    for (const file of files) lines.push(`  ${file}`);
  }
  if (plan.recipes.length) {
    lines.push(`migratelint: ${plural(plan.recipes.length, 'fix', 'fixes')} left to do by hand:`);
    for (const r of plan.recipes) lines.push(`  ${where(r.finding)}: ${r.finding.ruleId}: ${r.text}`);
  }
  return lines.join('\n') + '\n';
}
