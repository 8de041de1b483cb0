import { afterAll, describe, expect, it } from 'vitest';
import { trialCheck, referencedRoles } from '../../src/validate/trial.js';
import type { Migration } from '../../src/ir/types.js';
import { cleanup, closeSharedTrialDb, migrationsOf, sharedTrialDb } from './helpers.js';

afterAll(async () => {
  await closeSharedTrialDb();
  cleanup();
});

const gm = (v: string, name: string, up: string, down?: string) => ({
  [`migrations/${v}_${name}.up.sql`]: up,
  ...(down === undefined ? {} : { [`migrations/${v}_${name}.down.sql`]: down }),
});

async function trial(files: Record<string, string>, options: { pgVersion?: number } = {}) {
  const { migrations } = await migrationsOf(files);
  return trialCheck(migrations, { driver: await sharedTrialDb(), ...options });
}

const brief = (r: Awaited<ReturnType<typeof trial>>) => r.findings.map((f) => [f.ruleId, f.message]);

describe('trial run', () => {
  it('passes a clean history: up, every down compared, up again', async () => {
    const r = await trial({
      ...gm('000001', 'accounts', 'CREATE EXTENSION IF NOT EXISTS citext;\nCREATE TABLE accounts (id bigint PRIMARY KEY, email citext NOT NULL);', 'DROP TABLE accounts;\nDROP EXTENSION citext;'),
      ...gm('000002', 'role', "CREATE TYPE role AS ENUM ('member', 'admin');\nALTER TABLE accounts ADD COLUMN role role NOT NULL DEFAULT 'member';", 'ALTER TABLE accounts DROP COLUMN role;\nDROP TYPE role;'),
      ...gm('000003', 'index', 'CREATE INDEX CONCURRENTLY accounts_role_idx ON accounts (role);', 'DROP INDEX CONCURRENTLY accounts_role_idx;'),
      ...gm(
        '000004',
        'view',
        "CREATE VIEW admins AS SELECT id, email FROM accounts WHERE role = 'admin';\nGRANT SELECT ON admins TO reporting;\nCREATE POLICY own ON accounts TO app_user USING (true);",
        'DROP POLICY own ON accounts;\nDROP VIEW admins;',
      ),
    });
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.summary).toMatch(/^4 migrations applied on PostgreSQL \d+\.\d+ \(PGlite [\d.]+\), 4 downs rolled back and compared$/);
    expect(r.data?.groups).toEqual([{ folder: 'migrations', migrations: 4, up: 4, down: 4, reup: 4, notes: [] }]);
    expect((r.data?.timings as { snapshots: number }).snapshots).toBe(4 + 1 + 4 + 1);
  });

  it('names a column a down leaves behind, at the down file, with both tables', async () => {
    const r = await trial({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY);', 'DROP TABLE users;'),
      ...gm('000042', 'add_tenant', 'ALTER TABLE users ADD COLUMN tenant_id bigint;\nALTER TABLE users ADD COLUMN plan text;', '-- forgot tenant_id\nALTER TABLE users DROP COLUMN plan;'),
    });
    expect(r.status).toBe('failed');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      ruleId: 'validate/trial-down-leaves-schema',
      message: 'down of 000042_add_tenant leaves column users.tenant_id behind',
      file: 'migrations/000042_add_tenant.down.sql',
      range: { start: { line: 2, column: 1 } },
    });
    expect(r.findings[0].details).toEqual([
      { label: 'before the up', lines: ['table users (', '  id bigint NOT NULL', '  CONSTRAINT users_pkey PRIMARY KEY (id)', ')'] },
      { label: 'after the down', lines: ['table users (', '  id bigint NOT NULL', '  tenant_id bigint', '  CONSTRAINT users_pkey PRIMARY KEY (id)', ')'] },
    ]);
  });

  it('names a down that does not restore an index, or restores a column with another type', async () => {
    const r = await trial({
      ...gm('000001', 'orders', 'CREATE TABLE orders (id bigint PRIMARY KEY, email text, total int);\nCREATE INDEX orders_idx ON orders (total);', 'DROP TABLE orders;'),
      ...gm('000002', 'reshape', 'DROP INDEX orders_idx;\nALTER TABLE orders DROP COLUMN email;', 'ALTER TABLE orders ADD COLUMN email varchar(255);'),
    });
    expect(brief(r)).toEqual([
      ['validate/trial-down-leaves-schema', 'down of 000002_reshape does not restore index orders_idx'],
      ['validate/trial-down-leaves-schema', 'down of 000002_reshape changes column orders.email type from text to character varying(255)'],
    ]);
  });

  it('reports a statement PostgreSQL rejects at its line and column, and still tries the earlier downs', async () => {
    const r = await trial({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, tenant_id bigint);', 'DROP TABLE users;'),
      ...gm('000002', 'backfill', '-- typo below\nUPDATE users\n   SET tennant_id = 1\n WHERE tenant_id IS NULL;', 'SELECT 1;'),
      ...gm('000003', 'later', 'CREATE TABLE later (id int);', 'DROP TABLE later;'),
    });
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(f).toMatchObject({
      ruleId: 'validate/trial-up-failed',
      message: 'up of 000002_backfill fails on PostgreSQL: column "tennant_id" of relation "users" does not exist (SQLSTATE 42703)',
      file: 'migrations/000002_backfill.up.sql',
      range: { start: { line: 3, column: 8 } },
    });
    expect(f.details?.[0]).toEqual({ label: 'statement 1 of 1', lines: ['UPDATE users', '   SET tennant_id = 1', ' WHERE tenant_id IS NULL'] });
    expect(r.summary).toMatch(/^1 of 3 migrations applied on .*, 1 down rolled back and compared, 1 problem$/);
    expect(r.data?.notes).toEqual(['migrations: the up phase stopped at 000002_backfill; 1 later migration not applied']);
  });

  it('reports a missing table and a bad type the parser accepts', async () => {
    const r = await trial({
      ...gm('000001', 'a', 'ALTER TABLE nope ADD COLUMN x int;', 'SELECT 1;'),
    });
    expect(brief(r)).toEqual([['validate/trial-up-failed', 'up of 000001_a fails on PostgreSQL: relation "nope" does not exist (SQLSTATE 42P01)']]);
    const types = await trial({ ...gm('000001', 'b', 'CREATE TABLE b (id bigint, at timestampz);', 'DROP TABLE b;') });
    expect(types.findings[0].message).toBe('up of 000001_b fails on PostgreSQL: type "timestampz" does not exist (SQLSTATE 42704)');
    expect(types.findings[0].range?.start).toEqual({ line: 1, column: 31 });
  });

  it('runs a statement the parser rejects as written, so PostgreSQL names the syntax error', async () => {
    const r = await trial({ ...gm('000001', 'typo', 'CREATE TABLE ok (id int);\nCREAT TABLE broken (id int);', 'DROP TABLE ok;') });
    expect(r.findings.map((f) => [f.ruleId, f.message, f.range?.start])).toEqual([
      ['validate/trial-up-failed', 'up of 000001_typo fails on PostgreSQL: syntax error at or near "CREAT" (SQLSTATE 42601)', { line: 2, column: 1 }],
    ]);
  });

  it('reports a failing down and stops the down phase there', async () => {
    const r = await trial({
      ...gm('000001', 'a', 'CREATE TABLE a (id int);', 'DROP TABLE a;'),
      ...gm('000002', 'b', 'CREATE TABLE b (id int);', 'DROP TABLE bb;'),
    });
    expect(brief(r)).toEqual([['validate/trial-down-failed', 'down of 000002_b fails on PostgreSQL: table "bb" does not exist (SQLSTATE 42P01)']]);
    expect(r.data?.notes).toEqual(['migrations: the down phase stopped at 000002_b; downs of the 1 migration before it not tried']);
  });

  it('stops the down phase at a migration with no down (the reversibility check names it)', async () => {
    const r = await trial({
      ...gm('000001', 'a', 'CREATE TABLE a (id int);', 'DROP TABLE a;'),
      ...gm('000002', 'b', 'CREATE TABLE b (id int);'),
      ...gm('000003', 'c', 'CREATE TABLE c (id int);', 'DROP TABLE c;'),
    });
    expect(r.status).toBe('passed');
    expect(r.data?.groups).toMatchObject([{ up: 3, down: 1, reup: 1 }]);
    expect(r.data?.notes).toEqual(['migrations: the down phase stopped at 000002_b (down missing); downs of the 1 migration before it not tried']);
  });

  it('reports an up that fails when applied again because its down left something behind', async () => {
    const r = await trial({
      ...gm('000001', 'mood', "CREATE TYPE mood AS ENUM ('ok');\nCREATE TABLE t (m mood);", 'DROP TABLE t;'),
    });
    expect(brief(r)).toEqual([
      ['validate/trial-down-leaves-schema', 'down of 000001_mood leaves type mood behind'],
      ['validate/trial-reapply-failed', 'up of 000001_mood fails when applied again after its down: type "mood" already exists (SQLSTATE 42710)'],
    ]);
  });

  it('says which extension the embedded PostgreSQL lacks', async () => {
    const r = await trial({ ...gm('000001', 'geo', 'CREATE EXTENSION postgis;', 'DROP EXTENSION postgis;') });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      ruleId: 'validate/trial-extension-unavailable',
      message: 'up of 000001_geo fails on PostgreSQL: extension "postgis" is not available in the embedded PostgreSQL (PGlite)',
    });
    expect(r.findings[0].hint).toContain('--trial-db');
  });

  it('refuses a migration that commits part of itself', async () => {
    const r = await trial({ ...gm('000001', 'a', 'CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);', 'DROP TABLE b;\nDROP TABLE a;') });
    expect(r.findings.map((f) => [f.ruleId, f.file, f.range?.start.line])).toEqual([['validate/trial-cannot-run', 'migrations/000001_a.up.sql', 2]]);
    expect(r.findings[0].message).toMatch(/^up of 000001_a cannot run as one migration: COMMIT inside a migration/);
  });

  it('runs each folder on an empty database, dbmate sections without a transaction, and notes other formats', async () => {
    const r = await trial({
      ...gm('000001', 'a', 'CREATE TABLE shared_name (id int);', 'DROP TABLE shared_name;'),
      'db/migrations/20240101000000_a.sql': '-- migrate:up\nCREATE TABLE shared_name (id int);\n\n-- migrate:down\nDROP TABLE shared_name;\n',
      'db/migrations/20240102000000_b.sql':
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY shared_name_idx ON shared_name (id);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY shared_name_idx;\n',
      'flyway/V1__base.sql': 'CREATE TABLE f (id int);',
      'flyway/R__view.sql': 'CREATE OR REPLACE VIEW fv AS SELECT id FROM f;',
      'alembic/versions/aaa_x.py': "from alembic import op\nrevision = 'aaa'\ndown_revision = None\n\ndef upgrade():\n    op.execute('SELECT 1')\n\ndef downgrade():\n    op.execute('SELECT 1')\n",
    }, { pgVersion: 14 });
    expect(r.findings).toEqual([]);
    expect(r.data?.groups).toMatchObject([
      { folder: 'db/migrations', up: 2, down: 2, reup: 2 },
      { folder: 'flyway', up: 1, down: 0 },
      { folder: 'migrations', up: 1, down: 1, reup: 1 },
    ]);
    expect(r.data?.notes).toEqual([
      'flyway: flyway migrations have no down migrations; down phase not run',
      "1 code migration (alembic) not trialled: their SQL is migratelint's rendering of builder calls",
      expect.stringMatching(/^the trial ran on PostgreSQL 18\.\d+ \(PGlite [\d.]+\); production is PostgreSQL 14 \(see pgVersion\), so syntax or behaviour new in 18 passes here$/),
    ]);
    const failing = await trial({ 'flyway/V1__base.sql': 'CREATE TABLE f (id int);', 'flyway/R__view.sql': 'CREATE VIEW fv AS SELECT nope FROM f;' });
    expect(brief(failing)).toEqual([['validate/trial-up-failed', 'up of R__view fails on PostgreSQL: column "nope" does not exist (SQLSTATE 42703)']]);
  });

  it('skips when there is no SQL migration to run', async () => {
    const r = await trialCheck([] as Migration[]);
    expect(r).toMatchObject({ status: 'skipped', summary: 'no migrations' });
  });
});

describe('referencedRoles', () => {
  it('lists roles statements name but no migration creates', async () => {
    const { migrations } = await migrationsOf({
      ...gm(
        '000001',
        'a',
        'CREATE ROLE app_owner;\nGRANT SELECT ON t TO reporting, PUBLIC;\nALTER TABLE t OWNER TO app_owner;\nCREATE POLICY p ON t TO app_user USING (true);\nCREATE SCHEMA s AUTHORIZATION CURRENT_USER;',
        'REVOKE SELECT ON t FROM auditor;',
      ),
    });
    expect(referencedRoles(migrations)).toEqual(['app_user', 'auditor', 'reporting']);
  });
});
