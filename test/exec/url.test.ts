/**
 * Connection strings: which database a command uses (--db, MIGRATELINT_DB, DATABASE_URL,
 * the embedded PGlite), how a URL is read (user-info up to the last `@` before the host),
 * and that the password never shows, however it was written or wherever it came from.
 * The last block runs against the real server when MIGRATELINT_TEST_PG_URL is set
 * (skipped locally, FAILS under CI, as in postgres.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseDb, dbTargetNote, maskUrl, parseDbTarget, redact, splitUrl, withoutPassword, withDatabase, type PostgresTarget } from '../../src/exec/url.js';
import { secretsOf } from '../../src/exec/context.js';
import { RunReport } from '../../src/exec/report.js';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { PG_URL, postgresBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, reports, tempDir, workspace } from './helpers/env.js';

const pgTarget = (url: string, env: NodeJS.ProcessEnv = {}) => parseDbTarget(url, '/', env) as PostgresTarget;

/** What node-postgres (the driver migratelint connects with) reads from the connection string. */
function asPg(connectionString: string) {
  const c = new pg.Client({ connectionString }) as unknown as { user: string; password: string | null; host: string; port: number; database: string };
  return { user: c.user, password: c.password, host: c.host, port: Number(c.port), database: c.database };
}

afterAll(() => cleanupTempDirs());

describe('reading a PostgreSQL URL', () => {
  it('takes the user-info up to the last @ before the host: a raw @ belongs to the password', () => {
    const t = pgTarget('postgres://u:abc@top9@db.example.com:5433/shop');
    expect(t).toMatchObject({ password: 'abc@top9', passwordFrom: 'url', display: 'postgres://u:****@db.example.com:5433/shop' });
    expect(asPg(t.connectionString)).toMatchObject({ user: 'u', password: 'abc@top9', host: 'db.example.com', port: 5433, database: 'shop' });
    expect(t.display).not.toContain('top9');
  });

  it('keeps : and / in the password, and several @', () => {
    const t = pgTarget('postgresql://app:a/b:c@@d@h/prod?application_name=x');
    expect(t).toMatchObject({ password: 'a/b:c@@d', display: 'postgresql://app:****@h/prod?application_name=x' });
    expect(asPg(t.connectionString)).toMatchObject({ user: 'app', password: 'a/b:c@@d', host: 'h', database: 'prod' });
    expect(splitUrl('postgres://u:x/y@h:1/d')).toMatchObject({ user: 'u', password: 'x/y', hosts: 'h:1', rest: '/d' });
  });

  it('decodes a percent-encoded password and keeps it encoded for the driver', () => {
    const t = pgTarget('postgres://app:p%40ss%2Fw%3Ard@h:5433/prod');
    expect(t).toMatchObject({ password: 'p@ss/w:rd', display: 'postgres://app:****@h:5433/prod' });
    expect(asPg(t.connectionString)).toMatchObject({ password: 'p@ss/w:rd', host: 'h', port: 5433 });
    // A raw space, ? or #: still read, encoded for the driver.
    expect(asPg(pgTarget('postgres://u:a b?c#d@h/db').connectionString)).toMatchObject({ user: 'u', password: 'a b?c#d', host: 'h', database: 'db' });
  });

  it('leaves an @ in the query string or the path where it is', () => {
    expect(pgTarget('postgres://u:pw@h/db?application_name=me@laptop')).toMatchObject({ password: 'pw', display: 'postgres://u:****@h/db?application_name=me@laptop' });
    expect(asPg(pgTarget('postgres://h/db?application_name=me@laptop').connectionString)).toMatchObject({ host: 'h', database: 'db' });
    expect(splitUrl('postgres://h/my@db')).toMatchObject({ userinfo: undefined, hosts: 'h', rest: '/my@db' });
    expect(pgTarget('postgres://u:p@[::1]:5432/db').display).toBe('postgres://u:****@[::1]:5432/db');
  });

  it('reads ?password= and hides it, in the display and in what goes on a command line', () => {
    const t = pgTarget('postgres://h/db?user=u&password=s3cr%3Ft&sslmode=disable');
    expect(t).toMatchObject({ password: 's3cr?t', passwordFrom: 'query', display: 'postgres://h/db?user=u&password=****&sslmode=disable' });
    expect(withoutPassword(t.connectionString)).toBe('postgres://h/db?user=u&sslmode=disable');
    expect(withoutPassword(pgTarget('postgres://u:abc@top9@h/db').connectionString)).toBe('postgres://u@h/db');
    expect(withDatabase(pgTarget('postgres://u:abc@top9@h/db').connectionString, 'other')).toBe('postgres://u:abc%40top9@h/other');
  });

  it('takes PGPASSWORD when the URL has no password', () => {
    expect(pgTarget('postgres://u@h/db', { PGPASSWORD: 'from-env' })).toMatchObject({ password: 'from-env', passwordFrom: 'PGPASSWORD', display: 'postgres://u@h/db' });
    expect(pgTarget('postgres://u:in-url@h/db', { PGPASSWORD: 'from-env' })).toMatchObject({ password: 'in-url', passwordFrom: 'url' });
  });

  it('refuses what is no URL, without showing the password', () => {
    expect(() => pgTarget('postgres://u:abc@top9@h:notaport/db')).toThrow(/not a valid PostgreSQL URL .*postgres:\/\/u:\*\*\*\*@h:notaport\/db/);
    expect(() => pgTarget('postgres://u:abc@top9@h:notaport/db')).not.toThrow(/top9/);
  });
});

