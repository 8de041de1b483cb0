/**
 * What `lint --fix` writes runs on PostgreSQL the way the tool runs it: golang-migrate
 * sends each file as ONE simple query (several statements then share one implicit
 * transaction), dbmate runs a section in a transaction unless it says transaction:false.
 * Runs against the server scripts/with-postgres.sh starts: skipped locally without
 * MIGRATELINT_TEST_PG_URL, and FAILS under CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupProjects, runCli, tempProject } from '../helpers/cli.js';

const PG_URL = process.env.MIGRATELINT_TEST_PG_URL;

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

afterEach(cleanupProjects);

let admin: pg.Client;
const made: string[] = [];

/** A fresh database, and a client on it. */
async function freshDatabase(): Promise<pg.Client> {
  const name = `fix_deploy_${process.pid}_${made.length}`;
  made.push(name);
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('SET client_min_messages = warning');
  return client;
}

/** golang-migrate's postgres driver without x-multi-statement: the whole file, one Exec, one simple query. */
async function runLikeGolangMigrate(client: pg.Client, dir: string, direction: 'up' | 'down'): Promise<void> {
  const version = (f: string) => BigInt(f.split('_')[0]);
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(`.${direction}.sql`))
    .sort((a, b) => (version(a) < version(b) ? -1 : version(a) > version(b) ? 1 : 0));
  if (direction === 'down') names.reverse();
  for (const name of names) {
    try {
      // No parameters: pg sends a simple Query message, as lib/pq and pgx do for Exec without arguments.
      await client.query(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
}

/** dbmate: each file's up section in one Exec, inside a transaction unless `transaction:false`. */
async function runLikeDbmate(client: pg.Client, dir: string): Promise<void> {
  for (const name of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const up = /^-- migrate:up(.*)\n([^]*?)^-- migrate:down/m.exec(text)!;
    const inTransaction = !/transaction:false/.test(up[1]);
    try {
      if (inTransaction) await client.query('BEGIN');
      await client.query(up[2]);
      if (inTransaction) await client.query('COMMIT');
    } catch (e) {
      if (inTransaction) await client.query('ROLLBACK');
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
}

describe.skipIf(!PG_URL)('fixed migrations run on PostgreSQL as their tool runs them', () => {
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });
  afterAll(async () => {
    for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
  });

  it('the facts the model relies on: one query of several statements is one transaction, a COMMIT in it does not end that', async () => {
    const db = await freshDatabase();
    await db.query('CREATE TABLE t (a int)');
    await expect(db.query('SELECT 1; CREATE INDEX CONCURRENTLY t_a ON t (a);')).rejects.toThrow(/cannot run inside a transaction block/);
    await expect(db.query('BEGIN; SELECT 1; COMMIT; CREATE INDEX CONCURRENTLY t_a ON t (a);')).rejects.toThrow(/cannot run inside a transaction block/);
    await db.query('-- alone in its query\nCREATE INDEX CONCURRENTLY t_a ON t (a);');
    await db.end();
  });

  it('golang-migrate: the fixed folder applies and rolls back, one simple query per file', async () => {
    const orders =
      'ALTER TABLE orders ADD COLUMN note text;\n' +
      'CREATE INDEX orders_customer_idx ON orders (customer_id);\n' +
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n' +
      'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n';
    const cwd = tempProject({
      'db/000001_tables.up.sql':
        'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int, flag boolean);\n' +
        'CREATE INDEX orders_flag_idx ON orders (flag);\nINSERT INTO customers VALUES (1);\nINSERT INTO orders VALUES (1, 1, 10);\n',
      'db/000001_tables.down.sql': 'DROP TABLE orders;\nDROP TABLE customers;\n',
      'db/000002_orders.up.sql': orders,
      'db/000002_orders.down.sql':
        'ALTER TABLE orders DROP CONSTRAINT orders_total_check;\nALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\n' +
        'DROP INDEX orders_customer_idx;\nALTER TABLE orders DROP COLUMN note;\n',
      'db/000010_paid.up.sql': 'CREATE INDEX orders_total_idx ON orders (total);\n',
      'db/000010_paid.down.sql': 'DROP INDEX orders_total_idx;\n',
      // A generated migration's shape: the DROP INDEX must stay before the DROP COLUMN that would drop the index itself.
      'db/000020_note.up.sql': 'DROP INDEX orders_flag_idx;\nALTER TABLE orders DROP COLUMN flag;\nCREATE INDEX orders_note_idx ON orders (note);\n',
      'db/000020_note.down.sql': 'DROP INDEX orders_note_idx;\nALTER TABLE orders ADD COLUMN flag boolean;\nCREATE INDEX orders_flag_idx ON orders (flag);\n',
    });
    const dir = path.join(cwd, 'db');

    // What --fix wrote before: CONCURRENTLY where it stands, inside the file's implicit transaction.
    const before = await freshDatabase();
    await runLikeGolangMigrate(before, dir, 'up');
    await before.query('DROP INDEX orders_customer_idx');
    await expect(before.query(orders.replace('CREATE INDEX', 'CREATE INDEX CONCURRENTLY').replace(/^ALTER TABLE orders ADD COLUMN note text;\n/, 'SELECT 1;\n'))).rejects.toThrow(
      /cannot run inside a transaction block/,
    );
    await before.end();

    const run = await runCli(['lint', 'db', '--fix'], { cwd });
    expect(run.stderr).toMatch(/moved 2 statements/);
    expect(run.stderr).toMatch(/000020_note\.up\.sql:1: require-concurrent-index-drop: not moved: the statement on line 2 must still run after it/);
    expect(run.stderr).toMatch(/added NOT VALID to 2 constraints, validated by 1 new migration/);
    // The DROP INDEX left to do by hand is still reported.
    expect(run.code).toBe(1);

    const db = await freshDatabase();
    await runLikeGolangMigrate(db, dir, 'up');
    const index = await db.query("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname IN ('orders_customer_idx', 'orders_total_idx', 'orders_note_idx')");
    expect(index.rows).toEqual([{ indisvalid: true }, { indisvalid: true }, { indisvalid: true }]);
    const constraints = await db.query("SELECT conname, convalidated FROM pg_constraint WHERE conname IN ('orders_customer_fk', 'orders_total_check') ORDER BY conname");
    expect(constraints.rows).toEqual([
      { conname: 'orders_customer_fk', convalidated: true },
      { conname: 'orders_total_check', convalidated: true },
    ]);
    await runLikeGolangMigrate(db, dir, 'down');
    const left = await db.query("SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('orders', 'customers')");
    expect(left.rows[0].n).toBe(0);
    await db.end();
  });

  it('dbmate: the fixed folder applies, each section as dbmate runs it', async () => {
    const cwd = tempProject({
      'db/migrations/20240101000000_tables.sql':
        '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n\n-- migrate:down\nDROP TABLE orders;\n',
      'db/migrations/20240102000000_index.sql':
        '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n\n' +
        '-- migrate:down\nDROP INDEX orders_customer_idx;\nALTER TABLE orders DROP COLUMN note;\n',
      // Alone in its section: fixed where it stands, with transaction:false.
      'db/migrations/20240201000000_note_index.sql': '-- migrate:up\nCREATE INDEX orders_note_idx ON orders (note);\n\n-- migrate:down\nDROP INDEX IF EXISTS orders_note_idx;\n',
    });
    const run = await runCli(['lint', 'db/migrations', '--fix'], { cwd });
    expect(run.stderr).toMatch(/moved 1 statement/);
    expect(run.stderr).toMatch(/ran 1 migration outside a transaction/);
    const db = await freshDatabase();
    await runLikeDbmate(db, path.join(cwd, 'db/migrations'));
    const index = await db.query("SELECT 1 FROM pg_class WHERE relname IN ('orders_customer_idx', 'orders_note_idx')");
    expect(index.rowCount).toBe(2);
    await db.end();
  });
});
