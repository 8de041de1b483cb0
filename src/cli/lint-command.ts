import fs from 'node:fs';
import path from 'node:path';
import { lintText, type LintOptions, type LintResult } from '../lint.js';
import { defaultCacheDir } from '../pipeline/cache.js';
import { RULE_OPTION, withRuleFlags } from './rule-flag.js';
import { lintForCommand } from './lint-run.js';
import { UsageError } from '../errors.js';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { applyBaseline, readBaseline, DEFAULT_BASELINE } from '../baseline.js';
import { loadFrontend } from '../frontends/registry.js';
import { fixMigrationFiles } from './fix-files.js';
import { intOption, parseCommandArgs } from './args.js';
import type { Io } from './main.js';
import { parseOutputs, ReportOutputs, reportContext } from './report-outputs.js';
import { keepYoungGenerationSmall } from '../pipeline/heap.js';
import { otherDatabaseLine } from '../discover/project-database/index.js';
import { riskForRun } from './lint-stats.js';

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export const LINT_OPTIONS = {
  config: { type: 'string', short: 'c' },
  'pg-version': { type: 'string' },
  'changed-since': { type: 'string' },
  'stdin-filename': { type: 'string' },
  cache: { type: 'boolean' },
  'cache-location': { type: 'string' },
  workers: { type: 'string' },
  debug: { type: 'boolean' },
  ...RULE_OPTION,
} as const;

/** Loads the config and runs the linter the way every linting command does. */
export async function runLint(
  values: Record<string, any>,
  positionals: string[],
  io: Io,
  tune?: (config: ResolvedConfig) => Pick<LintOptions, 'keep' | 'onMigration' | 'retainIR'>,
): Promise<{ result: LintResult; config: ResolvedConfig; changed?: ReadonlySet<string> }> {
  // Compile the SQL parser's WASM while the config is searched for: the two overlap.
  loadFrontend('sql').catch(() => undefined);
  const config = withRuleFlags(await loadConfig({ cwd: io.cwd, configFile: values.config }), values.rule);
  const useCache = values.cache || values['cache-location'] !== undefined || !!io.env.MIGRATELINT_CACHE;
  const options: LintOptions = {
    cwd: io.cwd,
    config,
    pgVersion: intOption(values['pg-version'], 'pg-version'),
    retainIR: false,
    cacheDir: useCache ? path.resolve(io.cwd, values['cache-location'] ?? defaultCacheDir(io.cwd)) : undefined,
    workers: values.workers === undefined ? undefined : wholeNumber(values.workers, 'workers'),
    risk: riskForRun(values.stats, config, io.cwd),
    ...tune?.(config),
  };
  if (values['changed-since'] !== undefined) {
    // Loaded on use: it starts git (child_process), which a plain run has no need of.
    const { changedSince } = await import('../discover/git.js');
    options.only = changedSince(values['changed-since'], io.cwd);
  }

  if (positionals.includes('-')) {
    if (positionals.length > 1) throw new UsageError("'-' (stdin) cannot be combined with other paths");
    return { result: await lintText(await readStdin(io.stdin), values['stdin-filename'] ?? 'stdin.sql', options), config, changed: options.only };
  }
  let paths = positionals;
  if (paths.length === 0) {
    if (!config.include?.length && options.only === undefined) {
      throw new UsageError('no paths given (try: migratelint lint migrations/, or set "include" in the config)');
    }
    paths = [path.relative(io.cwd, config.dir) || '.'];
  }
  return { result: await lintForCommand(paths, positionals, options, config, io), config, changed: options.only };
}

