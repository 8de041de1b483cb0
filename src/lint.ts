import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration } from './ir/types.js';
import type { Rule, RuleSeverity } from './engine/rule.js';
import { collectFiles, groupMigrations, type MigrationUnit } from './discover/index.js';
import { classifyPath } from './discover/classify.js';
import { frontendNameFor } from './frontends/registry.js';
import type { ResolvedConfig } from './config/load.js';
import { formatMatcher, pathMatcher } from './config/paths.js';
import type { BaselineOutcome } from './baseline.js';
import { UnitLinter, DEFAULT_PG_VERSION } from './pipeline/unit-linter.js';
import { summarize } from './pipeline/summary.js';
import { LintCache, DEFAULT_CACHE_DIR } from './pipeline/cache.js';
import { lintInWorkers, workerCount } from './pipeline/parallel.js';
import { toolVersion } from './meta.js';

export { DEFAULT_PG_VERSION, activeRules } from './pipeline/unit-linter.js';

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
  /**
   * Keep each migration's statements (the full IR) in the result; default true. The CLI
   * turns it off so memory does not grow with the number of files, which also allows
   * the cache and worker threads.
   */
  retainIR?: boolean;
  /** Folder of the content-hash cache; unset means no cache (only without retainIR). */
  cacheDir?: string;
  /** Worker threads; unset decides from the number of migrations (only without retainIR). */
  workers?: number;
}

export interface LintResult {
  /** Every file that was read, relative to cwd. */
  files: string[];
  /** The migrations read; without `retainIR` their sections carry no statements. */
  migrations: Migration[];
  findings: Finding[];
  /** The rules that were available, for reporters that describe them (SARIF). */
  rules: readonly Rule[];
  errorCount: number;
  warningCount: number;
  /** Set when a baseline was applied: how many findings it hid, and its stale entries. */
  baseline?: BaselineOutcome;
  /** Cache use, when a cache was used. */
  cache?: { hits: number; misses: number };
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
  return lintUnits([unit], () => text, { ...options, cacheDir: undefined, workers: 0 });
}

/** What makes cached results valid: the tool, and every setting that changes findings. */
function cacheKey(options: LintOptions, rules: readonly Rule[]): string {
  const { config } = options;
  return JSON.stringify({
    tool: toolVersion(),
    config: config && { ...config, file: undefined, dir: undefined, pluginRules: undefined },
    plugins: config?.pluginRules.map((r) => [r.id, String(r.check ?? ''), String(r.checkMigration ?? '')]),
    rules: rules.map((r) => r.id),
    options: { rules: options.rules, ruleOptions: options.ruleOptions, pgVersion: options.pgVersion, transaction: options.transaction },
  });
}

async function lintUnits(units: MigrationUnit[], readFile: (file: string) => string, options: LintOptions): Promise<LintResult> {
  const linter = new UnitLinter(options);
  const retain = options.retainIR !== false;
  const migrations: Migration[] = [];
  const findings: Finding[] = [];
  const take = (migration: Migration | undefined, found: Finding[]) => {
    if (!migration) return;
    migrations.push(migration);
    findings.push(...found);
  };

  const cache = !retain && options.cacheDir ? new LintCache(options.cacheDir, cacheKey(options, linter.rules)) : undefined;
  // With a cache, a unit's files are read once: to hash them, and for the frontend on a miss.
  let pending: { unit: MigrationUnit; hash?: string }[] = units.map((unit) => ({ unit }));
  const texts = new Map<string, string>();
  // One function for the whole run: frontends key per-run caches by it.
  const cachedRead = (file: string) => texts.get(file) ?? readFile(file);
  const depHashes = new Map<string, string | undefined>();
  const depHash = (file: string) => {
    if (!depHashes.has(file)) {
      let hash: string | undefined;
      try {
        hash = LintCache.hashText(cachedRead(file));
      } catch {
        hash = undefined;
      }
      depHashes.set(file, hash);
    }
    return depHashes.get(file);
  };
  if (cache) {
    const misses: typeof pending = [];
    for (const { unit } of pending) {
      const files = [unit.path, unit.up, unit.down];
      const contents = files.map((f) => {
        if (!f) return undefined;
        try {
          return readFile(f);
        } catch {
          return undefined;
        }
      });
      const hash = LintCache.hashUnit(unit, contents);
      const hit = cache.get(unit, hash, depHash);
      if (hit) {
        take(hit.migration ?? undefined, hit.findings);
        continue;
      }
      // Kept only until the miss is linted, so memory does not grow with the run.
      files.forEach((f, i) => f && contents[i] !== undefined && texts.set(f, contents[i]!));
      misses.push({ unit, hash });
    }
    pending = misses;
  }

  // Rules that are code the workers cannot load again (extra rules, plugins of a config not read from a file) keep the run in this thread.
  const { config } = options;
  const pluginsWithoutFile = !!config?.pluginRules.length && !config.file;
  const workers = retain || options.extraRules?.length || pluginsWithoutFile ? 0 : workerCount(pending.length, options.workers);
  if (workers > 0) {
    const cwd = options.cwd ?? process.cwd();
    const { pluginRules, ...plainConfig } = config ?? { pluginRules: [] };
    const results = await lintInWorkers(
      pending.map((p) => p.unit),
      {
        cwd,
        config: config ? (plainConfig as Omit<ResolvedConfig, 'pluginRules'>) : undefined,
        pluginConfigFile: config?.file && pluginRules.length ? path.resolve(cwd, config.file) : undefined,
        settings: { rules: options.rules, ruleOptions: options.ruleOptions, pgVersion: options.pgVersion, transaction: options.transaction },
      },
      workers,
    );
    results.forEach((r, i) => {
      take(r.migration, r.findings);
      cache?.set(pending[i].unit, pending[i].hash!, r.deps, r.migration, r.findings);
    });
  } else {
    await linter.prepare(pending.map((p) => p.unit));
    for (const { unit, hash } of pending) {
      const out = linter.lint(unit, cachedRead);
      const migration = out.migration && (retain ? out.migration : summarize(out.migration, out.findings));
      take(migration, out.findings);
      if (cache) {
        const deps = (out.migration?.inputs ?? []).map((f): [string, string] => [f, depHash(f) ?? '']);
        cache.set(unit, hash!, deps, migration, out.findings);
      }
      for (const f of [unit.path, unit.up, unit.down]) if (f) texts.delete(f);
    }
  }
  cache?.save();

  sortFindings(findings);
  migrations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    files: migrations.flatMap((m) => m.files),
    migrations,
    findings,
    rules: linter.rules,
    errorCount: findings.filter((f) => f.severity === 'error').length,
    warningCount: findings.filter((f) => f.severity === 'warn').length,
    ...(cache ? { cache: { hits: cache.hits, misses: cache.misses } } : {}),
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

export { DEFAULT_CACHE_DIR };
