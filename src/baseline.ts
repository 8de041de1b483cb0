import fs from 'node:fs';
import path from 'node:path';
import type { Finding, Migration } from './ir/types.js';
import { fingerprints } from './report/fingerprint.js';
import { UsageError } from './errors.js';

export const DEFAULT_BASELINE = '.migratelint-baseline.json';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  /** Relative to the baseline file's directory, with forward slashes. */
  file: string;
  message: string;
  /** Where it was when recorded; informative only, matching never uses it. */
  line: number;
}

export interface BaselineFile {
  migratelintBaseline: 1;
  findings: BaselineEntry[];
}

export interface BaselineOutcome {
  file: string;
  suppressed: number;
  /** Entries for files linted in this run that no longer match any finding. */
  stale: BaselineEntry[];
}

/** What a baseline reads from a run's result (a `LintResult` is one). */
export interface BaselineInput {
  files: string[];
  migrations: Migration[];
  findings: Finding[];
  errorCount: number;
  warningCount: number;
}

/** Paths in a baseline are relative to the baseline's folder, so it works from any working directory. */
function pathKey(baselinePath: string, cwd: string): (file: string) => string {
  const dir = path.dirname(path.resolve(cwd, baselinePath));
  return (file) => path.relative(dir, path.resolve(cwd, file)).split(path.sep).join('/');
}

function entries(result: BaselineInput, findings: readonly Finding[], baselinePath: string, cwd: string): BaselineEntry[] {
  const key = pathKey(baselinePath, cwd);
  const prints = fingerprints(findings, result.migrations, key);
  return findings.map((f, i) => ({ fingerprint: prints[i], ruleId: f.ruleId, file: key(f.file), message: f.message, line: f.range.start.line }));
}

/** Records today's findings so later runs report only new ones. */
export function writeBaseline(result: BaselineInput, baselinePath: string, cwd: string): number {
  const data: BaselineFile = { migratelintBaseline: 1, findings: entries(result, result.findings, baselinePath, cwd) };
  fs.writeFileSync(path.resolve(cwd, baselinePath), JSON.stringify(data, null, 2) + '\n');
  return data.findings.length;
}

export function readBaseline(baselinePath: string, cwd: string): BaselineFile | undefined {
  const abs = path.resolve(cwd, baselinePath);
  const stat = fs.statSync(abs, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isFile()) throw new UsageError(`${baselinePath}: not a regular file, so not a baseline (run: migratelint baseline)`);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new UsageError(`${baselinePath}: cannot read the baseline (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${baselinePath}: not valid JSON: ${(e as Error).message}`);
  }
  const problem = baselineProblem(data);
  if (problem) throw new UsageError(`${baselinePath}: ${problem} (recreate it with: migratelint baseline)`);
  return data as BaselineFile;
}

/** What is wrong with a parsed baseline, in words naming the first bad entry; undefined when it is sound. */
function baselineProblem(data: unknown): string | undefined {
  const record = data as Partial<BaselineFile> | null;
  if (typeof record !== 'object' || record === null || record.migratelintBaseline !== 1) return 'not a migratelint baseline';
  if (!Array.isArray(record.findings)) return '"findings" is not a list';
  const bad = record.findings.findIndex(
    (e) => typeof e !== 'object' || e === null || typeof e.fingerprint !== 'string' || typeof e.file !== 'string' || typeof e.ruleId !== 'string',
  );
  return bad === -1 ? undefined : `findings[${bad}] is not a baseline entry (it needs "fingerprint", "ruleId" and "file")`;
}

/**
 * Drops findings recorded in the baseline (matched by fingerprint, each entry used
 * once) and lists the entries of linted files that no longer match anything.
 */
export function applyBaseline<R extends BaselineInput>(result: R, baseline: BaselineFile, baselinePath: string, cwd: string): { result: R; outcome: BaselineOutcome } {
  const current = entries(result, result.findings, baselinePath, cwd);
  // Pushed onto, never copied: 40,000 entries sharing one fingerprint stay linear.
  const available = new Map<string, BaselineEntry[]>();
  for (const e of baseline.findings) {
    const same = available.get(e.fingerprint);
    if (same) same.push(e);
    else available.set(e.fingerprint, [e]);
  }
  const kept: Finding[] = [];
  let suppressed = 0;
  current.forEach((entry, i) => {
    const match = available.get(entry.fingerprint);
    if (match?.length) {
      match.pop();
      suppressed++;
    } else kept.push(result.findings[i]);
  });
  const linted = new Set(result.files.map(pathKey(baselinePath, cwd)));
  const stale = [...available.values()].flat().filter((e) => linted.has(e.file));
  return {
    result: {
      ...result,
      findings: kept,
      errorCount: kept.filter((f) => f.severity === 'error').length,
      warningCount: kept.filter((f) => f.severity === 'warn').length,
    },
    outcome: { file: baselinePath, suppressed, stale },
  };
}
