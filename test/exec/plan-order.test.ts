/**
 * status, apply, rollback and --dry-run work from the one plan: the framework's order
 * and identities, the same list everywhere; and apply's gates match lint's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, project } from './helpers/env.js';

const backend = pgliteBackend();
afterAll(async () => {
  await backend.cleanup();
  cleanupTempDirs();
});


/** The ids status lists, in its order. */
async function statusIds(ws: string, db: string, dir = 'migrations'): Promise<{ ids: string[]; states: string[]; code: number; problems: string[] }> {
  const r = await cli(['status', dir, '--db', db, '--json'], ws);
  const st = JSON.parse(r.stdout);
  return { ids: st.migrations.map((m: { id: string }) => m.id), states: st.migrations.map((m: { state: string }) => m.state), code: r.code, problems: st.problems };
}

const table = (n: string) => `CREATE TABLE t${n} (id int);\n`;
const drop = (n: string) => `DROP TABLE t${n};\n`;

describe('one plan for status, apply, rollback and --dry-run', { timeout: 120_000 }, () => {
  it('golang-migrate: 1, 2, 10 in version order everywhere, though the names sort 1, 10, 2', async () => {
    const ws = project({
      'migrations/1_a.up.sql': table('1'),
      'migrations/1_a.down.sql': drop('1'),
      'migrations/10_c.up.sql': 'ALTER TABLE t2 ADD COLUMN note text;\n',
      'migrations/10_c.down.sql': 'ALTER TABLE t2 DROP COLUMN note;\n',
      'migrations/2_b.up.sql': table('2'),
      'migrations/2_b.down.sql': drop('2'),
    });
    const db = (await backend.fresh()).url;
    expect((await statusIds(ws, db)).ids).toEqual(['1', '2', '10']);

    const to = await cli(['apply', 'migrations', '--db', db, '--to', '2', '--yes', '--no-backup'], ws);
    expect(to.code, to.stderr).toBe(0);
    expect(to.stdout).toMatch(/applied {2}1 a[\s\S]*applied {2}2 b/);
    expect(to.stdout).not.toContain('10 c');

    const dry = await cli(['apply', 'migrations', '--db', db, '--dry-run'], ws);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would apply 1 migration');
    expect(dry.stdout).toContain('-- 10 c');

    const all = await cli(['apply', 'migrations', '--db', db, '--yes', '--no-backup'], ws);
    expect(all.code, all.stderr).toBe(0);
    expect(await statusIds(ws, db)).toMatchObject({ ids: ['1', '2', '10'], states: ['applied', 'applied', 'applied'] });

    const back = await cli(['rollback', 'migrations', '--db', db, '--to', '1', '--yes', '--no-backup'], ws);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/rolled back {2}10 c[\s\S]*rolled back {2}2 b/);
    expect((await statusIds(ws, db)).states).toEqual(['applied', 'pending', 'pending']);
  });

  it('Flyway: 1.9 before 1.10', async () => {
    const ws = project({ 'migrations/V1_10__b.sql': 'ALTER TABLE t1 ADD COLUMN b int;\n', 'migrations/V1_9__a.sql': table('1') });
    const db = (await backend.fresh()).url;
    const r = await cli(['apply', 'migrations', '--db', db, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/applied {2}1\.9 a[\s\S]*applied {2}1\.10 b/);
  });

  it('knex: date-like file names are whole identities, not clashing versions', async () => {
    const knex = 'exports.up = (knex) => knex.raw("SELECT 1");\nexports.down = (knex) => knex.raw("SELECT 2");\n';
    const ws = project({ 'migrations/2023-08-16-0000-add-x.js': knex, 'migrations/2023-08-17-0000-add-y.js': knex });
    const s = await statusIds(ws, 'pglite:fresh-db');
    expect(s.ids).toEqual(['2023-08-16-0000-add-x', '2023-08-17-0000-add-y']);
    expect(s.problems).toEqual([]);
  });

  it('Django: every app of a project in one plan, app.name identities', async () => {
    const dj = (deps: string) => `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps}]\n    operations = []\n`;
    const ws = project({
      'accounts/migrations/0001_initial.py': dj(''),
      'accounts/migrations/0002_owner.py': dj("('accounts', '0001_initial'), ('zoo', '0001_initial')"),
      'zoo/migrations/0001_initial.py': dj(''),
    });
    const s = await statusIds(ws, 'pglite:fresh-db', '.');
    expect(s.ids).toEqual(['accounts.0001_initial', 'zoo.0001_initial', 'accounts.0002_owner']);
  });

  it('Alembic: the revision chain, and two heads are a problem status names', async () => {
    const rev = (id: string, down: string) => `from alembic import op\nrevision = '${id}'\ndown_revision = ${down}\n\ndef upgrade():\n    op.execute("SELECT 1")\n\ndef downgrade():\n    op.execute("SELECT 2")\n`;
    const chain = project({ 'migrations/aaaa_b.py': rev('aaaa', "'cccc'"), 'migrations/bbbb_c.py': rev('bbbb', "'aaaa'"), 'migrations/cccc_a.py': rev('cccc', 'None') });
    expect((await statusIds(chain, 'pglite:fresh-db')).ids).toEqual(['cccc', 'aaaa', 'bbbb']);
    const forked = project({ 'migrations/a.py': rev('a', 'None'), 'migrations/b.py': rev('b', "'a'"), 'migrations/c.py': rev('c', "'a'") });
    const s = await statusIds(forked, 'pglite:fresh-db');
    expect(s.code).toBe(1);
    expect(s.problems).toEqual([expect.stringMatching(/has 2 heads \(b, c\)/)]);
  });
});

