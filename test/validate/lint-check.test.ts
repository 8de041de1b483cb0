import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { lintCheck } from '../../src/validate/lint-check.js';
import { cleanup, project } from './helpers.js';

afterAll(cleanup);

const files = {
  'migrations/000001_a.up.sql': 'CREATE INDEX a_idx ON a (x);\n',
  'migrations/000001_a.down.sql': 'DROP INDEX a_idx;\n',
  'migrations/000002_b.up.sql': 'ALTER TABLE b ADD COLUMN c varchar(20);\n',
  'migrations/000002_b.down.sql': 'ALTER TABLE b DROP COLUMN c;\n',
};

describe('lint check', () => {
  it('fails on error-level findings, with the rule ids and locations of lint', async () => {
    const cwd = project(files);
    const r = lintCheck(await lint(['migrations'], { cwd }));
    expect(r.status).toBe('failed');
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.file, f.range?.start.line])).toEqual([
      ['require-concurrent-index-drop', 'error', 'migrations/000001_a.down.sql', 1],
      ['require-concurrent-index', 'error', 'migrations/000001_a.up.sql', 1],
    ]);
    expect(r.summary).toBe('2 migrations: 2 errors, 0 warnings');
    expect(r.findings[1].hint).toMatch(/^fix: .*\(migratelint lint --fix\)$/);
  });

  it('holds only pending migrations against the release when the target is known', async () => {
    const cwd = project(files);
    const result = await lint(['migrations'], { cwd });
    const r = lintCheck(result, { pendingFiles: new Set(['migrations/000002_b.up.sql', 'migrations/000002_b.down.sql']) });
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.summary).toBe('1 pending migration (1 already applied, not re-linted): 0 errors, 0 warnings');
  });

  it('fails on warnings when the config says failOn: warn', async () => {
    const cwd = project({ 'migrations/000002_b.up.sql': files['migrations/000002_b.up.sql'], 'migrations/000002_b.down.sql': 'ALTER TABLE b DROP COLUMN c;\n' });
    const result = await lint(['migrations'], { cwd, rules: { 'prefer-text-over-varchar': 'warn' } });
    expect(lintCheck(result).status).toBe('passed');
    const strict = lintCheck(result, { failOn: 'warn' });
    expect(strict.status).toBe('failed');
    expect(strict.findings.map((f) => [f.ruleId, f.severity])).toEqual([['prefer-text-over-varchar', 'warn']]);
  });
});
