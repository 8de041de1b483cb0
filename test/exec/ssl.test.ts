/**
 * libpq semantics for PostgreSQL connections: sslmode (disable, allow, prefer, require,
 * verify-ca, verify-full, and node-postgres' no-verify), sslrootcert and the default
 * ~/.postgresql/root.crt, connect_timeout, the PG* variables, and the same settings in
 * pg_dump / pg_restore. Each connection's encryption is read from pg_stat_ssl.
 *
 * The server is scripts/with-postgres.sh's: SSL on, a self-signed certificate for
 * CN=localhost (MIGRATELINT_TEST_PG_SSL_CA), plain TCP accepted too, and the role
 * migratelint_ssl_only refused without SSL. A "server without SSL" is a small proxy that
 * answers the SSL request with 'N' and then forwards to the real one.
 *
 * The first block needs no server. The rest is skipped without MIGRATELINT_TEST_PG_URL
 * locally and FAILS under CI; with a server but without the certificate it fails.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { connectAttempts, libpqSettings, toolConnectionString, toolEnvironment } from '../../src/exec/connection.js';
import { parseDbTarget, type PostgresTarget } from '../../src/exec/url.js';
import { PG_URL, postgresBackend } from './helpers/backends.js';
import { ROOT, cleanupTempDirs, cli, tempDir, workspace } from './helpers/env.js';

const CA = process.env.MIGRATELINT_TEST_PG_SSL_CA;
const target = (url: string) => parseDbTarget(url, '/', {}) as PostgresTarget;
/** A home directory with nothing in ~/.postgresql, so the default certificate files never interfere. */
const bareHome = tempDir('mlt-ssl-home-');

