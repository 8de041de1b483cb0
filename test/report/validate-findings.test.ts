/**
 * Findings beyond lint's: with details and a hint, or about no file (validate's findings
 * about the target database). Every format prints them from the same `ReportInput`.
 */
import type { Finding } from '../ir/types.js';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import type { ReportInput } from '../../src/report/context.js';
import { textReporter } from '../../src/report/text.js';
import { jsonReporter } from '../../src/report/json.js';
import { githubReporter } from '../../src/report/github.js';
import { gitlabReporter } from '../../src/report/gitlab.js';
import { describeRule, sarifLog, sarifReporter } from '../../src/report/sarif.js';
import { FILE_INDEX, context, lintProject, removeProject } from './fixtures.js';

const require = createRequire(import.meta.url);
const Ajv: typeof import('ajv-draft-04').default = require('ajv-draft-04');
const SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

const ANNOTATED: Finding = {
  ruleId: 'validate/trial-down-leaves-schema',
  severity: 'error',
  message: 'down of 20240101120000_add_users_index leaves index users_email_idx behind',
  file: FILE_INDEX,
  range: { start: { line: 2, column: 1 }, end: { line: 2, column: 46 } },
  details: [{ label: 'after the down', lines: ['CREATE INDEX users_email_idx ON public.users USING btree (email)'] }],
  hint: 'undo it in the down migration',
};

const NO_FILE: Finding = {
  ruleId: 'validate/drift-unreachable',
  severity: 'error',
  message: 'cannot read pglite:db: no database at pglite:db',
  file: '',
  range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
};

let cwd: string;
let lint: LintResult;
let input: ReportInput;

beforeAll(async () => {
  ({ cwd, result: lint } = await lintProject());
  input = { ...lint, findings: [...lint.findings, ANNOTATED, NO_FILE], errorCount: lint.errorCount + 2 };
});
afterAll(() => removeProject(cwd));

describe('findings with details, a hint, or no file', () => {
  it('text: details and hint under the code frame; no location for a finding about no file', () => {
    const text = textReporter(input, context(cwd));
    expect(text).toContain(
      `${FILE_INDEX}:2:1  error  ${ANNOTATED.message}  validate/trial-down-leaves-schema\n` +
        '    1 | -- migratelint-disable-next-line no-truncate-cascade\n' +
        '  > 2 | CREATE INDEX users_email_idx ON users (email);\n' +
        '      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
        '    3 | DELETE FROM users;\n' +
        '    after the down:\n' +
        '      CREATE INDEX users_email_idx ON public.users USING btree (email)\n' +
        '    hint: undo it in the down migration\n\n',
    );
    expect(text).toContain(`\nerror  ${NO_FILE.message}  validate/drift-unreachable\n\n`);
  });

  it('json: null location for a finding about no file', () => {
    const out = JSON.parse(jsonReporter(input, context(cwd)));
    expect(out.findings.at(-1)).toEqual({
      file: null,
      line: null,
      column: null,
      endLine: null,
      endColumn: null,
      ruleId: 'validate/drift-unreachable',
      severity: 'error',
      message: NO_FILE.message,
      direction: null,
      fix: null,
    });
  });

  it('github: an annotation on the run alone; gitlab: left out (an issue needs a path)', () => {
    const github = githubReporter(input, context(cwd)).trimEnd().split('\n');
    expect(github.at(-1)).toBe(`::error title=migratelint validate/drift-unreachable::${NO_FILE.message}`);
    expect(github.at(-2)).toMatch(new RegExp(`^::error file=${path.join(cwd, FILE_INDEX).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=2,`));
    const issues = JSON.parse(gitlabReporter(input, context(cwd)));
    expect(issues.map((i: { check_name: string }) => i.check_name)).toEqual(input.findings.filter((f) => f.file).map((f) => f.ruleId));
  });

  it('sarif: details and hint in the message, a notification for no file, a descriptor for every rule; schema-valid', () => {
    const log = JSON.parse(
      sarifLog({ findings: input.findings, files: input.files, migrations: input.migrations, rules: input.rules.map(describeRule), commandLine: 'migratelint test' }, context(cwd)),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && URI_CHARS.test(s));
    ajv.addFormat('uri-reference', (s: string) => URI_CHARS.test(s));
    ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(s));
    const check = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
    expect(check(log), JSON.stringify(check.errors)).toBe(true);

    const run = log.runs[0];
    const rules = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(rules.slice(-2)).toEqual(['validate/trial-down-leaves-schema', 'validate/drift-unreachable']);
    for (const r of run.results) expect(rules[r.ruleIndex]).toBe(r.ruleId);
    expect(run.results).toHaveLength(input.findings.length - 1);
    expect(run.results.at(-1).message.text).toBe(
      `${ANNOTATED.message}\n\nafter the down:\n  CREATE INDEX users_email_idx ON public.users USING btree (email)\n\nhint: undo it in the down migration`,
    );
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        commandLine: 'migratelint test',
        toolExecutionNotifications: [{ level: 'error', message: { text: NO_FILE.message }, associatedRule: { id: 'validate/drift-unreachable', index: rules.length - 1 } }],
      },
    ]);
    // Lint's report has no invocations and no notifications.
    expect(JSON.parse(sarifReporter(lint, context(cwd))).runs[0].invocations).toBeUndefined();
  });
});
