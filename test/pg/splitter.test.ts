import { beforeAll, describe, expect, it } from 'vitest';
import { splitSql } from '../../src/pg/splitter.js';
import { loadSqlParser } from '../../src/pg/parse.js';
import { OffsetConverter } from '../../src/ir/source-text.js';

type Pg = Awaited<ReturnType<typeof loadSqlParser>>;
let pg: Pg;
beforeAll(async () => {
  pg = await loadSqlParser();
});

const pieces = (sql: string) => splitSql(sql).statements.map((s) => sql.slice(s.start, s.end));

/** The parser's own statement boundaries, trimmed the same way, as UTF-16 strings. */
function parserPieces(sql: string): string[] {
  const conv = new OffsetConverter(sql);
  return (pg.parseSync(sql).stmts as { stmt_location?: number; stmt_len?: number }[]).map((s) => {
    const start = conv.fromByte(s.stmt_location ?? 0);
    const end = s.stmt_len ? conv.fromByte((s.stmt_location ?? 0) + s.stmt_len) : sql.length;
    return sql.slice(start, end).replace(/^(\s|--[^\n]*\n|\/\*[^]*?\*\/)+/, '').trimEnd();
  });
}

export const TRICKY = [
  "SELECT 'a;b'; SELECT 2",
  "SELECT 'it''s; fine'; SELECT E'\\'; still a string'; SELECT 3;",
  'SELECT "weird;name" FROM t; SELECT 1',
  'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql; SELECT 1;',
  "CREATE FUNCTION g() RETURNS text AS $body$ SELECT ';'; $x$ $body$ LANGUAGE sql; SELECT 2;",
  'SELECT 1; /* outer /* inner ; */ still comment ; */ SELECT 2;',
  '-- comment with ; semicolon\nSELECT 1;\n-- trailing',
  'CREATE FUNCTION h(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a; SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END; END; SELECT 3;',
  "INSERT INTO t VALUES ('日本;語'), ('😀'); SELECT 'é';",
  'SELECT $1::int; SELECT a$b$c FROM t;',
  "SELECT U&'d\\0061t;a', B'1010', X'1F'; SELECT 1",
  ';;SELECT 1;;;SELECT 2;',
];

describe('splitSql', () => {
  it('agrees with the parser on statement boundaries', () => {
    for (const sql of TRICKY) expect(pieces(sql), sql).toEqual(parserPieces(sql));
  });

  it('returns comments, including nested and line comments', () => {
    const sql = 'SELECT 1; -- one\n/* two /* nested */ */ SELECT 2;';
    expect(splitSql(sql).comments.map((c) => sql.slice(c.start, c.end))).toEqual(['-- one', '/* two /* nested */ */']);
  });

  it('never throws on unterminated input and keeps what came before', () => {
    expect(pieces("SELECT 1; SELECT 'open")).toEqual(['SELECT 1', "SELECT 'open"]);
    expect(pieces('SELECT 1; /* open')).toEqual(['SELECT 1']);
    expect(pieces('SELECT 1; SELECT $$ open')).toEqual(['SELECT 1', 'SELECT $$ open']);
  });

  it('finds nothing in empty and comment-only text', () => {
    expect(pieces('')).toEqual([]);
    expect(pieces('  -- just a comment\n/* and */\n')).toEqual([]);
  });
});
