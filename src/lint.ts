import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration } from './ir/types.js';
import type { Rule, RuleSeverity } from './engine/rule.js';
import { lintMigration, type ActiveRule, type EngineSettings } from './engine/run.js';
import { collectFiles, groupMigrations, type MigrationUnit } from './discover/index.js';
import { classifyPath } from './discover/classify.js';
import { frontendNameFor, loadFrontend, type Frontend } from './frontends/registry.js';
import { builtinRules } from '../rules/index.js';
import { UsageError } from './errors.js';

/** The oldest PostgreSQL major version still supported upstream (14 reached end of life in November 2026). */
export const DEFAULT_PG_VERSION = 15;

export interface LintOptions {
  cwd?: string;
  /** Severity per rule id, over each rule's default. */
  rules?: Record<string, RuleSeverity | 'off'>;
  /** Options per rule id. */
  ruleOptions?: Record<string, Record<string, unknown>>;
  pgVersion?: number;
  /** Whether migrations run inside a transaction, over each format's default. */
  transaction?: boolean;
  /** Extra rules (plugins) in the same shape as the built-in ones. */
  extraRules?: readonly Rule[];
}

export interface LintResult {
  /** Every file that was read, relative to cwd. */
  files: string[];
  migrations: Migration[];
  findings: Finding[];
  /** The rules that were available, for reporters that describe them (SARIF). */
  rules: readonly Rule[];
  errorCount: number;
  warningCount: number;
}

/** Lints migration files, directories or globs. */
export async function lint(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const files = await collectFiles(paths, { cwd });
  const units = groupMigrations(files, cwd);
  return lintUnits(units, (file) => fs.readFileSync(path.resolve(cwd, file), 'utf8'), options);
}

/**
 * Lints SQL given as text; `filename` decides the format and names it in findings.
 * The text is the whole input: the other half of an up/down pair is not looked up.
 */
export async function lintText(text: string, filename = 'stdin.sql', options: LintOptions = {}): Promise<LintResult> {
  const cls = classifyPath(filename);
  const unit: MigrationUnit = {
    key: filename,
    frontend: frontendNameFor(filename) ?? 'sql',
    format: cls.format,
    path: filename,
    version: cls.version,
    name: cls.name,
    expectsDown: false,
    ...(cls.role === 'up' ? { up: filename } : cls.role === 'down' ? { down: filename } : {}),
  };
  return lintUnits([unit], () => text, options);
}

async function lintUnits(units: MigrationUnit[], readFile: (file: string) => string, options: LintOptions): Promise<LintResult> {
  const rules = [...builtinRules, ...(options.extraRules ?? [])];
  const active = activeRules(rules, options);
  const frontends = new Map<string, Frontend>();
  for (const name of new Set(units.map((u) => u.frontend))) frontends.set(name, await loadFrontend(name));
  const settings: EngineSettings = {
    pgVersion: options.pgVersion ?? DEFAULT_PG_VERSION,
    transaction: options.transaction,
    knownRules: new Set(rules.map((r) => r.id)),
    severityOf: (id) => active.find((a) => a.rule.id === id)?.severity ?? 'off',
  };

  const migrations: Migration[] = [];
  const findings: Finding[] = [];
  for (const unit of units) {
    const migration = frontends.get(unit.frontend)!.read(unit, readFile);
    if (!migration) continue;
    migrations.push(migration);
    findings.push(...lintMigration(migration, active, settings));
  }
  sortFindings(findings);
  const files = migrations.flatMap((m) => m.files);
  return {
    files,
    migrations,
    findings,
    rules,
    errorCount: findings.filter((f) => f.severity === 'error').length,
    warningCount: findings.filter((f) => f.severity === 'warn').length,
  };
}

function activeRules(rules: readonly Rule[], options: LintOptions): ActiveRule[] {
  const known = new Set(rules.map((r) => r.id));
  for (const id of Object.keys(options.rules ?? {})) {
    if (!known.has(id)) throw new UsageError(`unknown rule "${id}"`);
  }
  const out: ActiveRule[] = [];
  for (const rule of rules) {
    const severity = options.rules?.[rule.id] ?? rule.severity;
    if (severity === 'off') continue;
    out.push({ rule, severity, options: options.ruleOptions?.[rule.id] ?? {} });
  }
  return out;
}

function sortFindings(findings: Finding[]): void {
  findings.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}
