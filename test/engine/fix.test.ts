import { beforeAll, describe, expect, it } from 'vitest';
import { applyFixes, fixFile } from '../../src/engine/apply-fixes.js';
import { insertAfterKeyword } from '../../rules/kit/index.js';
import { statementTokens } from '../../src/pg/parse.js';
import { loadSqlParser, parseChunk } from '../../src/pg/parse.js';
import { LineIndex } from '../../src/ir/source-text.js';
import type { Finding, Migration, SqlChunk, Statement, StatementOrigin, TextEdit } from '../../src/ir/types.js';
import { lintText, type LintOptions } from '../../src/lint.js';

beforeAll(async () => {
  await loadSqlParser();
});

/** A chunk that is a whole SQL file, or a string literal starting at `offset` of `source`. */
function chunkOf(source: string, sql: string, offset = 0, origin: StatementOrigin = 'sql'): SqlChunk {
  const lines = new LineIndex(source);
  return { sql, file: 'm.sql', origin, position: (o) => (origin === 'builder' ? lines.position(offset) : lines.position(offset + o)) };
}

const edit = (line: number, column: number, endLine: number, endColumn: number, text: string): TextEdit => ({
  file: 'm.sql',
  range: { start: { line, column }, end: { line: endLine, column: endColumn } },
  text,
});

describe('statementTokens', () => {
  it('gives chunk offsets in UTF-16 units, comments included, keywords marked', () => {
    const sql = 'SELECT 1;\nCREATE INDEX "é" ON t (a); -- done';
    const [, stmt] = parseChunk(chunkOf(sql, sql));
    const tokens = statementTokens(stmt)!;
    expect(tokens.map((t) => sql.slice(t.start, t.end))).toEqual(tokens.map((t) => t.text));
    expect(tokens.find((t) => t.text === 'INDEX')?.keyword).toBe(true);
    expect(tokens.find((t) => t.text === '"é"')?.keyword).toBe(false);
  });
});

describe('insertAfterKeyword', () => {
  it('inserts after the keyword token, mapped through the chunk', () => {
    const sql = '-- INDEX in a comment\ncreate unique index "index" on t (a);';
    const [stmt] = parseChunk(chunkOf(sql, sql));
    const e = insertAfterKeyword(stmt, 'INDEX', ' CONCURRENTLY', sql)!;
    expect(e.range).toEqual({ start: { line: 2, column: 20 }, end: { line: 2, column: 20 } });
    expect(applyFixes(sql, [e])).toBe('-- INDEX in a comment\ncreate unique index CONCURRENTLY "index" on t (a);');
  });

  it('maps a string literal inside code back to the file', () => {
    const source = "await knex.raw('CREATE INDEX i ON t (a)');";
    const start = source.indexOf("'") + 1;
    const [stmt] = parseChunk(chunkOf(source, 'CREATE INDEX i ON t (a)', start, 'raw-string'));
    const e = insertAfterKeyword(stmt, 'INDEX', ' CONCURRENTLY', source)!;
    expect(applyFixes(source, [e])).toBe("await knex.raw('CREATE INDEX CONCURRENTLY i ON t (a)');");
  });

  it('refuses when the file does not hold the token where the mapping says', () => {
    const source = 'await knex.raw(`CREATE ${"INDEX"} i ON t (a)`);';
    const [stmt] = parseChunk(chunkOf(source, 'CREATE INDEX i ON t (a)', 16, 'raw-string'));
    expect(insertAfterKeyword(stmt, 'INDEX', ' CONCURRENTLY', source)).toBeUndefined();
  });

  it('never edits SQL printed for a builder call', () => {
    const source = "table.index(['a'], 'i');";
    const [stmt] = parseChunk(chunkOf(source, 'CREATE INDEX i ON t (a)', 0, 'builder'));
    expect(insertAfterKeyword(stmt, 'INDEX', ' CONCURRENTLY', source)).toBeUndefined();
  });
});

