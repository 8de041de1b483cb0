import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { decodeLiteral, doBlock, embeddingStatement, withEmbeddedStatements } from '../../src/pg/plpgsql.js';

async function statementsOf(sql: string) {
  const migration = (await lintText(sql, 'm.sql')).migrations[0];
  return { top: migration.up.statements, all: withEmbeddedStatements(migration.up.statements) };
}

const where = (s: { kind: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } }) =>
  `${s.kind}@${s.range.start.line}:${s.range.start.column}-${s.range.end.line}:${s.range.end.column}`;

describe('DO blocks', () => {
  it('adds the statements of a DO block right after it, located in the file; the IR is unchanged', async () => {
    const sql = [
      'SELECT 1;',
      'DO $body$',
      'DECLARE n int;',
      'BEGIN',
      '  SELECT count(*) INTO n FROM t;',
      '  IF n > 0 THEN',
      '    ALTER TABLE t ADD COLUMN x int;',
      '  ELSE',
      "    EXECUTE 'CREATE INDEX i ON t (a)';",
      '  END IF;',
      'EXCEPTION WHEN others THEN',
      '  DROP INDEX j;',
      'END',
      '$body$;',
      'SELECT 2;',
    ].join('\n');
    const { top, all } = await statementsOf(sql);
    expect(top.map((s) => s.kind)).toEqual(['SelectStmt', 'DoStmt', 'SelectStmt']);
    expect(all.map(where)).toEqual([
      'SelectStmt@1:1-1:9',
      'DoStmt@2:1-14:7',
      'SelectStmt@5:3-5:32',
      'AlterTableStmt@7:5-7:35',
      'IndexStmt@9:14-9:37',
      'DropStmt@12:3-12:15',
      'SelectStmt@15:1-15:9',
    ]);
    expect(embeddingStatement(all[3])).toBe(top[1]);
    expect(embeddingStatement(top[1])).toBeUndefined();
  });

  it('maps through a single-quoted DO body with doubled quotes', async () => {
    const { all } = await statementsOf("DO 'BEGIN UPDATE t SET a = ''x''; DELETE FROM u; END';");
    expect(all.map(where)).toEqual(['DoStmt@1:1-1:54', 'UpdateStmt@1:11-1:33', 'DeleteStmt@1:35-1:48']);
  });

  it('finds repeated identical statements at their own places', async () => {
    const { all } = await statementsOf('DO $$ BEGIN\n  DELETE FROM t;\n  DELETE FROM t;\nEND $$;');
    expect(all.slice(1).map(where)).toEqual(['DeleteStmt@2:3-2:16', 'DeleteStmt@3:3-3:16']);
  });

  it('reads dollar-quoted EXECUTE strings, and skips dynamic SQL it cannot know', async () => {
    const { all } = await statementsOf("DO $$ BEGIN EXECUTE $q$TRUNCATE t$q$; EXECUTE format('DROP TABLE %I', 'x'); EXECUTE 'a' || 'b'; END $$;");
    expect(all.slice(1).map(where)).toEqual(['TruncateStmt@1:24-1:34']);
  });

  it('leaves function bodies, other languages and broken bodies alone, without throwing', async () => {
    for (const sql of [
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM t; RETURN NEW; END $$;',
      'DO LANGUAGE plpython3u $$ plpy.execute("DELETE FROM t") $$;',
      'DO $$ BEGIN DELET FROM t; END $$;',
      'DO $$ BEGIN DELETE FROM t; $$;',
      "DO $$ BEGIN PERFORM pg_sleep(1); RAISE NOTICE 'x'; END $$;",
    ]) {
      const { top, all } = await statementsOf(sql);
      expect(all).toEqual(top);
    }
  });

  it('reports the DO block as committing when its body does', async () => {
    const { top } = await statementsOf('DO $$ BEGIN DELETE FROM t; COMMIT; END $$;');
    expect(doBlock(top[0]).transactionControl).toBe(true);
    expect(doBlock(top[0]).statements.map((s) => s.kind)).toEqual(['DeleteStmt']);
  });

  it('rules see DO-block statements, and ignore comments before the DO cover them', async () => {
    const sql = 'DO $$ BEGIN DELETE FROM sessions; END $$;\n-- migratelint-disable-next-line no-delete-without-where\nDO $$ BEGIN DELETE FROM carts; END $$;';
    const found = (await lintText(sql, 'm.sql')).findings.filter((f) => f.ruleId === 'no-delete-without-where');
    expect(found.map((f) => `${f.range.start.line}:${f.range.start.column}`)).toEqual(['1:13']);
  });
});

describe('decodeLiteral', () => {
  it('decodes string literals and maps each character back', () => {
    expect(decodeLiteral("'it''s'")).toEqual({ value: "it's", at: [1, 2, 3, 5, 6] });
    expect(decodeLiteral('$x$a$$b$x$')).toEqual({ value: 'a$$b', at: [3, 4, 5, 6, 7] });
    expect(decodeLiteral("E'a\\'b'")?.value).toBe("a'b");
    expect(decodeLiteral("E'\\x41'")).toBeUndefined();
    expect(decodeLiteral("'a' || 'b'")).toBeUndefined();
    expect(decodeLiteral("'open")).toBeUndefined();
    expect(decodeLiteral('format(1)')).toBeUndefined();
  });
});
