import { afterAll, describe, expect, it } from 'vitest';
import { trialCheck, referencedRoles } from '../../src/validate/trial.js';
import type { Migration } from '../../src/ir/types.js';
import { cleanup, closeSharedTrialDb, migrationsOf, sharedTrialDb, gm } from './helpers.js';

afterAll(async () => {
  await closeSharedTrialDb();
  cleanup();
});

async function trial(files: Record<string, string>, options: { pgVersion?: number } = {}) {
  const { migrations } = await migrationsOf(files);
  return trialCheck(migrations, { driver: await sharedTrialDb(), ...options });
}

const brief = (r: Awaited<ReturnType<typeof trial>>) => r.findings.map((f) => [f.ruleId, f.message]);

// Generous: the first test opens the embedded database, and CI machines are often shared.
describe('trial run', { timeout: 120_000 }, () => {
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
    expect(r.summary).toMatch(/^PostgreSQL \d+\.\d+ \(PGlite [\d.]+\): 4 ups, 4 downs compared$/);
    // A row in accounts before the cycle of 000002, which alters it (000003 runs step by step,
    // without; 000004 only reads it).
    const data = { tables: 1, rows: 1, checked: 1, notFilled: [] };
    expect(r.data?.groups).toEqual([{ folder: 'migrations', migrations: 4, up: 4, down: 4, reup: 4, hasDowns: true, notTried: [], notes: [], data }]);
    // One before the first migration, then per migration after its down (a hash) and after its up (the next one's
    // "before"); the CONCURRENTLY one runs step by step and also compares its up again with its first up.
    expect((r.data?.timings as { snapshots: number }).snapshots).toBe(1 + 4 * 2 + 1);
  });

  it('names a column a down leaves behind, at the down file, with both tables', async () => {
    const r = await trial({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY);', 'DROP TABLE users;'),
      ...gm('000042', 'add_tenant', 'ALTER TABLE users ADD COLUMN tenant_id bigint;\nALTER TABLE users ADD COLUMN plan text;', '-- forgot tenant_id\nALTER TABLE users DROP COLUMN plan;'),
    });
    expect(r.status).toBe('failed');
    expect(brief(r)).toEqual([
      ['validate/trial-down-leaves-schema', 'down of 000042_add_tenant leaves column users.tenant_id behind'],
      ['validate/trial-reapply-failed', 'up of 000042_add_tenant fails when applied again after its down: column "tenant_id" of relation "users" already exists (SQLSTATE 42701)'],
    ]);
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
      ['validate/trial-down-column-order', 'down of 000002_reshape moves column orders.email to the end (before the up it came after id)'],
      ['validate/trial-reapply-failed', 'up of 000002_reshape fails when applied again after its down: index "orders_idx" does not exist (SQLSTATE 42704)'],
    ]);
  });

  it('reports a statement PostgreSQL rejects at its line and column, and still tries the later migrations', async () => {
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
    expect(r.summary).toMatch(/: 2 of 3 ups, 2 downs compared; 1 problem$/);
    expect(r.data?.groups).toMatchObject([{ up: 2, down: 2, notTried: [] }]);
  });

  it('lists a later migration that fails for want of what a failed one creates as not tried, depending on it', async () => {
    const r = await trial({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, at timestampz);', 'DROP TABLE users;'),
      ...gm('000002', 'index', 'CREATE INDEX users_at ON users (at);', 'DROP INDEX users_at;'),
      ...gm('000003', 'other', 'CREATE TABLE other (id int);', 'DROP TABLE other;'),
      ...gm('000004', 'typo', 'CREAT TABLE x (id int);', 'SELECT 1;'),
    });
    expect(brief(r)).toEqual([
      ['validate/trial-up-failed', 'up of 000001_users fails on PostgreSQL: type "timestampz" does not exist (SQLSTATE 42704)'],
      ['validate/trial-up-failed', 'up of 000004_typo fails on PostgreSQL: syntax error at or near "CREAT" (SQLSTATE 42601)'],
    ]);
    expect(r.data?.groups).toMatchObject([
      {
        up: 1,
        down: 1,
        notTried: [{ id: '000002', label: '000002_index', part: 'up', reason: 'depends on 000001_users, whose up failed (relation "users" does not exist)' }],
      },
    ]);
    expect(r.summary).toMatch(/: 1 of 4 ups, 1 down compared, 1 not tried: 000002_index \(depends on 000001_users, whose up failed \(relation "users" does not exist\)\); 2 problems$/);
  });

  it('names the migration that would have made the missing table, not merely the last one with a call not lowered', async () => {
    const alembic = (rev: string, down: string, up: string) =>
      `from alembic import op\n\nrevision = '${rev}'\ndown_revision = ${down}\n\n\ndef upgrade():\n    ${up}\n\n\ndef downgrade():\n    op.execute('SELECT 1')\n`;
    const r = await trial({
      'alembic/versions/a1_orders.py': alembic('a1', 'None', "op.execute('CREATE TABLE orders (id bigint PRIMARY KEY, at timestampz)')"),
      'alembic/versions/b2_later.py': alembic('b2', "'a1'", "op.execute('CREATE VIEW open_orders AS SELECT id FROM orders')"),
      'alembic/versions/c3_opaque.py': alembic('c3', "'b2'", 'op.execute(build_sql())'),
      'alembic/versions/d4_index.py': alembic('d4', "'c3'", "op.execute('CREATE INDEX open_orders_idx ON orders (id)')"),
      'alembic/versions/e5_report.py': alembic('e5', "'d4'", "op.execute('SELECT * FROM open_orders')"),
    });
    expect(brief(r)).toEqual([['validate/trial-up-failed', 'up of a1_orders fails on PostgreSQL: type "timestampz" does not exist (SQLSTATE 42704)']]);
    const notTried = (r.data?.groups as { notTried: { label: string; part: string; reason: string }[] }[])[0].notTried;
    expect(notTried.filter((n) => n.part === 'up' && !n.reason.startsWith('not lowered')).map((n) => [n.label, n.reason])).toEqual([
      ['b2_later', 'depends on a1_orders, whose up failed (relation "orders" does not exist)'],
      // After c3's call that was not lowered, still a1: its up is what would have made "orders".
      ['d4_index', 'depends on a1_orders, whose up failed (relation "orders" does not exist)'],
      // A view the up of b2 would have made, which did not run either.
      ['e5_report', 'depends on b2_later, whose up did not run (relation "open_orders" does not exist)'],
    ]);
  });

  it('a history that starts from a schema made outside its migrations: not tried, said so, never a failure of the project', async () => {
    // redash: the app creates its tables (create_all); the first migration alters one.
    const r = await trial({
      ...gm('000001', 'draft', 'ALTER TABLE queries ADD COLUMN is_draft boolean;', 'ALTER TABLE queries DROP COLUMN is_draft;'),
      ...gm('000002', 'favorites', 'CREATE TABLE favorites (id int, query_id int);', 'DROP TABLE favorites;'),
      ...gm('000003', 'users', 'ALTER TABLE users ADD COLUMN details json;', 'ALTER TABLE users DROP COLUMN details;'),
      ...gm('000004', 'typo', 'ALTER TABLE favorite ADD COLUMN org_id int;', 'SELECT 1;'),
      // Its down drops an index of that schema.
      ...gm('000005', 'reindex', 'SELECT 1;', 'DROP INDEX ix_queries_search;'),
    });
    const [group] = r.data?.groups as { up: number; notes: string[]; notTried: { label: string; part: string; reason: string }[] }[];
    expect(group.notTried.map((n) => [n.label, n.part, n.reason])).toEqual([
      ['000001_draft', 'up', 'needs the schema the history starts from, made outside its migrations (relation "queries" does not exist)'],
      ['000003_users', 'up', 'needs the schema the history starts from, made outside its migrations (relation "users" does not exist)'],
      // The history makes no "favorite" either: once it is known to start from a schema of its own, that is all that can be said.
      ['000004_typo', 'up', 'needs the schema the history starts from, made outside its migrations (relation "favorite" does not exist)'],
      ['000005_reindex', 'down', 'needs the schema the history starts from, made outside its migrations (index "ix_queries_search" does not exist)'],
    ]);
    expect(group.notes).toEqual([
      'migrations: the history does not start from an empty database: 000001_draft needs relation "queries", which none of its migrations makes (a schema made outside them, by the application or a dump); the trial cannot run what needs it',
    ]);
    expect(r.findings).toEqual([]);
    expect(group.up).toBe(2);
    expect(r.status).toBe('partial');
  });

  it("lists a down that fails for want of what its up's calls not lowered would have made as not tried", async () => {
    const r = await trial({
      'alembic/versions/a1_base.py': "from alembic import op\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    op.execute('CREATE TABLE t (id int)')\n\n\ndef downgrade():\n    op.execute('DROP TABLE t')\n",
      'alembic/versions/b2_index.py':
        "from alembic import op\n\nrevision = 'b2'\ndown_revision = 'a1'\n\n\ndef upgrade():\n    op.execute(index_sql())\n\n\ndef downgrade():\n    op.drop_index('ix_t_id', table_name='t')\n",
    });
    expect(r.findings).toEqual([]);
    const [group] = r.data?.groups as { notTried: { label: string; part: string; reason: string }[] }[];
    expect(group.notTried.filter((n) => n.part === 'down').map((n) => [n.label, n.reason])).toEqual([
      ['b2_index', 'needs what the parts of its up the trial could not run (not lowered, or with values known only at run time) would have made (index "ix_t_id" does not exist)'],
    ]);
  });

  it('reports a missing table once the history has made tables, and a bad type the parser accepts', async () => {
    const r = await trial({
      ...gm('000001', 'a', 'CREATE TABLE a (id int);', 'DROP TABLE a;'),
      ...gm('000002', 'b', 'ALTER TABLE nope ADD COLUMN x int;', 'SELECT 1;'),
    });
    expect(brief(r)).toEqual([['validate/trial-up-failed', 'up of 000002_b fails on PostgreSQL: relation "nope" does not exist (SQLSTATE 42P01)']]);
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

  it('reports a failing down on its migration and goes on from what its up left', async () => {
    const r = await trial({
      ...gm('000001', 'a', 'CREATE TABLE a (id int);', 'DROP TABLE a;'),
      ...gm('000002', 'b', 'CREATE TABLE b (id int);', 'DROP TABLE bb;'),
      ...gm('000003', 'c', 'ALTER TABLE b ADD COLUMN c int;', 'ALTER TABLE b DROP COLUMN c;'),
    });
    expect(brief(r)).toEqual([['validate/trial-down-failed', 'down of 000002_b fails on PostgreSQL: table "bb" does not exist (SQLSTATE 42P01)']]);
    expect(r.data?.groups).toMatchObject([{ up: 3, down: 2, reup: 2, notTried: [] }]);
  });

  it('lists a migration without a down as not tried, compares the others, and is partial rather than passed', async () => {
    const r = await trial({
      ...gm('000001', 'a', 'CREATE TABLE a (id int);', 'DROP TABLE a;'),
      ...gm('000002', 'b', 'CREATE TABLE b (id int);'),
      ...gm('000003', 'c', 'CREATE TABLE c (id int);', 'DROP TABLE c;'),
    });
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('partial');
    expect(r.data?.groups).toMatchObject([{ up: 3, down: 2, reup: 2, notTried: [{ id: '000002', label: '000002_b', part: 'down', reason: 'no down migration' }] }]);
    expect(r.summary).toMatch(/: 3 ups, 2 downs compared, 1 not tried: 000002_b down \(no down migration\)$/);
  });

  it('goes past an empty down in the middle: compared after a data-only up, not tried after a schema change', async () => {
    const r = await trial({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, plan text);', 'DROP TABLE users;'),
      ...gm('000002', 'backfill', "UPDATE users SET plan = 'free' WHERE plan IS NULL;", '-- nothing to undo\n'),
      ...gm('000003', 'index', 'CREATE INDEX users_plan ON users (plan);', ''),
      ...gm('000004', 'orders', 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);', 'DROP TABLE orders;\nALTER TABLE users DROP COLUMN plan;'),
    });
    // The old trial stopped its down phase at 000003, so 000004's down was never compared.
    expect(brief(r)).toEqual([
      ['validate/trial-down-leaves-schema', 'down of 000004_orders does not restore column users.plan'],
      ['validate/trial-down-leaves-schema', 'down of 000004_orders does not restore index users_plan'],
      // The rows generated before its cycle had values in it (--trial-data).
      ['validate/trial-down-loses-data', 'down of 000004_orders loses data the up did not create: column users.plan with its values in 1 row (the up did not add it)'],
    ]);
    expect(r.data?.groups).toMatchObject([{ up: 4, down: 3, notTried: [{ id: '000003', part: 'down', reason: 'its down is empty, and the up changes the schema' }] }]);
    expect(r.status).toBe('failed');
  });

  it('finds a down that re-adds a column at the end on its own migration, not later in a SELECT * view', async () => {
    const r = await trial({
      ...gm('000001', 'person', 'CREATE TABLE person (id int PRIMARY KEY, name text, inbox_url text, bio text);', 'DROP TABLE person;'),
      ...gm('000002', 'drop_inbox', 'ALTER TABLE person DROP COLUMN inbox_url;', 'ALTER TABLE person ADD COLUMN inbox_url text;'),
      ...gm('000003', 'alias', 'CREATE VIEW person_alias_1 AS SELECT * FROM person;', 'DROP VIEW person_alias_1;'),
      ...gm('000004', 'more', 'ALTER TABLE person ADD COLUMN banned boolean;', 'ALTER TABLE person DROP COLUMN banned;'),
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.file, f.message])).toEqual([
      [
        'validate/trial-down-column-order',
        'warn',
        'migrations/000002_drop_inbox.down.sql',
        'down of 000002_drop_inbox moves column person.inbox_url to the end (before the up it came after name)',
      ],
    ]);
    expect(r.findings[0].details?.map((d) => d.lines.slice(1, 5))).toEqual([
      ['  id integer NOT NULL', '  name text', '  inbox_url text', '  bio text'],
      ['  id integer NOT NULL', '  name text', '  bio text', '  inbox_url text'],
    ]);
    expect(r.status).toBe('passed');
  });

  it('says a view a down recreates with other columns in its columns, on that down (lemmy\'s user_alias)', async () => {
    const r = await trial({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, name text, inbox text);\nCREATE VIEW user_alias AS SELECT id, name FROM users;', 'DROP VIEW user_alias;\nDROP TABLE users;'),
      ...gm(
        '000002',
        'drop_inbox',
        'DROP VIEW user_alias;\nALTER TABLE users DROP COLUMN inbox;\nCREATE VIEW user_alias AS SELECT id, name FROM users;',
        'DROP VIEW user_alias;\nALTER TABLE users ADD COLUMN inbox text;\nCREATE VIEW user_alias AS SELECT id, name, inbox FROM users;',
      ),
      ...gm('000003', 'nick', 'ALTER TABLE users ADD COLUMN nick text;', 'ALTER TABLE users DROP COLUMN nick;'),
    });
    expect(brief(r)).toEqual([['validate/trial-down-leaves-schema', 'down of 000002_drop_inbox recreates view user_alias with a column more: inbox']]);
  });

  it('runs migrations that read or write the tool\'s own history table', async () => {
    const r = await trial({
      'migrations/00000000000000_diesel_initial_setup/up.sql': 'CREATE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$ BEGIN END $$ LANGUAGE plpgsql;',
      'migrations/00000000000000_diesel_initial_setup/down.sql': 'DROP FUNCTION IF EXISTS diesel_manage_updated_at(_tbl regclass);',
      'migrations/2025-08-01-000017_forbid_diesel_cli/up.sql':
        "CREATE FUNCTION forbid_diesel_cli() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'use the project runner'; END $$;\n" +
        'CREATE TRIGGER forbid_diesel_cli BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON __diesel_schema_migrations EXECUTE FUNCTION forbid_diesel_cli();\n',
      'migrations/2025-08-01-000017_forbid_diesel_cli/down.sql': 'DROP FUNCTION forbid_diesel_cli CASCADE;',
      'migrations/2025-08-01-000018_count/up.sql': 'CREATE TABLE seen AS SELECT count(*) AS n FROM __diesel_schema_migrations;',
      'migrations/2025-08-01-000018_count/down.sql': 'DROP TABLE seen;',
    });
    expect(r.findings).toEqual([]);
    expect(r.data?.groups).toMatchObject([{ up: 3, down: 3 }]);
  });

  it('pairs a PostgreSQL up with the generic down of the same version (ory popx), and leaves other databases out', async () => {
    const r = await trial({
      'migrations/20150101000001000000_networks.postgres.up.sql': 'CREATE TABLE networks (id uuid PRIMARY KEY);\nCREATE INDEX networks_a ON networks (id);',
      'migrations/20150101000001000000_networks.mysql.up.sql': 'CREATE TABLE networks (id char(36) PRIMARY KEY) ENGINE=InnoDB;',
      'migrations/20150101000001000000_networks.cockroach.up.sql': 'CREATE TABLE networks (id UUID PRIMARY KEY);',
      'migrations/20150101000001000000_networks.down.sql': 'DROP TABLE networks;',
      'migrations/20150101000002000000_flow.postgres.up.sql': 'DROP INDEX networks_a;\nCREATE INDEX networks_b ON networks (id);',
      'migrations/20150101000002000000_flow.down.sql': 'CREATE INDEX networks_c ON networks (id);',
    });
    expect(brief(r)).toEqual([
      ['validate/trial-down-leaves-schema', 'down of 20150101000002000000_flow.postgres leaves index networks_b behind'],
      ['validate/trial-down-leaves-schema', 'down of 20150101000002000000_flow.postgres leaves index networks_c behind'],
      ['validate/trial-down-leaves-schema', 'down of 20150101000002000000_flow.postgres does not restore index networks_a'],
      ['validate/trial-reapply-failed', 'up of 20150101000002000000_flow.postgres fails when applied again after its down: index "networks_a" does not exist (SQLSTATE 42704)'],
    ]);
    expect(r.findings[0].file).toBe('migrations/20150101000002000000_flow.down.sql');
    expect(r.data?.groups).toMatchObject([{ migrations: 2, up: 2, down: 2, notTried: [] }]);
  });

  it('runs a migration that cannot be in a transaction step by step, and compares the up again with the first', async () => {
    const r = await trial({
      ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, email text);', 'DROP TABLE users;'),
      ...gm('000002', 'index', 'CREATE INDEX CONCURRENTLY users_email ON users (email);', 'DROP INDEX CONCURRENTLY users_email;\nALTER TABLE users ADD COLUMN note text;'),
      ...gm('000003', 'later', 'ALTER TABLE users ADD COLUMN plan text;', 'ALTER TABLE users DROP COLUMN plan;'),
    });
    expect(brief(r)).toEqual([
      ['validate/trial-down-leaves-schema', 'down of 000002_index leaves column users.note behind'],
      ['validate/trial-reapply-differs', 'up of 000002_index applied again after its down gives another schema than the first time: has column users.note as well'],
    ]);
    expect(r.data?.groups).toMatchObject([{ up: 3, down: 3, reup: 3 }]);
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

  it('goes on past a migration outside a transaction that fails part-way for want of what an earlier failed up would have made', async () => {
    const r = await trial({
      'db/migrations/20240101000000_t.sql': '-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\nDROP TABLE t;\n',
      'db/migrations/20240102000000_orders.sql': '-- migrate:up\nCREATE TABLE orders (id int, x int);\nCREATE INDEX orders_nope ON orders (nope);\n\n-- migrate:down\nDROP TABLE orders;\n',
      'db/migrations/20240103000000_idx.sql':
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nCREATE INDEX CONCURRENTLY orders_x ON orders (x);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY orders_x;\nDROP INDEX CONCURRENTLY t_id;\n',
      'db/migrations/20240104000000_note.sql': '-- migrate:up\nALTER TABLE t ADD COLUMN note text;\n\n-- migrate:down\nALTER TABLE t DROP COLUMN note;\n',
    });
    // The failing up is the one finding; the next one fails only for want of its table.
    expect(brief(r)).toEqual([['validate/trial-up-failed', 'up of 20240102000000_orders fails on PostgreSQL: column "nope" does not exist (SQLSTATE 42703)']]);
    const notTried = r.data!.groups[0].notTried.map((n) => [n.label, n.part, n.reason]);
    expect(notTried).toEqual([['20240103000000_idx', 'up', expect.stringMatching(/^depends on 20240102000000_orders, whose up failed \(relation "orders" does not exist\)$/)]]);
    // ...and the trial went on: the last migration is tried, up and down.
    expect(r.data!.groups[0]).toMatchObject({ up: 2, down: 2 });
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
      { folder: 'alembic/versions', up: 1, down: 1, reup: 1 },
      { folder: 'db/migrations', up: 2, down: 2, reup: 2 },
      { folder: 'flyway', migrations: 2, up: 2, down: 0, hasDowns: false },
      { folder: 'migrations', up: 1, down: 1, reup: 1 },
    ]);
    expect(r.data?.notes).toEqual([
      'flyway: flyway migrations have no down migrations; ups only',
      expect.stringMatching(
        /^the trial ran on PostgreSQL 18\.\d+ \(PGlite [\d.]+\); production is PostgreSQL 14 \(pgVersion\), so syntax or behaviour new since 14 passes here: run the trial on a PostgreSQL 14 server with --trial-db postgres:\/\/user@host\/postgres \(it creates and drops a scratch database of its own there\)$/,
      ),
    ]);
    expect(r.status).toBe('passed');
    expect(r.summary).toMatch(/^PostgreSQL 18\.\d+ \(PGlite [\d.]+\) \(production: PostgreSQL 14\): 6 ups, 4 downs compared$/);
    const failing = await trial({ 'flyway/V1__base.sql': 'CREATE TABLE f (id int);', 'flyway/R__view.sql': 'CREATE VIEW fv AS SELECT nope FROM f;' });
    expect(brief(failing)).toEqual([['validate/trial-up-failed', 'up of R__view fails on PostgreSQL: column "nope" does not exist (SQLSTATE 42703)']]);
  });

  it('trials code migrations from their lowered SQL: an Alembic chain, a knex folder, a Django app', async () => {
    const alembic = (rev: string, down: string, up: string, downgrade: string) =>
      `from alembic import op\nimport sqlalchemy as sa\n\nrevision = '${rev}'\ndown_revision = ${down}\n\n\ndef upgrade():\n${up}\n\n\ndef downgrade():\n${downgrade}\n`;
    const r = await trial({
      'alembic/versions/a1_projects.py': alembic('a1', 'None', "    op.create_table('projects', sa.Column('id', sa.BigInteger(), primary_key=True), sa.Column('name', sa.Text()))", "    op.drop_table('projects')"),
      'alembic/versions/b2_owner.py': alembic(
        'b2',
        "'a1'",
        "    op.add_column('projects', sa.Column('owner', sa.Text()))\n    op.execute(build_sql())\n    op.execute(sa.text('UPDATE projects SET owner = :o').bindparams(o='me'))",
        "    op.drop_column('projects', 'owner')\n    op.drop_column('projects', 'name')",
      ),
      'knex/migrations/20240101000000_users.js':
        "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email').notNullable(); });\nexports.down = (knex) => knex.schema.dropTable('users');\n",
      'knex/migrations/20240102000000_plan.js':
        "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.string('plan'); });\nexports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('plan'); t.dropColumn('email'); });\n",
      'shop/migrations/0001_initial.py':
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = [\n        migrations.CreateModel(name='Product', fields=[('id', models.BigAutoField(primary_key=True)), ('name', models.CharField(max_length=100))]),\n    ]\n",
      'shop/migrations/0002_price.py':
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n    operations = [migrations.AddField(model_name='product', name='price', field=models.IntegerField(default=0))]\n",
      // RunSQL alone: its reverse_sql is the whole down, trialled like any other.
      'shop/migrations/0003_indexes.py':
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0002_price')]\n    operations = [\n        migrations.RunSQL(\n            sql='CREATE INDEX shop_product_name_idx ON shop_product (name); CREATE INDEX shop_product_price_idx ON shop_product (price);',\n            reverse_sql='DROP INDEX shop_product_name_idx;',\n        ),\n    ]\n",
    });
    // Each down that drops more than its up added is found on its own migration, at the call.
    expect(r.findings.map((f) => [f.ruleId, f.file, f.message])).toEqual([
      ['validate/trial-down-leaves-schema', 'shop/migrations/0003_indexes.py', 'down of 0003_indexes leaves index shop_product_price_idx behind'],
      [
        'validate/trial-reapply-failed',
        'shop/migrations/0003_indexes.py',
        'up of 0003_indexes fails when applied again after its down: relation "shop_product_price_idx" already exists (SQLSTATE 42P07)',
      ],
      ['validate/trial-down-leaves-schema', 'alembic/versions/b2_owner.py', 'down of b2_owner does not restore column projects.name'],
      [
        'validate/trial-down-loses-data',
        'alembic/versions/b2_owner.py',
        'down of b2_owner loses data the up did not create: column projects.name with its values in 1 row (the up did not add it)',
      ],
      ['validate/trial-down-leaves-schema', 'knex/migrations/20240102000000_plan.js', 'down of 20240102000000_plan does not restore column users.email'],
      [
        'validate/trial-down-loses-data',
        'knex/migrations/20240102000000_plan.js',
        'down of 20240102000000_plan loses data the up did not create: column users.email with its values in 1 row (the up did not add it)',
      ],
    ]);
    const groups = r.data?.groups as { folder: string; up: number; down: number; notTried: { label: string; part: string; reason: string; line?: number }[] }[];
    // In the plan's order: the Django apps (one history across apps) first.
    expect(groups.map((g) => [g.folder, g.up, g.down])).toEqual([
      ['django apps', 3, 3],
      ['alembic/versions', 2, 2],
      ['knex/migrations', 2, 2],
    ]);
    // What could not be lowered is listed, and the rest of the migration ran.
    expect(groups[1].notTried).toEqual([
      expect.objectContaining({ label: 'b2_owner', part: 'up', line: 11, reason: 'SQL whose values come at run time (bind parameters, a computed value): left out, the rest runs' }),
      expect.objectContaining({ label: 'b2_owner', part: 'up', line: 10, reason: expect.stringMatching(/^not lowered to SQL: /) }),
    ]);
    // Django's downs are its schema editor's reverses, lowered: every one runs and compares clean.
    expect(groups[0].notTried).toEqual([]);
    expect(r.status).toBe('failed');
  });

  it("creates the Django contrib apps' tables a project depends on, and lists what an outside app's absence stops", async () => {
    const django = (deps: string, ops: string) =>
      `from django.conf import settings\nfrom django.db import migrations, models\nimport django.db.models.deletion\n\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps}]\n    operations = [\n${ops}\n    ]\n`;
    const r = await trial({
      // Foreign keys to the user model, to content types and to sites, whose migrations ship with Django.
      'blog/migrations/0001_initial.py': django(
        "migrations.swappable_dependency(settings.AUTH_USER_MODEL), ('contenttypes', '0002_remove_content_type_name'), ('sites', '0002_alter_domain_unique')",
        "        migrations.CreateModel(name='Post', fields=[('id', models.BigAutoField(primary_key=True)), ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)), ('kind', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')), ('site', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='sites.site'))]),",
      ),
      // An installed package's app: its tables cannot be made.
      'blog/migrations/0002_schedule.py': django(
        "('blog', '0001_initial'), ('django_celery_beat', '0018_improve_crontab_helptext')",
        "        migrations.AddField(model_name='post', name='task', field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to='django_celery_beat.periodictask')),",
      ),
      'blog/migrations/0003_title.py': django("('blog', '0002_schedule')", "        migrations.AddField(model_name='post', name='title', field=models.TextField(default='')),"),
    });
    const [group] = r.data?.groups as { up: number; down: number; notes: string[]; notTried: { label: string; part: string; reason: string }[] }[];
    // No finding blames the project for Django's or the package's tables.
    expect(r.findings).toEqual([]);
    expect([group.up, group.down]).toEqual([2, 2]);
    expect(group.notes).toEqual([
      "django apps: the tables of Django's own contenttypes, auth, sites apps, which the migrations depend on, were created first, as Django's migrations leave them",
      'django apps: the migrations depend on the app django_celery_beat, not in the project; the trial cannot create what its migrations make, and a migration that fails for want of it is listed as not tried',
    ]);
    expect(group.notTried).toEqual([
      expect.objectContaining({
        label: '0002_schedule',
        part: 'up',
        reason: 'depends on the app django_celery_beat, which is not in the project and which the trial cannot create (relation "django_celery_beat_periodictask" does not exist)',
      }),
    ]);
    expect(r.status).toBe('partial');
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