export async function lintCommand(args: string[], io: Io): Promise<number> {
  // The run is the whole process, so its heap is tuned for it; the library leaves V8 alone.
  keepYoungGenerationSmall();
  const { values, positionals } = parseCommandArgs(args, {
    ...LINT_OPTIONS,
    format: { type: 'string', short: 'f', multiple: true, default: ['text'] },
    output: { type: 'string', short: 'o' },
    'sarif-category': { type: 'string' },
    'sarif-srcroot': { type: 'boolean' },
    baseline: { type: 'string' },
    'fail-on': { type: 'string' },
    fix: { type: 'boolean' },
    stats: { type: 'string' },
  });
  const outputs = await ReportOutputs.open(parseOutputs(values.format, values.output), io, reportContext(values, args, io));
  if (values['fail-on'] !== undefined && values['fail-on'] !== 'error' && values['fail-on'] !== 'warn') {
    throw new UsageError(`--fail-on expects "error" or "warn", got "${values['fail-on']}"`);
  }

  const baselineFor = (config: ResolvedConfig) =>
    values.baseline ?? (config.baseline === false ? undefined : (config.baseline ?? DEFAULT_BASELINE));
  let streamed = false;
  // --fix plans from the statements themselves: the first run keeps them.
  let fixing = !!values.fix;
  const tune = (config: ResolvedConfig): Pick<LintOptions, 'keep' | 'onMigration' | 'retainIR'> => {
    if (fixing) return { retainIR: true };
    const baseline = baselineFor(config);
    // A baseline's stale entries are found among every linted file: it needs them all.
    if (baseline && fs.existsSync(path.resolve(io.cwd, baseline))) return { keep: 'all' };
    // Written as it comes, so the run holds no findings; --fix needs them all first.
    if (outputs.streams && !values.fix) {
      streamed = true;
      return { keep: 'findings', onMigration: outputs.onMigration };
    }
    return { keep: outputs.keeps };
  };
  let { result, config, changed } = await runLint(values, positionals, io, tune);
  if (values.fix) {
    if (positionals.includes('-')) throw new UsageError('--fix cannot rewrite stdin; name the files instead');
    const fixed = fixMigrationFiles(result, io.cwd, config);
    fixing = false;
    if (fixed.files > 0) ({ result, config } = await runLint(values, positionals, io, tune));
    io.stderr.write(fixed.summary);
    io.stderr.write(recipes(result));
  }

  const baselinePath = baselineFor(config);
  if (baselinePath) {
    const baseline = readBaseline(baselinePath, io.cwd);
    if (baseline) {
      const applied = applyBaseline(result, baseline, baselinePath, io.cwd);
      result = { ...applied.result, baseline: applied.outcome };
    } else if (values.baseline) throw new UsageError(`${values.baseline}: baseline file not found (create it with: migratelint baseline)`);
  }

  // With --changed-since, a pull-request comment shows the changed files' findings first.
  outputs.finish(result, streamed, changed ? { markdown: { changed } } : {});
  for (const project of result.otherDatabases ?? []) io.stderr.write(`migratelint: ${otherDatabaseLine(project)}\n`);
  for (const note of result.notes ?? []) io.stderr.write(`migratelint: ${note}\n`);

  const unreadable = result.migrations.flatMap((m) => m.problems).filter((p) => p.message.startsWith('cannot read'));
  for (const p of unreadable) io.stderr.write(`migratelint: ${p.file}: ${p.message}\n`);
  if (unreadable.length) return 2;
  const failOn = values['fail-on'] ?? config.failOn;
  return result.errorCount > 0 || (failOn === 'warn' && result.warningCount > 0) ? 1 : 0;
}

/** For what no mechanical fix covers: the safe way, once per rule. */
function recipes(result: LintResult): string {
  const ids = [...new Set(result.findings.map((f) => f.ruleId))];
  if (ids.length === 0) return '';
  const byId = new Map(result.rules.map((r) => [r.id, r]));
  const lines = ids.map((id) => `  ${id}: ${byId.get(id)?.docs.safe ?? ''}`);
  return `Not fixed automatically; the safe way for each:\n${lines.join('\n')}\n`;
}

function wholeNumber(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects a whole number (0 = no worker threads), got "${value}"`);
  return n;
}

