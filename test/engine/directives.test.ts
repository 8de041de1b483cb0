import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { parseDirective } from '../../src/engine/directives.js';

const ids = async (sql: string) =>
  (await lintText(sql, 'm.sql')).findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.column}`);

describe('parseDirective', () => {
  it('reads rules and ignores the reason', () => {
    expect(parseDirective('-- migratelint-disable-next-line a, b -- because -- really')).toEqual({ kind: 'disable-next-line', rules: ['a', 'b'] });
    expect(parseDirective('/* migratelint-disable a */')).toEqual({ kind: 'disable', rules: ['a'] });
    expect(parseDirective('# migratelint-disable-next-line')).toEqual({ kind: 'disable-next-line', rules: [] });
    expect(parseDirective('-- see migratelint-disable docs')).toBeUndefined();
    expect(parseDirective('-- migratelint-disabled a')).toBeUndefined();
  });
});

describe('ignore comments', () => {
  it('disable-next-line covers the whole next statement, even across lines', async () => {
    const sql = [
      '-- migratelint-disable-next-line require-concurrent-index -- table has 30 rows',
      'CREATE INDEX i',
      '  ON small (a);',
      'CREATE INDEX j ON big (a);',
    ].join('\n');
    expect(await ids(sql)).toEqual(['require-concurrent-index@4:1']);
  });

  it('disable-next-line with several rules, and without a rule list for all rules', async () => {
    const sql = [
      '-- migratelint-disable-next-line no-delete-without-where, require-concurrent-index',
      'WITH x AS (DELETE FROM t RETURNING id) SELECT 1;',
      '-- migratelint-disable-next-line',
      'TRUNCATE a CASCADE;',
      'TRUNCATE b CASCADE;',
    ].join('\n');
    // require-concurrent-index suppresses nothing on line 2: that part is reported.
    expect(await ids(sql)).toEqual(['unused-disable@1:1', 'no-truncate-cascade@5:1']);
  });

  it('disable covers the rest of the file from where it stands', async () => {
    const sql = ['DELETE FROM a;', '-- migratelint-disable no-delete-without-where', 'DELETE FROM b;', 'DELETE FROM c;'].join('\n');
    expect(await ids(sql)).toEqual(['no-delete-without-where@1:1']);
  });

  it('reports unknown rules and disables that suppress nothing', async () => {
    const sql = ['-- migratelint-disable-next-line require-concurent-index', 'CREATE INDEX i ON t (a);', '-- migratelint-disable no-drop-cascade', 'SELECT 1;'].join('\n');
    const result = await lintText(sql, 'm.sql');
    expect(result.findings.map((f) => [f.ruleId, f.range.start.line, f.message])).toEqual([
      ['unknown-rule', 1, 'migratelint-disable-next-line names unknown rule "require-concurent-index"'],
      ['require-concurrent-index', 2, expect.stringContaining('CREATE INDEX')],
      ['unused-disable', 3, 'migratelint-disable for "no-drop-cascade" suppresses nothing here; remove it'],
    ]);
  });

  it('a directive inside a string literal is not a directive', async () => {
    const sql = "SELECT '-- migratelint-disable no-delete-without-where';\nDELETE FROM t;";
    expect(await ids(sql)).toEqual(['no-delete-without-where@2:1']);
  });

  it('suppresses the named rule on the statement it precedes', async () => {
    const sql = '-- migratelint-disable-next-line no-drop-cascade -- the type goes with the table\nDROP TYPE mood CASCADE;';
    expect(await ids(sql)).toEqual([]);
  });
});
