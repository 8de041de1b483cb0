import type { Finding, Migration } from '../ir/types.js';
import type { Rule } from '../../rules/kit/rule.js';

export interface ReportContext {
  /** Paths in findings are relative to this directory. */
  cwd: string;
  toolVersion: string;
  color: boolean;
  /**
   * The repository root (git's top level, else cwd): SARIF URIs and absolute links name
   * files from here, as GitHub and GitLab read them, wherever the run started. Default cwd.
   */
  root?: string;
  sarif?: SarifOptions;
  markdown?: MarkdownOptions;
}

export interface SarifOptions {
  /** `automationDetails.id`: tells code scanning apart several uploads for one commit. */
  category?: string;
  /** Write the root's absolute `file:` URI as `%SRCROOT%` (off by default: it names the machine's paths). */
  srcroot?: boolean;
  /**
   * Most results a run keeps (default and most: 25,000, what GitHub code scanning
   * accepts). A lower cap is for tests, which check capped logs of a size they can validate.
   */
  maxResults?: number;
}

export interface MarkdownOptions {
  /** Files a pull request changes (relative to cwd): their findings come first. */
  changed?: ReadonlySet<string>;
  /** `https://github.com/o/r/blob/<sha>/`: links become absolute, for a comment where relative ones do not resolve. */
  blobUrl?: string;
  /** The command that shows every finding, for when the report leaves some out. */
  rerun?: string;
  /** Most characters the report may have (default: what a pull-request comment holds, less room for a marker). */
  maxLength?: number;
}

/**
 * What a reporter is given: a run's findings and what was checked. `LintResult`
 * (src/lint.ts) is one; validate builds one from its checks.
 */
export interface ReportInput {
  /** Every file read, relative to cwd. */
  files: readonly string[];
  /** The migrations read: their summaries for JSON, their sources for code frames and fingerprints. */
  migrations: readonly Migration[];
  /** How many files and migrations were checked, including any `migrations` leaves out. */
  counts: { files: number; migrations: number };
  findings: readonly Finding[];
  /** The rules that were available, for formats that describe them (SARIF). */
  rules: readonly Rule[];
  errorCount: number;
  warningCount: number;
  /** Set when the config's `down` is not `lint`: how findings in down migrations counted, and how many were left out. */
  down?: DownSummary;
  /** Over every migration read (even those `migrations` leaves out): code calls analysed and not, for the summaries. */
  coverage?: CoverageSummary;
  /** Projects not linted because their config names only other databases: the file and setting that say so. */
  otherDatabases?: readonly { file: string; setting: string; files: number }[];
  /** Set when a baseline was applied: how many findings it hid, and its stale entries. */
  baseline?: {
    file: string;
    suppressed: number;
    stale: readonly { file: string; line: number; ruleId: string; message: string }[];
  };
}

export interface DownSummary {
  setting: 'warn' | 'off';
  /** Findings in down migrations not reported (`off`). */
  hidden: number;
}

export interface CoverageSummary {
  analysed: number;
  notAnalysed: number;
  /** Migrations with at least one call not analysed. */
  migrations: number;
}

export type Reporter = (result: ReportInput, ctx: ReportContext) => string;

/**
 * A format written a migration at a time: the CLI prints each migration's findings as
 * soon as it is linted and keeps none of them, so memory does not grow with a run.
 */
export interface StreamingReporter {
  /** The output for some findings, sorted; `sources` holds the text of their files. */
  findings(findings: readonly Finding[], sources: ReadonlyMap<string, string>, ctx: ReportContext): string;
  /** What follows the last finding (a summary), from the whole run's counts. */
  end(result: ReportInput, ctx: ReportContext): string;
}

/** The whole-result form of a streaming format: every finding at once, then the end. */
export function wholeReport(stream: StreamingReporter): Reporter {
  return (result, ctx) => {
    const sources = new Map<string, string>();
    for (const m of result.migrations) for (const [file, text] of m.sources) sources.set(file, text);
    return stream.findings(result.findings, sources, ctx) + stream.end(result, ctx);
  };
}
