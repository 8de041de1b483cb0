import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { plpgsqlBodyError } from '../../src/pg/plpgsql-check.js';

/** The body error of the only statement of `sql`, as `line:column message` in the file. */
async function bodyError(sql: string): Promise<string | undefined> {
  const s = (await lintText(sql, 'm.sql')).migrations[0].up.statements[0];
  const e = plpgsqlBodyError(s);
  if (!e) return undefined;
  const at = s.chunk.position(e.start);
  return `${at.line}:${at.column} ${e.message}`;
}

// Positions below are where PostgreSQL 15 reports each error (checked on a real server).
describe('PL/pgSQL bodies that do not compile', () => {
  it('points at the token PostgreSQL names, among several of that name, inside parentheses', async () => {
    const sql = [
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$',
      'BEGIN',
      '  UPDATE stats s SET score = pd.score',
      '  FROM (SELEC u.id, sum(p.score) AS score FROM users u JOIN posts p ON p.creator_id = u.id GROUP BY u.id) pd',
      '  WHERE s.user_id = pd.id;',
      '  RETURN NULL;',
      'END $$;',
    ].join('\n');
    expect(await bodyError(sql)).toBe('4:16 syntax error at or near "."');
  });

  it('finds the body whatever dollar quotes it contains', async () => {
    const sql = "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $fn$\nBEGIN\n  RETURN '$body$';\n  RETRN 1;\nEND $fn$;";
    expect(await bodyError(sql)).toBe('4:3 syntax error at or near "RETRN"');
  });

  it('says nothing about bodies that compile or are not PL/pgSQL', async () => {
    expect(await bodyError('CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;')).toBeUndefined();
    expect(await bodyError('CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELEC 1 $$;')).toBeUndefined();
    expect(await bodyError('CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1;')).toBeUndefined();
    expect(await bodyError('SELECT 1;')).toBeUndefined();
  });
});
