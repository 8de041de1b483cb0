/**
 * The tools' own history tables (src/exec/native): for each tool the table and its rows
 * are made as the tool makes them (its SQL, from its source), and `read` must give the
 * applied / dirty / unknown migrations the tool itself would see; for the SQL formats,
 * what `recordApplied` / `recordRolledBack` / `repair` write must be what the tool writes,
 * and read back the same.
 *
 * One database for the whole file (PGlite, copied from a template; also PostgreSQL when
 * MIGRATELINT_TEST_PG_URL is set), one schema per test on the search_path.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Migration, MigrationFormat, Section } from '../../../src/ir/types.js';
import { FORMATS, FORMAT_IDS, isSqlFormat } from '../../../src/formats/index.js';
import { buildPlan, type PlannedMigration } from '../../../src/plan/plan.js';
import { loadMigrations } from '../../../src/plan/load.js';
import type { Driver } from '../../../src/exec/drivers/types.js';
import { PgliteDriver } from '../../../src/exec/drivers/pglite.js';
import { PgDriver } from '../../../src/exec/drivers/pg.js';
import { parseDbTarget, type PgliteTarget, type PostgresTarget } from '../../../src/exec/url.js';
import { PG_URL, pgliteBackend, postgresBackend, type Backend } from '../helpers/backends.js';
import { cleanupTempDirs } from '../helpers/env.js';
import { nativeHistoryFor } from '../../../src/exec/native/index.js';
import type { NativeHistory, NativeState } from '../../../src/exec/native/types.js';
import { flywayChecksum, flywayVersionKey } from '../../../src/exec/native/flyway.js';
import { dieselVersion } from '../../../src/exec/native/diesel.js';

// ---- migrations -----------------------------------------------------------------------------

const present = (file?: string): Section => ({ state: 'present', statements: [], file });
const missing = (): Section => ({ state: 'missing', statements: [] });

/** A migration as a frontend would give it, for files that need not exist on disk. */
function mig(
  format: MigrationFormat,
  file: string,
  opts: { version?: string; name?: string; text?: string; files?: Record<string, string>; graph?: Migration['graph'] } = {},
): Migration {
  const sources = new Map<string, string>([[file, opts.text ?? `SELECT 1; -- ${file}\n`]]);
  for (const [f, t] of Object.entries(opts.files ?? {})) sources.set(f, t);
  return {
    path: file,
    files: [...sources.keys()],
    format,
    version: opts.version,
    name: opts.name,
    up: present(file),
    down: missing(),
    expectsDown: false,
    comments: [],
    problems: [],
    sources,
    graph: opts.graph,
  };
}

function plan(migrations: Migration[]): PlannedMigration[] {
  const p = buildPlan(migrations);
  expect(p.problems).toEqual([]);
  return p.items;
}

const byId = (items: PlannedMigration[], id: string) => items.find((p) => p.id === id)!;
const sorted = (s: Iterable<string>) => [...s].sort();
const history = (format: MigrationFormat): NativeHistory => nativeHistoryFor(format)!;

function summary(s: NativeState | undefined) {
  expect(s).toBeDefined();
  return { applied: sorted(s!.applied), dirty: s!.dirty.map((d) => d.id).sort(), unknown: sorted(s!.unknown) };
}

