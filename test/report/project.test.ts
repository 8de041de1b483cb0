import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { FILE_CAFE, FILE_CLEAN, FILE_INDEX, PROJECT_FINDINGS, lintAwkward, lintProject, removeProject } from './fixtures.js';

// The reporter tests compare whole reports; this pins down the findings they start from.
describe('the fixture project', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('lints three files and finds what the reports show', () => {
    expect(result.files).toEqual([FILE_INDEX, FILE_CAFE, FILE_CLEAN]);
    expect(result.findings).toEqual(PROJECT_FINDINGS);
    expect(result.errorCount).toBe(3);
    expect(result.warningCount).toBe(1);
  });

  it('lints the awkward SQL into findings whose messages carry markup, separators and control characters', async () => {
    const awkward = await lintAwkward();
    expect(awkward.findings.map((f) => [f.ruleId, f.range.start.line, f.range.start.column, f.range.end.line, f.range.end.column])).toEqual([
      ['no-delete-without-where', 1, 1, 1, 32],
      ['no-update-without-where', 2, 1, 3, 16],
      ['no-truncate-cascade', 4, 1, 4, 22],
      ['parse-error', 5, 8, 5, 9],
      ['no-drop-cascade', 6, 1, 6, 35],
    ]);
    expect(awkward.findings.map((f) => f.message)).toEqual([
      'DELETE FROM a|b<c>&*_x%25:y,z has no WHERE clause: it removes every row',
      'UPDATE multi\nline has no WHERE clause: it rewrites every row',
      'TRUNCATE 😀 CASCADE also empties every table that references 😀, recursively',
      'PostgreSQL cannot parse this statement: syntax error at or near "TABEL"',
      'DROP TABLE bell\u0007\u001b[31mred ... CASCADE also drops every object that depends on it',
    ]);
  });
});
