import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseChunk } from '../../src/pg/parse.js';
import { fileChunk } from '../../src/frontends/sql/index.js';
import { LineIndex } from '../../src/ir/source-text.js';
import { SchemaModel } from '../../src/schema/model.js';
import { MigrationReplay, replayEvents } from '../../src/schema/replay.js';
import { History } from '../../src/schema/history.js';

beforeAll(async () => {
  await loadSqlParser();
});

const parse = (sql: string) => parseChunk(fileChunk('m.sql', new LineIndex(sql), 0, sql.length));

/** Replays migrations (up SQL, optional down SQL) into one model; gives each one's up statements and section schema. */
function replay(model: SchemaModel, label: string, up: string, down?: string, fresh = false) {
  const r = new MigrationReplay(model, { label, fresh });
  const ups = parse(up);
  const upSchema = r.section('up', ups);
  const downs = down === undefined ? [] : parse(down);
  const downSchema = down === undefined ? undefined : r.section('down', downs);
  return { ups, downs, upSchema, downSchema, finish: () => r.finish() };
}

describe('History', () => {
  it('answers for any position, keeps the last change of one position, and forgets from a position on', () => {
    const h = new History<string>();
    h.set(2, 'a');
    h.set(5, 'b');
    h.set(5, 'c');
    expect([h.get(1), h.get(2), h.get(3), h.get(5), h.get(6)]).toEqual([undefined, undefined, 'a', 'a', 'c']);
    h.truncate(5);
    expect(h.get(9)).toBe('a');
  });
});

