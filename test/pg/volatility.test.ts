import { describe, expect, it } from 'vitest';
import { BUILTIN_FUNCTIONS, EXTENSION_FUNCTIONS, VOLATILITY_SOURCE } from '../../src/pg/function-volatility.generated.js';
import { functionVolatility, volatileCall, type Volatility } from '../../src/pg/volatility.js';
import { lintText } from '../../src/lint.js';
import { CreatedObjectsTracker } from '../../src/schema/created-objects.js';

const v = (name: string, arity = 0) => functionVolatility(name.split('.'), arity).volatility;

describe('function volatility catalog (generated from a real server)', () => {
  it('is well formed: one sorted line per name, known letters, per-arity entries only where overloads differ', () => {
    expect(VOLATILITY_SOURCE).toMatch(/^PostgreSQL \d+\.\d+$/);
    for (const text of [BUILTIN_FUNCTIONS, ...Object.values(EXTENSION_FUNCTIONS)]) {
      const lines = text.split('\n').filter(Boolean);
      const names = lines.map((l) => l.split(' ')[0]);
      expect([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(names);
      expect(new Set(names).size).toBe(names.length);
      for (const line of lines) expect(line).toMatch(/^[a-z_0-9$]+ [isv]$|^[a-z_0-9$]+ [isv]( \d+[isv]){2,}$/);
    }
    expect(BUILTIN_FUNCTIONS.split('\n').length).toBeGreaterThan(1500);
  });

  it('knows the built-ins defaults use', () => {
    expect(v('now')).toBe('stable');
    expect(v('statement_timestamp')).toBe('stable');
    expect(v('current_setting', 1)).toBe('stable');
    expect(v('lower', 1)).toBe('immutable');
    expect(v('md5', 1)).toBe('immutable');
    expect(v('gen_random_uuid')).toBe('volatile');
    expect(v('random')).toBe('volatile');
    expect(v('clock_timestamp')).toBe('volatile');
    expect(v('timeofday')).toBe('volatile');
    expect(v('nextval', 1)).toBe('volatile');
    // One value per transaction: STABLE (a hand-written list had it as volatile).
    expect(v('txid_current')).toBe('stable');
  });

  it('tells overloads apart by argument count where they differ', () => {
    // to_timestamp(double precision) is IMMUTABLE, to_timestamp(text, text) STABLE.
    expect(v('to_timestamp', 1)).toBe('immutable');
    expect(v('to_timestamp', 2)).toBe('stable');
    // An argument count no overload has: the most volatile.
    expect(v('to_timestamp', 5)).toBe('stable');
  });

  it('knows common contrib extensions, wherever they are installed', () => {
    expect(functionVolatility(['uuid_generate_v4'], 0)).toEqual({ volatility: 'volatile', source: 'extension', extension: 'uuid-ossp' });
    expect(functionVolatility(['extensions', 'uuid_generate_v4'], 0).source).toBe('extension');
    expect(v('uuid_nil')).toBe('immutable');
    expect(v('gen_random_bytes', 1)).toBe('volatile');
    expect(v('digest', 2)).toBe('immutable');
    expect(v('unaccent', 1)).toBe('stable');
  });

  it('takes any other function as VOLATILE, what CREATE FUNCTION gives when it says nothing', () => {
    expect(functionVolatility(['my_default_code'], 0)).toEqual({ volatility: 'volatile', source: 'assumed' });
    // pg_catalog-qualified: only the built-ins live there.
    expect(functionVolatility(['pg_catalog', 'uuid_nil'], 0).source).toBe('assumed');
    expect(functionVolatility(['pg_catalog', 'now'], 0)).toEqual({ volatility: 'stable', source: 'builtin' });
  });

  it('asks the migration for functions it created, after the built-ins', () => {
    const declared = { functionVolatility: (name: string): Volatility | undefined => (name === 'next_code' || name === 'now' ? 'immutable' : undefined) };
    expect(functionVolatility(['app', 'next_code'], 0, declared)).toEqual({ volatility: 'immutable', source: 'declared' });
    // Unqualified built-in names resolve to pg_catalog first, as on the server.
    expect(functionVolatility(['now'], 0, declared).source).toBe('builtin');
  });

  it('finds the first volatile call of an expression', async () => {
    const stmt = (await lintText("ALTER TABLE t ADD c text DEFAULT lower(encode(gen_random_bytes(4), 'hex')) || random()::text;", 'a.sql')).migrations[0].up.statements[0];
    const def = stmt.node.cmds[0].AlterTableCmd.def.ColumnDef.constraints[0].Constraint.raw_expr;
    expect(volatileCall(def)).toMatchObject({ name: 'gen_random_bytes', volatility: 'volatile', source: 'extension' });
    const stable = (await lintText('ALTER TABLE t ADD c timestamptz DEFAULT now() + CURRENT_TIMESTAMP - statement_timestamp();', 'a.sql')).migrations[0].up.statements[0];
    expect(volatileCall(stable.node.cmds[0].AlterTableCmd.def.ColumnDef.constraints[0].Constraint.raw_expr)).toBeUndefined();
  });
});

describe('volatility of functions the migration created', () => {
  const tracked = async (sql: string) => {
    const statements = (await lintText(sql, 'a.sql')).migrations[0].up.statements;
    return new CreatedObjectsTracker(statements).before(statements[statements.length - 1]);
  };

  it('reads CREATE FUNCTION (VOLATILE unless it says otherwise), CREATE OR REPLACE and ALTER FUNCTION, in order', async () => {
    const created = await tracked(
      [
        "CREATE FUNCTION a() RETURNS int LANGUAGE sql AS 'SELECT 1';",
        "CREATE FUNCTION b(x int, y int DEFAULT 2) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + y';",
        "CREATE FUNCTION c() RETURNS int LANGUAGE sql STABLE AS 'SELECT 1';",
        "CREATE OR REPLACE FUNCTION c() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1';",
        "CREATE FUNCTION d(VARIADIC xs int[]) RETURNS int LANGUAGE sql STABLE AS 'SELECT 1';",
        'ALTER FUNCTION a() STABLE;',
        "CREATE PROCEDURE e() LANGUAGE sql AS 'SELECT 1';",
        'SELECT 1;',
      ].join('\n'),
    );
    expect(created.functionVolatility('a', 0)).toBe('stable');
    expect(created.functionVolatility('b', 1)).toBe('immutable');
    expect(created.functionVolatility('b', 2)).toBe('immutable');
    expect(created.functionVolatility('c', 0)).toBe('volatile');
    expect(created.functionVolatility('d', 7)).toBe('stable');
    expect(created.functionVolatility('e', 0)).toBeUndefined();
    expect(created.functionVolatility('zzz', 0)).toBeUndefined();
  });

  it('knows only what was created before the statement', async () => {
    const statements = (await lintText("SELECT 1;\nCREATE FUNCTION a() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';", 'a.sql')).migrations[0].up.statements;
    expect(new CreatedObjectsTracker(statements).before(statements[0]).functionVolatility('a', 0)).toBeUndefined();
  });
});
