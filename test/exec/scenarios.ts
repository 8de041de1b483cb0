/**
 * The behaviour of the execution layer, run the same way against every database:
 * the embedded PGlite and a real PostgreSQL server (see pglite.test.ts, postgres.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import type { Backend } from './helpers/backends.js';
import { ROOT, cli, lastReport, reports, workspace } from './helpers/env.js';

/** What the history records for a migration: its up and down files, line endings normalised. */
const contentSha = (upFile: string) => {
  const text = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').replace(/\r\n?/g, '\n') : '');
  return crypto.createHash('sha256').update(`${text(upFile)}\0${text(upFile.replace(/\.up\.sql$/, '.down.sql'))}`).digest('hex');
};

async function tableExists(db: { query: (s: string, p?: unknown[]) => Promise<any[]> }, name: string): Promise<boolean> {
  const [row] = await db.query('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
  return row.ok;
}

export function scenarios(backend: Backend): void {
  it('runs a release session: status, apply --to, apply, rollback, re-apply', async () => {
    const db = await backend.fresh();
    const ws = workspace();

    let r = await cli(['status', '--db', db.url], ws);
    expect(r.stderr).toMatch(/^report: \.migratelint\/reports\/\S+-status-\d+\.json\n$/);
    expect(r.code).toBe(0);
    expect(lastReport(ws)).toMatchObject({ command: 'status', outcome: 'ok', status: { pending: 4 } });
    expect(r.stdout).toMatch(/pending\s+0001\s+create_customers/);
    expect(r.stdout).toContain('0 applied, 4 pending, 0 drift');

    r = await cli(['apply', '--db', db.url, '--to', '0002', '--yes'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/applied {2}0001 create_customers \(\d+ ms\)/);
    expect(r.stdout).toMatch(/applied {2}0002 create_orders/);
    expect(r.stdout).not.toContain('0003');
    let report = lastReport(ws);
    expect(report).toMatchObject({ command: 'apply', outcome: 'ok', exitCode: 0, db: expect.any(String) });
    expect(report.migrations.map((m: any) => [m.id, m.result])).toEqual([
      ['0001', 'applied'],
      ['0002', 'applied'],
    ]);
    expect(report.backup.kind).toBe(backend.name === 'pglite' ? 'pglite' : 'pg_dump');
    expect(crypto.createHash('sha256').update(fs.readFileSync(report.backup.file)).digest('hex')).toBe(report.backup.sha256);

    r = await cli(['apply', '--db', db.url, '-y', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/applied {2}0003 add_customer_email[\s\S]*applied {2}0004 index_orders_customer/);

    r = await cli(['status', '--db', db.url, '--json'], ws);
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st).toMatchObject({ applied: 4, pending: 0, drift: 0, historyPresent: true });
    for (const m of st.migrations) {
      expect(m.state).toBe('applied');
      expect(Date.parse(m.appliedAt)).toBeGreaterThan(Date.now() - 600_000);
      expect(m.appliedBy).toMatch(/.+@.+/);
      expect(typeof m.durationMs).toBe('number');
      expect(m.checksum).toBe(contentSha(path.join(ws, m.file)));
    }
    const [idx] = await db.query(`SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('orders_customer_id_idx')`);
    expect(idx.valid).toBe(true);

    r = await cli(['rollback', '--db', db.url, '--steps', '2', '--yes'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.indexOf('rolled back  0004')).toBeLessThan(r.stdout.indexOf('rolled back  0003'));
    expect(r.stdout).toContain('2 migrations rolled back');
    expect(lastReport(ws).backup.kind).toBeTruthy();
    expect(
      await db.query(`SELECT to_regclass('orders_customer_id_idx') IS NULL AS no_index,
                             NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'email') AS no_email`),
    ).toEqual([{ no_index: true, no_email: true }]);

    r = await cli(['rollback', '--db', db.url, '--to', '0001', '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rolled back  0002 create_orders');
    expect(await db.query(`SELECT to_regclass('orders') IS NULL AS no_orders, to_regclass('customers') IS NOT NULL AS customers`)).toEqual([
      { no_orders: true, customers: true },
    ]);

    r = await cli(['status', '--db', db.url], ws);
    expect(r.stdout).toContain('1 applied, 3 pending, 0 drift');

    r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('--no-backup');
    expect(lastReport(ws).backup).toBeNull();
    r = await cli(['apply', '--db', db.url, '--yes'], ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('is up to date (4 applied)');
    expect(lastReport(ws).outcome).toBe('nothing to do');

    const history = await db.query(`SELECT version, direction, result FROM migratelint_migrations ORDER BY id`);
    expect(history.map((h) => `${h.version} ${h.direction} ${h.result}`)).toEqual([
      '0001 up applied',
      '0002 up applied',
      '0003 up applied',
      '0004 up applied',
      '0004 down rolled back',
      '0003 down rolled back',
      '0002 down rolled back',
      '0002 up applied',
      '0003 up applied',
      '0004 up applied',
    ]);
  });

  it('stops at a failing statement: its migration rolls back, history stays consistent, the error names file, line and server error', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_rename_people.up.sql':
        "INSERT INTO customers (name) VALUES ('Linus');\nUPDATE customers SET name = upper(name) WHERE id > 0;\n\nUPDATE customers SET nickname = 'x' WHERE id = 1;\n",
      'migrations/0005_rename_people.down.sql': "DELETE FROM customers WHERE name = 'Linus';\n",
      'migrations/0006_after.up.sql': 'CREATE TABLE after_failure (id int);\n',
      'migrations/0006_after.down.sql': 'DROP TABLE after_failure;\n',
    });
    const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('applied  0004 index_orders_customer');
    expect(r.stdout).toContain('failed   0005 rename_people');
    expect(r.stdout).not.toContain('0006');
    expect(r.stderr).toContain('migrations/0005_rename_people.up.sql:4:22: statement 3 of 3 failed: UPDATE customers SET nickname');
    expect(r.stderr).toContain('column "nickname" of relation "customers" does not exist (SQLSTATE 42703)');
    expect(r.stderr).toContain('nothing of 0005 was applied');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // Before 0005, exactly: no Linus, names untouched, 0006 never ran.
    const [names, after, history] = await db.with((d) =>
      Promise.all([
        d.query(`SELECT name FROM customers ORDER BY id`),
        d.query(`SELECT to_regclass('after_failure') IS NULL AS absent`),
        d.query<any>(`SELECT version, result, error FROM migratelint_migrations ORDER BY id`),
      ]),
    );
    expect(names).toEqual([{ name: 'Ada' }, { name: 'Grace' }]);
    expect(after).toEqual([{ absent: true }]);
    expect(history.map((h) => `${h.version} ${h.result}`)).toEqual(['0001 applied', '0002 applied', '0003 applied', '0004 applied', '0005 failed']);
    expect(history[4].error).toContain('nickname');

    const report = lastReport(ws);
    expect(report.outcome).toBe('failed');
    expect(report.exitCode).toBe(1);
    expect(report.migrations[4]).toMatchObject({
      id: '0005',
      result: 'failed',
      failedAt: { file: 'migrations/0005_rename_people.up.sql', line: 4, column: 22, statement: 3, sqlstate: '42703' },
    });

    const st = await cli(['status', '--db', db.url], ws);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/pending\s+0005\s+rename_people\s+\(last attempt failed/);

    // Fixed: the next apply runs 0005 from the start, then 0006.
    fs.writeFileSync(path.join(ws, 'migrations/0005_rename_people.up.sql'), "INSERT INTO customers (name) VALUES ('Linus');\n");
    const again = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/applied {2}0005[\s\S]*applied {2}0006/);
    expect(await db.query(`SELECT count(*)::int AS n FROM customers WHERE name = 'Linus'`)).toEqual([{ n: 1 }]);
  });

  it('refuses error-level lint findings unless --force, and the report records the override', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_wipe_orders.up.sql': 'DELETE FROM orders;\n',
      'migrations/0005_wipe_orders.down.sql': 'SELECT 1;\n',
    });
    let r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/migrations\/0005_wipe_orders\.up\.sql:1:1: error no-delete-without-where/);
    expect(r.stderr).toContain('refusing to apply: 1 error-level lint finding in pending migrations');
    expect(r.stderr).toContain('--force');
    expect(await tableExists(db, 'migratelint_migrations')).toBe(false);
    expect(lastReport(ws)).toMatchObject({ outcome: 'refused', findings: [{ ruleId: 'no-delete-without-where' }] });

    r = await cli(['apply', '--db', db.url, '--yes', '--force', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: --force: applying despite 1 error-level lint finding');
    expect(lastReport(ws)).toMatchObject({ outcome: 'ok', forced: true, findings: [{ ruleId: 'no-delete-without-where', line: 1 }] });
    expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 0 }]);
  });

  it('--dry-run prints the plan and the SQL and touches nothing', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    const r = await cli(['apply', '--db', db.url, '--dry-run'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Would apply 4 migrations');
    expect(r.stdout).toContain('-- 0001 create_customers  (migrations/0001_create_customers.up.sql)\nBEGIN;\nCREATE TABLE customers (');
    expect(r.stdout).toContain(
      '-- outside a transaction: CREATE INDEX CONCURRENTLY cannot run inside a transaction block\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
    );
    expect(await db.query(`SELECT to_regclass('migratelint_migrations') IS NULL AS a, to_regclass('customers') IS NULL AS b`)).toEqual([{ a: true, b: true }]);
    expect(fs.existsSync(path.join(ws, '.migratelint/backups'))).toBe(false);
    expect(lastReport(ws)).toMatchObject({ outcome: 'dry-run', dryRun: true, pending: ['0001', '0002', '0003', '0004'] });

    const rb = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0001'], ws);
    expect(rb.code).toBe(0);
    const dry = await cli(['rollback', '--db', db.url, '--dry-run'], ws);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would roll back 1 migration');
    expect(dry.stdout).toContain('DROP TABLE customers;');
    expect(await tableExists(db, 'customers')).toBe(true);
  });

  it('status shows drift: a file changed since it was applied, and an applied migration gone from disk', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);
    fs.appendFileSync(path.join(ws, 'migrations/0003_add_customer_email.up.sql'), '-- edited after release\n');
    fs.rmSync(path.join(ws, 'migrations/0004_index_orders_customer.up.sql'));
    fs.rmSync(path.join(ws, 'migrations/0004_index_orders_customer.down.sql'));

    let r = await cli(['status', '--db', db.url], ws);
    expect(r.code).toBe(1);
    expect(lastReport(ws)).toMatchObject({ command: 'status', outcome: 'drift', exitCode: 1 });
    expect(r.stdout).toMatch(/applied\s+0003\s+add_customer_email.*DRIFT: file changed since applied/);
    expect(r.stdout).toMatch(/missing\s+0004\s+index_orders_customer.*DRIFT: applied, but no file on disk/);
    expect(r.stdout).toContain('4 applied, 0 pending, 2 drift');
    r = await cli(['status', '--db', db.url, '--json'], ws);
    const st = JSON.parse(r.stdout);
    expect(st.drift).toBe(2);
    expect(st.migrations.find((m: any) => m.id === '0003').drift).toBe('changed');
    expect(st.migrations.find((m: any) => m.id === '0004')).toMatchObject({ drift: 'missing', state: 'applied' });

    r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: 0003 changed in migrations/0003_add_customer_email.up.sql since it was applied (drift)');

    // The newest applied migration has no file any more: nothing to roll back with.
    r = await cli(['rollback', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('0004 is applied but its file is gone');
    expect(r.stderr).toContain('migratelint restore');
    expect(await tableExists(db, 'orders_customer_id_idx')).toBe(true);
  });

  it('rollback refuses, changing nothing, when a migration on the way has no usable down', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_backfill.up.sql': "UPDATE customers SET email = lower(name) || '@example.com' WHERE email IS NULL;\n",
      'migrations/0006_audit.up.sql': 'CREATE TABLE audit (id int);\n',
      'migrations/0006_audit.down.sql': 'DROP TABLE audit;\n',
    });
    // 0005 has no down file: lint says so (require-downgrade), so it takes --force.
    let r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--force'], ws);
    expect(r.code, r.stderr).toBe(0);
    r = await cli(['rollback', '--db', db.url, '--steps', '2', '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot roll back:');
    expect(r.stderr).toContain('0005 backfill has no down migration');
    expect(r.stderr).toContain('restore a backup');
    // All or nothing: 0006, which has a down, was not rolled back either.
    expect(await tableExists(db, 'audit')).toBe(true);
    expect(lastReport(ws).outcome).toBe('refused');
    r = await cli(['rollback', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await tableExists(db, 'audit')).toBe(false);
  });

  it('a failed CREATE INDEX CONCURRENTLY leaves no INVALID index behind', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_duplicate_ada.up.sql': "INSERT INTO customers (name) VALUES ('Ada');\n",
      'migrations/0005_duplicate_ada.down.sql': "DELETE FROM customers WHERE id > 2 AND name = 'Ada';\n",
      'migrations/0006_unique_names.up.sql': 'CREATE UNIQUE INDEX CONCURRENTLY customers_name_key ON customers (name);\n',
      'migrations/0006_unique_names.down.sql': 'DROP INDEX CONCURRENTLY customers_name_key;\n',
    });
    const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('migrations/0006_unique_names.up.sql:1:1: statement 1 of 1 failed');
    expect(r.stderr).toContain('SQLSTATE 23505');
    expect(r.stderr).toMatch(/dropped the INVALID index .*customers_name_key/);
    expect(
      await db.query(`SELECT to_regclass('customers_name_key') IS NULL AS gone, (SELECT count(*)::int FROM pg_index WHERE NOT indisvalid) AS invalid`),
    ).toEqual([{ gone: true, invalid: 0 }]);
    expect(lastReport(ws).migrations[5]).toMatchObject({ id: '0006', result: 'failed', cleanedUp: [expect.stringContaining('customers_name_key')] });
    const st = JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout);
    expect(st.migrations.find((m: any) => m.id === '0006').state).toBe('pending');
    expect(st.partial).toBe(0);
  });

  it('resumes a migration interrupted right after a statement outside a transaction finished, or half way through it', async () => {
    const db = await backend.fresh();
    const ws = workspace({}, path.join(ROOT, 'fixtures/exec/slow'));
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);
    const prefix2 = crypto.createHash('sha256').update('CREATE TABLE k3 (a int)\0INSERT INTO k3 VALUES (1)').digest('hex');
    // As a kill -9 leaves it when it lands after CREATE INDEX CONCURRENTLY returned but before its progress was written.
    const interrupt = (invalid: boolean) =>
      db.with(async (d) => {
        await d.execute('DELETE FROM k3 WHERE a = 2');
        if (invalid) await d.execute(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'k3_a_idx'::regclass`);
        await d.query(
          `UPDATE migratelint_migrations SET result = 'running', progress = 2, progress_checksum = $1 WHERE id = (SELECT max(id) FROM migratelint_migrations WHERE version = '0003')`,
          [prefix2],
        );
      });
    await interrupt(false);
    let r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: 0003 was interrupted after statement 2 of 5: resuming it there');
    expect(r.stderr).toContain('index "k3_a_idx" already exists and is valid: statement 3 had finished before the interruption');
    expect(lastReport(ws).migrations[0]).toMatchObject({ id: '0003', result: 'applied', resumedFrom: 2 });

    await interrupt(true);
    expect(JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout).migrations[2]).toMatchObject({ state: 'running', progress: 2 });
    r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('dropped the INVALID index "k3_a_idx" left by the interrupted build');
    const [rows, idx] = await db.with((d) =>
      Promise.all([d.query('SELECT a FROM k3 ORDER BY a'), d.query(`SELECT indisvalid AS v FROM pg_index WHERE indexrelid = to_regclass('k3_a_idx')`)]),
    );
    expect(rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(idx).toEqual([{ v: true }]);
  });

}

/** Backups, restore, health and settings: the second half, so that two test files can run them side by side. */
export function backupScenarios(backend: Backend): void {
  it('backup, then restore brings the data and the history back; a damaged backup is refused', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0003'], ws)).code).toBe(0);
    const b = await cli(['backup', '--db', db.url, '--output', 'snap/before-cleanup.bak'], ws);
    expect(b.code, b.stderr).toBe(0);
    const file = path.join(ws, 'snap/before-cleanup.bak');
    expect(b.stdout).toContain(`snap/before-cleanup.bak  ${backend.name === 'pglite' ? 'pglite' : 'pg_dump'}`);
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8'));
    expect(meta.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    expect(lastReport(ws)).toMatchObject({ command: 'backup', outcome: 'ok', backup: { file, sha256: meta.sha256 } });

    // Damage: data gone, a migration applied after the backup.
    await db.query('DELETE FROM orders');
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);

    let r = await cli(['restore', 'snap/before-cleanup.bak', '--db', db.url], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pass --yes');
    r = await cli(['restore', 'snap/before-cleanup.bak', '--db', db.url, '--yes'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('restored snap/before-cleanup.bak');
    expect(r.stderr).toContain('saved the current state first');
    expect(await db.query('SELECT total_cents FROM orders ORDER BY id')).toEqual([{ total_cents: 1200 }, { total_cents: 4500 }]);
    expect(lastReport(ws)).toMatchObject({ command: 'restore', outcome: 'ok', restoredFrom: { sha256: meta.sha256 } });
    const st = JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout);
    expect(st).toMatchObject({ applied: 3, pending: 1 });

    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff;
    fs.writeFileSync(file, bytes);
    r = await cli(['restore', file, '--db', db.url, '--yes'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('checksum mismatch');
    expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 2 }]);

    r = await cli(['backups', '--verify'], ws);
    expect(r.code).toBe(0); // the damaged one was written with --output, outside the backup directory
  });

  it('backups lists size, time and checksum, and prunes by retention', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    expect((await cli(['apply', '--db', db.url, '--yes', '--to', '0001'], ws)).code).toBe(0);
    expect((await cli(['apply', '--db', db.url, '--yes', '--to', '0002'], ws)).code).toBe(0);
    // (these two back up before applying; that is what is listed below)
    expect((await cli(['backup', '--db', db.url], ws)).code).toBe(0);
    let r = await cli(['backups', '--json'], ws);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout).backups;
    expect(list).toHaveLength(3);
    for (const b of list) {
      expect(b.bytes).toBe(fs.statSync(b.file).size);
      expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Date.parse(b.createdAt)).toBeGreaterThan(0);
    }
    expect(list.map((b: any) => b.reason)).toEqual(['manual', 'before apply', 'before apply']);
    r = await cli(['backups'], ws);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(r.stdout).toMatch(/\d+(\.\d)? (KiB|MiB) +(pglite|pg_dump) +[0-9a-f]{12} +\.migratelint\/backups\/\S+ +\(manual\)/);

    // Retention after an apply's backup: --keep-backups.
    r = await cli(['apply', '--db', db.url, '--yes', '--to', '0003', '--keep-backups', '3'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`pruned old backup ${list[2].file}`);
    expect(fs.existsSync(list[2].file)).toBe(false);

    // A damaged backup in the directory shows up with --verify (exit 1).
    const victim = list[1].file;
    fs.appendFileSync(victim, 'x');
    r = await cli(['backups', '--verify'], ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DAMAGED');

    r = await cli(['backups', '--prune', '--keep', '1', '--yes'], ws);
    expect(r.code).toBe(0);
    r = await cli(['backups', '--json'], ws);
    expect(JSON.parse(r.stdout).backups.map((b: any) => b.reason)).toEqual(['before apply']);
    expect(fs.existsSync(victim)).toBe(false);
    expect(fs.existsSync(`${victim}.json`)).toBe(false);
    expect((await cli(['backups', '--prune'], ws)).code).toBe(2);
  });

  it('--tables-only backs up the rows of the tables the pending migrations touch, with COPY, and restore puts them back', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_zero_totals.up.sql': 'UPDATE orders SET total_cents = 0 WHERE total_cents > 0;\n',
      'migrations/0005_zero_totals.down.sql': 'SELECT 1;\n',
    });
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0004'], ws)).code).toBe(0);
    const r = await cli(['apply', '--db', db.url, '--yes', '--tables-only'], ws);
    expect(r.code, r.stderr).toBe(0);
    const report = lastReport(ws);
    expect(report.backup.kind).toBe('logical');
    const meta = JSON.parse(fs.readFileSync(`${report.backup.file}.json`, 'utf8'));
    expect(meta.tables).toEqual(['"public"."orders"']);
    expect(fs.readFileSync(report.backup.file, 'utf8')).toContain('COPY "public"."orders" ("id", "customer_id", "total_cents") FROM stdin;\n1\t1\t1200\n2\t2\t4500\n\\.\n');
    expect(await db.query('SELECT sum(total_cents)::int AS s FROM orders')).toEqual([{ s: 0 }]);

    const back = await cli(['restore', report.backup.file, '--db', db.url, '--yes'], ws);
    expect(back.code, back.stderr).toBe(0);
    expect(await db.query('SELECT id::int AS id, total_cents FROM orders ORDER BY id')).toEqual([
      { id: 1, total_cents: 1200 },
      { id: 2, total_cents: 4500 },
    ]);
    // A logical restore puts rows back; it leaves the schema and the history as they are.
    expect(JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout).applied).toBe(5);
  });

  it('health checks connection, version, history table, lock, disk and pending', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    // A never-migrated database is healthy: `health && apply` must be able to do the first deploy.
    let r = await cli(['health', '--db', db.url, '--json'], ws);
    expect(r.code, r.stdout).toBe(0);
    let h = JSON.parse(r.stdout);
    expect(h.healthy).toBe(true);
    expect(h.checks.find((c: any) => c.name === 'migration table')).toMatchObject({ ok: true, detail: expect.stringContaining('no migrations applied yet') });
    expect(h.checks.find((c: any) => c.name === 'connection')).toMatchObject({ ok: true });
    expect(lastReport(ws)).toMatchObject({ command: 'health', outcome: 'ok', health: { healthy: true } });

    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0003'], ws)).code).toBe(0);
    r = await cli(['health', '--db', db.url], ws);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('healthy');
    expect(r.stdout).toMatch(/ok {4}server version +PostgreSQL \d+/);
    expect(r.stdout).toMatch(/ok {4}lock +free/);
    expect(r.stdout).toMatch(/ok {4}backup disk +[\d.]+ [KMGT]iB free/);
    expect(r.stdout).toMatch(/ok {4}pending +1 pending/);
    h = JSON.parse((await cli(['health', '--db', db.url, '--json'], ws)).stdout);
    expect(h).toMatchObject({ healthy: true, pending: 1 });
    expect(h.freeBytes).toBeGreaterThan(0);
  });

  it('runs each migration with lock_timeout and statement_timeout set, and resets them after', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_settings.up.sql':
        "CREATE TABLE seen_settings AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout;\n",
      'migrations/0005_settings.down.sql': 'DROP TABLE seen_settings;\n',
      'migrations/0006_sets_its_own.up.sql': "SET search_path TO nowhere_at_all;\nSET lock_timeout = '42s';\nCREATE TABLE public.marker (id int);\n",
      'migrations/0006_sets_its_own.down.sql': 'DROP TABLE public.marker;\n',
      'migrations/0007_after_it.up.sql':
        "CREATE TABLE seen_after AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('search_path') AS search_path;\n",
      'migrations/0007_after_it.down.sql': 'DROP TABLE seen_after;\n',
    });
    // PGlite cannot stop a running statement, so a statement_timeout is refused there rather than silently not kept.
    const server = backend.name === 'postgres';
    if (!server) {
      const refused = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--statement-timeout', '2m'], ws);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--statement-timeout: the embedded PGlite database .* cannot stop a running statement/);
    }
    const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--lock-timeout', '1500ms', ...(server ? ['--statement-timeout', '2m'] : [])], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('7 migrations applied');
    const [seen, after] = await db.with((d) => Promise.all([d.query('SELECT * FROM seen_settings'), d.query('SELECT * FROM seen_after')]));
    expect(seen).toEqual([{ lock_timeout: '1500ms', statement_timeout: server ? '2min' : '0' }]);
    // What 0006 SET itself did not leak into 0007.
    expect(after[0].lock_timeout).toBe('1500ms');
    expect(after[0].search_path).toMatch(/public/);
    expect(after[0].search_path).not.toContain('nowhere');
  });

  it('rejects usage mistakes with one line and exit 2', async () => {
    const ws = workspace();
    for (const [args, message] of [
      [['apply', '--db', 'mysql://x'], '--db: expected pglite:<dir>, pglite:memory or postgres://'],
      [['apply', '--bogus'], "Unknown option '--bogus'"],
      [['apply', 'nope'], 'nope: no such file or directory'],
      [['rollback', '--steps', '0'], '--steps expects a positive whole number'],
      [['rollback', '--steps', '1', '--to', '0001'], 'rollback takes --to or --steps, not both'],
      [['apply', '--lock-timeout', 'soon'], '--lock-timeout expects a duration'],
      [['restore'], 'restore needs one backup file'],
      [['backups', '--keep', '3'], '--keep and --max-age go with --prune'],
    ] as const) {
      const r = await cli([...args], ws);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const empty = workspace();
    fs.rmSync(path.join(empty, 'migrations'), { recursive: true });
    const r = await cli(['apply'], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no migrations directory found');
    expect(reports(empty)).toEqual([]);
  });
}
