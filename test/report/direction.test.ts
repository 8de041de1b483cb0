import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../../src/lint.js';
import type { DownSetting } from '../../src/engine/down-setting.js';
import { compactReporter } from '../../src/report/compact.js';
import { githubReporter } from '../../src/report/github.js';
import { gitlabReporter } from '../../src/report/gitlab.js';
import { jsonReporter } from '../../src/report/json.js';
import { markdownReporter } from '../../src/report/markdown.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { textReporter } from '../../src/report/text.js';
import { context, lintOptions, removeProject, writeProject } from './fixtures.js';
import { sarifValidator } from './sarif-validators.js';

/**
 * One migration per way of writing a down, each deleting every row of `up_<n>` in its
 * up and of `down_<n>` in its down: a finding's table tells which half it is in.
 */
const DIRECTIONS: Record<string, string> = {
  'migrations/20240101120000_dbmate.sql': ['-- migrate:up', 'DELETE FROM up_dbmate;', '-- migrate:down', 'DELETE FROM down_dbmate;', ''].join('\n'),
  'migrations/20240102120000_pair.up.sql': 'DELETE FROM up_pair;\n',
  'migrations/20240102120000_pair.down.sql': 'DELETE FROM down_pair;\n',
  'migrations/1700000000000-Typeorm.ts': [
    "import { MigrationInterface, QueryRunner } from 'typeorm';",
    'export class Typeorm1700000000000 implements MigrationInterface {',
    '  public async up(queryRunner: QueryRunner): Promise<void> {',
    "    await queryRunner.query('DELETE FROM up_typeorm');",
    '  }',
    '  public async down(queryRunner: QueryRunner): Promise<void> {',
    "    await queryRunner.query('DELETE FROM down_typeorm');",
    '  }',
    '}',
    '',
  ].join('\n'),
  'migrations/versions/3c4d5e6f7a8b_alembic.py': [
    'from alembic import op',
    '',
    'revision = "3c4d5e6f7a8b"',
    'down_revision = None',
    '',
    'def upgrade():',
    '    op.execute("DELETE FROM up_alembic")',
    '',
    'def downgrade():',
    '    op.execute("DELETE FROM down_alembic")',
    '',
  ].join('\n'),
};

const table = (message: string) => /DELETE FROM (\w+)/.exec(message)?.[1];

async function lintDirections(down?: DownSetting): Promise<LintResult> {
  return lint(['migrations'], { ...lintOptions(cwd), ...(down ? { down } : {}) });
}

let cwd: string;
let result: LintResult;
beforeAll(async () => {
  cwd = writeProject(DIRECTIONS);
  result = await lintDirections();
});
afterAll(() => removeProject(cwd));

