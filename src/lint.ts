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
import { UnitLinter, type LinterSettings } from './pipeline/unit-linter.js';
import { replayRun, unitFiles } from './pipeline/replay-run.js';
import { RunCollector, sortFindings, type Keep, type OnMigration } from './pipeline/collect.js';
import { HeapBound } from './pipeline/heap.js';
import { LintCache, DEFAULT_CACHE_DIR } from './pipeline/cache.js';
import type { UnitResult, WorkerInit } from './pipeline/parallel.js';
import type { DownSetting } from './engine/down-setting.js';
import type { CoverageSummary, DownSummary } from './report/context.js';
import { workerCount } from './pipeline/worker-count.js';
import { toolVersion } from './meta.js';
import { setAsideOtherDatabases, type OtherDatabaseProject } from './discover/project-database/index.js';
import type { DialectSetting } from './config/schema.js';
import type { RiskContext } from './engine/risk.js';

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
  /** Over the config's `dialect` (default `auto`): `postgresql` lints projects whose config names another database too. */
  dialect?: DialectSetting;
  /**
   * Who sends the SQL to the server: the format's own tool (the default), or migratelint's
   * executor (`apply`, `rollback`), which sends statements one by one, so a file is never
   * one implicit transaction as golang-migrate, Prisma, diesel and dbmate make it.
   */
  sentBy?: 'tool' | 'migratelint';
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
  /**
   * A table-statistics snapshot and the risk settings: lock findings on tables it knows
   * get the table's size and an estimate of the lock's duration, and a severity by size
   * (`src/engine/risk.ts`). Unset: findings as the rules report them.
   */
  risk?: RiskContext;
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
  /** Projects not linted because their config names only other databases (a knexfile's `client: 'mysql2'`). */
  otherDatabases?: OtherDatabaseProject[];
  /** Cache use, when a cache was used. */
  cache?: { hits: number; misses: number };
  /** One line each about what the run could not use (a schema dump that does not parse). */
  notes?: string[];
}

/** Lints migration files, directories or globs. */
export async function lint(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  // Every migration under the paths feeds the schema model; `only` says which are reported.
  const found = await discoverUnits(paths, { cwd, config: options.config });
  // A project whose config names only other databases is set aside (one line), unless PostgreSQL is forced.
  const forced = (options.dialect ?? options.config?.dialect) === 'postgresql';
  const { units, otherDatabases } = forced ? { units: found, otherDatabases: [] } : await setAsideOtherDatabases(found, cwd);
  const result = await lintUnits(units, (file) => fs.readFileSync(path.resolve(cwd, file), 'utf8'), options);
  return otherDatabases.length ? { ...result, otherDatabases } : result;
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

/** The settings a linter (in this thread or a worker) needs beyond the config. */
function linterSettings(options: LintOptions): Omit<LinterSettings, 'config' | 'extraRules'> {
  const { rules, ruleOptions, pgVersion, transaction, sentBy } = options;
  return { rules, ruleOptions, pgVersion, transaction, sentBy };
}

/** What makes cached results valid: the tool, and every setting that changes findings. */
function cacheKey(options: LintOptions, rules: readonly Rule[]): string {
  const { config } = options;
  return JSON.stringify({
    tool: toolVersion(),
    // Bumped when what a cached result holds changes (2: findings carry their direction, coverage its call texts;
    // 3: results depend on the migrations before them, through the schema model;
    // 4: lock findings carry their lock, for table statistics).
    results: 4,
    config: config && { ...config, file: undefined, dir: undefined, pluginRules: undefined },
    plugins: config?.pluginRules.map((r) => [r.id, String(r.check ?? ''), String(r.checkMigration ?? '')]),
    rules: rules.map((r) => r.id),
    options: linterSettings(options),
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

/** Settings a worker thread needs to lint exactly as this thread does. */
function workerInit(options: LintOptions): WorkerInit {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config;
  const { pluginRules, ...plainConfig } = config ?? { pluginRules: [] };
  return {
    cwd,
    config: config ? (plainConfig as Omit<ResolvedConfig, 'pluginRules'>) : undefined,
    pluginConfigFile: config?.file && pluginRules.length ? path.resolve(cwd, config.file) : undefined,
    settings: linterSettings(options),
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
  const only = options.only;
  const reported = new Map<MigrationUnit, number>();
  for (const unit of units) if (!only || unitFiles(unit).some((f) => f && only.has(f))) reported.set(unit, reported.size);
  const linter = new UnitLinter(options);
  const retain = options.retainIR !== false;
  const down = options.down ?? options.config?.down ?? 'lint';
  const collector = new RunCollector(retain ? 'all' : (options.keep ?? 'all'), retain ? undefined : options.onMigration, down, options.risk);
  const files = new RunFiles(readFile);
  const cache = !retain && options.cacheDir ? new LintCache(options.cacheDir, cacheKey(options, linter.rules)) : undefined;
  // A run whose findings are handed on holds next to nothing, so its heap is kept
  // bounded; not with a cache, which holds every result until it is saved.
  const heap = !retain && options.onMigration && !cache ? new HeapBound() : undefined;
  const notes: string[] = [];
  await replayRun(units, {
    linter,
    onNote: (note) => notes.push(note),
    files,
    reported,
    changeSet: only !== undefined,
    retainIR: retain,
    cache,
    // Each result is taken as it comes: what `keep` leaves out is never held.
    onResult: (index, migration, findings) => {
      collector.add(index, migration, findings);
      heap?.tick();
    },
  });
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
    ...(notes.length ? { notes } : {}),
  };
}

export { DEFAULT_CACHE_DIR };
