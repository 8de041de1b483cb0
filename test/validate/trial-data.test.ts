import { afterAll, describe, expect, it } from 'vitest';
import { trialCheck } from '../../src/validate/trial.js';
import { TrialData, changedTables, namedRelations, newDataCoverage, type DataCoverage } from '../../src/validate/trial-data.js';
import { valueFor, type ColumnInfo } from '../../src/validate/trial-data-values.js';
import { cleanup, closeSharedTrialDb, migrationsOf, sharedTrialDb, gm } from './helpers.js';

afterAll(async () => {
  await closeSharedTrialDb();
  cleanup();
});

async function trial(files: Record<string, string>, options: { data?: boolean } = {}) {
  const { migrations } = await migrationsOf(files);
  return trialCheck(migrations, { driver: await sharedTrialDb(), pgVersion: 18, ...options });
}

const brief = (r: Awaited<ReturnType<typeof trial>>) => r.findings.map((f) => [f.ruleId, f.message]);
const dataOf = (r: Awaited<ReturnType<typeof trial>>) => (r.data?.groups as { data?: DataCoverage }[])[0].data;

const USERS = gm(
  '000001',
  'users',
  "CREATE TYPE plan AS ENUM ('free', 'pro');\nCREATE TABLE teams (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);\n" +
    'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, team_id bigint NOT NULL REFERENCES teams, email varchar(40) NOT NULL, plan plan NOT NULL, born date, CHECK (born > DATE \'1900-01-01\'));',
  'DROP TABLE users;\nDROP TABLE teams;\nDROP TYPE plan;',
);

describe('trial with generated rows', { timeout: 60_000 }, () => {
  it('reports a down that drops a column its up did not add, with the rows it held', async () => {
    const r = await trial({
      ...USERS,
      ...gm('000002', 'nickname', 'ALTER TABLE users ADD COLUMN nickname text;', 'ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE users DROP COLUMN email;'),
    });
    expect(brief(r)).toEqual([
      ['validate/trial-down-leaves-schema', 'down of 000002_nickname does not restore column users.email'],
      ['validate/trial-down-loses-data', 'down of 000002_nickname loses data the up did not create: column users.email with its values in 1 row (the up did not add it)'],
    ]);
    expect(r.findings[1]).toMatchObject({ file: 'migrations/000002_nickname.down.sql', severity: 'error' });
    // Parents first (teams for the foreign key), the enum's labels, a varchar, the check met.
    expect(dataOf(r)).toEqual({ tables: 2, rows: 2, checked: 1, notFilled: [] });
  });

  it('reports a down that recreates a table: the same schema, the rows gone', async () => {
    const r = await trial({
      'migrations/000001_notes.up.sql': 'CREATE TABLE notes (id int PRIMARY KEY, body text);',
      'migrations/000001_notes.down.sql': 'DROP TABLE notes;',
      ...gm('000002', 'tags', 'ALTER TABLE notes ADD COLUMN tags text[];', 'DROP TABLE notes;\nCREATE TABLE notes (id int PRIMARY KEY, body text);'),
      // A backfill its down does not undo loses nothing.
      ...gm('000003', 'trim', "UPDATE notes SET body = body || '!';", 'SELECT 1;'),
    });
    expect(brief(r)).toEqual([['validate/trial-down-loses-data', 'down of 000002_tags loses data the up did not create: 1 of 1 row of table notes']]);
    expect(r.findings[0].details?.map((d) => d.label)).toEqual(['a row after the up', 'the same row after down → up']);
  });

  it('fails an ADD COLUMN NOT NULL without a default on a table with rows, and goes on with it empty', async () => {
    const r = await trial({
      ...USERS,
      // Catalogs it names are PostgreSQL's: never filled nor emptied.
      ...gm('000002', 'tenant', 'SELECT count(*) FROM pg_catalog.pg_class;\nALTER TABLE public.users ADD COLUMN tenant_id bigint NOT NULL;', 'ALTER TABLE users DROP COLUMN tenant_id;'),
      ...gm('000003', 'index', 'CREATE INDEX users_tenant_idx ON users (tenant_id);', 'DROP INDEX users_tenant_idx;'),
      // The safe way: a default for the rows there, dropped after.
      ...gm('000004', 'nick', "ALTER TABLE users ADD COLUMN nick text NOT NULL DEFAULT '';\nALTER TABLE users ALTER COLUMN nick DROP DEFAULT;", 'ALTER TABLE users DROP COLUMN nick;'),
      // A down that adds it back without one fails on rows too; compared on the table empty.
      ...gm('000005', 'drop_nick', 'ALTER TABLE users DROP COLUMN nick;', 'ALTER TABLE users ADD COLUMN nick text NOT NULL;'),
      // A failure that depends on the values, which the trial made up: a warning.
      ...gm('000006', 'email_int', 'ALTER TABLE users ALTER COLUMN email TYPE bigint USING email::bigint;', 'ALTER TABLE users ALTER COLUMN email TYPE varchar(40);'),
    });
    expect(brief(r)).toEqual([
      ['validate/trial-up-fails-on-rows', 'up of 000002_tenant fails when users holds rows (it runs on it empty): column "tenant_id" of relation "users" contains null values (SQLSTATE 23502)'],
      ['validate/trial-down-fails-on-rows', 'down of 000005_drop_nick fails when users holds rows (it runs on it empty): column "nick" of relation "users" contains null values (SQLSTATE 23502)'],
      ['validate/trial-up-fails-on-rows', 'up of 000006_email_int fails on the rows the trial made up in users (it runs on it empty): invalid input syntax for type bigint: "mlt9003@example.com" (SQLSTATE 22P02)'],
    ]);
    expect(r.findings.map((f) => f.severity)).toEqual(['error', 'error', 'warn']);
    expect(r.findings[0]).toMatchObject({ severity: 'error', file: 'migrations/000002_tenant.up.sql', range: { start: { line: 2 } } });
    const db = await sharedTrialDb();
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_catalog.pg_class'))[0].n).toBeGreaterThan(100);
    expect(await new TrialData(db, 'migratelint_trial', newDataCoverage()).tableInfo(['"pg_catalog"."pg_class"', 'information_schema.sql_parts'])).toEqual([]);
    expect(r.summary).toMatch(/: 6 ups, 6 downs compared; 2 problems$/);
  });

  it('leaves a table it cannot fill as it is, says why, and runs without rows when switched off', async () => {
    const files = {
      ...gm('000001', 'codes', 'CREATE TABLE codes (code text NOT NULL CHECK (code ~ \'^[A-Z]{3}$\'), spot point NOT NULL);', 'DROP TABLE codes;'),
      ...gm('000002', 'label', 'ALTER TABLE codes ADD COLUMN label text;', 'ALTER TABLE codes DROP COLUMN label;'),
    };
    const r = await trial(files);
    expect(r.findings).toEqual([]);
    expect(dataOf(r)?.notFilled).toEqual([{ table: 'public.codes', reason: expect.stringMatching(/violates check constraint "codes_code_check"/), migration: '000002_label' }]);
    const off = await trial(files, { data: false });
    expect(dataOf(off)).toBeUndefined();
  });
});

