import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseChunk } from '../../src/pg/parse.js';
import { fileChunk } from '../../src/frontends/sql/index.js';
import { LineIndex } from '../../src/ir/source-text.js';
import { statementEvents } from '../../src/schema/statement-events.js';
import type { Statement } from '../../src/ir/types.js';

beforeAll(async () => {
  await loadSqlParser();
});

const parse = (sql: string) => parseChunk(fileChunk('m.sql', new LineIndex(sql), 0, sql.length));
const events = (sql: string) => parse(sql).flatMap(statementEvents);

describe('statementEvents', () => {
  it('reads CREATE TABLE columns as the catalog stores them: types, NOT NULL, defaults, constraints', () => {
    const [create] = events(
      "CREATE TABLE users (id serial PRIMARY KEY, name varchar(5) NOT NULL DEFAULT 'x', bio text DEFAULT NULL COLLATE \"C\", CHECK (bio IS NOT NULL));",
    );
    expect(create).toMatchObject({ kind: 'create-relation', relation: 'users', relkind: 'table', complete: true });
    if (create.kind !== 'create-relation') throw new Error('not a create');
    expect(create.columns).toEqual([
      { name: 'id', type: { name: 'int4', builtin: true, mods: [], oddMods: false, array: false }, notNull: true, hasDefault: true },
      { name: 'name', type: { name: 'varchar', builtin: true, mods: [5], oddMods: false, array: false }, notNull: true, hasDefault: true },
      { name: 'bio', type: { name: 'text', builtin: true, mods: [], oddMods: false, array: false }, collation: ['C'], notNull: false, hasDefault: false },
    ]);
    expect(create.constraints).toEqual([
      { name: 'users_pkey', kind: 'primary', keyColumns: ['id'], validated: true },
      { name: 'users_bio_check', kind: 'check', notNullColumn: 'bio', validated: true },
    ]);
  });

  it('marks tables whose columns come from elsewhere as incomplete', () => {
    expect(events('CREATE TABLE t (LIKE other);')[0]).toMatchObject({ complete: false });
    expect(events('CREATE TABLE t PARTITION OF p FOR VALUES IN (1);')[0]).toMatchObject({ complete: false });
    expect(events('CREATE TABLE t AS SELECT * FROM other;')[0]).toMatchObject({ relkind: 'table', complete: false });
    expect(events('CREATE MATERIALIZED VIEW mv AS SELECT * FROM a JOIN b ON true;')[0]).toMatchObject({ relkind: 'materialized-view', reads: ['a', 'b'] });
    expect(events('CREATE OR REPLACE VIEW v AS SELECT * FROM orders;')[0]).toMatchObject({ relkind: 'view', replace: true, reads: ['orders'] });
  });

  it('reads ALTER TABLE subcommands in order, with NOT VALID and the names PostgreSQL gives', () => {
    expect(
      events(
        'ALTER TABLE t ADD COLUMN IF NOT EXISTS c bigint, ALTER COLUMN d TYPE text COLLATE "C", ALTER e SET DEFAULT 1, ALTER f DROP DEFAULT, ALTER g SET NOT NULL, ALTER h DROP NOT NULL;',
      ),
    ).toEqual([
      { kind: 'add-column', table: 't', ifNotExists: true, column: { name: 'c', type: { name: 'int8', builtin: true, mods: [], oddMods: false, array: false }, notNull: false, hasDefault: false } },
      { kind: 'column-type', table: 't', column: 'd', type: { name: 'text', builtin: true, mods: [], oddMods: false, array: false }, collation: ['C'] },
      { kind: 'column-default', table: 't', column: 'e', hasDefault: true },
      { kind: 'column-default', table: 't', column: 'f', hasDefault: false },
      { kind: 'column-not-null', table: 't', column: 'g', notNull: true },
      { kind: 'column-not-null', table: 't', column: 'h', notNull: false },
    ]);
    expect(events('ALTER TABLE t ADD CHECK (email IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT t_email_check, DROP CONSTRAINT x;')).toEqual([
      { kind: 'add-constraint', table: 't', constraint: { name: 't_email_check', kind: 'check', notNullColumn: 'email', validated: false } },
      { kind: 'validate-constraint', table: 't', name: 't_email_check' },
      { kind: 'drop-constraint', table: 't', name: 'x' },
    ]);
    // PostgreSQL 18: a named NOT NULL constraint.
    expect(events('ALTER TABLE t ADD CONSTRAINT t_nn NOT NULL email NOT VALID;')).toEqual([
      { kind: 'add-constraint', table: 't', constraint: { name: 't_nn', kind: 'not-null', notNullColumn: 'email', validated: false } },
    ]);
    expect(events('ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_idx;')).toContainEqual({ kind: 'rename-index', from: 't_idx', to: 'u' });
  });

  it('reads renames, drops, indexes, types and function volatility', () => {
    expect(events('ALTER TABLE a RENAME TO b; ALTER TABLE b RENAME COLUMN x TO y; ALTER TABLE b RENAME CONSTRAINT c TO d; ALTER INDEX i RENAME TO j;')).toEqual([
      { kind: 'rename-relation', from: 'a', to: 'b' },
      { kind: 'rename-column', table: 'b', from: 'x', to: 'y' },
      { kind: 'rename-constraint', table: 'b', from: 'c', to: 'd' },
      { kind: 'rename-index', from: 'i', to: 'j' },
    ]);
    expect(events('DROP TABLE a, s.b; DROP VIEW v; DROP INDEX CONCURRENTLY i; DROP TYPE mood;')).toEqual([
      { kind: 'drop-relation', relation: 'a' },
      { kind: 'drop-relation', relation: 'b' },
      { kind: 'drop-relation', relation: 'v' },
      { kind: 'drop-index', index: 'i' },
      { kind: 'drop-type', name: 'mood' },
    ]);
    expect(events('CREATE UNIQUE INDEX ON orders (a, b); CREATE INDEX named ON orders ((lower(x)));')).toEqual([
      { kind: 'create-index', index: 'orders_a_b_idx', table: 'orders', unique: true },
      { kind: 'create-index', index: 'named', table: 'orders', unique: false },
    ]);
    expect(events("CREATE TYPE mood AS ENUM ('a'); CREATE DOMAIN pos AS int CHECK (VALUE > 0);")).toEqual([
      { kind: 'create-type', name: 'mood' },
      { kind: 'create-type', name: 'pos' },
    ]);
    expect(events("CREATE FUNCTION f(a int, b int DEFAULT 1) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT a'; ALTER FUNCTION g() STABLE;")).toEqual([
      { kind: 'declare-function', name: 'f', min: 1, max: 2, volatility: 'immutable' },
      { kind: 'declare-function', name: 'g', min: 0, max: 0, volatility: 'stable' },
    ]);
  });

  it('gives nothing for statements it does not follow, and never throws', () => {
    expect(events("UPDATE t SET a = 1; SELECT 1; COMMENT ON TABLE t IS 'x';")).toEqual([]);
    expect(events('SELEC oops;')).toEqual([]);
    const odd = { kind: 'AlterTableStmt', node: { relation: { relname: 't' }, cmds: [{ AlterTableCmd: { subtype: 'AT_AddColumn', def: { ColumnDef: { colname: 'c', constraints: 7 } } } }] } };
    expect(() => statementEvents(odd as unknown as Statement)).not.toThrow();
  });
});