/** Runs fn with these environment variables set (undefined = unset), then restores them. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

const noPgEnv = { HOME: bareHome, PGSSLMODE: undefined, PGSSLROOTCERT: undefined, PGSSLCERT: undefined, PGSSLKEY: undefined, PGCONNECT_TIMEOUT: undefined };

describe('libpq settings (no server)', () => {
  const env = (more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ HOME: bareHome, ...more });

  it('defaults to sslmode=prefer and a 15 s connect timeout, and reads the URL before the PG* variables', () => {
    expect(libpqSettings(target('postgres://h/db'), env())).toMatchObject({ sslmode: 'prefer', sslmodeFrom: 'default', connectTimeoutMs: 15_000 });
    expect(libpqSettings(target('postgres://h/db'), env({ PGSSLMODE: 'require', PGCONNECT_TIMEOUT: '7' }))).toMatchObject({
      sslmode: 'require',
      sslmodeFrom: 'PGSSLMODE',
      connectTimeoutMs: 7_000,
    });
    expect(libpqSettings(target('postgres://h/db?sslmode=disable&connect_timeout=0'), env({ PGSSLMODE: 'require', PGCONNECT_TIMEOUT: '7' }))).toMatchObject({
      sslmode: 'disable',
      sslmodeFrom: 'url',
      connectTimeoutMs: 0,
    });
    // libpq's minimum is 2 s.
    expect(libpqSettings(target('postgres://h/db?connect_timeout=1'), env()).connectTimeoutMs).toBe(2_000);
  });

  it("reads node-postgres' no-verify as require, and refuses an unknown sslmode or timeout naming where it came from", () => {
    expect(libpqSettings(target('postgres://h/db?sslmode=no-verify'), env()).sslmode).toBe('require');
    expect(libpqSettings(target('postgres://h/db'), env({ PGSSLMODE: 'no-verify' })).sslmode).toBe('require');
    expect(() => libpqSettings(target('postgres://h/db?sslmode=required'), env())).toThrow('invalid sslmode "required" in the URL: expected disable, allow, prefer, require, verify-ca or verify-full');
    expect(() => libpqSettings(target('postgres://h/db'), env({ PGSSLMODE: 'on' }))).toThrow('invalid sslmode "on" in PGSSLMODE');
    expect(() => libpqSettings(target('postgres://h/db'), env({ PGCONNECT_TIMEOUT: '5s' }))).toThrow('invalid connect_timeout "5s" in PGCONNECT_TIMEOUT');
  });

  it('verify-ca and verify-full need a root certificate: the named one, else ~/.postgresql/root.crt, named in the error', () => {
    const missing = path.join(bareHome, '.postgresql', 'root.crt');
    expect(() => libpqSettings(target('postgres://h/db?sslmode=verify-full'), env())).toThrow(`the root certificate file "${missing}" does not exist`);
    expect(() => libpqSettings(target('postgres://h/db?sslmode=verify-ca&sslrootcert=/nonexistent/ca.crt'), env())).toThrow(
      'sslmode=verify-ca needs the server\'s CA certificate, and the root certificate file "/nonexistent/ca.crt" does not exist',
    );
    // require encrypts without verifying when the named file is missing, as libpq does.
    expect(libpqSettings(target('postgres://h/db?sslmode=require&sslrootcert=/nonexistent/ca.crt'), env()).sslrootcert).toBeUndefined();

    const home = tempDir('mlt-ssl-home-');
    fs.mkdirSync(path.join(home, '.postgresql'));
    fs.writeFileSync(path.join(home, '.postgresql', 'root.crt'), 'not read here');
    expect(libpqSettings(target('postgres://h/db?sslmode=require'), { HOME: home }).sslrootcert).toBe(path.join(home, '.postgresql', 'root.crt'));
    expect(libpqSettings(target('postgres://h/db'), { HOME: home, PGSSLROOTCERT: '/elsewhere/ca.crt' }).sslrootcert).toBeUndefined();
  });

  it('sslrootcert=system means verify-full (the default mode becomes it; a weaker explicit one is refused)', () => {
    expect(libpqSettings(target('postgres://h/db?sslrootcert=system'), env())).toMatchObject({ sslmode: 'verify-full', sslrootcert: 'system' });
    expect(() => libpqSettings(target('postgres://h/db?sslrootcert=system&sslmode=require'), env())).toThrow('sslmode=require cannot be used with sslrootcert=system');
  });

  it('a client certificate needs its key, and a key others can read is refused as libpq refuses it', () => {
    const dir = tempDir('mlt-ssl-client-');
    const cert = path.join(dir, 'client.crt');
    const key = path.join(dir, 'client.key');
    fs.writeFileSync(cert, 'x');
    expect(() => libpqSettings(target(`postgres://h/db?sslcert=${cert}&sslkey=${key}`), env())).toThrow(`client certificate "${cert}" is present, but not its private key file "${key}"`);
    fs.writeFileSync(key, 'x', { mode: 0o644 });
    fs.chmodSync(key, 0o644);
    expect(() => libpqSettings(target(`postgres://h/db?sslcert=${cert}&sslkey=${key}`), env())).toThrow(`private key file "${key}" has group or world access`);
    fs.chmodSync(key, 0o600);
    expect(libpqSettings(target(`postgres://h/db?sslcert=${cert}&sslkey=${key}`), env())).toMatchObject({ sslcert: cert, sslkey: key });
  });

  it('tries SSL then plaintext for prefer, plaintext then SSL for allow, one attempt otherwise, never SSL on a Unix socket', () => {
    const order = (url: string, more: NodeJS.ProcessEnv = {}) => {
      const t = target(url);
      return connectAttempts(t, libpqSettings(t, env(more)), { env: env(more) }).map((a) => (a.ssl ? 'ssl' : 'plain'));
    };
    expect(order('postgres://h/db')).toEqual(['ssl', 'plain']);
    expect(order('postgres://h/db?sslmode=allow')).toEqual(['plain', 'ssl']);
    expect(order('postgres://h/db?sslmode=disable')).toEqual(['plain']);
    expect(order('postgres://h/db?sslmode=require')).toEqual(['ssl']);
    expect(order('postgres:///db?host=/var/run/postgresql&sslmode=require')).toEqual(['plain']);
    expect(order('postgres:///db', { PGHOST: '/tmp' })).toEqual(['plain']);
    // The URL's other parameters and our own settings reach pg; the resolved ones are not left for it to misread.
    const t = target('postgres://u:pw@h:5433/db?sslmode=require&application_name=mine&uselibpqcompat=true');
    const [attempt] = connectAttempts(t, libpqSettings(t, env()), { extra: { application_name: 'migratelint x', keepAlive: true }, env: env() });
    expect(attempt.config).toMatchObject({ host: 'h', port: 5433, user: 'u', password: 'pw', database: 'db', application_name: 'mine', keepAlive: true, connectionTimeoutMillis: 15_000, ssl: { rejectUnauthorized: false } });
  });

  it("gives pg_dump/pg_restore the URL without its password, libpq's spellings, and our connect timeout", () => {
    expect(toolConnectionString('postgres://u:s3cret@h:5433/db?sslmode=no-verify&sslrootcert=/ca.crt&application_name=a')).toBe(
      'postgres://u@h:5433/db?sslmode=require&sslrootcert=/ca.crt&application_name=a',
    );
    expect(toolConnectionString('postgres://u@h/db?uselibpqcompat=true&sslmode=verify-full')).toBe('postgres://u@h/db?sslmode=verify-full');
    expect(toolConnectionString('postgres://u@h/db?sslmode=prefer&password=s3cret')).toBe('postgres://u@h/db?sslmode=prefer');
    expect(toolEnvironment(target('postgres://h/db'), { PGSSLMODE: 'no-verify' })).toEqual({ PGSSLMODE: 'require', PGCONNECT_TIMEOUT: '15' });
    expect(toolEnvironment(target('postgres://h/db?connect_timeout=3'), {})).toEqual({});
    expect(toolEnvironment(target('postgres://h/db'), { PGCONNECT_TIMEOUT: '0', PGSSLMODE: 'verify-ca' })).toEqual({ PGCONNECT_TIMEOUT: '0', PGSSLMODE: 'verify-ca' });
  });
});

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

/** A server that answers every SSL (and GSSAPI) request with 'N', then forwards to the real one. */
function noSslProxy(upstreamPort: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    const onData = (chunk: Buffer) => {
      const code = chunk.length >= 8 && chunk.readInt32BE(0) === 8 ? chunk.readInt32BE(4) : 0;
      if (code === 80877103 || code === 80877104) {
        client.write('N');
        if (chunk.length === 8) return;
        chunk = chunk.subarray(8);
      }
      client.off('data', onData);
      client.pause();
      const upstream = net.connect(upstreamPort, '127.0.0.1', () => {
        upstream.write(chunk);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  return listen(server, sockets);
}

/** A server that accepts connections and never says a word (for connect_timeout). */
function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  return listen(server, sockets);
}

function listen(server: net.Server, sockets: Set<net.Socket>): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The URL with these query parameters, and optionally another host, port or user. */
function urlWith(base: string, params: Record<string, string>, at: { host?: string; port?: number; user?: string; password?: string } = {}): string {
  const u = new URL(base);
  if (at.host) u.hostname = at.host;
  if (at.port) u.port = String(at.port);
  if (at.user) u.username = at.user;
  if (at.password) u.password = at.password;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** `node bin/migratelint.js …` (the build the test command makes), as an operator runs it. */
function runBin(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/migratelint.js'), ...args], { cwd, env: { ...process.env, CI: '1', ...env }, timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Connects as the CLI does; says whether pg_stat_ssl shows the connection encrypted. */
async function encrypted(url: string): Promise<boolean> {
  const d = await PgDriver.open(target(url), 'ssl-test');
  try {
    const [row] = await d.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return row.ssl;
  } finally {
    await d.close();
  }
}

/** The one-line error PgDriver.open gives for this URL. */
async function connectError(url: string): Promise<string> {
  try {
    await encrypted(url);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`connected to ${url}, but a failure was expected`);
}

describe.skipIf(!PG_URL)('sslmode against the SSL-enabled test server', { timeout: 20_000 }, () => {
  const password = PG_URL ? new URL(PG_URL).password : '';
  const backend = postgresBackend();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  const localhost = (params: Record<string, string>) => urlWith(PG_URL!, params, { host: 'localhost' });
  const ip = (params: Record<string, string>) => urlWith(PG_URL!, params);
  let restoreEnv: Record<string, string | undefined>;
  let proxy: Awaited<ReturnType<typeof noSslProxy>>;
  const sslOnly = { user: 'migratelint_ssl_only', password: `ssl-only-${process.pid}-pw` };

  beforeAll(async () => {
    if (!CA) throw new Error('MIGRATELINT_TEST_PG_SSL_CA is not set: the test server must run with SSL (scripts/with-postgres.sh makes a certificate with openssl)');
    restoreEnv = Object.fromEntries(Object.keys(noPgEnv).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(noPgEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.on('warning', onWarning);
    proxy = await noSslProxy(Number(new URL(PG_URL!).port));
    const admin = await PgDriver.open(target(PG_URL!), 'ssl-test');
    try {
      await admin.execute(`DO $$ BEGIN CREATE ROLE migratelint_ssl_only LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await admin.execute(`ALTER ROLE migratelint_ssl_only PASSWORD '${sslOnly.password}'`);
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    process.off('warning', onWarning);
    for (const [k, v] of Object.entries(restoreEnv ?? {})) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await proxy?.close();
    await backend.cleanup();
    cleanupTempDirs();
  });

  it('require on a self-signed certificate encrypts without verifying, as psql does, and prints no warning', async () => {
    expect(await encrypted(ip({ sslmode: 'require' }))).toBe(true);
    expect(await encrypted(ip({ sslmode: 'no-verify' }))).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('prefer (the default) encrypts when the server can, disable never does', async () => {
    expect(await encrypted(PG_URL!)).toBe(true);
    expect(await encrypted(ip({ sslmode: 'prefer' }))).toBe(true);
    expect(await encrypted(ip({ sslmode: 'disable' }))).toBe(false);
  });

  it('verify-ca with the CA passes on any host name; verify-full checks the name against the certificate (CN=localhost)', async () => {
    expect(await encrypted(ip({ sslmode: 'verify-ca', sslrootcert: CA! }))).toBe(true);
    expect(await encrypted(localhost({ sslmode: 'verify-full', sslrootcert: CA! }))).toBe(true);
    const msg = await connectError(ip({ sslmode: 'verify-full', sslrootcert: CA! }));
    expect(msg).toMatch(/^cannot connect to postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/postgres\?sslmode=verify-full&sslrootcert=\S+: server certificate for "localhost" does not match host name "127\.0\.0\.1"/);
    expect(msg).not.toContain('\n');
    expect(msg).not.toContain(password);
  });

  it('verify-full against a CA the certificate is not signed by: not trusted, naming the CA file', async () => {
    const dir = tempDir('mlt-ssl-other-ca-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=other', '-days', '1', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'ca.crt')], { stdio: 'ignore' });
    const other = path.join(dir, 'ca.crt');
    const msg = await connectError(localhost({ sslmode: 'verify-full', sslrootcert: other }));
    expect(msg).toMatch(new RegExp(`: server certificate not trusted \\(self-signed certificate\\); it is not signed by the CA in ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // A root.crt in ~/.postgresql makes require verify the chain too, as libpq's does.
    fs.mkdirSync(path.join(bareHome, '.postgresql'), { recursive: true });
    fs.copyFileSync(other, path.join(bareHome, '.postgresql', 'root.crt'));
    try {
      expect(await connectError(ip({ sslmode: 'require' }))).toContain('server certificate not trusted');
      fs.copyFileSync(CA!, path.join(bareHome, '.postgresql', 'root.crt'));
      expect(await encrypted(ip({ sslmode: 'require' }))).toBe(true);
      // ... and is the CA verify-full uses when no sslrootcert is given.
      expect(await encrypted(localhost({ sslmode: 'verify-full' }))).toBe(true);
    } finally {
      fs.rmSync(path.join(bareHome, '.postgresql'), { recursive: true, force: true });
    }
    expect(await connectError(localhost({ sslmode: 'verify-full' }))).toContain(`the root certificate file "${path.join(bareHome, '.postgresql', 'root.crt')}" does not exist`);
  });

  it('a server without SSL: prefer falls back to plaintext, require fails clearly', async () => {
    const viaProxy = (params: Record<string, string>) => urlWith(PG_URL!, params, { port: proxy.port });
    expect(await encrypted(viaProxy({}))).toBe(false);
    expect(await encrypted(viaProxy({ sslmode: 'prefer' }))).toBe(false);
    expect(await encrypted(viaProxy({ sslmode: 'allow' }))).toBe(false);
    const msg = await connectError(viaProxy({ sslmode: 'require' }));
    expect(msg).toMatch(/^cannot connect to postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/postgres\?sslmode=require: the server does not support SSL, but sslmode=require requires it$/);
  });

  it('allow tries plaintext first and SSL when the server refuses it', async () => {
    const asSslOnly = (params: Record<string, string>) => urlWith(PG_URL!, params, sslOnly);
    expect(await encrypted(asSslOnly({ sslmode: 'allow' }))).toBe(true);
    expect(await encrypted(ip({ sslmode: 'allow' }))).toBe(false);
    const msg = await connectError(asSslOnly({ sslmode: 'disable' }));
    expect(msg).toMatch(/: pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "migratelint_ssl_only", database "postgres", no encryption$/);
    expect(msg).not.toContain(sslOnly.password);
  });

  it('PGSSLMODE and PGSSLROOTCERT apply when the URL says nothing, and the URL wins over them', async () => {
    await withEnv({ PGSSLMODE: 'require' }, async () => {
      expect(await encrypted(PG_URL!)).toBe(true);
      expect(await encrypted(ip({ sslmode: 'disable' }))).toBe(false);
    });
    await withEnv({ PGSSLMODE: 'disable' }, async () => expect(await encrypted(PG_URL!)).toBe(false));
    await withEnv({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: CA }, async () => {
      expect(await encrypted(localhost({}))).toBe(true);
      expect(await connectError(PG_URL!)).toContain('does not match host name "127.0.0.1"');
    });
    expect(warnings).toEqual([]);
  });

  it('connect_timeout is in seconds, as in libpq', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const msg = await connectError(urlWith(PG_URL!, { connect_timeout: '2', sslmode: 'disable' }, { port: silent.port }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(msg).toMatch(/: timeout expired after 2 s \(connect_timeout\)$/);
    } finally {
      await silent.close();
    }
  });

  /**
   * Runs `migratelint backup` while a lock keeps pg_dump waiting, so its connection can be
   * looked at: whether pg_dump (PGAPPNAME=migratelint) connected with SSL. The observer is
   * a second session: one inside a transaction sees pg_stat_activity as it was at its start.
   */
  async function backupSeenByServer(query: Record<string, string>): Promise<{ code: number; stderr: string; pgDumpSsl: boolean | undefined; file: string }> {
    const db = await backend.fresh();
    await db.query('CREATE TABLE held (id int); INSERT INTO held VALUES (1)');
    const name = new URL(db.url).pathname.slice(1);
    const blocker = await PgDriver.open(target(db.url), 'ssl-test-blocker');
    const observer = await PgDriver.open(target(db.url), 'ssl-test-observer');
    const file = path.join(tempDir('mlt-ssl-backup-'), 'b.dump');
    let pgDumpSsl: boolean | undefined;
    try {
      await blocker.execute('BEGIN');
      await blocker.execute('LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
      let done = false;
      const run = cli(['backup', '--db', urlWith(db.url, query), '--output', file], workspace()).finally(() => (done = true));
      const deadline = Date.now() + 10_000;
      while (pgDumpSsl === undefined && !done && Date.now() < deadline) {
        const rows = await observer.query<{ ssl: boolean }>(
          `SELECT s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = 'migratelint' AND a.datname = $1`,
          [name],
        );
        if (rows.length) pgDumpSsl = rows[0].ssl;
        else await new Promise((r) => setTimeout(r, 20));
      }
      await blocker.execute('COMMIT');
      const r = await run;
      return { code: r.code, stderr: r.stderr, pgDumpSsl, file };
    } finally {
      await blocker.close();
      await observer.close();
    }
  }

  it('no-verify connects and pg_dump gets it as require: the backup succeeds, encrypted', async () => {
    const r = await backupSeenByServer({ sslmode: 'no-verify' });
    expect(r.stderr).not.toMatch(/invalid sslmode|SECURITY WARNING/);
    expect(r.code).toBe(0);
    expect(r.pgDumpSsl).toBe(true);
    expect(fs.readFileSync(r.file).subarray(0, 5).toString('latin1')).toBe('PGDMP');
  });

  it("the URL's sslmode reaches pg_dump (disable: pg_dump connects without SSL although libpq would prefer it)", async () => {
    const r = await backupSeenByServer({ sslmode: 'disable' });
    expect(r.code).toBe(0);
    expect(r.pgDumpSsl).toBe(false);
    const req = await backupSeenByServer({ sslmode: 'require' });
    expect(req.code).toBe(0);
    expect(req.pgDumpSsl).toBe(true);
  });

  it('PGSSLMODE=no-verify reaches pg_dump as require, and pg_restore takes the same URL', async () => {
    const r = await withEnv({ PGSSLMODE: 'no-verify' }, () => backupSeenByServer({}));
    expect(r.stderr).not.toMatch(/invalid sslmode|SECURITY WARNING/);
    expect(r.code).toBe(0);
    expect(r.pgDumpSsl).toBe(true);
    const db = await backend.fresh();
    const restored = await cli(['restore', r.file, '--db', urlWith(db.url, { sslmode: 'no-verify' }), '--yes', '--no-backup'], workspace());
    expect(restored.stderr).not.toMatch(/invalid sslmode/);
    expect(restored.code).toBe(0);
    expect(await db.query('SELECT id FROM held')).toEqual([{ id: 1 }]);
    expect(warnings).toEqual([]);
  });

  it('the CLI itself: sslmode=require and PGSSLMODE=require on a self-signed server, and no third-party warning on stderr', async () => {
    const ws = workspace();
    const [byUrl, byEnv] = await Promise.all([
      runBin(['status', '--db', ip({ sslmode: 'require' })], ws, {}),
      runBin(['status', '--db', PG_URL!], ws, { PGSSLMODE: 'require' }),
    ]);
    for (const r of [byUrl, byEnv]) {
      expect(r.stderr).not.toMatch(/SECURITY WARNING|Warning|self-signed|cannot connect/);
      expect(r.code).toBe(0);
    }
  });
});