describe('apply accepts what lint accepts', { timeout: 120_000 }, () => {
  it("runs a plain SQL file's own BEGIN ... COMMIT block, then a statement outside it", async () => {
    const ws = project({
      'migrations/1_idx.sql': 'BEGIN;\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nCOMMIT;\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n',
    });
    const lint = await cli(['lint', 'migrations'], ws);
    expect(lint.code, lint.stdout).toBe(0);
    const db = await backend.fresh();
    const r = await cli(['apply', 'migrations', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await db.query("SELECT count(*)::int AS n FROM a")).toEqual([{ n: 1 }]);
    expect(await db.query("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('a_id')")).toEqual([{ valid: true }]);
  });

  it('refuses a COMMIT inside a migration its tool wraps in a transaction, as lint does', async () => {
    const ws = project({ 'migrations/V1__a.sql': 'CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n' });
    const lint = await cli(['lint', 'migrations'], ws);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('no-transaction-control-in-wrapped-migration');
    const r = await cli(['apply', 'migrations', '--db', (await backend.fresh()).url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/COMMIT inside a migration: flyway runs each migration in one transaction/);
  });

  it("lints only the sections it runs: a down's error does not block the up", async () => {
    const ws = project({ 'migrations/1_a.up.sql': table('1'), 'migrations/1_a.down.sql': 'DROP TABLE t1 CASCADE;\n' });
    const r = await cli(['apply', 'migrations', '--db', (await backend.fresh()).url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('refusing');
  });

  it('--dry-run prints the plan even when apply would refuse, and says why it would', async () => {
    const ws = project({ 'migrations/1_a.up.sql': 'CREATE INDEX i ON orders (customer_id);\n', 'migrations/1_a.down.sql': 'DROP INDEX i;\n' });
    const r = await cli(['apply', 'migrations', '--db', 'pglite:fresh-db', '--dry-run'], ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CREATE INDEX i ON orders (customer_id);');
    expect(r.stderr).toMatch(/require-concurrent-index[\s\S]*apply would refuse: 1 error-level lint finding/);
  });
});

describe('Flyway repeatable migrations', { timeout: 120_000 }, () => {
  it('run after the versioned ones, and again whenever their checksum changes', async () => {
    const ws = project({
      'migrations/V1__orders.sql': 'CREATE TABLE orders (id int, total int);\n',
      'migrations/R__order_totals.sql': 'CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) AS total FROM orders;\n',
    });
    const db = await backend.fresh();
    const first = await cli(['apply', 'migrations', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied {2}1 orders[\s\S]*applied {2}order_totals/);
    expect((await cli(['apply', 'migrations', '--db', db.url, '--yes', '--no-backup'], ws)).stdout).toContain('is up to date');

    fs.writeFileSync(path.join(ws, 'migrations/R__order_totals.sql'), 'CREATE OR REPLACE VIEW order_totals AS SELECT sum(total) AS total, count(*) AS n FROM orders;\n');
    expect((await statusIds(ws, db.url)).states).toEqual(['applied', 'pending']);
    const again = await cli(['apply', 'migrations', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('order_totals is repeatable and changed since it last ran: running it again');
    expect(await db.query('SELECT n::int AS n FROM order_totals')).toEqual([{ n: 0 }]);
  });
});