describe('direction of findings', () => {
  it('marks every finding up or down: dbmate sections, golang-migrate pairs, TypeORM down(), Alembic downgrade()', () => {
    const byTable = Object.fromEntries(result.findings.map((f) => [table(f.message), f.direction]));
    expect(byTable).toEqual({
      up_dbmate: 'up',
      down_dbmate: 'down',
      up_pair: 'up',
      down_pair: 'down',
      up_typeorm: 'up',
      down_typeorm: 'down',
      up_alembic: 'up',
      down_alembic: 'down',
    });
  });

  it('json: `direction` on every finding', () => {
    const json = JSON.parse(jsonReporter(result, context(cwd)));
    expect(json.findings.map((f: { message: string; direction: string }) => [table(f.message), f.direction])).toContainEqual(['down_pair', 'down']);
    expect(json.findings.every((f: { direction: string }) => f.direction === 'up' || f.direction === 'down')).toBe(true);
    expect(json.summary.down).toEqual({ setting: 'lint', hidden: 0 });
  });

  it('sarif: result.properties.direction, the log still valid', () => {
    const log = JSON.parse(sarifReporter(result, context(cwd)));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const directions = log.runs[0].results.map((r: { message: { text: string }; properties: { direction: string } }) => [table(r.message.text), r.properties.direction]);
    expect(directions).toContainEqual(['down_typeorm', 'down']);
    expect(directions).toContainEqual(['up_typeorm', 'up']);
  });

  it('text and markdown: "(down)" after the rule id of a down finding, nothing more for an up one', () => {
    const text = textReporter(result, context(cwd));
    expect(text).toMatch(/DELETE FROM down_alembic has no WHERE clause: it removes every row {2}no-delete-without-where \(down\)\n/);
    expect(text).toMatch(/DELETE FROM up_alembic has no WHERE clause: it removes every row {2}no-delete-without-where\n/);
    const markdown = markdownReporter(result, context(cwd));
    expect(markdown).toMatch(/\| `no-delete-without-where` \(down\) \| DELETE FROM down\\_dbmate/);
    expect(markdown).toMatch(/\| `no-delete-without-where` \| DELETE FROM up\\_dbmate/);
  });

  it('github, gitlab and compact: a suffix on down findings only', () => {
    const github = githubReporter(result, context(cwd));
    expect(github).toMatch(/::DELETE FROM down_pair has no WHERE clause: it removes every row \(down migration\)\n/);
    expect(github).toMatch(/::DELETE FROM up_pair has no WHERE clause: it removes every row\n/);
    const issues = JSON.parse(gitlabReporter(result, context(cwd)));
    const descriptions = issues.map((i: { description: string }) => i.description);
    expect(descriptions).toContain('DELETE FROM down_dbmate has no WHERE clause: it removes every row (down migration)');
    expect(descriptions).toContain('DELETE FROM up_dbmate has no WHERE clause: it removes every row');
    const compact = compactReporter(result, context(cwd));
    expect(compact).toContain('DELETE FROM down_pair has no WHERE clause: it removes every row (down) [no-delete-without-where]\n');
    expect(compact).toContain('DELETE FROM up_pair has no WHERE clause: it removes every row [no-delete-without-where]\n');
  });

  it('keeps the SARIF fingerprints of up findings whatever the down holds', async () => {
    const upOnly = writeProject({ 'migrations/20240102120000_pair.up.sql': DIRECTIONS['migrations/20240102120000_pair.up.sql'] });
    try {
      const alone = await lint(['migrations'], lintOptions(upOnly));
      const print = (r: LintResult, c: string) =>
        JSON.parse(sarifReporter(r, context(c))).runs[0].results.find((x: { message: { text: string } }) => table(x.message.text) === 'up_pair').partialFingerprints;
      expect(print(result, cwd)).toEqual(print(alone, upOnly));
    } finally {
      removeProject(upOnly);
    }
  });
});

describe('the down setting', () => {
  it('warn: down findings count as warnings, up ones keep their severity', async () => {
    const warned = await lintDirections('warn');
    for (const f of warned.findings) expect(f.severity).toBe(f.direction === 'down' ? 'warn' : 'error');
    expect(warned.errorCount).toBe(4);
    expect(warned.warningCount).toBe(4);
    expect(JSON.parse(jsonReporter(warned, context(cwd))).summary.down).toEqual({ setting: 'warn', hidden: 0 });
  });

  it('off: down findings are dropped, and the summaries say how many', async () => {
    const off = await lintDirections('off');
    expect(off.findings.map((f) => table(f.message)).sort()).toEqual(['up_alembic', 'up_dbmate', 'up_pair', 'up_typeorm']);
    expect(off.errorCount).toBe(4);
    expect(textReporter(off, context(cwd))).toMatch(/\n4 findings in down migrations not shown \(down: off\)\n/);
    expect(markdownReporter(off, context(cwd))).toContain('\n4 findings in down migrations not shown (down: off).\n');
    expect(JSON.parse(jsonReporter(off, context(cwd))).summary.down).toEqual({ setting: 'off', hidden: 4 });
    expect(JSON.parse(sarifReporter(off, context(cwd))).runs[0].properties).toEqual({ down: { setting: 'off', hidden: 4 } });
  });

  it('lint (the default) says nothing about down migrations', () => {
    expect(textReporter(result, context(cwd))).not.toMatch(/not shown/);
  });
});
