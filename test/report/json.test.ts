import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { jsonReporter } from '../../src/report/json.js';
import { FILE_CAFE, FILE_CLEAN, FILE_INDEX, PROJECT_FINDINGS, context, lintAwkward, lintProject, removeProject } from './fixtures.js';

describe('json reporter', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('writes the documented shape: tool, summary, migrations and findings with 1-based positions', () => {
    const out = jsonReporter(result, context(cwd));
    expect(out.endsWith('}\n')).toBe(true);
    const json = JSON.parse(out);
    expect(json.tool).toEqual({ name: 'migratelint', version: '1.2.3' });
    expect(json.summary).toEqual({
      files: 3,
      migrations: 3,
      errors: 3,
      warnings: 1,
      down: { setting: 'lint', hidden: 0 },
      coverage: { analysed: 0, notAnalysed: 0, migrations: 0 },
    });
    expect(json.migrations).toEqual([
      { path: FILE_INDEX, files: [FILE_INDEX], format: 'sql', version: '20240101120000', name: 'add_users_index', up: 'present', down: 'missing', coverage: null },
      { path: FILE_CAFE, files: [FILE_CAFE], format: 'sql', version: '20240102120000', name: 'ajout_café', up: 'present', down: 'missing', coverage: null },
      { path: FILE_CLEAN, files: [FILE_CLEAN], format: 'sql', version: '20240103120000', name: 'create_teams', up: 'present', down: 'missing', coverage: null },
    ]);
    expect(json.findings).toEqual(
      PROJECT_FINDINGS.map((f) => ({
        file: f.file,
        line: f.range.start.line,
        column: f.range.start.column,
        endLine: f.range.end.line,
        endColumn: f.range.end.column,
        ruleId: f.ruleId,
        severity: f.severity,
        direction: 'up',
        message: f.message,
        fix: f.fix
          ? {
              description: f.fix.description,
              edits: f.fix.edits.map((e) => ({
                file: e.file,
                line: e.range.start.line,
                column: e.range.start.column,
                endLine: e.range.end.line,
                endColumn: e.range.end.column,
                text: e.text,
              })),
            }
          : null,
      })),
    );
    expect(json.baseline).toBeNull();
  });

  it('keeps messages with control characters and line breaks exact', async () => {
    const awkward = await lintAwkward();
    const json = JSON.parse(jsonReporter(awkward, context('/repo')));
    expect(json.findings.map((f: { message: string }) => f.message)).toEqual(awkward.findings.map((f) => f.message));
  });

  it('describes a fix as edits with 1-based positions', async () => {
    const withFix = await lintProject({ 'migrations/20240108120000_events.sql': 'CREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL);\n' });
    try {
      const [finding] = JSON.parse(jsonReporter(withFix.result, context(withFix.cwd))).findings;
      expect(finding).toMatchObject({ ruleId: 'prefer-jsonb', severity: 'warn', line: 1, column: 53 });
      expect(finding.fix).toEqual({
        description: 'change json to jsonb',
        edits: [{ file: 'migrations/20240108120000_events.sql', line: 1, column: 53, endLine: 1, endColumn: 57, text: 'jsonb' }],
      });
    } finally {
      removeProject(withFix.cwd);
    }
  });
});
