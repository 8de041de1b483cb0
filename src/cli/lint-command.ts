import fs from 'node:fs';
import path from 'node:path';
import { lint, lintText, DEFAULT_CACHE_DIR, type LintOptions, type LintResult } from '../lint.js';
import { loadReporter, REPORTER_NAMES } from '../report/registry.js';
import { UsageError } from '../errors.js';
import { toolVersion } from '../meta.js';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { applyBaseline, readBaseline, DEFAULT_BASELINE } from '../baseline.js';
import { loadFrontend } from '../frontends/registry.js';
import { fixFile } from '../engine/apply-fixes.js';
import { intOption, parseCommandArgs } from './args.js';
import type { Io } from './main.js';
import { ReportWriter, wantsColor } from './output.js';
import { keepYoungGenerationSmall } from '../pipeline/heap.js';
import type { Finding, Migration } from '../ir/types.js';

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
} as const;

/** Loads the config and runs the linter the way every linting command does. */
export async function runLint(
  values: Record<string, any>,
  positionals: string[],
  io: Io,
  tune?: (config: ResolvedConfig) => Pick<LintOptions, 'keep' | 'onMigration'>,
): Promise<{ result: LintResult; config: ResolvedConfig }> {
  // Compile the SQL parser's WASM while the config is searched for: the two overlap.
  loadFrontend('sql').catch(() => undefined);
  const config = await loadConfig({ cwd: io.cwd, configFile: values.config });
  const useCache = values.cache || values['cache-location'] !== undefined || !!io.env.MIGRATELINT_CACHE;
  const options: LintOptions = {
    cwd: io.cwd,
    config,
    pgVersion: intOption(values['pg-version'], 'pg-version'),
    retainIR: false,
    cacheDir: useCache ? path.resolve(io.cwd, values['cache-location'] ?? DEFAULT_CACHE_DIR) : undefined,
    workers: values.workers === undefined ? undefined : wholeNumber(values.workers, 'workers'),
    ...tune?.(config),
  };
  if (values['changed-since'] !== undefined) {
    // Loaded on use: it starts git (child_process), which a plain run has no need of.
    const { changedSince } = await import('../discover/git.js');
    options.only = changedSince(values['changed-since'], io.cwd);
  }

  if (positionals.includes('-')) {
    if (positionals.length > 1) throw new UsageError("'-' (stdin) cannot be combined with other paths");
    return { result: await lintText(await readStdin(io.stdin), values['stdin-filename'] ?? 'stdin.sql', options), config };
  }
  let paths = positionals;
  if (paths.length === 0) {
    if (!config.include?.length && options.only === undefined) {
      throw new UsageError('no paths given (try: migratelint lint migrations/, or set "include" in the config)');
    }
    paths = [path.relative(io.cwd, config.dir) || '.'];
  }
  return { result: await lint(paths, options), config };
}

export async function lintCommand(args: string[], io: Io): Promise<number> {
  // The run is the whole process, so its heap is tuned for it; the library leaves V8 alone.
  keepYoungGenerationSmall();
  const { values, positionals } = parseCommandArgs(args, {
    ...LINT_OPTIONS,
    format: { type: 'string', short: 'f', default: 'text' },
    output: { type: 'string', short: 'o' },
    baseline: { type: 'string' },
    'fail-on': { type: 'string' },
    fix: { type: 'boolean' },
  });
  const format = loadReporter(values.format);
  if (!format) throw new UsageError(`unknown format "${values.format}" (expected one of: ${REPORTER_NAMES.join(', ')})`);
  const { reporter, stream } = await format.loading;
  if (values['fail-on'] !== undefined && values['fail-on'] !== 'error' && values['fail-on'] !== 'warn') {
    throw new UsageError(`--fail-on expects "error" or "warn", got "${values['fail-on']}"`);
  }
  const toFile = values.output !== undefined;
  const ctx = { cwd: io.cwd, toolVersion: toolVersion(), color: !toFile && values.format === 'text' && wantsColor(io) };
  const out = new ReportWriter(io, values.output);

  const baselineFor = (config: ResolvedConfig) =>
    values.baseline ?? (config.baseline === false ? undefined : (config.baseline ?? DEFAULT_BASELINE));
  let streamed = false;
  const tune = (config: ResolvedConfig): Pick<LintOptions, 'keep' | 'onMigration'> => {
    const baseline = baselineFor(config);
    // A baseline's stale entries are found among every linted file: it needs them all.
    if (baseline && fs.existsSync(path.resolve(io.cwd, baseline))) return { keep: 'all' };
    // Written as it comes, so the run holds no findings; --fix needs them all first.
    if (stream && !values.fix) {
      streamed = true;
      const onMigration = (m: Migration, found: Finding[]) => {
        if (found.length) out.write(stream.findings(found, m.sources, ctx));
      };
      return { keep: 'findings', onMigration };
    }
    return { keep: format.keeps };
  };
  let { result, config } = await runLint(values, positionals, io, tune);
  if (values.fix) {
    if (positionals.includes('-')) throw new UsageError('--fix cannot rewrite stdin; name the files instead');
    const fixed = applyFindingFixes(result, io.cwd);
    if (fixed.files > 0) ({ result, config } = await runLint(values, positionals, io, tune));
    io.stderr.write(`migratelint: applied ${fixed.fixes} fix${fixed.fixes === 1 ? '' : 'es'} in ${fixed.files} file${fixed.files === 1 ? '' : 's'}\n`);
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

  out.write(streamed ? stream!.end(result, ctx) : reporter(result, ctx));
  out.close();

  const unreadable = result.migrations.flatMap((m) => m.problems).filter((p) => p.message.startsWith('cannot read'));
  for (const p of unreadable) io.stderr.write(`migratelint: ${p.file}: ${p.message}\n`);
  if (unreadable.length) return 2;
  const failOn = values['fail-on'] ?? config.failOn;
  return result.errorCount > 0 || (failOn === 'warn' && result.warningCount > 0) ? 1 : 0;
}

/** Applies every mechanical fix, file by file; overlapping fixes wait for the next run. */
function applyFindingFixes(result: LintResult, cwd: string): { files: number; fixes: number } {
  const byFile = new Map<string, LintResult['findings']>();
  for (const f of result.findings) if (f.fix) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  let files = 0;
  let fixes = 0;
  for (const [file, findings] of byFile) {
    const abs = path.resolve(cwd, file);
    const { output, applied } = fixFile(fs.readFileSync(abs, 'utf8'), file, findings);
    if (applied.length === 0) continue;
    fs.writeFileSync(abs, output);
    files++;
    fixes += applied.length;
  }
  return { files, fixes };
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