describe('concurrentlyFix', () => {
  /** The fix the real rules attach, for the `index`-th statement, with the transaction setting given. */
  const fixOf = async (sql: string, inTransaction?: boolean, index = 0) => {
    const stmts = parseChunk(chunkOf(sql, sql));
    const target = stmts[index];
    const result = await lintText(sql, 'm.sql', { transaction: inTransaction });
    const finding = result.findings.find(
      (f) => (f.ruleId === 'require-concurrent-index' || f.ruleId === 'require-concurrent-index-drop') && f.range.start.line === target.range.start.line,
    );
    const fix = finding?.fix;
    return fix && { description: fix.description, output: applyFixes(sql, fix.edits), placement: fix.placement };
  };

  it('adds CONCURRENTLY to CREATE INDEX and DROP INDEX', async () => {
    expect(await fixOf('CREATE INDEX idx ON orders (customer_id);', false)).toEqual({
      description: 'add CONCURRENTLY',
      output: 'CREATE INDEX CONCURRENTLY idx ON orders (customer_id);',
    });
    expect((await fixOf('CREATE UNIQUE INDEX IF NOT EXISTS idx ON orders (customer_id);', false))?.output).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON orders (customer_id);',
    );
    expect((await fixOf('DROP INDEX IF EXISTS public.idx;', false))?.output).toBe('DROP INDEX CONCURRENTLY IF EXISTS public.idx;');
  });

  it('says the statement must run outside a transaction when the format does not tell', async () => {
    expect((await fixOf('CREATE INDEX idx ON t (a);'))?.description).toMatch(/outside a transaction/);
  });

  it('moves the statement to a migration of its own where only the tool\'s transaction holds it', async () => {
    const fix = await fixOf('CREATE INDEX idx ON t (a);', true);
    expect(fix?.placement).toBe('own-migration');
    expect(fix?.description).toMatch(/in a migration of its own/);
  });

  it('is not offered where CONCURRENTLY would fail', async () => {
    expect(await fixOf('BEGIN;\nCREATE INDEX idx ON t (a);\nCOMMIT;', false, 1)).toBeUndefined();
    expect(await fixOf('DO $$ BEGIN CREATE INDEX idx ON t (a); END $$;', false)).toBeUndefined();
    expect(await fixOf('DROP INDEX a, b;', false)).toBeUndefined();
    expect(await fixOf('DROP INDEX a CASCADE;', false)).toBeUndefined();
  });

  it('is offered again after an explicit transaction has ended', async () => {
    expect((await fixOf('BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX i ON t (a);', false, 3))?.output).toBe(
      'BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);',
    );
  });

  it('works end to end through the rules, lint and applyFixes', async () => {
    const ids = new Set(['require-concurrent-index', 'require-concurrent-index-drop']);
    const sql = 'CREATE INDEX a ON t (x);\r\nDROP INDEX b;\r\nCREATE INDEX CONCURRENTLY c ON t (y);\r\n';
    const options: LintOptions = { transaction: false };
    const result = await lintText(sql, 'm.sql', options);
    const mine = result.findings.filter((f) => ids.has(f.ruleId));
    expect(mine).toHaveLength(2);
    const { output, applied, skipped } = fixFile(sql, 'm.sql', mine);
    expect(output).toBe('CREATE INDEX CONCURRENTLY a ON t (x);\r\nDROP INDEX CONCURRENTLY b;\r\nCREATE INDEX CONCURRENTLY c ON t (y);\r\n');
    expect([applied.length, skipped.length]).toEqual([2, 0]);
    const again = await lintText(output, 'm.sql', options);
    expect(again.findings.filter((f) => ids.has(f.ruleId))).toEqual([]);

    // Inside a BEGIN block or a DO block (always a transaction), no fix.
    const wrapped = 'BEGIN;\nCREATE INDEX a ON t (x);\nCOMMIT;\nDO $$ BEGIN CREATE INDEX b ON t (y); END $$;\n';
    const inTx = (await lintText(wrapped, 'm.sql', options)).findings.filter((f) => ids.has(f.ruleId));
    expect(inTx).toHaveLength(2);
    expect(inTx.filter((f) => f.fix)).toEqual([]);
  });
});

describe('applyFixes', () => {
  const text = 'abc\ndef\nghi';

  it('applies edits given in any order', () => {
    const out = applyFixes(text, [edit(3, 1, 3, 2, 'G'), edit(1, 1, 1, 1, '>'), edit(2, 2, 2, 3, 'E')]);
    expect(out).toBe('>abc\ndEf\nGhi');
  });

  it('drops an edit that overlaps one before it', () => {
    const out = applyFixes(text, [edit(1, 1, 1, 3, 'X'), edit(1, 2, 2, 1, 'Y'), edit(2, 1, 2, 2, 'D')]);
    expect(out).toBe('Xc\nDef\nghi');
  });

  it('keeps the first of two insertions at the same point, and touching edits', () => {
    expect(applyFixes(text, [edit(1, 2, 1, 2, '1'), edit(1, 2, 1, 2, '2')])).toBe('a1bc\ndef\nghi');
    expect(applyFixes(text, [edit(1, 1, 1, 2, 'A'), edit(1, 2, 1, 2, '+')])).toBe('A+bc\ndef\nghi');
  });

  it('counts columns in UTF-16 units and keeps CRLF', () => {
    const crlf = 'é😀x\r\ny\r\n';
    expect(applyFixes(crlf, [edit(1, 4, 1, 5, 'X'), edit(2, 1, 2, 2, 'Y')])).toBe('é😀X\r\nY\r\n');
  });

  it('returns the text unchanged without edits', () => {
    expect(applyFixes(text, [])).toBe(text);
  });
});

describe('fixFile', () => {
  const finding = (ruleId: string, ...edits: TextEdit[]): Finding => ({
    ruleId,
    severity: 'warn',
    message: ruleId,
    file: 'm.sql',
    range: edits[0].range,
    fix: { description: ruleId, edits },
  });

  it('applies each fix whole or not at all', () => {
    const text = 'one two three';
    const a = finding('a', edit(1, 1, 1, 4, 'ONE'), edit(1, 9, 1, 14, 'THREE'));
    const b = finding('b', edit(1, 5, 1, 8, 'TWO'));
    const c = finding('c', edit(1, 10, 1, 11, 'H'));
    const result = fixFile(text, 'm.sql', [c, b, a]);
    expect(result.output).toBe('ONE TWO THREE');
    expect(result.applied.map((f) => f.ruleId)).toEqual(['a', 'b']);
    expect(result.skipped.map((f) => f.ruleId)).toEqual(['c']);
  });

  it('ignores findings of other files and findings without a fix', () => {
    const other = { ...finding('x', edit(1, 1, 1, 2, 'Z')), fix: { description: 'x', edits: [{ ...edit(1, 1, 1, 2, 'Z'), file: 'other.sql' }] } };
    const plain: Finding = { ruleId: 'p', severity: 'warn', message: 'p', file: 'm.sql', range: edit(1, 1, 1, 1, '').range };
    expect(fixFile('abc', 'm.sql', [other, plain])).toEqual({ output: 'abc', applied: [], skipped: [] });
  });
});
