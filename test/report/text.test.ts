import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LintResult } from '../../src/lint.js';
import { textReporter } from '../../src/report/text.js';
import { PROJECT, context, lintAwkward, lintProject, removeProject } from './fixtures.js';

describe('text reporter', () => {
  let cwd: string;
  let result: LintResult;
  beforeAll(async () => {
    ({ cwd, result } = await lintProject());
  });
  afterAll(() => removeProject(cwd));

  it('prints a header line and a code frame per finding, then a summary', () => {
    expect(textReporter(result, context(cwd))).toBe(
      [
        'migrations/20240101120000_add_users_index.sql:1:1  warn   migratelint-disable-next-line for "no-truncate-cascade" suppresses nothing here; remove it  unused-disable',
        '  > 1 | -- migratelint-disable-next-line no-truncate-cascade',
        '      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '    2 | CREATE INDEX users_email_idx ON users (email);',
        '',
        'migrations/20240101120000_add_users_index.sql:2:1  error  CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built  require-concurrent-index',
        '    1 | -- migratelint-disable-next-line no-truncate-cascade',
        '  > 2 | CREATE INDEX users_email_idx ON users (email);',
        '      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '    3 | DELETE FROM users;',
        '  fix: add CONCURRENTLY (it must run outside a transaction)',
        '',
        'migrations/20240101120000_add_users_index.sql:3:1  error  DELETE FROM users has no WHERE clause: it removes every row  no-delete-without-where',
        '    2 | CREATE INDEX users_email_idx ON users (email);',
        '  > 3 | DELETE FROM users;',
        '      | ^^^^^^^^^^^^^^^^^',
        '    4 |',
        '',
        'migrations/20240102120000_ajout_café.sql:1:31  error  column naïve is added to café as NOT NULL without a DEFAULT: fails if the table has any rows  no-not-null-without-default',
        '  > 1 | ALTER TABLE "café" ADD COLUMN "naïve" integer NOT NULL;',
        '      |                               ^^^^^^^',
        '    2 |',
        '',
        '✖ 4 problems (3 errors, 1 warning) in 3 files',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked to', () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(textReporter(result, context(cwd))).not.toMatch(ansi);
    const coloured = textReporter(result, { ...context(cwd), color: true });
    expect(coloured).toMatch(ansi);
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(textReporter(result, context(cwd)));
  });

  it('says so when there is nothing to report', async () => {
    const clean = await lintProject({ 'migrations/20240103120000_create_teams.sql': PROJECT['migrations/20240103120000_create_teams.sql'] });
    try {
      expect(textReporter(clean.result, context(clean.cwd))).toBe('✔ no problems in 1 file\n');
    } finally {
      removeProject(clean.cwd);
    }
  });

  it('keeps each header on one line and passes no control character from the migration to the terminal', async () => {
    const awkward = await lintAwkward();
    const out = textReporter(awkward, context('/repo'));
    const headers = out.split('\n').filter((l) => l.startsWith('migrations/'));
    expect(headers).toHaveLength(awkward.findings.length);
    for (const [i, header] of headers.entries()) {
      const f = awkward.findings[i];
      expect(header.startsWith(`${f.file}:${f.range.start.line}:${f.range.start.column}  error  `)).toBe(true);
      expect(header.endsWith(`  ${f.ruleId}`)).toBe(true);
    }
    // BEL and ESC in an identifier must not ring or recolour the terminal (colour is off here).
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
  });
});
