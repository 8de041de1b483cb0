import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration, MigrationFormat } from './ir/types.js';
import type { Rule, RuleSeverity } from './engine/rule.js';
import { lintMigration, type ActiveRule, type EngineSettings } from './engine/run.js';
import { collectFiles, groupMigrations, type MigrationUnit } from './discover/index.js';
import { classifyPath } from './discover/classify.js';
import { frontendNameFor, loadFrontend, type Frontend } from './frontends/registry.js';
import { builtinRules } from '../rules/index.js';
import { UsageError } from './errors.js';
import { presetSeverity, type ResolvedConfig } from './config/load.js';
import { formatMatcher, pathMatcher } from './config/paths.js';
import type { BaselineOutcome } from './baseline.js';

/** The oldest PostgreSQL major version still supported upstream (14 reached end of life in November 2026). */
export const DEFAULT_PG_VERSION = 15;

export interface LintOptions {
  cwd?: string;
  /** A loaded config (`loadConfig`); without one the `migratelint:recommended` preset applies. */
  config?: ResolvedConfig;
  /** Severity per rule id, over the config. */
  rules?: Record<string, RuleSeverity | 'off'>;
  /** Options per rule id, over the config. */
  ruleOptions?: Record<string, Record<string, unknown>>;
  /** Production PostgreSQL major version, over the config. */
  pgVersion?: number;
  /** Whether migrations run inside a transaction, over the config and each format's default. */
  transaction?: boolean;
  /** Extra rules in the same shape as the built-in ones (plugins loaded by the config come on top). */
  extraRules?: readonly Rule[];
  /** Only these files (relative to cwd) are linted, e.g. the ones changed since a git ref. */
  only?: ReadonlySet<string>;
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
  /** Set when a baseline was applied: how many findings it hid, and its stale entries. */
  baseline?: BaselineOutcome;
}

/** Lints migration files, directories or globs. */
export async function lint(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config;
  const selected = config ? pathMatcher(config, cwd) : undefined;
  const filter = (file: string) => (!selected || selected(file)) && (!options.only || options.only.has(file));
  const files = await collectFiles(paths, { cwd, filter });
  const units = groupMigrations(files, cwd, config ? formatMatcher(config, cwd) : undefined);
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

/** The rules in force with their severities: preset, then config, then explicit options. */
export function activeRules(options: LintOptions): { rules: Rule[]; active: ActiveRule[] } {
  const config = options.config;
  const rules = [...builtinRules, ...(config?.pluginRules ?? []), ...(options.extraRules ?? [])];
  const known = new Set(rules.map((r) => r.id));
  for (const id of Object.keys(options.rules ?? {})) {
    if (!known.has(id)) throw new UsageError(`unknown rule "${id}"`);
  }
  const active: ActiveRule[] = [];
  for (const rule of rules) {
    const fromConfig = config?.rules[rule.id];
    const severity = options.rules?.[rule.id] ?? fromConfig?.severity ?? presetSeverity(rule, config?.preset ?? 'recommended');
    if (severity === 'off') continue;
    active.push({ rule, severity, options: options.ruleOptions?.[rule.id] ?? fromConfig?.options ?? {} });
  }
  return { rules, active };
}

function transactionFor(options: LintOptions, format: MigrationFormat): boolean | undefined {
  if (options.transaction !== undefined) return options.transaction;
  const setting = options.config?.transaction;
  return typeof setting === 'object' ? setting[format] : setting;
}

async function lintUnits(units: MigrationUnit[], readFile: (file: string) => string, options: LintOptions): Promise<LintResult> {
  const { rules, active } = activeRules(options);
  const severities = new Map(active.map((a) => [a.rule.id, a.severity]));
  const frontends = new Map<string, Frontend>();
  for (const name of new Set(units.map((u) => u.frontend))) frontends.set(name, await loadFrontend(name));
  const base: EngineSettings = {
    pgVersion: options.pgVersion ?? options.config?.pgVersion ?? DEFAULT_PG_VERSION,
    knownRules: new Set(rules.map((r) => r.id)),
    severityOf: (id) => severities.get(id) ?? 'off',
  };

  const migrations: Migration[] = [];
  const findings: Finding[] = [];
  for (const unit of units) {
    const migration = frontends.get(unit.frontend)!.read(unit, readFile);
    if (!migration) continue;
    migrations.push(migration);
    const settings = { ...base, transaction: transactionFor(options, migration.format) };
    findings.push(...lintMigration(migration, active, settings));
  }
  sortFindings(findings);
  return {
    files: migrations.flatMap((m) => m.files),
    migrations,
    findings,
    rules,
    errorCount: findings.filter((f) => f.severity === 'error').length,
    warningCount: findings.filter((f) => f.severity === 'warn').length,
  };
}

export function sortFindings(findings: Finding[]): void {
  findings.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}
