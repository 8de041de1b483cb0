import type { Finding } from '../ir/types.js';

/** Context shown under a finding: both sides of a comparison, PostgreSQL's detail and hint. */
export interface FindingDetail {
  label: string;
  lines: string[];
}

/**
 * What every reporter prints: a `Finding` (src/ir/types.ts), from a lint rule or from one
 * of validate's checks. Validate's findings may also carry `details` and a `hint`; lint
 * never sets them, so a lint `Finding` is a `ReportedFinding` as it is.
 *
 * A finding about no file (validate's findings about the target database) has `file: ''`
 * (see `hasFile`): reporters give it no location. A finding about a file as a whole
 * points at the file's start (1:1).
 */
export interface ReportedFinding extends Finding {
  details?: readonly FindingDetail[];
  /** What to do about it, in one line. */
  hint?: string;
}

/** False for a finding about no file (the target database, say). */
export const hasFile = (f: Finding): boolean => f.file !== '';
