import type { LintResult } from '../lint.js';

export interface ReportContext {
  /** Paths in findings are relative to this directory. */
  cwd: string;
  toolVersion: string;
  color: boolean;
}

export type Reporter = (result: LintResult, ctx: ReportContext) => string;
