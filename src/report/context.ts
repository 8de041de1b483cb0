import type { Finding } from '../ir/types.js';
import type { LintResult } from '../lint.js';

export interface ReportContext {
  /** Paths in findings are relative to this directory. */
  cwd: string;
  toolVersion: string;
  color: boolean;
}

export type Reporter = (result: LintResult, ctx: ReportContext) => string;

/**
 * A format written a migration at a time: the CLI prints each migration's findings as
 * soon as it is linted and keeps none of them, so memory does not grow with a run.
 */
export interface StreamingReporter {
  /** The output for some findings, sorted; `sources` holds the text of their files. */
  findings(findings: readonly Finding[], sources: ReadonlyMap<string, string>, ctx: ReportContext): string;
  /** What follows the last finding (a summary), from the whole run's counts. */
  end(result: LintResult, ctx: ReportContext): string;
}

/** The whole-result form of a streaming format: every finding at once, then the end. */
export function wholeReport(stream: StreamingReporter): Reporter {
  return (result, ctx) => {
    const sources = new Map<string, string>();
    for (const m of result.migrations) for (const [file, text] of m.sources) sources.set(file, text);
    return stream.findings(result.findings, sources, ctx) + stream.end(result, ctx);
  };
}