describe('the password file (.pgpass)', () => {
  const pgpass = (text: string, mode = 0o600) => {
    const file = path.join(tempDir('mlt-pgpass-'), 'pgpass');
    fs.writeFileSync(file, text);
    fs.chmodSync(file, mode);
    return file;
  };

  it('reads the matching line when no password is given, so that it can be masked', () => {
    const file = pgpass('# comment\nother:5432:*:*:not-this-one\ndb.internal:6543:shop:app:from\\:pgpass\\\\x\n*:*:*:*:wildcard-pass\n');
    const t = pgTarget('postgres://app@db.internal:6543/shop', { PGPASSFILE: file });
    expect(t).toMatchObject({ password: 'from:pgpass\\x', passwordFrom: 'pgpass', display: 'postgres://app@db.internal:6543/shop' });
    expect(redact('server said: from:pgpass\\x is wrong', secretsOf(t))).toBe('server said: **** is wrong');
    // Defaults as libpq fills them in: port 5432, database = user; `*` matches anything.
    expect(pgTarget('postgres://app@elsewhere/shop', { PGPASSFILE: file }).password).toBe('wildcard-pass');
    expect(parseDbTarget('postgres:', '/', { PGPASSFILE: file, PGHOST: 'other', PGUSER: 'x' })).toMatchObject({ password: 'not-this-one', passwordFrom: 'pgpass' });
    // ~/.pgpass when PGPASSFILE is not set.
    const home = path.dirname(file);
    fs.renameSync(file, path.join(home, '.pgpass'));
    expect(pgTarget('postgres://app@db.internal:6543/shop', { HOME: home }).password).toBe('from:pgpass\\x');
  });

  it('is not read when a password is given, and ignored when others can read it (as libpq does)', () => {
    const file = pgpass('*:*:*:*:from-pgpass\n');
    expect(pgTarget('postgres://app:given@h/db', { PGPASSFILE: file }).password).toBe('given');
    expect(pgTarget('postgres://app@h/db', { PGPASSFILE: file, PGPASSWORD: 'env' }).password).toBe('env');
    expect(pgTarget('postgres://app@h/db', { PGPASSFILE: pgpass('*:*:*:*:from-pgpass\n', 0o644) }).password).toBeUndefined();
    expect(pgTarget('postgres://app@h/db', { PGPASSFILE: path.join(path.dirname(file), 'missing') }).password).toBeUndefined();
  });
});

