import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration } from './ir/types.js';
import type { Rule, RuleSeverity } from '../rules/kit/rule.js';
import { discoverUnits } from './plan/load.js';
import type { MigrationUnit } from './ir/unit.js';
import { classifyPath } from './discover/classify.js';
import { frontendNameFor } from './formats/frontends.js';
import type { ResolvedConfig } from './config/load.js';
import type { BaselineOutcome } from './baseline.js';
import { UnitLinter } from './pipeline/unit-linter.js';
import { lintUnitResult } from './pipeline/unit-result.js';
import { RunCollector, sortFindings, type Keep, type OnMigration } from './pipeline/collect.js';
import { HeapBound } from './pipeline/heap.js';
import { LintCache, DEFAULT_CACHE_DIR } from './pipeline/cache.js';
import type { UnitResult, WorkerInit } from './pipeline/parallel.js';
import type { DownSetting } from './engine/down-setting.js';
import type { CoverageSummary, DownSummary } from './report/context.js';
import { workerCount } from './pipeline/worker-count.js';
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
  /** How findings in down migrations count, over the config's `down` (default `lint`). */
  down?: DownSetting;
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
  /**
   * Without retainIR, which migrations the result keeps (counts always cover all of them):
   * `all` (default) a summary of every one, for reports that list every file; `flagged`
   * only those with findings or problems, with the text of their flagged files (code
   * frames, fingerprints); `findings` only those with problems (an unreadable file, say).
   * Memory then grows with the findings, not with the number of files linted.
   */
  keep?: Keep;
  /**
   * Without retainIR: called with each migration and its sorted findings, in order of
   * the migrations' paths, as soon as those before it are done. The result then holds no
   * findings (its counts still count them), so a caller that writes them out as they come
   * (the CLI's text, compact and GitHub formats) runs in memory that does not grow.
   */
  onMigration?: OnMigration;
  /** Folder of the content-hash cache; unset means no cache (only without retainIR). */
  cacheDir?: string;
  /** Worker threads; unset decides from the number of migrations (only without retainIR). */
  workers?: number;
}

export interface LintResult {
  /** The files of `migrations`, relative to cwd: every file read, unless `keep` left clean ones out. */
  files: string[];
  /** The migrations read; without `retainIR` their sections carry no statements, and `keep` may leave clean ones out. */
  migrations: Migration[];
  /** How many files and migrations were linted, whatever `keep` left out. */
  counts: { files: number; migrations: number };
  findings: Finding[];
  /** The rules that were available, for reporters that describe them (SARIF). */
  rules: readonly Rule[];
  errorCount: number;
  warningCount: number;
  /** Set when `down` is `warn` or `off`: the setting, and how many findings in down migrations it left out. */
  down?: DownSummary;
  /** Code calls analysed and not, over every code migration linted. */
  coverage: CoverageSummary;
  /** Set when a baseline was applied: how many findings it hid, and its stale entries. */
  baseline?: BaselineOutcome;
  /** Cache use, when a cache was used. */
  cache?: { hits: number; misses: number };
}

/** Lints migration files, directories or globs. */
export async function lint(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const units = await discoverUnits(paths, { cwd, config: options.config, only: options.only });
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
    // Bumped when what a cached result holds changes (2: findings carry their direction, coverage its call texts).
    results: 2,
    config: config && { ...config, file: undefined, dir: undefined, pluginRules: undefined },
    plugins: config?.pluginRules.map((r) => [r.id, String(r.check ?? ''), String(r.checkMigration ?? '')]),
    rules: rules.map((r) => r.id),
    options: { rules: options.rules, ruleOptions: options.ruleOptions, pgVersion: options.pgVersion, transaction: options.transaction },
  });
}

/** The files of one run: read once, with content hashes memoised for the cache's dependency checks. */
class RunFiles {
  private readonly texts = new Map<string, string>();
  private readonly hashes = new Map<string, string | undefined>();
  constructor(private readonly readFile: (file: string) => string) {}

  /** One function for the whole run: frontends key per-run caches by it. */
  readonly read = (file: string): string => this.texts.get(file) ?? this.readFile(file);

  /** Reads a file, or undefined when it cannot be read. */
  tryRead(file: string): string | undefined {
    try {
      return this.readFile(file);
    } catch {
      return undefined;
    }
  }

  /** Holds a text until its unit is linted, so it is read once; `release` lets it go. */
  hold(file: string, text: string): void {
    this.texts.set(file, text);
  }

  release(file: string): void {
    this.texts.delete(file);
  }

  readonly hash = (file: string): string | undefined => {
    if (!this.hashes.has(file)) {
      const text = this.tryRead(file);
      this.hashes.set(file, text === undefined ? undefined : LintCache.hashText(text));
    }
    return this.hashes.get(file);
  };
}

const unitFiles = (unit: MigrationUnit) => [unit.path, unit.up, unit.down];

