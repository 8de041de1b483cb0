import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseChunk } from '../../src/pg/parse.js';
import { fileChunk } from '../../src/frontends/sql/index.js';
import { LineIndex } from '../../src/ir/source-text.js';

beforeAll(async () => {
  await loadSqlParser();
});

const parse = (sql: string) => parseChunk(fileChunk('m.sql', new LineIndex(sql), 0, sql.length));

describe('parseChunk', () => {
  it('gives each statement its kind, text and 1-based range', () => {
    const [a, b] = parse('CREATE INDEX i ON t (a);\n  DELETE FROM t;\n');
    expect(a.kind).toBe('IndexStmt');
    expect(a.text).toBe('CREATE INDEX i ON t (a)');
    expect(a.range).toEqual({ start: { line: 1, column: 1 }, end: { line: 1, column: 24 } });
    expect(b.kind).toBe('DeleteStmt');
    expect(b.range.start).toEqual({ line: 2, column: 3 });
  });

  it('maps UTF-8 byte locations to UTF-16 columns in non-ASCII text', () => {
    const sql = "-- café 日本 😀\nSELECT '😀😀';\nDELETE FROM \"tëst\";";
    const stmts = parse(sql);
    expect(stmts.map((s) => s.kind)).toEqual(['SelectStmt', 'DeleteStmt']);
    expect(stmts[1].range.start).toEqual({ line: 3, column: 1 });
    // The relation's own location points at "tëst" (column 13), and its range ends after the token.
    const rel = stmts[1].locate(stmts[1].node.relation.location);
    expect(rel).toEqual({ start: { line: 3, column: 13 }, end: { line: 3, column: 19 } });
  });

  it('keeps linting after a statement that does not parse, at the exact error position', () => {
    const sql = "SELECT 'é';\nCREATE TABL x (id int);\nTRUNCATE a CASCADE;";
    const stmts = parse(sql);
    expect(stmts.map((s) => s.kind)).toEqual(['SelectStmt', 'Invalid', 'TruncateStmt']);
    const bad = stmts[1];
    expect(bad.error?.message).toMatch(/syntax error at or near "TABL"/);
    const pos = bad.chunk.position(bad.error!.offset);
    expect(pos).toEqual({ line: 2, column: 8 });
    expect(stmts[2].range.start).toEqual({ line: 3, column: 1 });
  });

  it('reports error cursors in code points correctly after astral characters', () => {
    const stmts = parse("SELECT '😀😀' FROM x WHER y;");
    const bad = stmts[0];
    expect(bad.kind).toBe('Invalid');
    // "y" is the 27th UTF-16 unit (each emoji is two units).
    expect(bad.chunk.position(bad.error!.offset)).toEqual({ line: 1, column: 27 });
  });

  it('treats empty and comment-only text as no statements', () => {
    expect(parse('')).toEqual([]);
    expect(parse('   \n')).toEqual([]);
    expect(parse('-- nothing here\n/* at all */')).toEqual([]);
  });

  it('keeps dollar-quoted bodies with semicolons in one statement', () => {
    const stmts = parse('CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\nSELECT 1;');
    expect(stmts.map((s) => s.kind)).toEqual(['CreateFunctionStmt', 'SelectStmt']);
    expect(stmts[1].range.start.line).toBe(2);
  });
});

describe('psql script templates', () => {
  it('lints statements using psql variables, at their real positions', () => {
    const sql = "create table :SCHEMA.jobs (id bigint);\nalter table :SCHEMA.jobs alter column id type int;\ncomment on table :\"SCHEMA\".jobs is :'note';\nselect 1::int;";
    const stmts = parse(sql);
    expect(stmts.map((s) => s.kind)).toEqual(['CreateStmt', 'AlterTableStmt', 'CommentStmt', 'SelectStmt']);
    expect(stmts[1].range.start).toEqual({ line: 2, column: 1 });
    expect(stmts[1].text).toBe('alter table :SCHEMA.jobs alter column id type int');
  });

  it('still reports a statement that fails for another reason', () => {
    const stmts = parse('create tabel :SCHEMA.jobs (id bigint);');
    expect(stmts[0].kind).toBe('Invalid');
  });
});
