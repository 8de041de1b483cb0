import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../../src/lint.js';
import { jsonReporter } from '../../src/report/json.js';
import { markdownReporter } from '../../src/report/markdown.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { textReporter, textStream } from '../../src/report/text.js';
import { context, lintOptions, removeProject, writeProject } from './fixtures.js';
import { ACCEPTED_WARNINGS, multitoolValidate, sarifValidator } from './sarif-validators.js';

const KNEX = 'migrations/20240101120000_users.js';
const SQL = 'migrations/20240102120000_teams.sql';

/** A knex migration with two calls whose SQL only exists at run time, beside a plain SQL file. */
const PARTLY_READ: Record<string, string> = {
  [KNEX]: [
    "const { buildSql } = require('../lib/sql');",
    'exports.up = async function (knex) {',
    "  await knex.raw('CREATE TABLE users (id bigint)');",
    "  await knex.raw(buildSql('users'));",
    "  await knex.raw(fs.readFileSync('x.sql', 'utf8'));",
    '};',
    'exports.down = async function (knex) {',
    "  await knex.raw('DROP TABLE users');",
    '};',
    '',
  ].join('\n'),
  [SQL]: 'CREATE TABLE teams (id bigint PRIMARY KEY);\n',
};

const NOT_ANALYSED = [
  {
    file: KNEX,
    line: 4,
    column: 9,
    endLine: 4,
    endColumn: 36,
    call: "knex.raw(buildSql('users'))",
    reason: "SQL built at run time by buildSql('users')",
  },
  {
    file: KNEX,
    line: 5,
    column: 9,
    endLine: 5,
    endColumn: 51,
    call: "knex.raw(fs.readFileSync('x.sql', 'utf8'))",
    reason: "SQL read from a file at run time (fs.readFileSync('x.sql', 'utf8'))",
  },
];

let cwd: string;
let result: LintResult;
beforeAll(async () => {
  cwd = writeProject(PARTLY_READ);
  result = await lint(['migrations'], lintOptions(cwd));
});
afterAll(() => removeProject(cwd));

describe('coverage of code migrations in the reports', () => {
  it('json: each code migration says how many calls it analysed and where and why it could not; SQL files say null', () => {
    const json = JSON.parse(jsonReporter(result, context(cwd)));
    const coverage = Object.fromEntries(json.migrations.map((m: { path: string; coverage: unknown }) => [m.path, m.coverage]));
    expect(coverage).toEqual({ [KNEX]: { analysed: 2, notAnalysed: NOT_ANALYSED }, [SQL]: null });
    expect(json.summary.coverage).toEqual({ analysed: 2, notAnalysed: 2, migrations: 1 });
  });

  it('json: the calls are named from a summary too, after the run let go of clean files’ text (the CLI)', async () => {
    const lean = await lint(['migrations'], { ...lintOptions(cwd), retainIR: false, keep: 'all' });
    const knex = JSON.parse(jsonReporter(lean, context(cwd))).migrations.find((m: { path: string }) => m.path === KNEX);
    expect(knex.coverage.notAnalysed).toEqual(NOT_ANALYSED);
  });

  it('sarif: a tool execution notification per call not analysed, at its place, and counts on the artifact', () => {
    const log = JSON.parse(sarifReporter(result, context(cwd)));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.notifications.map((n: { id: string }) => n.id)).toEqual(['not-analysed']);
    const [invocation] = run.invocations;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual(
      NOT_ANALYSED.map((c) => ({
        level: 'note',
        message: { text: `not analysed: ${c.reason} (${c.call})` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: KNEX, uriBaseId: '%SRCROOT%', index: 0 },
              region: { startLine: c.line, startColumn: c.column, endLine: c.endLine, endColumn: c.endColumn },
            },
          },
        ],
        descriptor: { id: 'not-analysed', index: 0 },
      })),
    );
    expect(run.artifacts[0].properties).toEqual({ coverage: { analysed: 2, notAnalysed: 2 } });
    expect(run.artifacts[1].properties).toBeUndefined();
  });

  it('sarif: passes Microsoft’s SARIF validator with the GitHub Advanced Security rules', () => {
    const found = multitoolValidate(sarifReporter(result, context(cwd)));
    expect(found.filter((r) => r.level === 'error')).toEqual([]);
    expect(found.filter((r) => r.level === 'warning' && !ACCEPTED_WARNINGS.has(r.ruleId))).toEqual([]);
  });

  it('text: one line at the end, counted over migrations the run did not keep', async () => {
    // As the CLI prints text: findings streamed, nothing kept of clean migrations.
    const streamed = await lint(['migrations'], { ...lintOptions(cwd), retainIR: false, keep: 'findings', onMigration: () => undefined });
    expect(streamed.migrations).toEqual([]);
    expect(textStream.end(streamed, context(cwd))).toBe('✔ no problems in 2 files\n2 calls in 1 migration not analysed: run `--format json` for where\n');
    expect(markdownReporter(streamed, context(cwd))).toContain('\n2 calls in 1 migration not analysed: run `--format json` for where.\n');
  });

  it('text: no such line when every call was analysed', async () => {
    const whole = writeProject({ [KNEX]: PARTLY_READ[KNEX].replace(/^.*(buildSql|readFileSync)\(.*\n/gm, '') });
    try {
      const read = await lint(['migrations'], lintOptions(whole));
      expect(read.coverage).toEqual({ analysed: 2, notAnalysed: 0, migrations: 0 });
      expect(textReporter(read, context(whole))).toBe('✔ no problems in 1 file\n');
      expect(markdownReporter(read, context(whole))).not.toMatch(/not analysed/);
      expect(JSON.parse(sarifReporter(read, context(whole))).runs[0].invocations).toBeUndefined();
    } finally {
      removeProject(whole);
    }
  });
});