interface PendingUnit {
  unit: MigrationUnit;
  /** Its place among the run's units. */
  index: number;
  /** Content hash for the cache ('' without one). */
  hash: string;
}

/**
 * Hands the units whose cached result is still valid to the collector; returns the
 * others with their content hashes, to be linted and cached.
 */
function useCache(cache: LintCache, units: readonly MigrationUnit[], files: RunFiles, collector: RunCollector): PendingUnit[] {
  const misses: PendingUnit[] = [];
  units.forEach((unit, index) => {
    const paths = unitFiles(unit);
    const contents = paths.map((f) => (f ? files.tryRead(f) : undefined));
    const hash = LintCache.hashUnit(unit, contents);
    const hit = cache.get(unit, hash, files.hash, (file) => contents[paths.indexOf(file)]);
    if (hit) {
      collector.add(index, hit.migration ?? undefined, hit.findings);
      return;
    }
    paths.forEach((f, i) => f && contents[i] !== undefined && files.hold(f, contents[i]!));
    misses.push({ unit, index, hash });
  });
  return misses;
}

/** Settings a worker thread needs to lint exactly as this thread does. */
function workerInit(options: LintOptions): WorkerInit {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config;
  const { pluginRules, ...plainConfig } = config ?? { pluginRules: [] };
  return {
    cwd,
    config: config ? (plainConfig as Omit<ResolvedConfig, 'pluginRules'>) : undefined,
    pluginConfigFile: config?.file && pluginRules.length ? path.resolve(cwd, config.file) : undefined,
    settings: { rules: options.rules, ruleOptions: options.ruleOptions, pgVersion: options.pgVersion, transaction: options.transaction },
  };
}

/** Worker threads for this run: none when rules are code a worker cannot load again. */
function workersFor(options: LintOptions, units: number): number {
  const { config } = options;
  const pluginsWithoutFile = !!config?.pluginRules.length && !config.file;
  if (options.extraRules?.length || pluginsWithoutFile) return 0;
  return workerCount(units, options.workers);
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

async function lintUnits(found: MigrationUnit[], readFile: (file: string) => string, options: LintOptions): Promise<LintResult> {
  // In the order of the report, so that findings handed on as they come are in it too.
  const units = [...found].sort(byPath);
  const linter = new UnitLinter(options);
  const retain = options.retainIR !== false;
  const down = options.down ?? options.config?.down ?? 'lint';
  const collector = new RunCollector(retain ? 'all' : (options.keep ?? 'all'), retain ? undefined : options.onMigration, down);
  const files = new RunFiles(readFile);
  const cache = !retain && options.cacheDir ? new LintCache(options.cacheDir, cacheKey(options, linter.rules)) : undefined;
  const pending = cache ? useCache(cache, units, files, collector) : units.map((unit, index) => ({ unit, index, hash: '' }));

  const prepare = () => linter.prepare(pending.map((p) => p.unit));
  if (retain) {
    await prepare();
    for (const { unit, index } of pending) {
      const out = linter.lint(unit, files.read);
      collector.add(index, out.migration, out.findings);
    }
  } else {
    const lintHere = (unit: MigrationUnit) => lintUnitResult(linter, unit, files.read, (f) => files.hash(f) ?? '');
    const todo = pending.map((p) => p.unit);
    const workers = workersFor(options, todo.length);
    // A run whose findings are handed on holds next to nothing, so its heap is kept
    // bounded; not with a cache, which holds every result until it is saved.
    const heap = options.onMigration && !cache ? new HeapBound() : undefined;
    // Each result is taken as it comes: what `keep` leaves out is never held.
    const done = (i: number, r: UnitResult) => {
      const { unit, index, hash } = pending[i];
      for (const f of unitFiles(unit)) if (f) files.release(f);
      collector.add(index, r.migration, r.findings);
      cache?.set(unit, hash, r.deps, r.migration, r.findings);
      heap?.tick();
    };
    if (workers > 0) {
      // Threads are loaded only for runs that use them.
      const { lintShared } = await import('./pipeline/parallel.js');
      await lintShared(todo, workerInit(options), workers, { prepare, lint: lintHere }, done);
    } else {
      await prepare();
      todo.forEach((unit, i) => done(i, lintHere(unit)));
    }
  }
  cache?.save();

  const { migrations, findings, counts, errorCount, warningCount, coverage } = collector;
  sortFindings(findings);
  migrations.sort(byPath);
  return {
    files: migrations.flatMap((m) => m.files),
    migrations,
    counts,
    findings,
    rules: linter.rules,
    errorCount,
    warningCount,
    ...(down === 'lint' ? {} : { down: { setting: down, hidden: collector.hiddenDown } }),
    coverage,
    ...(cache ? { cache: { hits: cache.hits, misses: cache.misses } } : {}),
  };
}

export { DEFAULT_CACHE_DIR };