describe('masking', () => {
  it('masks a URL in any text, a raw @ in the password included', () => {
    expect(maskUrl('cannot connect to postgres://u:abc@top9@host:5432/db: ECONNREFUSED')).toBe('cannot connect to postgres://u:****@host:5432/db: ECONNREFUSED');
    expect(maskUrl('a postgres://u:a/b@h/d and mysql://root:x@y@h/db')).toBe('a postgres://u:****@h/d and mysql://root:****@h/db');
    expect(maskUrl('postgres://u:p@h/db?application_name=me@laptop')).toBe('postgres://u:****@h/db?application_name=me@laptop');
    expect(maskUrl('{"db": "postgres://h/db?password=hunter2", "x": "password=hunter2"}')).toBe('{"db": "postgres://h/db?password=****", "x": "password=****"}');
  });

  it('masks the password however it is written: raw, percent-encoded in either case, partly encoded, JSON-escaped', () => {
    const secrets = [pgTarget('postgres://app:p%40ss@h/db').password];
    expect(redact('p@ss p%40ss p%40s%73 p%40SS x', secrets)).toBe('**** **** **** p%40SS x');
    expect(redact('{"error":"bad \\"q\\\\uote\\" here"}', ['"q\\uote"'])).toBe('{"error":"bad **** here"}');
    expect(redact('with spaces: a+b c and a%20b%20c', ['a b c'])).toBe('with spaces: **** and ****');
  });

  it('writes reports with every form of the password masked, and valid JSON', () => {
    const dir = tempDir('mlt-report-');
    const t = pgTarget('postgres://u:q"uo\\te@top9@h/db');
    const report = new RunReport(dir, 'status', ['--db', 'postgres://u:q"uo\\te@top9@h/db'], t.display, secretsOf(t));
    report.data.message = 'failed: q"uo\\te@top9 and q%22uo%5Cte%40top9, password=q"uo\\te@top9';
    const file = report.write(1, () => {})!;
    const text = fs.readFileSync(file, 'utf8');
    const data = JSON.parse(text);
    expect(text).not.toMatch(/uo|top9/);
    expect(data.argv[1]).toBe('postgres://u:****@h/db');
    expect(data.db).toBe('postgres://u:****@h/db');
  });
});

describe('which database: --db, MIGRATELINT_DB, DATABASE_URL, the embedded PGlite', () => {
  const url = 'postgres://app:abc@top9@db:5432/shop';

  it('takes DATABASE_URL after --db and MIGRATELINT_DB', () => {
    expect(chooseDb(undefined, { DATABASE_URL: url })).toEqual({ value: url, from: 'DATABASE_URL' });
    expect(parseDbTarget(undefined, '/proj', { DATABASE_URL: url })).toMatchObject({ kind: 'postgres', password: 'abc@top9', display: 'postgres://app:****@db:5432/shop' });
    expect(parseDbTarget(undefined, '/proj', { DATABASE_URL: url, MIGRATELINT_DB: 'pglite:mine' })).toMatchObject({ kind: 'pglite', dataDir: '/proj/mine' });
    expect(parseDbTarget('pglite:memory', '/proj', { DATABASE_URL: url })).toMatchObject({ kind: 'pglite', dataDir: null });
    expect(parseDbTarget(undefined, '/proj', { DATABASE_URL: '', MIGRATELINT_DB: '' })).toMatchObject({ kind: 'pglite', dataDir: '/proj/.migratelint/db' });
  });

  it('passes over a DATABASE_URL of another database, and says so', () => {
    const env = { DATABASE_URL: 'mysql://root:s3cret@h/db' };
    expect(parseDbTarget(undefined, '/proj', env)).toMatchObject({ kind: 'pglite', dataDir: '/proj/.migratelint/db' });
    expect(dbTargetNote(undefined, '/proj', env)).toBe(
      'note: DATABASE_URL is not a PostgreSQL URL (mysql://root:****@h/db): using the embedded PGlite database pglite:.migratelint/db',
    );
  });

  it('says in one note where the database came from when it was not named', () => {
    expect(dbTargetNote(undefined, '/proj', {})).toBe('note: no --db, MIGRATELINT_DB or DATABASE_URL: using the embedded PGlite database pglite:.migratelint/db');
    expect(dbTargetNote(undefined, '/proj', { DATABASE_URL: url })).toBe('note: no --db or MIGRATELINT_DB: using DATABASE_URL (postgres://app:****@db:5432/shop)');
    expect(dbTargetNote('pglite:x', '/proj', { DATABASE_URL: url })).toBeUndefined();
    expect(dbTargetNote(undefined, '/proj', { MIGRATELINT_DB: 'pglite:x' })).toBeUndefined();
  });
});

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

