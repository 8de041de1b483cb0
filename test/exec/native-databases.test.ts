/**
 * Databases the team's own tool migrated: its history table is written here as the tool
 * writes it (SQL from the tool's source), and status, apply and repair must agree with
 * it and keep it up to date. Run on PGlite, and on the throwaway PostgreSQL server when
 * there is one (CI always has one).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, pgliteBackend, postgresBackend, type Backend, type TestDb } from './helpers/backends.js';
import { cleanupTempDirs, cli, project } from './helpers/env.js';

if (!PG_URL && process.env.CI) {
  throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
}


async function status(ws: string, db: TestDb, dir = 'migrations') {
  const r = await cli(['status', dir, '--db', db.url, '--json'], ws);
  const st = JSON.parse(r.stdout);
  return { ...st, states: st.migrations.map((m: { id: string; state: string }) => `${m.id}:${m.state}`) as string[] };
}

const golang = {
  'migrations/1_a.up.sql': 'CREATE TABLE a (id int);\n',
  'migrations/1_a.down.sql': 'DROP TABLE a;\n',
  'migrations/2_b.up.sql': 'CREATE TABLE b (id int);\n',
  'migrations/2_b.down.sql': 'DROP TABLE b;\n',
  'migrations/3_c.up.sql': 'CREATE TABLE c (id int);\n',
  'migrations/3_c.down.sql': 'DROP TABLE c;\n',
};

function nativeScenarios(backend: Backend): void {
  it('golang-migrate: status reads schema_migrations, apply runs only what is pending and moves the version', async () => {
    const ws = project(golang);
    const db = await backend.fresh();
    // What `migrate up 2` leaves (database/postgres/postgres.go: ensureVersionTable, SetVersion).
    await db.query('CREATE TABLE a (id int)');
    await db.query('CREATE TABLE b (id int)');
    await db.query('CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null)');
    await db.query('INSERT INTO "public"."schema_migrations" (version, dirty) VALUES ($1, $2)', [2, false]);

    const before = await status(ws, db);
    expect(before.states).toEqual(['1:applied', '2:applied', '3:pending']);
    expect(before.history).toBe('schema_migrations');

    const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 migration applied');
    expect(await db.query('SELECT version::int AS version, dirty FROM schema_migrations')).toEqual([{ version: 3, dirty: false }]);
    expect((await status(ws, db)).states).toEqual(['1:applied', '2:applied', '3:applied']);

    const back = await cli(['rollback', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(back.code, back.stderr).toBe(0);
    expect(await db.query('SELECT version::int AS version, dirty FROM schema_migrations')).toEqual([{ version: 2, dirty: false }]);
  });

  it('golang-migrate: a dirty version stops apply until repair, as it stops migrate', async () => {
    const ws = project(golang);
    const db = await backend.fresh();
    await db.query('CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)');
    await db.query('INSERT INTO schema_migrations (version, dirty) VALUES (1, true)');
    expect((await status(ws, db)).states[0]).toBe('1:partial');
    const refused = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/1 is marked failed or dirty in schema_migrations: golang-migrate marks version 1 dirty.*once fixed: migratelint repair 1 --applied/);
    await db.query('CREATE TABLE a (id int)');
    const fixed = await cli(['repair', '1', '--applied', '--reason', 'finished by hand', '--db', db.url, '--yes'], ws);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(await db.query('SELECT version::int AS version, dirty FROM schema_migrations')).toEqual([{ version: 1, dirty: false }]);
    const rest = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toContain('2 migrations applied');
  });

  it('Flyway: reads flyway_schema_history and adds the next installed_rank, as Flyway would', async () => {
    const ws = project({ 'migrations/V1__a.sql': 'CREATE TABLE a (id int);\n', 'migrations/V2__b.sql': 'CREATE TABLE b (id int);\n' });
    const db = await backend.fresh();
    // PostgreSQLDatabase.getRawCreateScript and Database.getInsertStatement
    await db.query(`CREATE TABLE "public"."flyway_schema_history" (
      "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL,
      "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
      "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL)`);
    await db.query('CREATE TABLE a (id int)');
    await db.query(
      `INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
       VALUES (1, '1', 'a', 'SQL', 'V1__a.sql', 123, 'flyway', 5, true)`,
    );
    expect((await status(ws, db)).states).toEqual(['1:applied', '2:pending']);
    const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    const rows = await db.query('SELECT installed_rank, version, description, type, script, success FROM flyway_schema_history ORDER BY installed_rank');
    expect(rows).toEqual([
      { installed_rank: 1, version: '1', description: 'a', type: 'SQL', script: 'V1__a.sql', success: true },
      { installed_rank: 2, version: '2', description: 'b', type: 'SQL', script: 'V2__b.sql', success: true },
    ]);
  });

  it('Prisma: a finished row in _prisma_migrations is applied; apply records the next one finished', async () => {
    const ws = project({
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE a (id int);\n',
      'prisma/migrations/20240201000000_b/migration.sql': 'CREATE TABLE b (id int);\n',
    });
    const db = await backend.fresh();
    // flavour/postgres.rs create_migrations_table; record_migration_finished
    await db.query(`CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
    await db.query('CREATE TABLE a (id int)');
    await db.query(
      `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('11111111-1111-4111-8111-111111111111', $1, now(), '20240101000000_init', 1)`,
      ['0'.repeat(64)],
    );
    expect((await status(ws, db, 'prisma/migrations')).states).toEqual(['20240101000000:applied', '20240201000000:pending']);
    const r = await cli(['apply', 'prisma/migrations', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    const rows = await db.query('SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NULL AS live FROM _prisma_migrations ORDER BY started_at, migration_name');
    expect(rows).toEqual([
      { migration_name: '20240101000000_init', finished: true, live: true },
      { migration_name: '20240201000000_b', finished: true, live: true },
    ]);
  });

  it('Alembic and Django: status reads alembic_version and django_migrations', async () => {
    const rev = (id: string, down: string) => `from alembic import op\nrevision = '${id}'\ndown_revision = ${down}\n\ndef upgrade():\n    op.execute("SELECT 1")\n\ndef downgrade():\n    op.execute("SELECT 2")\n`;
    const al = project({ 'migrations/aaaa_b.py': rev('aaaa', "'cccc'"), 'migrations/bbbb_c.py': rev('bbbb', "'aaaa'"), 'migrations/cccc_a.py': rev('cccc', 'None') });
    const db = await backend.fresh();
    // alembic/ddl/impl.py version table; `alembic upgrade aaaa` leaves its revision there.
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))');
    await db.query("INSERT INTO alembic_version (version_num) VALUES ('aaaa')");
    const a = await status(al, db);
    expect(a.states).toEqual(['cccc:applied', 'aaaa:applied', 'bbbb:pending']);
    expect(a.history).toBe('alembic_version');

    const dj = (deps: string) => `from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps}]\n    operations = []\n`;
    const ws = project({
      'accounts/migrations/0001_initial.py': dj(''),
      'accounts/migrations/0002_owner.py': dj("('accounts', '0001_initial'), ('zoo', '0001_initial')"),
      'zoo/migrations/0001_initial.py': dj(''),
    });
    // django/db/migrations/recorder.py
    await db.query(
      'CREATE TABLE "django_migrations" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamp with time zone NOT NULL)',
    );
    for (const [app, name] of [['contenttypes', '0001_initial'], ['accounts', '0001_initial'], ['zoo', '0001_initial']]) {
      await db.query('INSERT INTO django_migrations (app, name, applied) VALUES ($1, $2, now())', [app, name]);
    }
    expect((await status(ws, db, '.')).states).toEqual(['accounts.0001_initial:applied', 'zoo.0001_initial:applied', 'accounts.0002_owner:pending']);
  });

  it('nativeHistory: false leaves the tool table alone', async () => {
    const ws = project({ ...golang, '.migratelintrc.json': '{ "nativeHistory": false }' });
    const db = await backend.fresh();
    const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await db.query("SELECT to_regclass('schema_migrations') IS NULL AS absent")).toEqual([{ absent: true }]);
    expect((await status(ws, db)).history).toBe('migratelint_migrations');
  });
}

const pglite = pgliteBackend();
const postgres = postgresBackend();
afterAll(async () => {
  await pglite.cleanup();
  if (PG_URL) await postgres.cleanup();
  cleanupTempDirs();
});

describe('databases migrated by the team’s tool, on PGlite', { timeout: 120_000 }, () => nativeScenarios(pglite));
describe.skipIf(!PG_URL)('databases migrated by the team’s tool, on PostgreSQL', { timeout: 120_000 }, () => nativeScenarios(postgres));
