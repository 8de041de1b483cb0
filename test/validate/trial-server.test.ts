/**
 * `--trial-db`: the trial on a real PostgreSQL server, in a scratch database it creates and
 * drops, never touching another. Runs against the server scripts/with-postgres.sh starts:
 * skipped locally without MIGRATELINT_TEST_PG_URL, and FAILS under CI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { parseDbTarget, type PostgresTarget } from '../../src/exec/url.js';
import { trialCheck } from '../../src/validate/trial.js';
import { openScratchTrialDb, SCRATCH_PREFIX } from '../../src/validate/trial-server.js';
import { cleanup, gm, migrationsOf } from './helpers.js';

const PG_URL = process.env.MIGRATELINT_TEST_PG_URL;

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

afterAll(() => cleanup());

describe.skipIf(!PG_URL)('trial on a PostgreSQL server (--trial-db)', { timeout: 60_000 }, () => {
  const target = () => parseDbTarget(PG_URL, process.cwd()) as PostgresTarget;
  const databases = async (admin: PgDriver) => (await admin.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).map((r) => r.datname);

  it('runs in a scratch database of its own, drops it after, and leaves the others alone', async () => {
    const admin = await PgDriver.open(target(), 'test');
    try {
      // A database a killed trial left behind (its session gone), and one the user owns.
      const old = `${SCRATCH_PREFIX}${(Date.now() - 3_600_000).toString(36)}_abcdef`;
      await admin.execute(`DROP DATABASE IF EXISTS "${old}"`);
      await admin.execute(`CREATE DATABASE "${old}"`);
      await admin.execute('DROP DATABASE IF EXISTS mlt_user_db');
      await admin.execute('CREATE DATABASE mlt_user_db');
      const before = (await databases(admin)).filter((d) => d !== old);

      const notes: string[] = [];
      const driver = await openScratchTrialDb(target(), (n) => notes.push(n));
      const [{ db }] = await driver.query<{ db: string }>('SELECT current_database() AS db');
      expect(db).toMatch(new RegExp(`^${SCRATCH_PREFIX}[0-9a-z]+_[0-9a-f]{6}$`));
      expect(notes).toEqual([expect.stringMatching(new RegExp(`^dropped ${old}, a scratch database left by a trial interrupted at `))]);

      // A subquery without an alias: PostgreSQL 16 accepts it, the server's version decides.
      const { migrations } = await migrationsOf({
        ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);', 'DROP TABLE users;'),
        ...gm('000002', 'view', 'CREATE VIEW user_count AS SELECT n FROM (SELECT count(*) AS n FROM users);', 'DROP VIEW user_count;'),
        ...gm('000003', 'tenant', 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;', 'ALTER TABLE users DROP COLUMN tenant_id;'),
      });
      const version = Math.floor((await driver.serverVersion()).num / 10000);
      const r = await trialCheck(migrations, { driver, pgVersion: version });
      await driver.close();

      expect(r.summary).toMatch(new RegExp(`^PostgreSQL ${version}\\.\\d+`));
      expect(r.data?.notes).not.toContainEqual(expect.stringMatching(/^the trial ran on/));
      const rows = ['validate/trial-up-fails-on-rows', 'up of 000003_tenant fails when users holds rows (it runs on it empty): column "tenant_id" of relation "users" contains null values (SQLSTATE 23502)'];
      const alias = ['validate/trial-up-failed', 'up of 000002_view fails on PostgreSQL: subquery in FROM must have an alias (SQLSTATE 42601)'];
      expect(r.findings.map((f) => [f.ruleId, f.message])).toEqual(version < 16 ? [alias, rows] : [rows]);
      // A superuser: snapshots follow the event triggers' log.
      expect(r.data?.changeLog).toBe(true);
      // Other test files make databases on the same server meanwhile: those are not compared.
      const after = await databases(admin);
      expect(after).toEqual(expect.arrayContaining(before));
      expect(after).not.toContain(db);
      expect(after).not.toContain(old);
    } finally {
      await admin.execute('DROP DATABASE IF EXISTS mlt_user_db').catch(() => {});
      await admin.close();
    }
  });

  it('stamps the catalogs where it may not make event triggers, and finds the same', async () => {
    await asRole('mlt_createdb_only', 'CREATEDB', async (url) => {
      const { migrations } = await migrationsOf({
        ...gm('000001', 'users', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);', 'DROP TABLE users;'),
        ...gm('000002', 'nick', 'ALTER TABLE users ADD COLUMN nick text;', 'ALTER TABLE users DROP COLUMN nick; CREATE INDEX users_left ON users (email);'),
      });
      const left = ['validate/trial-down-leaves-schema', 'down of 000002_nick leaves index users_left behind'];
      const runAs = async (dbUrl: string) => {
        const driver = await openScratchTrialDb(parseDbTarget(dbUrl, process.cwd()) as PostgresTarget, () => {});
        try {
          return await trialCheck(migrations, { driver });
        } finally {
          await driver.close();
        }
      };
      const limited = await runAs(url);
      expect(limited.data?.changeLog).toBe(false);
      expect(limited.findings.map((f) => [f.ruleId, f.message])).toEqual([left]);
      const superuser = await runAs(PG_URL!);
      expect(superuser.data?.changeLog).toBe(true);
      expect(superuser.findings.map((f) => [f.ruleId, f.message])).toEqual([left]);
    });
  });

  it('says in one line why it cannot make a scratch database', async () => {
    await asRole('mlt_no_createdb', '', async (url) => {
      const limited = parseDbTarget(url, process.cwd()) as PostgresTarget;
      await expect(openScratchTrialDb(limited, () => {})).rejects.toThrow(/^cannot create a scratch database on .*: permission denied to create database$/);
    });
  });

  /** Runs `use` with the URL of a login role made for it (with `attributes`), dropped after. */
  async function asRole(role: string, attributes: string, use: (url: string) => Promise<void>): Promise<void> {
    const admin = await PgDriver.open(target(), 'test');
    try {
      await admin.execute(`DROP ROLE IF EXISTS ${role}`);
      await admin.execute(`CREATE ROLE ${role} LOGIN ${attributes} PASSWORD 'pw-mlt'`);
      const url = new URL(PG_URL!);
      url.username = role;
      url.password = 'pw-mlt';
      await use(url.toString());
    } finally {
      await admin.execute(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await admin.close();
    }
  }
});