describe.skipIf(!PG_URL)('a password with a raw @, : and / against the real server', { timeout: 120_000 }, () => {
  const backend = postgresBackend();
  const role = `mlt_role_${process.pid}`;
  const password = `Mlt@top9:a/b@c`;
  const admin = () => PgDriver.open(parseDbTarget(PG_URL!, '/') as PostgresTarget, 'test');
  let url = '';

  beforeAll(async () => {
    const db = await backend.fresh();
    const a = await admin();
    try {
      await a.execute(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await a.execute(`ALTER DATABASE ${new URL(db.url).pathname.slice(1)} OWNER TO ${role}`);
    } finally {
      await a.close();
    }
    const server = new URL(db.url);
    url = `postgres://${role}:${password}@${server.host}${server.pathname}`;
  });

  afterAll(async () => {
    await backend.cleanup();
    const a = await admin();
    try {
      await a.execute(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await a.close();
    }
  });

  it('connects with the URL as written, applies, and never shows the password', async () => {
    const ws = workspace();
    const env = { MIGRATELINT_DB: '', DATABASE_URL: '' };
    const runs = [
      await cli(['health', '--db', url], ws, env),
      await cli(['apply', '--db', url, '--yes', '--no-backup'], ws, env),
      await cli(['status', '--db', url, '--json'], ws, env),
      // The same URL from DATABASE_URL, percent-encoded this time.
      await cli(['status'], ws, { MIGRATELINT_DB: '', DATABASE_URL: url.replace(password, encodeURIComponent(password)) }),
      await cli(['status', '--db', url.replace(password, 'Mlt@wrong/x'), '--json'], ws, env),
    ];
    // (Not the exit code: another test file's apply on this server can show in the lock check.)
    expect(runs[0].stdout, runs[0].stderr).toMatch(/ok {4}connection +ok/);
    expect(runs[0].stdout).toMatch(/ok {4}migration table +no migrations applied yet/);
    expect(runs[0].stdout).toContain(`postgres://${role}:****@127.0.0.1`);
    expect(runs[1].code, runs[1].stderr).toBe(0);
    expect(JSON.parse(runs[2].stdout)).toMatchObject({ applied: 4, pending: 0, db: expect.stringContaining(`${role}:****@`) });
    expect(runs[3].code, runs[3].stderr).toBe(0);
    expect(runs[3].stdout).toContain('4 applied, 0 pending');
    expect(runs[3].stderr).toContain(`note: no --db or MIGRATELINT_DB: using DATABASE_URL (postgres://${role}:****@`);
    expect(runs[4].code).toBe(1);
    expect(JSON.parse(runs[4].stdout).error).toMatch(/password authentication failed/);
    const everything = [...runs.flatMap((r) => [r.stdout, r.stderr]), ...reports(ws).map((x) => JSON.stringify(x))].join('\n');
    for (const part of ['top9', 'a/b@c', encodeURIComponent(password), 'wrong']) expect(everything).not.toContain(part);
  });
});