/** In the migration's transaction, as the executor calls them. */
async function inTx<T>(d: Driver, fn: () => Promise<T>): Promise<T> {
  await d.execute('BEGIN');
  try {
    const r = await fn();
    await d.execute('COMMIT');
    return r;
  } catch (e) {
    await d.execute('ROLLBACK');
    throw e;
  }
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// ---- the databases ------------------------------------------------------------------------------

const backends: Backend[] = [pgliteBackend(), ...(PG_URL ? [postgresBackend()] : [])];

afterAll(async () => {
  for (const b of backends) await b.cleanup();
  cleanupTempDirs();
});

describe.each(backends.map((b) => [b.name, b] as const))('native history tables on %s', (_name, backend) => {
  let d: Driver;
  let schema = '';
  let n = 0;

  beforeAll(async () => {
    const db = await backend.fresh();
    const target = parseDbTarget(db.url, '/');
    d = target.kind === 'pglite' ? await PgliteDriver.open(target as PgliteTarget, { command: 'test', lockWaitMs: 30_000 }) : await PgDriver.open(target as PostgresTarget, 'test');
  });

  afterAll(async () => {
    await d?.close();
  });

  beforeEach(async () => {
    schema = `t${n++}`;
    await d.execute(`CREATE SCHEMA ${schema}`);
    await d.execute(`SET search_path TO ${schema}`);
    await d.execute('DROP SCHEMA IF EXISTS drizzle CASCADE');
  });

  const rows = (sql: string, params?: unknown[]) => d.query<Record<string, any>>(sql, params);

  it('has a history for every format with a table, named as the format says, and reads nothing on a database the tool never touched', async () => {
    for (const f of FORMAT_IDS) {
      const h = nativeHistoryFor(f);
      if (!FORMATS[f].historyTable) {
        expect(h, f).toBeUndefined();
        continue;
      }
      expect(h?.format, f).toBe(f);
      expect(h!.table, f).toBe(FORMATS[f].historyTable);
      if (isSqlFormat(f)) for (const fn of ['ensure', 'recordApplied', 'recordRolledBack', 'repair'] as const) expect(typeof h![fn], `${f}.${fn}`).toBe('function');
      expect(await h!.read(d, []), f).toBeUndefined();
    }
  });

  // ---- golang-migrate ----------------------------------------------------------------------------

  describe('golang-migrate', () => {
    const items = () =>
      plan([1, 2, 3].map((v) => mig('golang-migrate', `virtual/gm/00000${v}_step${v}.up.sql`, { version: `00000${v}`, name: `step${v}` })));
    // database/postgres/postgres.go ensureVersionTable, in the current schema
    const create = () => d.execute(`CREATE TABLE IF NOT EXISTS "${schema}"."schema_migrations" (version bigint not null primary key, dirty boolean not null)`);
    // SetVersion
    const setVersion = async (v: number, dirty: boolean) => {
      await d.execute(`TRUNCATE "${schema}"."schema_migrations"`);
      await d.query(`INSERT INTO "${schema}"."schema_migrations" (version, dirty) VALUES ($1, $2)`, [v, dirty]);
    };
    const current = async () => (await rows(`SELECT version::text AS v, dirty FROM schema_migrations`)).map((r) => `${r.v}${r.dirty ? ' dirty' : ''}`);

    it('counts every version at or below the current one as applied; a dirty version is dirty', async () => {
      await create();
      const h = history('golang-migrate');
      expect(summary(await h.read(d, items()))).toEqual({ applied: [], dirty: [], unknown: [] });
      await setVersion(2, false);
      const s = await h.read(d, items());
      expect(s!.table).toBe(`${schema}.schema_migrations`);
      expect(summary(s)).toEqual({ applied: ['000001', '000002'], dirty: [], unknown: [] });
      await setVersion(3, true);
      expect(summary(await h.read(d, items()))).toEqual({ applied: ['000001', '000002'], dirty: ['000003'], unknown: [] });
      await setVersion(7, false);
      expect(summary(await h.read(d, items()))).toEqual({ applied: ['000001', '000002', '000003'], dirty: [], unknown: ['7'] });
    });

    it('writes what SetVersion writes: up sets the version, down the previous one (none: an empty table)', async () => {
      const h = history('golang-migrate');
      const p = items();
      await h.ensure!(d);
      await inTx(d, () => h.recordApplied!(d, byId(p, '000001'), p));
      expect(await current()).toEqual(['1']);
      await inTx(d, () => h.recordApplied!(d, byId(p, '000002'), p));
      await inTx(d, () => h.recordApplied!(d, byId(p, '000003'), p));
      expect(await current()).toEqual(['3']);
      expect(summary(await h.read(d, p)).applied).toEqual(['000001', '000002', '000003']);
      await expect(inTx(d, () => h.recordRolledBack!(d, byId(p, '000002'), p))).rejects.toThrow(/one current version \(3\)/);
      await inTx(d, () => h.recordRolledBack!(d, byId(p, '000003'), p));
      expect(await current()).toEqual(['2']);
      await inTx(d, () => h.recordRolledBack!(d, byId(p, '000002'), p));
      await inTx(d, () => h.recordRolledBack!(d, byId(p, '000001'), p));
      expect(await current()).toEqual([]);
      // repair = migrate force
      await setVersion(3, true);
      await h.repair!(d, byId(p, '000003'), 'rolled back', p);
      expect(await current()).toEqual(['2']);
      await h.repair!(d, byId(p, '000003'), 'applied', p);
      expect(await current()).toEqual(['3']);
    });

    it('leaves dbmate’s schema_migrations alone', async () => {
      await d.execute(`create table if not exists "${schema}".schema_migrations (version varchar primary key)`);
      expect(await history('golang-migrate').read(d, items())).toBeUndefined();
    });
  });

  // ---- goose ---------------------------------------------------------------------------------------

  describe('goose', () => {
    const items = () =>
      plan(
        ['00001_create', '00002_index', '20230702090000_status'].map((b) =>
          mig('goose', `virtual/goose/${b}.sql`, { version: b.split('_')[0], name: b.split('_')[1] }),
        ),
      );
    const ids = { one: '00001', two: '00002', three: '20230702090000' };
    const insert = (v: number | string, applied: boolean) => d.query(`INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)`, [v, applied]);
    const versions = async () => (await rows(`SELECT version_id::text AS v, is_applied AS a FROM goose_db_version ORDER BY id`)).map((r) => `${r.v}${r.a ? '' : ' unapplied'}`);

    it('reads the newest row of each version (goose v3.22+ table; rows of older goose)', async () => {
      // internal/dialects/postgres.go CreateTable, then the version 0 row (provider_run.go)
      await d.execute(`CREATE TABLE goose_db_version (
		id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
		version_id bigint NOT NULL,
		is_applied boolean NOT NULL,
		tstamp timestamp NOT NULL DEFAULT now()
	)`);
      await insert(0, true);
      await insert(1, true);
      await insert(2, true);
      await insert(2, false); // goose v2 recorded a down like this (insertVersionSQL with is_applied = false)
      await insert('20230702090000', true);
      await insert(99, true);
      expect(summary(await history('goose').read(d, items()))).toEqual({ applied: [ids.one, ids.three], dirty: [], unknown: ['99'] });
    });

    it('reads the table goose made before v3.22 (id serial)', async () => {
      await d.execute(`CREATE TABLE goose_db_version (
		id serial NOT NULL,
		version_id bigint NOT NULL,
		is_applied boolean NOT NULL,
		tstamp timestamp NULL default now(),
		PRIMARY KEY(id)
	)`);
      await insert(0, true);
      await insert(1, true);
      expect(summary(await history('goose').read(d, items()))).toEqual({ applied: [ids.one], dirty: [], unknown: [] });
    });

    it('writes what goose writes: the table with version 0, an applied row per up, deleted by a down', async () => {
      const h = history('goose');
      const p = items();
      await inTx(d, async () => {
        await h.ensure!(d);
        await h.recordApplied!(d, byId(p, ids.one), p);
      });
      await inTx(d, () => h.recordApplied!(d, byId(p, ids.three), p));
      expect(await versions()).toEqual(['0', '1', '20230702090000']);
      const cols = await rows(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'goose_db_version' ORDER BY ordinal_position`, [schema]);
      expect(cols.map((c) => `${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
        'id integer NO',
        'version_id bigint NO',
        'is_applied boolean NO',
        'tstamp timestamp without time zone NO',
      ]);
      expect(summary(await h.read(d, p)).applied).toEqual([ids.one, ids.three]);
      await inTx(d, () => h.recordRolledBack!(d, byId(p, ids.three), p));
      expect(await versions()).toEqual(['0', '1']);
      await h.repair!(d, byId(p, ids.two), 'applied', p);
      await h.repair!(d, byId(p, ids.two), 'applied', p);
      expect(await versions()).toEqual(['0', '1', '2']);
    });
  });

  // ---- dbmate ----------------------------------------------------------------------------------------

  describe('dbmate', () => {
    const items = () =>
      plan(['20230105093000_create_teams', '20230212154500_add_owner'].map((b) => mig('dbmate', `virtual/dbmate/${b}.sql`, { version: b.split('_')[0] })));

    it('reads one row per applied version, and writes the same', async () => {
      // pkg/driver/postgres/postgres.go CreateMigrationsTable / InsertMigration
      await d.execute(`create table if not exists "${schema}".schema_migrations (version varchar primary key)`);
      await d.query(`insert into "${schema}".schema_migrations (version) values ($1)`, ['20230105093000']);
      await d.query(`insert into "${schema}".schema_migrations (version) values ($1)`, ['20220101000000']);
      const h = history('dbmate');
      const p = items();
      expect(summary(await h.read(d, p))).toEqual({ applied: ['20230105093000'], dirty: [], unknown: ['20220101000000'] });
      await inTx(d, () => h.recordApplied!(d, byId(p, '20230212154500'), p));
      expect((await rows(`select version from schema_migrations order by version`)).map((r) => r.version)).toEqual(['20220101000000', '20230105093000', '20230212154500']);
      await inTx(d, () => h.recordRolledBack!(d, byId(p, '20230105093000'), p));
      expect(summary(await h.read(d, p)).applied).toEqual(['20230212154500']);
    });

    it('creates the table as dbmate does, and leaves golang-migrate’s alone', async () => {
      await history('dbmate').ensure!(d);
      const cols = await rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'schema_migrations'`, [schema]);
      expect(cols.map((c) => `${c.column_name} ${c.data_type}`)).toEqual(['version character varying']);
      await d.execute(`DROP TABLE schema_migrations`);
      await d.execute(`CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)`);
      expect(await history('dbmate').read(d, items())).toBeUndefined();
    });
  });

  // ---- diesel --------------------------------------------------------------------------------------------

  describe('diesel', () => {
    it('records the folder name up to its first _, without the dashes', async () => {
      const p = plan(await loadMigrations(['fixtures/sql/diesel'], { cwd: process.cwd() }));
      expect(p.map(dieselVersion)).toEqual(['00000000000000', '20230401120000', '20230418093015', '20230502161200', '20230611070000']);
      // diesel/src/migration/setup_migration_table.sql
      await d.execute(`CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`);
      for (const v of ['00000000000000', '20230401120000', '20190101000000']) await d.query(`INSERT INTO __diesel_schema_migrations (version) VALUES ($1)`, [v]);
      const h = history('diesel');
      expect(summary(await h.read(d, p))).toEqual({ applied: ['00000000000000', '2023-04-01-120000'], dirty: [], unknown: ['20190101000000'] });
      await inTx(d, () => h.recordApplied!(d, byId(p, '2023-04-18-093015'), p));
      await inTx(d, () => h.recordRolledBack!(d, byId(p, '2023-04-01-120000'), p));
      expect((await rows(`SELECT version FROM __diesel_schema_migrations ORDER BY version`)).map((r) => r.version)).toEqual([
        '00000000000000',
        '20190101000000',
        '20230418093015',
      ]);
      expect(summary(await h.read(d, p)).applied).toEqual(['00000000000000', '2023-04-18-093015']);
    });
  });

  // ---- Flyway --------------------------------------------------------------------------------------------

  describe('Flyway', () => {
    const v1 = 'CREATE TABLE accounts (id bigint);\n';
    const v11 = 'CREATE INDEX accounts_id ON accounts (id);\r\n';
    const r = 'CREATE OR REPLACE VIEW v AS SELECT 1;\n';
    const items = () =>
      plan([
        mig('flyway', 'virtual/fw/V1__create_accounts.sql', { version: '1', name: 'create_accounts', text: v1 }),
        mig('flyway', 'virtual/fw/V1_1__add_index.sql', {
          version: '1.1',
          name: 'add_index',
          text: v11,
          files: { 'virtual/fw/U1.1__add_index.sql': 'DROP INDEX accounts_id;\n' },
        }),
        mig('flyway', 'virtual/fw/V2__add_region.sql', { version: '2', name: 'add_region' }),
        mig('flyway', 'virtual/fw/R__account_view.sql', { name: 'account_view', text: r }),
      ]);
    // flyway-database-postgresql PostgreSQLDatabase.getRawCreateScript
    const create = async () => {
      const t = `"${schema}"."flyway_schema_history"`;
      await d.execute(`CREATE TABLE ${t} (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE ${t} ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON ${t} ("success");`);
    };
    let rank = 0;
    // Database.getInsertStatement
    const insert = (version: string | null, description: string, type: string, script: string, checksum: number | null, success: boolean) =>
      d.query(
        `INSERT INTO flyway_schema_history ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [++rank, version, description, type, script, checksum, 'flyway', 12, success],
      );
    beforeEach(() => {
      rank = 0;
    });

    it('computes the checksum as Flyway does: CRC-32 of the lines without their endings, BOM dropped, signed', () => {
      expect(flywayChecksum('')).toBe(0);
      expect(flywayChecksum('abc')).toBe(0x352441c2);
      expect(flywayChecksum('abc\n')).toBe(0x352441c2);
      expect(flywayChecksum('\ufeffab\r\nc\r\n')).toBe(0x352441c2);
      expect(flywayChecksum('ab\rc')).toBe(0x352441c2);
      expect(flywayChecksum('a\n')).toBe(0xe8b7be43 - 2 ** 32); // Java's int: negative past 2^31
      const text = 'CREATE TABLE é (x int);\n\n-- ünïcode ✓\r\nSELECT 1;';
      const lines = Buffer.from('CREATE TABLE é (x int);-- ünïcode ✓SELECT 1;', 'utf8');
      if (typeof zlib.crc32 === 'function') {
        expect(flywayChecksum(text)).toBe(zlib.crc32(lines) | 0);
        expect(flywayChecksum(text.replace(/\r?\n/g, '\r\n'))).toBe(zlib.crc32(lines) | 0);
      }
      expect(flywayVersionKey('1.0')).toBe('1');
      expect(flywayVersionKey('1_01')).toBe('1.1');
    });

    it('reads applied, failed (success = false), undone, deleted, baseline and repeatable rows as Flyway does', async () => {
      await create();
      const h = history('flyway');
      const p = items();
      await insert(null, '<< Flyway Schema Creation >>', 'SCHEMA', `"${schema}"`, null, true);
      await insert('1', 'create accounts', 'SQL', 'V1__create_accounts.sql', flywayChecksum(v1), true);
      await insert('1.1', 'add index', 'SQL', 'V1_1__add_index.sql', flywayChecksum(v11), true);
      await insert('2', 'add region', 'SQL', 'V2__add_region.sql', 1, false);
      await insert(null, 'account view', 'SQL', 'R__account_view.sql', flywayChecksum(r), true);
      await insert('0.9', 'old', 'SQL', 'V0_9__old.sql', 5, true);
      expect(summary(await h.read(d, p))).toEqual({ applied: ['1', '1.1', 'account_view'], dirty: ['2'], unknown: ['0.9'] });

      await insert('1.1', 'add index', 'UNDO_SQL', 'U1.1__add_index.sql', 7, true);
      await insert(null, 'account view', 'SQL', 'R__account_view.sql', 12345, true); // an older file's run: the current one is outdated
      await insert('0.9', 'old', 'DELETE', 'V0_9__old.sql', null, true); // flyway repair of a missing migration
      expect(summary(await h.read(d, p))).toEqual({ applied: ['1'], dirty: ['2'], unknown: [] });
    });

    it('counts the versions at or below a baseline as applied', async () => {
      await create();
      await insert('1.1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', null, true);
      expect(summary(await history('flyway').read(d, items()))).toEqual({ applied: ['1', '1.1'], dirty: [], unknown: [] });
    });

    it('writes the rows Flyway writes: rank, version, description, SQL, script, checksum, current_user, success', async () => {
      const h = history('flyway');
      const p = items();
      await inTx(d, async () => {
        await h.ensure!(d);
        await h.recordApplied!(d, byId(p, '1'), p);
      });
      await inTx(d, () => h.recordApplied!(d, byId(p, '1.1'), p));
      await inTx(d, () => h.recordApplied!(d, byId(p, 'account_view'), p));
      const [{ user }] = await rows(`SELECT current_user AS user`);
      const written = await rows(
        `SELECT installed_rank, version, description, type, script, checksum, installed_by, execution_time, success, installed_on IS NOT NULL AS on FROM flyway_schema_history ORDER BY installed_rank`,
      );
      expect(written).toEqual([
        { installed_rank: 1, version: '1', description: 'create accounts', type: 'SQL', script: 'V1__create_accounts.sql', checksum: flywayChecksum(v1), installed_by: user, execution_time: 0, success: true, on: true },
        { installed_rank: 2, version: '1.1', description: 'add index', type: 'SQL', script: 'V1_1__add_index.sql', checksum: flywayChecksum(v11), installed_by: user, execution_time: 0, success: true, on: true },
        { installed_rank: 3, version: null, description: 'account view', type: 'SQL', script: 'R__account_view.sql', checksum: flywayChecksum(r), installed_by: user, execution_time: 0, success: true, on: true },
      ]);
      expect(summary(await h.read(d, p)).applied).toEqual(['1', '1.1', 'account_view']);
      const idx = await rows(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'flyway_schema_history' ORDER BY indexname`, [schema]);
      expect(idx.map((i) => i.indexname)).toEqual(['flyway_schema_history_pk', 'flyway_schema_history_s_idx']);

      await inTx(d, () => h.recordRolledBack!(d, byId(p, '1.1'), p));
      const [undo] = await rows(`SELECT installed_rank, version, description, type, script, checksum FROM flyway_schema_history WHERE type = 'UNDO_SQL'`);
      expect(undo).toEqual({ installed_rank: 4, version: '1.1', description: 'add index', type: 'UNDO_SQL', script: 'U1.1__add_index.sql', checksum: flywayChecksum('DROP INDEX accounts_id;\n') });
      expect(summary(await h.read(d, p)).applied).toEqual(['1', 'account_view']);
      await inTx(d, () => h.recordApplied!(d, byId(p, '1.1'), p));
      expect(summary(await h.read(d, p)).applied).toEqual(['1', '1.1', 'account_view']);
    });

    it('repair removes the failed row (flyway repair) and records the outcome', async () => {
      await create();
      const h = history('flyway');
      const p = items();
      await insert('1', 'create accounts', 'SQL', 'V1__create_accounts.sql', flywayChecksum(v1), true);
      await insert('1.1', 'add index', 'SQL', 'V1_1__add_index.sql', flywayChecksum(v11), false);
      expect(summary(await h.read(d, p)).dirty).toEqual(['1.1']);
      await h.repair!(d, byId(p, '1.1'), 'rolled back', p);
      expect(summary(await h.read(d, p))).toEqual({ applied: ['1'], dirty: [], unknown: [] });
      expect((await rows(`SELECT count(*)::int AS n FROM flyway_schema_history`))[0].n).toBe(1);
      await insert('2', 'add region', 'SQL', 'V2__add_region.sql', 1, false);
      await h.repair!(d, byId(p, '2'), 'applied', p);
      expect(summary(await h.read(d, p))).toEqual({ applied: ['1', '2'], dirty: [], unknown: [] });
      expect((await rows(`SELECT version, success FROM flyway_schema_history ORDER BY installed_rank`)).map((x) => `${x.version} ${x.success}`)).toEqual(['1 true', '2 true']);
    });
  });

  // ---- Prisma --------------------------------------------------------------------------------------------

  describe('Prisma', () => {
    // flavour/postgres.rs create_migrations_table
    const create = () =>
      d.execute(`CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`);
    let k = 0;
    // sql_migration_persistence.rs: record_migration_started, then record_successful_step + record_migration_finished
    const started = async (name: string) => {
      const id = `00000000-0000-4000-8000-${String(++k).padStart(12, '0')}`;
      await d.query(`INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)`, [id, 'c'.repeat(64), name]);
      return id;
    };
    const finished = async (name: string) => {
      const id = await started(name);
      await d.query(`UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = $1`, [id]);
      await d.query(`UPDATE _prisma_migrations SET finished_at = now() WHERE id = $1`, [id]);
      return id;
    };

    it('reads finished rows as applied, unfinished ones as failed, rolled back ones as neither', async () => {
      await create();
      const p = plan(await loadMigrations(['fixtures/sql/prisma'], { cwd: process.cwd() }));
      expect(p.map((x) => x.id)).toEqual(['20230101000000', '20230215093000']);
      const failed = await started('20230215093000_post_tenant');
      await d.query(`UPDATE _prisma_migrations SET logs = $2 WHERE id = $1`, [failed, 'ERROR: column "tenant_id" already exists']);
      await finished('20230101000000_init');
      await finished('20220101000000_gone');
      const h = history('prisma');
      let s = await h.read(d, p);
      expect(summary(s)).toEqual({ applied: ['20230101000000'], dirty: ['20230215093000'], unknown: ['20220101000000_gone'] });
      expect(s!.dirty[0].message).toContain('column "tenant_id" already exists');
      // prisma migrate resolve --rolled-back
      await d.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1`, [failed]);
      s = await h.read(d, p);
      expect(summary(s)).toEqual({ applied: ['20230101000000'], dirty: [], unknown: ['20220101000000_gone'] });
    });

    it('writes the row migrate deploy leaves; a rollback marks it rolled back', async () => {
      const h = history('prisma');
      const p = plan(await loadMigrations(['fixtures/sql/prisma'], { cwd: process.cwd() }));
      await inTx(d, async () => {
        await h.ensure!(d);
        await h.recordApplied!(d, p[0], p);
      });
      const [row] = await rows(
        `SELECT id, checksum, migration_name, logs, applied_steps_count, finished_at IS NOT NULL AS finished, rolled_back_at, finished_at >= started_at AS ordered FROM _prisma_migrations`,
      );
      expect(row).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        checksum: sha256(fs.readFileSync('fixtures/sql/prisma/migrations/20230101000000_init/migration.sql')),
        migration_name: '20230101000000_init',
        logs: null,
        applied_steps_count: 1,
        finished: true,
        rolled_back_at: null,
        ordered: true,
      });
      expect(summary(await h.read(d, p)).applied).toEqual(['20230101000000']);
      await inTx(d, () => h.recordRolledBack!(d, p[0], p));
      expect(summary(await h.read(d, p)).applied).toEqual([]);
      await inTx(d, () => h.recordApplied!(d, p[0], p));
      expect(summary(await h.read(d, p)).applied).toEqual(['20230101000000']);
      expect((await rows(`SELECT count(*)::int AS n FROM _prisma_migrations`))[0].n).toBe(2);
    });

    it('repair as prisma migrate resolve --applied: the failed row rolled back, a finished one added', async () => {
      await create();
      const h = history('prisma');
      const p = plan(await loadMigrations(['fixtures/sql/prisma'], { cwd: process.cwd() }));
      await started('20230101000000_init');
      expect(summary(await h.read(d, p)).dirty).toEqual(['20230101000000']);
      await h.repair!(d, p[0], 'applied', p);
      expect(summary(await h.read(d, p))).toEqual({ applied: ['20230101000000'], dirty: [], unknown: [] });
      const all = await rows(`SELECT logs, finished_at IS NOT NULL AS f, rolled_back_at IS NOT NULL AS r FROM _prisma_migrations ORDER BY started_at, r DESC`);
      expect(all).toEqual([
        { logs: null, f: false, r: true },
        { logs: '', f: true, r: false },
      ]);
    });
  });

  // ---- Drizzle --------------------------------------------------------------------------------------------

  describe('Drizzle', () => {
    // pg-core/dialect.ts migrate
    const create = async () => {
      await d.execute(`CREATE SCHEMA IF NOT EXISTS "drizzle"`);
      await d.execute(`CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (
				id SERIAL PRIMARY KEY,
				hash text NOT NULL,
				created_at bigint
			)`);
    };
    const fileHash = (f: string) => sha256(fs.readFileSync(f).toString());

    it('counts the journal entries up to the newest created_at as applied, and writes (hash, when)', async () => {
      await create();
      const p = plan(await loadMigrations(['fixtures/sql/drizzle'], { cwd: process.cwd() }));
      expect(p.map((x) => x.id)).toEqual(['0000', '0001']);
      const h = history('drizzle');
      expect(summary(await h.read(d, p))).toEqual({ applied: [], dirty: [], unknown: [] });
      await d.query(`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values($1, $2)`, [fileHash(p[0].file), 1714000000000]);
      const s = await h.read(d, p);
      expect(s!.table).toBe('drizzle.__drizzle_migrations');
      expect(summary(s)).toEqual({ applied: ['0000'], dirty: [], unknown: [] });
      await inTx(d, () => h.recordApplied!(d, p[1], p));
      expect(await rows(`SELECT hash, created_at::text AS created_at FROM drizzle.__drizzle_migrations ORDER BY id`)).toEqual([
        { hash: fileHash(p[0].file), created_at: '1714000000000' },
        { hash: fileHash(p[1].file), created_at: '1714600000000' },
      ]);
      expect(summary(await h.read(d, p)).applied).toEqual(['0000', '0001']);
      await inTx(d, () => h.recordRolledBack!(d, p[1], p));
      expect(summary(await h.read(d, p)).applied).toEqual(['0000']);
    });

    it('without a journal, matches rows by hash and refuses to write', async () => {
      await create();
      const text = 'CREATE TABLE pets (id serial);\n--> statement-breakpoint\nCREATE INDEX ON pets (id);\n';
      const p = plan([mig('drizzle', 'virtual/drizzle/0000_pets.sql', { version: '0000', name: 'pets', text })]);
      await d.query(`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values($1, $2)`, [sha256(text), 1]);
      await d.query(`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values($1, $2)`, ['f'.repeat(64), 2]);
      expect(summary(await history('drizzle').read(d, p))).toEqual({ applied: ['0000'], dirty: [], unknown: [`created_at 2 (hash ${'f'.repeat(12)})`] });
      await expect(history('drizzle').recordApplied!(d, p[0], p)).rejects.toThrow(/journal/);
    });
  });

  // ---- Alembic --------------------------------------------------------------------------------------------

  describe('Alembic', () => {
    // a → b → c, a → d, e merges c and d
    const items = () =>
      plan(
        (
          [
            ['aaa', []],
            ['bbb', ['aaa']],
            ['ccc', ['bbb']],
            ['ddd', ['aaa']],
            ['eee', ['ccc', 'ddd']],
          ] as const
        ).map(([id, parents]) => mig('alembic', `virtual/alembic/versions/${id}_x.py`, { version: id, graph: { id, parents: [...parents] } })),
      );

    it('counts the heads in alembic_version and their ancestors as applied', async () => {
      // alembic/ddl/impl.py version_table_impl, as SQLAlchemy creates it
      await d.execute(`CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
)`);
      const h = history('alembic');
      expect(summary(await h.read(d, items()))).toEqual({ applied: [], dirty: [], unknown: [] });
      await d.execute(`INSERT INTO alembic_version (version_num) VALUES ('ccc')`);
      expect(summary(await h.read(d, items())).applied).toEqual(['aaa', 'bbb', 'ccc']);
      await d.execute(`INSERT INTO alembic_version (version_num) VALUES ('ddd')`);
      expect(summary(await h.read(d, items())).applied).toEqual(['aaa', 'bbb', 'ccc', 'ddd']);
      await d.execute(`DELETE FROM alembic_version`);
      await d.execute(`INSERT INTO alembic_version (version_num) VALUES ('eee'), ('fff')`);
      expect(summary(await h.read(d, items()))).toEqual({ applied: ['aaa', 'bbb', 'ccc', 'ddd', 'eee'], dirty: [], unknown: ['fff'] });
    });
  });

  // ---- Django --------------------------------------------------------------------------------------------

  describe('Django', () => {
    const items = () =>
      plan([
        mig('django', 'virtual/accounts/migrations/0001_initial.py', { version: '0001', name: 'initial', graph: { id: 'accounts.0001_initial', parents: [] } }),
        mig('django', 'virtual/shop/migrations/0001_initial.py', { version: '0001', name: 'initial', graph: { id: 'shop.0001_initial', parents: ['accounts.0001_initial'] } }),
        mig('django', 'virtual/shop/migrations/0002_status.py', { version: '0002', name: 'status', graph: { id: 'shop.0002_status', parents: ['shop.0001_initial'] } }),
        mig('django', 'virtual/shop/migrations/0001_squashed_0002_status.py', {
          version: '0001',
          name: 'squashed_0002_status',
          graph: { id: 'shop.0001_squashed_0002_status', parents: ['accounts.0001_initial'], replaces: ['shop.0001_initial', 'shop.0002_status'] },
        }),
        mig('django', 'virtual/shop/migrations/0003_more.py', { version: '0003', name: 'more', graph: { id: 'shop.0003_more', parents: ['shop.0002_status'] } }),
      ]);
    // the table Django's schema editor makes for MigrationRecorder.Migration
    const create = () =>
      d.execute(
        `CREATE TABLE "django_migrations" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamp with time zone NOT NULL)`,
      );
    const record = (app: string, name: string) => d.query(`INSERT INTO "django_migrations" ("app", "name", "applied") VALUES ($1, $2, now())`, [app, name]);

    it('reads app.name rows; a squash counts when all it replaces are applied', async () => {
      await create();
      const p = items();
      expect(p.map((x) => x.id)).toEqual(['accounts.0001_initial', 'shop.0001_squashed_0002_status', 'shop.0003_more']);
      const h = history('django');
      await record('contenttypes', '0001_initial');
      await record('accounts', '0001_initial');
      await record('shop', '0001_initial');
      expect(summary(await h.read(d, p))).toEqual({ applied: ['accounts.0001_initial'], dirty: ['shop.0001_squashed_0002_status'], unknown: [] });
      await record('shop', '0002_status');
      await record('shop', '0009_deleted');
      expect(summary(await h.read(d, p))).toEqual({ applied: ['accounts.0001_initial', 'shop.0001_squashed_0002_status'], dirty: [], unknown: ['shop.0009_deleted'] });
    });
  });

  // ---- the code frameworks --------------------------------------------------------------------------------

  describe('code frameworks', () => {
    const ts = (format: MigrationFormat, files: string[]) => plan(files.map((f) => mig(format, f, { text: 'export async function up() {}\n' })));

    it('knex: file names with their extension', async () => {
      // lib/migrations/migrate/table-creator.js, as knex's PostgreSQL schema builder prints it
      await d.execute(`create table "knex_migrations" ("id" serial primary key, "name" varchar(255), "batch" integer, "migration_time" timestamptz)`);
      await d.execute(`create table "knex_migrations_lock" ("index" serial primary key, "is_locked" integer)`);
      const p = ts('knex', ['virtual/knex/20210101120000_create_users.js', 'virtual/knex/20210215093000_add_age.ts', 'virtual/knex/20210302110000_plans.js']);
      for (const name of ['20210101120000_create_users.js', '20210215093000_add_age.js', '20200101000000_gone.js']) {
        await d.query(`insert into "knex_migrations" ("batch", "migration_time", "name") values ($1, $2, $3)`, [1, new Date(), name]);
      }
      expect(summary(await history('knex').read(d, p))).toEqual({
        applied: ['20210101120000_create_users', '20210215093000_add_age'],
        dirty: [],
        unknown: ['20200101000000_gone.js'],
      });
    });

    it('TypeORM: class names, matched by their timestamp; db-migrate’s table of the same name is not TypeORM’s', async () => {
      // MigrationExecutor.createMigrationsTableIfNotExist, as the PostgreSQL query runner prints it
      await d.execute(`CREATE TABLE "migrations" ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL, "name" character varying NOT NULL, CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY ("id"))`);
      const p = ts('typeorm', ['virtual/typeorm/1700000000000-InitialSchema.ts', 'virtual/typeorm/1700000100000-AddOrderStatus.ts']);
      await d.query(`INSERT INTO "migrations"("timestamp", "name") VALUES ($1, $2)`, [1700000000000, 'InitialSchema1700000000000']);
      await d.query(`INSERT INTO "migrations"("timestamp", "name") VALUES ($1, $2)`, [1600000000000, 'Old1600000000000']);
      expect(summary(await history('typeorm').read(d, p))).toEqual({ applied: ['1700000000000-InitialSchema'], dirty: [], unknown: ['Old1600000000000'] });
      expect(await history('db-migrate').read(d, p)).toBeUndefined();
    });

    it('db-migrate: /<name> without extension; TypeORM’s table of the same name is not db-migrate’s', async () => {
      // db-migrate-base createMigrationsTable, as db-migrate-pg prints it
      await d.execute(`CREATE TABLE IF NOT EXISTS "migrations" ("id"  SERIAL PRIMARY KEY NOT NULL, "name" VARCHAR (255) NOT NULL, "run_on" TIMESTAMP NOT NULL)`);
      const p = ts('db-migrate', ['virtual/dbm/20150605120000-add-pets.js', 'virtual/dbm/20150606120000-cleanup.js']);
      await d.query(`INSERT INTO "migrations" ("name", "run_on") VALUES ($1, $2)`, ['/20150605120000-add-pets', new Date()]);
      await d.query(`INSERT INTO "migrations" ("name", "run_on") VALUES ($1, $2)`, ['/20140101000000-gone', new Date()]);
      expect(summary(await history('db-migrate').read(d, p))).toEqual({ applied: ['20150605120000-add-pets'], dirty: [], unknown: ['/20140101000000-gone'] });
      expect(await history('typeorm').read(d, p)).toBeUndefined();
    });

    it('Sequelize: SequelizeMeta names with their extension', async () => {
      // umzug SequelizeStorage's model, as Sequelize's PostgreSQL query generator prints it
      await d.execute(`CREATE TABLE IF NOT EXISTS "SequelizeMeta" ("name" VARCHAR(255) NOT NULL UNIQUE , PRIMARY KEY ("name"))`);
      const p = ts('sequelize', ['virtual/seq/20230101000000-create-user.js', 'virtual/seq/20230202000000-add-columns.ts']);
      await d.query(`INSERT INTO "SequelizeMeta" ("name") VALUES ($1)`, ['20230101000000-create-user.js']);
      const s = await history('sequelize').read(d, p);
      expect(s!.table).toBe(`${schema}.SequelizeMeta`);
      expect(summary(s)).toEqual({ applied: ['20230101000000-create-user'], dirty: [], unknown: [] });
    });

    it('node-pg-migrate: names without extension', async () => {
      // src/runner.ts
      await d.execute(`CREATE TABLE "${schema}"."pgmigrations" (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL)`);
      const p = ts('node-pg-migrate', ['virtual/npm/1600000000000_create-posts.js', 'virtual/npm/1600000000001_backfill.ts']);
      // src/migration.ts
      await d.execute(`INSERT INTO "${schema}"."pgmigrations" (name, run_on) VALUES ('1600000000001_backfill', NOW());`);
      expect(summary(await history('node-pg-migrate').read(d, p))).toEqual({ applied: ['1600000000001_backfill'], dirty: [], unknown: [] });
    });

    it('Kysely: names without extension', async () => {
      // src/migration/migrator.ts, as Kysely's PostgreSQL compiler prints it
      await d.execute(`create table if not exists "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null)`);
      await d.execute(`create table if not exists "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null)`);
      const p = ts('kysely', ['virtual/kysely/2024-01-10T120000_create_pet.ts', 'virtual/kysely/2024-02-20T090000_person_tier.ts']);
      await d.query(`insert into "kysely_migration" ("name", "timestamp") values ($1, $2)`, ['2024-01-10T120000_create_pet', new Date().toISOString()]);
      expect(summary(await history('kysely').read(d, p))).toEqual({ applied: ['2024-01-10T120000_create_pet'], dirty: [], unknown: [] });
    });

    it('MikroORM: names without extension (older versions kept it)', async () => {
      // MigrationStorage.ensureTable, as MikroORM's PostgreSQL schema helper prints it
      await d.execute(`create table "mikro_orm_migrations" ("id" serial primary key, "name" varchar(255) null, "executed_at" timestamptz null default current_timestamp)`);
      const p = ts('mikro-orm', ['virtual/mikro/Migration20240101120000.ts', 'virtual/mikro/Migration20240202120000.ts', 'virtual/mikro/Migration20240303120000.ts']);
      await d.query(`insert into "mikro_orm_migrations" ("name") values ($1)`, ['Migration20240101120000']);
      await d.query(`insert into "mikro_orm_migrations" ("name") values ($1)`, ['Migration20240202120000.ts']);
      expect(summary(await history('mikro-orm').read(d, p))).toEqual({ applied: ['Migration20240101120000', 'Migration20240202120000'], dirty: [], unknown: [] });
    });
  });
});