describe('generated values', () => {
  const col = (over: Partial<ColumnInfo>): ColumnInfo => ({ name: 'c', type: 'text', notnull: true, hasDefault: false, serial: false, identity: false, generated: false, base: 'text', category: 'S', kind: 'b', labels: null, len: null, ...over });
  it('fits the type: varchar length, enum labels, arrays; none for an unknown type', () => {
    expect(valueFor(col({ type: 'character varying(3)', base: 'varchar', len: 3 }), 1)).toBe("'001'::character varying(3)");
    expect(valueFor(col({ type: 'mood', kind: 'e', labels: ['sad', 'ok'] }), 3)).toBe("'ok'::mood");
    expect(valueFor(col({ type: 'integer[]', category: 'A', base: '_int4' }), 1)).toBe("'{}'::integer[]");
    expect(valueFor(col({ type: 'geometry', base: 'geometry', category: 'U' }), 1)).toBeUndefined();
  });

  it('names the relations statements touch, and the tables they change, from the AST', async () => {
    const { migrations } = await migrationsOf(
      gm('000001', 'x', 'ALTER TABLE audit.log ADD COLUMN x int;\nINSERT INTO a SELECT * FROM "B";\nCREATE VIEW v AS SELECT * FROM c;\nDROP TABLE d, s.e;\nTRUNCATE f;', 'SELECT 1;'),
    );
    expect(namedRelations(migrations[0].up.statements)).toEqual(['"audit"."log"', '"a"', '"B"', '"v"', '"c"', '"f"']);
    expect(changedTables(migrations[0].up.statements)).toEqual(['"audit"."log"', '"a"', '"d"', '"s"."e"', '"f"']);
  });
});
