import path from 'node:path';
import type { Reporter } from './context.js';
import { fingerprints } from './fingerprint.js';
import { downSuffix, hasFile } from './finding.js';

/**
 * Error-level findings are production hazards (a table locked while an index builds,
 * rows deleted, a deploy with no way back) and fail the pipeline, so they rank
 * `critical`, above the `major` GitLab's widget uses for ordinary lint errors.
 * Warnings are worth a look but do not fail the run: `minor`. `blocker` is not used.
 */
const SEVERITY = { error: 'critical', warn: 'minor' } as const;

/**
 * GitLab Code Quality report (the subset of the Code Climate issue format GitLab
 * reads): a JSON array, one issue per finding in a file. `fingerprint` ignores line
 * numbers so the merge-request widget matches a finding across runs even when lines move.
 */
export const gitlabReporter: Reporter = (result) => {
  // An issue needs a path: a finding about no file (validate's about the target database) has no place here.
  const findings = result.findings.filter(hasFile);
  const prints = fingerprints(findings, result.migrations);
  const issues = findings.map((f, i) => {
    const { start, end } = f.range;
    // `end` is exclusive: a range that stops at column 1 ends on the line before.
    const last = end.line > start.line && end.column === 1 ? end.line - 1 : Math.max(end.line, start.line);
    const lines: { begin: number; end?: number } = { begin: start.line };
    if (last > start.line) lines.end = last;
    return {
      type: 'issue',
      check_name: f.ruleId,
      description: f.message + downSuffix(f),
      categories: ['Bug Risk'],
      fingerprint: prints[i],
      severity: SEVERITY[f.severity],
      location: { path: f.file.split(path.sep).join('/'), lines },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
};
