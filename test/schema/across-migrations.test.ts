/**
 * The schema model through the library entry: migrations in a folder are replayed in
 * the plan's order, and rules answer with what earlier migrations did.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lint, type LintOptions } from '../../src/lint.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-schema-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder holding these files (path → text). */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'p-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Findings of one rule, as `file:line message`. */
async function findings(files: Record<string, string>, ruleId: string, options: LintOptions = {}): Promise<string[]> {
  const result = await lint(['.'], { cwd: project(files), ...options });
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.file}:${f.range.start.line} ${f.message}`);
}

describe('SET NOT NULL proven by a CHECK validated in an earlier migration', () => {
  const rule = 'no-set-not-null-without-check';
  const create = 'CREATE TABLE users (id bigint, email text);\n';
  const addCheck = 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n';
  const validate = 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n';
  const setNotNull = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n';

  it('passes the two-step: CHECK NOT VALID, then VALIDATE and SET NOT NULL in the next migration', async () => {
    expect(await findings({ '0001_users.sql': create, '0002_check.sql': addCheck, '0003_not_null.sql': validate + setNotNull }, rule)).toEqual([]);
  });

  it('passes with the three steps in three migrations, and with a CHECK created valid long ago', async () => {
    expect(await findings({ '1_a.sql': create + addCheck, '2_b.sql': validate, '3_c.sql': setNotNull }, rule)).toEqual([]);
    expect(await findings({ '1_a.sql': 'CREATE TABLE users (email text CONSTRAINT users_email_nn CHECK (email IS NOT NULL));\n', '2_b.sql': setNotNull }, rule)).toEqual([]);
  });

  it('passes the PostgreSQL 18 NOT NULL NOT VALID constraint validated in a later migration', async () => {
    const files = { '1_a.sql': create + 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;\n', '2_b.sql': validate + setNotNull };
    expect(await findings(files, rule, { pgVersion: 18 })).toEqual([]);
  });

  it('reports it when the CHECK of an earlier migration was never validated, or was dropped, naming that migration', async () => {
    expect(await findings({ '0001_users.sql': create, '0002_check.sql': addCheck, '0003_not_null.sql': setNotNull }, rule)).toEqual([
      '0003_not_null.sql:1 SET NOT NULL on "users".email takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned; the CHECK users_email_nn in 0002_check is NOT VALID and never validated, so it cannot spare the scan; VALIDATE it in a separate transaction first',
    ]);
    const dropped = { '1_a.sql': create + addCheck, '2_b.sql': validate + 'ALTER TABLE users DROP CONSTRAINT users_email_nn;\n', '3_c.sql': setNotNull };
    expect(await findings(dropped, rule)).toEqual([expect.stringContaining('first add CHECK (email IS NOT NULL) NOT VALID')]);
  });

  it('still wants the add and the VALIDATE in separate transactions when both are in the migration', async () => {
    const files = { '1_a.sql': create, '2_b.up.sql': addCheck + validate + setNotNull };
    expect(await findings(files, rule, { transaction: true })).toEqual([expect.stringContaining('in the same transaction as its add (line 1)')]);
  });
});

describe('type changes against the type the model knew', () => {
  const rule = 'no-rewriting-column-type-change';
  const create = 'CREATE TABLE users (id int, name varchar(5), code char(3), n int);\n';

  it('lets catalog-only changes pass: varchar(5) to varchar(10), varchar to text', async () => {
    const files = { '0001_users.sql': create, '0002_widen.sql': 'ALTER TABLE users ALTER COLUMN name TYPE varchar(10);\nALTER TABLE users ALTER COLUMN name TYPE text;\n' };
    expect(await findings(files, rule)).toEqual([]);
  });

  it('reports rewrites the old type makes, saying what the model knew', async () => {
    const files = { '0001_users.sql': create, '0002_grow.sql': 'ALTER TABLE users ALTER COLUMN id TYPE bigint;\nALTER TABLE users ALTER COLUMN n TYPE text;\nALTER TABLE users ALTER COLUMN code TYPE text;\n' };
    expect(await findings(files, rule)).toEqual([
      '0002_grow.sql:1 changing users.id from integer to bigint rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was integer since 0001_users)',
      '0002_grow.sql:2 changing users.n from integer to text rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was integer since 0001_users)',
      '0002_grow.sql:3 changing users.code from char(3) to text rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was char(3) since 0001_users)',
    ]);
  });

  it('follows a column through ADD COLUMN, renames and earlier type changes', async () => {
    const files = {
      '1_a.sql': 'CREATE TABLE t (id int);\n',
      '2_b.sql': 'ALTER TABLE t ADD COLUMN label varchar(20);\n',
      '3_c.sql': 'ALTER TABLE t RENAME TO things;\nALTER TABLE things RENAME COLUMN label TO title;\n',
      '4_d.sql': 'ALTER TABLE things ALTER COLUMN title TYPE varchar(10);\n',
      '5_e.sql': 'ALTER TABLE things ALTER COLUMN title TYPE varchar(40);\n',
    };
    expect(await findings(files, rule)).toEqual([
      '4_d.sql:1 changing things.title from varchar(20) to varchar(10) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was varchar(20) since 2_b)',
    ]);
  });

  it('replays in the plan order, not the order of file names', async () => {
    // golang-migrate orders by version: 2 runs before 10, whose name sorts first.
    const files = {
      '2_users.up.sql': create,
      '2_users.down.sql': 'DROP TABLE users;\n',
      '10_widen.up.sql': 'ALTER TABLE users ALTER COLUMN name TYPE varchar(10);\n',
      '10_widen.down.sql': 'ALTER TABLE users ALTER COLUMN name TYPE varchar(5);\n',
    };
    expect(await findings(files, rule)).toEqual([
      '10_widen.down.sql:1 changing users.name from varchar(10) to varchar(5) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    ]);
  });

  it('does not let a down section change what later migrations see', async () => {
    const files = {
      '1_a.up.sql': 'CREATE TABLE t (c int);\n',
      '1_a.down.sql': 'DROP TABLE t;\n',
      '2_b.up.sql': 'SELECT 1;\n',
      '2_b.down.sql': 'ALTER TABLE t ALTER COLUMN c TYPE text;\n',
      '3_c.up.sql': 'ALTER TABLE t ALTER COLUMN c TYPE bigint;\n',
      '3_c.down.sql': 'SELECT 1;\n',
    };
    expect(await findings(files, rule)).toEqual([
      '2_b.down.sql:1 changing t.c from integer to text rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was integer since 1_a)',
      '3_c.up.sql:1 changing t.c from integer to bigint rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was integer since 1_a)',
    ]);
  });
});

describe('Django AlterField', () => {
  const migration = (name: string, deps: string, ops: string) =>
    `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps}]\n    operations = [\n${ops}    ]\n`;
  const initial = migration(
    '0001',
    '',
    "        migrations.CreateModel(name='Item', fields=[('id', models.BigAutoField(primary_key=True)), ('code', models.CharField(max_length=5)), ('qty', models.IntegerField())]),\n",
  );
  const files = (ops: string) => ({
    'shop/__init__.py': '',
    'shop/migrations/__init__.py': '',
    'shop/migrations/0001_initial.py': initial,
    'shop/migrations/0002_change.py': migration('0002', "('shop', '0001_initial')", ops),
  });

  it('knows max_length 5 to 10 is catalog-only', async () => {
    const ops = "        migrations.AlterField(model_name='item', name='code', field=models.CharField(max_length=10)),\n";
    expect(await findings(files(ops), 'no-rewriting-column-type-change')).toEqual([]);
  });

  it('knows IntegerField to TextField rewrites the table', async () => {
    const ops = "        migrations.AlterField(model_name='item', name='qty', field=models.TextField()),\n";
    expect(await findings(files(ops), 'no-rewriting-column-type-change')).toEqual([
      'shop/migrations/0002_change.py:7 changing shop_item.qty from integer to text rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was integer since shop.0001_initial)',
    ]);
  });
});

describe('tables created by an earlier migration of the change set', () => {
  const files = {
    '0001_users.sql': 'CREATE TABLE users (id bigint);\n',
    '0002_orders.sql': 'CREATE TABLE orders (id bigint, user_id bigint);\n',
    '0003_indexes.sql': 'CREATE INDEX orders_user_idx ON orders (user_id);\nCREATE INDEX users_id_idx ON users (id);\n',
  };
  const rule = 'require-concurrent-index';

  it('count as new: nobody uses them yet', async () => {
    const changed = await findings(files, rule, { only: new Set(['0002_orders.sql', '0003_indexes.sql']) });
    expect(changed).toEqual([expect.stringMatching(/^0003_indexes.sql:2 CREATE INDEX on users/)]);
  });

  it('but only within the change set: a deployed migration\'s table is in use', async () => {
    expect(await findings(files, rule)).toHaveLength(2);
    expect(await findings(files, rule, { only: new Set(['0003_indexes.sql']) })).toHaveLength(2);
  });

  it('reports only the change set, while the others feed the model', async () => {
    const result = await lint(['.'], { cwd: project(files), only: new Set(['0003_indexes.sql']) });
    expect(result.files).toEqual(['0003_indexes.sql']);
    expect(result.counts).toEqual({ files: 1, migrations: 1 });
  });
});

describe('function volatility declared by an earlier migration', () => {
  const rule = 'no-add-column-rewrite';
  const fn = (volatility: string) => `CREATE FUNCTION next_code() RETURNS text LANGUAGE sql ${volatility} AS $$ SELECT 'a' $$;\n`;
  const add = 'ALTER TABLE orders ADD COLUMN code text DEFAULT next_code();\n';

  it('is used: IMMUTABLE and STABLE are not assumed VOLATILE', async () => {
    expect(await findings({ '1_a.sql': fn('IMMUTABLE'), '2_b.sql': add }, rule)).toEqual([]);
    expect(await findings({ '1_a.sql': fn('STABLE'), '2_b.sql': add }, rule)).toEqual([]);
  });

  it('names the migration that made it VOLATILE', async () => {
    expect(await findings({ '1_a.sql': fn(''), '2_b.sql': add }, rule)).toEqual([expect.stringContaining('DEFAULT next_code(), a function 1_a created VOLATILE')]);
    expect(await findings({ '1_a.sql': fn('IMMUTABLE'), '2_b.sql': 'ALTER FUNCTION next_code() VOLATILE;\n', '3_c.sql': add }, rule)).toEqual([
      expect.stringContaining('a function 2_b created VOLATILE'),
    ]);
  });
});

describe('the model with the cache', () => {
  it('gives the same results from stored events as from replayed migrations', async () => {
    const cwd = project({
      '1_a.sql': 'CREATE TABLE users (email text, name varchar(5));\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n',
      '2_b.sql': 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n',
      '3_c.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users ALTER COLUMN name TYPE int USING name::int;\n',
    });
    const cacheDir = path.join(cwd, '.cache');
    const first = await lint(['.'], { cwd, retainIR: false, cacheDir });
    fs.writeFileSync(path.join(cwd, '3_c.sql'), 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users ALTER COLUMN name TYPE varchar(8);\n');
    const second = await lint(['.'], { cwd, retainIR: false, cacheDir });
    expect(second.cache).toEqual({ hits: 2, misses: 1 });
    expect(first.findings.map((f) => f.ruleId)).toEqual(['no-rewriting-column-type-change']);
    expect(second.findings).toEqual([]);
  });
});

describe('statements the model does not follow', () => {
  it('leave rules as they were without it, and never stop the run', async () => {
    const files = {
      '1_a.sql': "CREATE TABLE t (c int);\nDO $$ BEGIN EXECUTE format('ALTER TABLE t ALTER COLUMN c TYPE %s', 'text'); END $$;\nSELEC broken;\n",
      '2_b.sql': 'ALTER TABLE t ALTER COLUMN c TYPE text;\nALTER TABLE other ALTER COLUMN x TYPE varchar(10);\n',
    };
    const result = await lint(['.'], { cwd: project(files) });
    const types = result.findings.filter((f) => f.ruleId === 'no-rewriting-column-type-change').map((f) => f.message);
    // The dynamic SQL is not followed: c is still known as integer. other.x is unknown: today's wording.
    expect(types).toEqual([
      'changing t.c from integer to text rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the column was integer since 1_a)',
      'changing other.x to varchar(10) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless its current type is varchar(n) with n ≤ 10 (the current type is not in the migrations linted)',
    ]);
    expect(result.findings.some((f) => f.ruleId === 'parse-error')).toBe(true);
  });
});
