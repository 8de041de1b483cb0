import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { compactReporter } from '../../src/report/compact.js';
import { PROJECT, context, lintAwkward, lintProject, removeProject } from './fixtures.js';

describe('compact reporter', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('prints file:line:col: severity: message [rule], one finding a line', () => {
    expect(compactReporter(result, context(cwd))).toBe(
      [
        'migrations/20240101120000_add_users_index.sql:1:1: warning: migratelint-disable-next-line for "no-truncate-cascade" suppresses nothing here; remove it [unused-disable]',
        'migrations/20240101120000_add_users_index.sql:2:1: error: CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built [require-concurrent-index]',
        'migrations/20240101120000_add_users_index.sql:3:1: error: DELETE FROM users has no WHERE clause: it removes every row [no-delete-without-where]',
        'migrations/20240102120000_ajout_café.sql:1:31: error: column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows [no-not-null-without-default]',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for a clean run', async () => {
    const clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    try {
      expect(clean.result.findings).toEqual([]);
      expect(compactReporter(clean.result, context(clean.cwd))).toBe('');
    } finally {
      removeProject(clean.cwd);
    }
  });

  it('keeps each finding on one line and lets no control character reach the terminal', async () => {
    const awkward = await lintAwkward();
    const out = compactReporter(awkward, context('/repo'));
    const lines = out.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(awkward.findings.length);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
    expect(lines[1]).toBe('migrations/20240104_odd, name: 100%.sql:2:1: error: UPDATE multi line has no WHERE clause: it rewrites every row [no-update-without-where]');
    expect(lines[4]).toBe('migrations/20240104_odd, name: 100%.sql:6:1: error: DROP TABLE bell\uFFFD\uFFFD[31mred ... CASCADE also drops every object that depends on it [no-drop-cascade]');
    for (const [i, line] of lines.entries()) {
      const f = awkward.findings[i];
      expect(line.startsWith(`${f.file}:${f.range.start.line}:${f.range.start.column}: error: `)).toBe(true);
      expect(line.endsWith(` [${f.ruleId}]`)).toBe(true);
    }
  });
});