describe('the schema model', () => {
  it('knows each column just before each statement, across migrations, with where it was set', () => {
    const model = new SchemaModel();
    replay(model, '0001_users', 'CREATE TABLE users (id int, name varchar(5));').finish();
    const m = replay(model, '0002_widen', 'SELECT 1;\nALTER TABLE users ALTER COLUMN name TYPE varchar(10);\nSELECT 2;');
    const [first, alter, last] = m.ups;
    const before = m.upSchema.before(alter).column('users', 'name');
    expect(before?.type).toMatchObject({ name: 'varchar', mods: [5] });
    expect(before?.typeSince).toEqual({ migration: '0001_users', line: 1, fresh: false });
    expect(m.upSchema.before(first).column('users', 'name')?.type?.mods).toEqual([5]);
    const after = m.upSchema.before(last).column('users', 'name');
    expect(after?.type?.mods).toEqual([10]);
    // Set in the migration being linted: the origin holds the statement.
    expect(after?.typeSince?.statement).toBe(alter);
    expect(m.upSchema.before(first).column('users', 'nope')).toBeUndefined();
    expect(m.upSchema.before(first).column('unknown_table', 'name')).toBeUndefined();
  });

  it('follows renames of tables and columns, and drops', () => {
    const model = new SchemaModel();
    replay(model, '1', "CREATE TABLE a (x text, y int);\nALTER TABLE a ADD CONSTRAINT a_x_nn CHECK (x IS NOT NULL);").finish();
    const m = replay(model, '2', 'ALTER TABLE a RENAME TO b;\nALTER TABLE b RENAME COLUMN x TO z;\nALTER TABLE b DROP COLUMN y;\nSELECT 1;');
    const state = m.upSchema.before(m.ups[3]);
    expect(state.relation('a')).toBeUndefined();
    expect(state.column('b', 'z')?.type?.name).toBe('text');
    expect(state.column('b', 'x')).toBeUndefined();
    expect(state.column('b', 'y')).toBeUndefined();
    // The CHECK follows the column's rename.
    expect(state.constraint('b', 'a_x_nn')).toMatchObject({ notNullColumn: 'z', validatedOnAdd: true });
    expect(m.upSchema.before(m.ups[0]).column('a', 'y')?.type?.name).toBe('int4');
  });

  it('tracks when a constraint becomes valid, and NOT NULL from a primary key or a PostgreSQL 18 constraint', () => {
    const model = new SchemaModel();
    replay(model, '1', 'CREATE TABLE t (id int, a text, b text, PRIMARY KEY (id));\nALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t ADD CONSTRAINT b_nn NOT NULL b NOT VALID;').finish();
    const m = replay(model, '2', 'ALTER TABLE t VALIDATE CONSTRAINT a_nn;\nALTER TABLE t VALIDATE CONSTRAINT b_nn;\nSELECT 1;');
    const start = m.upSchema.before(m.ups[0]);
    expect(start.constraint('t', 'a_nn')).toMatchObject({ kind: 'check', notNullColumn: 'a', validatedOnAdd: false, added: { migration: '1', line: 2 } });
    expect(start.constraint('t', 'a_nn')?.validated).toBeUndefined();
    expect(start.column('t', 'id')?.notNull).toBe(true);
    expect(start.column('t', 'b')?.notNull).toBe(false);
    const end = m.upSchema.before(m.ups[2]);
    expect(end.constraint('t', 'a_nn')?.validated?.statement).toBe(m.ups[0]);
    expect(end.column('t', 'b')?.notNull).toBe(true);
    expect(end.constraints('t').map((c) => c.name).sort()).toEqual(['a_nn', 'b_nn', 't_pkey']);
  });

  it('learns about tables and columns it never saw created from the changes made to them', () => {
    const model = new SchemaModel();
    const m = replay(model, '1', 'ALTER TABLE legacy ALTER COLUMN c TYPE varchar(20);\nALTER TABLE legacy ALTER COLUMN c SET NOT NULL;\nSELECT 1;');
    const state = m.upSchema.before(m.ups[2]);
    expect(state.relation('legacy')).toMatchObject({ kind: 'table' });
    expect(state.relation('legacy')?.created).toBeUndefined();
    expect(state.column('legacy', 'c')).toMatchObject({ type: { name: 'varchar', mods: [20] }, notNull: true, withTable: false });
    expect(state.column('legacy', 'c')?.added).toBeUndefined();
  });

  it('replays a down section on top of its up, then forgets it', () => {
    const model = new SchemaModel();
    replay(model, '1', 'CREATE TABLE t (c int);').finish();
    const m = replay(model, '2', 'ALTER TABLE t ADD COLUMN d text;', 'ALTER TABLE t ALTER COLUMN c TYPE text;\nALTER TABLE t DROP COLUMN d;\nCREATE FUNCTION f() RETURNS int STABLE LANGUAGE sql AS $$ SELECT 1 $$;\nSELECT 1;');
    const downEnd = m.downSchema!.before(m.downs[3]);
    expect(downEnd.column('t', 'c')?.type?.name).toBe('text');
    expect(downEnd.function('f', 0)?.volatility).toBe('stable');
    expect(m.downSchema!.before(m.downs[0]).column('t', 'd')?.type?.name).toBe('text');
    // The up's questions do not see the down.
    expect(m.upSchema.before(m.ups[0]).column('t', 'c')?.type?.name).toBe('int4');
    const events = m.finish();
    expect(events).toEqual([{ line: 1, events: [expect.objectContaining({ kind: 'add-column', table: 't' })] }]);
    const next = replay(model, '3', 'SELECT 1;');
    const state = next.upSchema.before(next.ups[0]);
    expect(state.column('t', 'c')?.type?.name).toBe('int4');
    expect(state.column('t', 'd')?.type?.name).toBe('text');
    expect(state.function('f', 0)).toBeUndefined();
  });

  it('gives function volatility by the latest declaration a call can mean, from any earlier migration', () => {
    const model = new SchemaModel();
    replay(model, '1', "CREATE FUNCTION code() RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT 'a' $$;\nCREATE FUNCTION code(n int) RETURNS text LANGUAGE sql AS $$ SELECT 'a' $$;").finish();
    replay(model, '2', 'ALTER FUNCTION code() STABLE;').finish();
    const m = replay(model, '3', 'SELECT 1;');
    const state = m.upSchema.before(m.ups[0]);
    expect(state.function('code', 0)).toEqual({ volatility: 'stable', declared: { migration: '2', line: 1, fresh: false } });
    expect(state.function('code', 1)?.volatility).toBe('volatile');
    expect(state.function('other', 0)).toBeUndefined();
  });

  it('marks what migrations of the change set created, and feeds stored events like replayed statements', () => {
    const model = new SchemaModel();
    replay(model, 'old', 'CREATE TABLE kept (id int);').finish();
    const events = replay(new SchemaModel(), 'new', 'CREATE TABLE fresh_table (id int);\nCREATE INDEX fresh_idx ON fresh_table (id);').finish();
    replayEvents(model, { label: 'new', fresh: true }, events);
    const m = replay(model, 'next', 'SELECT 1;');
    const state = m.upSchema.before(m.ups[0]);
    expect(state.relation('kept')?.created?.fresh).toBe(false);
    expect(state.relation('fresh_table')?.created).toEqual({ migration: 'new', line: 1, fresh: true });
    expect(state.index('fresh_idx')).toMatchObject({ table: 'fresh_table', created: { migration: 'new', line: 2, fresh: true } });
  });
});
