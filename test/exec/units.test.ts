/** The execution layer's pure parts: URL masking, version order, plans, history states, the lock file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskUrl, parseDbTarget, redact, withoutPassword } from '../../src/exec/url.js';
import { compareVersions, toExecMigrations } from '../../src/exec/migrations.js';
import { nonTransactionalReason, planSection, renderPlan, touchedTables } from '../../src/exec/plan.js';
import { migrationStates, stateKind, type HistoryRow } from '../../src/exec/history.js';
import { FileLock, lockOwnerSelf } from '../../src/exec/lock.js';
import { COMMON_OPTIONS, DURATION_FLAGS, DURATION_HELP, EXECUTION_OPTIONS, parseDuration } from '../../src/cli/exec-shared.js';
import { UsageError } from '../../src/errors.js';
import { cleanupTempDirs, cli, workspace } from './helpers/env.js';
import { lintText } from '../../src/lint.js';
import { loadSqlParser } from '../../src/pg/parse.js';

describe('connection strings', () => {
  it('masks the password wherever a connection string shows it', () => {
    expect(maskUrl('postgres://app:s3cr%40t@db.example.com:5432/prod?sslmode=require')).toBe('postgres://app:****@db.example.com:5432/prod?sslmode=require');
    expect(maskUrl('failed for postgresql://u:p@h/db and postgres://x@h/db')).toBe('failed for postgresql://u:****@h/db and postgres://x@h/db');
    expect(maskUrl('postgres://h/db?user=u&password=hunter2&sslmode=verify-full')).toBe('postgres://h/db?user=u&password=****&sslmode=verify-full');
    expect(maskUrl("host=h user=u password='a b' dbname=d")).toBe('host=h user=u password=**** dbname=d');
    expect(redact('auth failed: hunter2 / hunter%402', ['hunter2', 'hunter@2'])).toBe('auth failed: **** / ****');
  });

  it('reads --db: pglite directories, memory, postgres URLs, PG* environment', () => {
    expect(parseDbTarget(undefined, '/proj', {})).toEqual({ kind: 'pglite', dataDir: '/proj/.migratelint/db', display: 'pglite:.migratelint/db' });
    expect(parseDbTarget('pglite:memory', '/proj', {})).toMatchObject({ kind: 'pglite', dataDir: null, display: 'pglite:memory' });
    expect(parseDbTarget('pglite:/var/db', '/proj', {})).toMatchObject({ dataDir: '/var/db', display: 'pglite:/var/db' });
    expect(parseDbTarget(undefined, '/proj', { MIGRATELINT_DB: 'pglite:other' })).toMatchObject({ dataDir: '/proj/other' });
    const pg = parseDbTarget('postgres://app:p%40ss@h:5433/prod?sslmode=require', '/', {});
    expect(pg).toMatchObject({ kind: 'postgres', password: 'p@ss', display: 'postgres://app:****@h:5433/prod?sslmode=require' });
    expect(parseDbTarget('postgres:', '/', { PGHOST: 'h', PGUSER: 'u', PGPASSWORD: 'pw', PGDATABASE: 'd' })).toMatchObject({
      kind: 'postgres',
      connectionString: '',
      password: 'pw',
      display: 'postgres://u:****@h/d',
    });
    expect(() => parseDbTarget('mysql://root:pw@h/db', '/', {})).toThrow('got "mysql://root:****@h/db"');
    expect(withoutPassword('postgres://u:pw@h/d?sslmode=disable')).toBe('postgres://u@h/d?sslmode=disable');
  });
});

describe('durations: a mistyped flag loses nothing', () => {
  afterAll(cleanupTempDirs);

  it('reads durations, which always carry a unit', () => {
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('5s', 'x')).toBe(5000);
    expect(parseDuration('2m', 'x')).toBe(120_000);
    expect(parseDuration('5min', 'x')).toBe(300_000);
    expect(parseDuration('1.5h', 'x')).toBe(5_400_000);
    expect(parseDuration('30d', 'max-age')).toBe(30 * 86_400_000);
    expect(parseDuration(' 30s ', 'lock-wait')).toBe(30_000);
    expect(parseDuration(undefined, 'lock-wait')).toBeUndefined();
    expect(() => parseDuration('soon', 'lock-timeout')).toThrow('--lock-timeout expects a duration');
  });

  it('refuses a bare number for every duration flag, naming the flag and the units', () => {
    // Bare numbers used to be milliseconds: --max-age 30 deleted every backup, --lock-wait 2 waited 2 ms.
    expect(() => parseDuration('30', 'max-age')).toThrow(new UsageError('--max-age 30: give a unit (30d, 12h, 90m, 30s, 500ms)'));
    for (const flag of ['lock-wait', 'lock-timeout', 'statement-timeout', 'retry-backoff', 'max-age']) {
      for (const bare of ['2', '250', '1.5', '-5']) {
        expect(() => parseDuration(bare, flag), `--${flag} ${bare}`).toThrow(`--${flag} ${bare}: give a unit (30d, 12h, 90m, 30s, 500ms`);
      }
    }
    // Every flag that takes a duration is one parseDuration knows.
    for (const flag of Object.keys({ ...COMMON_OPTIONS, ...EXECUTION_OPTIONS })) {
      if (/wait|timeout|backoff|age/.test(flag)) expect(DURATION_FLAGS[flag], flag).toBeDefined();
    }
  });

  it('accepts 0 alone only where 0 has a documented meaning', () => {
    for (const flag of ['lock-wait', 'lock-timeout', 'statement-timeout', 'retry-backoff']) {
      expect(parseDuration('0', flag)).toBe(0);
      expect(parseDuration('0s', flag)).toBe(0);
      expect(DURATION_HELP).toContain(`--${flag} 0 `);
    }
    expect(DURATION_HELP).toContain('wait for table locks forever');
    expect(() => parseDuration('0', 'max-age')).toThrow('--max-age 0: give a unit');
    expect(() => parseDuration('0d', 'max-age')).toThrow('--max-age 0d: give a duration above zero');
    // A value that rounds to 0 would silently mean "forever" or "no limit".
    expect(() => parseDuration('0.4ms', 'lock-timeout')).toThrow('less than 1ms');
    // Beyond what PostgreSQL's lock_timeout and Node's timers hold.
    expect(() => parseDuration('30d', 'lock-timeout')).toThrow('--lock-timeout 30d: at most 24d');
    expect(parseDuration('24d', 'statement-timeout')).toBe(24 * 86_400_000);
  });

  it('a bare number on the command line is a one-line usage error (exit 2) for every duration flag', async () => {
    const ws = workspace();
    for (const args of [
      ['apply', '--lock-wait', '2'],
      ['apply', '--lock-timeout', '5'],
      ['rollback', '--statement-timeout', '60'],
      ['apply', '--retry-backoff', '1'],
      ['status', '--lock-wait', '60'],
      ['backups', '--prune', '--max-age', '30'],
    ]) {
      const r = await cli(args, ws);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toBe(`migratelint: ${args[args.length - 2]} ${args[args.length - 1]}: give a unit (30d, 12h, 90m, 30s, 500ms${args[args.length - 2] === '--max-age' ? '' : `; 0 alone: ${DURATION_FLAGS[args[args.length - 2].slice(2)].zero}`})\n`);
    }
    const r = await cli(['apply', '--keep-backups', '0'], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--keep-backups 0 would delete the backup apply takes');
    expect(fs.existsSync(path.join(ws, '.migratelint'))).toBe(false);
  });

  it('apply, rollback and backups --help say how durations are written', async () => {
    for (const command of ['apply', 'rollback', 'backups']) {
      const r = await cli([command, '--help'], os.tmpdir());
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/bare number is refused/);
    }
    expect((await cli(['apply', '--help'], os.tmpdir())).stdout).toContain('--lock-timeout 0       wait for table locks forever');
    expect((await cli(['backups', '--help'], os.tmpdir())).stdout).toContain('needs --yes even on a terminal');
  });
});

describe('order of migrations', () => {
  it('compares versions numerically part by part', () => {
    const sorted = ['10', '9', '1.10', '1.9', '20240101120000', '2', '1_2', '1_10', '001'].sort(compareVersions);
    expect(sorted).toEqual(['001', '1_2', '1.9', '1.10', '1_10', '2', '9', '10', '20240101120000']);
  });
});

describe('plans', () => {
  beforeAll(() => loadSqlParser());
  const plan = async (sql: string, serverVersion = 150000, file = '0001_x.sql') => {
    const { migrations } = await lintText(sql, file);
    const [m] = toExecMigrations(migrations);
    return planSection(m, 'up', serverVersion);
  };

  it('runs statements PostgreSQL refuses in a transaction outside one, decided from the AST', async () => {
    const p = await plan(
      [
        'CREATE TABLE t (a int, b int)',
        "INSERT INTO t VALUES (1, 2)",
        'CREATE INDEX CONCURRENTLY t_a ON t (a)',
        'CREATE INDEX t_b ON t (b)',
        'DROP INDEX CONCURRENTLY t_b',
        'REINDEX INDEX CONCURRENTLY t_a',
        'VACUUM t',
        'ANALYZE t',
        "SELECT 'CREATE INDEX CONCURRENTLY x'",
      ].join(';\n'),
    );
    expect(p.steps.map((s) => `${s.kind}:${s.from}-${s.to}`)).toEqual(['tx:0-2', 'bare:2-3', 'tx:3-4', 'bare:4-5', 'bare:5-6', 'bare:6-7', 'tx:7-9']);
    expect(p.steps[1].reason).toBe('CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
  });

  it('runs ALTER TYPE ... ADD VALUE outside a transaction only before PostgreSQL 12', async () => {
    const sql = "ALTER TYPE mood ADD VALUE 'meh'";
    expect((await plan(sql, 110000)).steps[0].kind).toBe('bare');
    expect((await plan(sql, 150000)).steps[0].kind).toBe('tx');
  });

  it("replaces a file's own BEGIN/COMMIT by the migration's transaction, and refuses one in the middle", async () => {
    const wrapped = await plan('BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n');
    expect(wrapped.statements.map((s) => s.kind)).toEqual(['CreateStmt']);
    expect(wrapped.notes[0]).toContain('BEGIN/COMMIT is replaced');
    const middle = await plan('CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n');
    expect(middle.problems[0]).toMatch(/^0001_x\.sql:2:1: COMMIT inside a migration/);
  });

  it('gives each statement its own step when the format says "no transaction"', async () => {
    const p = await plan('-- migrate:up transaction:false\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n-- migrate:down\nDROP TABLE a;\n');
    expect(p.steps.map((s) => s.kind)).toEqual(['tx', 'tx']);
    expect(renderPlan(p)).toBe('BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nBEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT;');
  });

  it('knows which tables a migration touches', async () => {
    const p = await plan('UPDATE app.orders SET x = 1 WHERE id IN (SELECT id FROM refunds);\nDROP TABLE old_stuff;\nALTER TABLE users ADD COLUMN a int;\n');
    expect(touchedTables(p.section).sort()).toEqual(['app.orders', 'old_stuff', 'refunds', 'users']);
  });

  it('keeps the reasons of the non-transactional statements it knows', async () => {
    const p = await plan('ALTER TABLE p DETACH PARTITION c CONCURRENTLY;\nCREATE DATABASE x;\nCLUSTER;\nCLUSTER t USING i;\n');
    expect(p.statements.map((s) => nonTransactionalReason(s, 150000) ?? 'tx')).toEqual([
      'DETACH PARTITION CONCURRENTLY cannot run inside a transaction block',
      'Createdb cannot run inside a transaction block',
      'CLUSTER without a table cannot run inside a transaction block',
      'tx',
    ]);
  });
});

describe('history states', () => {
  const row = (id: number, version: string, direction: 'up' | 'down', result: HistoryRow['result'], progress = 0): HistoryRow => ({
    id,
    version,
    name: null,
    direction,
    result,
    checksum: 'c',
    file: null,
    applied_at: new Date(),
    applied_by: 'me@here',
    duration_ms: 1,
    progress,
    progress_checksum: null,
    error: null,
    tool_version: null,
  });

  it('takes the latest row that is not a failure', () => {
    const states = migrationStates([
      row(1, '1', 'up', 'applied'),
      row(2, '2', 'up', 'failed'),
      row(3, '1', 'down', 'failed'),
      row(4, '3', 'up', 'running', 2),
      row(5, '4', 'up', 'applied'),
      row(6, '4', 'down', 'rolled back'),
    ]);
    expect(stateKind(states.get('1'))).toBe('applied');
    expect(states.get('1')!.lastFailure!.id).toBe(3);
    expect(stateKind(states.get('2'))).toBe('pending');
    expect(stateKind(states.get('3'))).toBe('running');
    expect(stateKind(states.get('4'))).toBe('pending');
    expect(states.get('4')!.lastApplied!.id).toBe(5);
  });
});

describe('the PGlite data-directory lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lets one holder in at a time and names the holder', async () => {
    const a = FileLock.forDataDir(path.join(dir, 'db'), 'apply');
    await a.acquire(0);
    expect(fs.existsSync(path.join(dir, 'db.lock'))).toBe(true);
    // Another process (simulated by another owner record with a live pid: our parent's).
    const other = new FileLock(path.join(dir, 'db.lock'), { ...lockOwnerSelf('status'), pid: process.ppid });
    const t0 = Date.now();
    await expect(other.acquire(300)).rejects.toThrow(`another migratelint process holds the database lock (pid ${process.pid}`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    a.release();
    await other.acquire(0);
    other.release();
    expect(fs.existsSync(path.join(dir, 'db.lock'))).toBe(false);
  });

  it('takes over a lock left by a process that was killed', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const file = path.join(dir, 'stale.lock');
    fs.writeFileSync(file, JSON.stringify({ ...lockOwnerSelf('apply'), pid: Number(dead.stdout) }));
    const lock = new FileLock(file, lockOwnerSelf('apply'));
    await lock.acquire(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it.skipIf(process.platform !== 'linux')('takes over a lock whose pid now belongs to another process (pid 1 after a container restart)', async () => {
    const file = path.join(dir, 'container.lock');
    // Pid 1 runs (here: init), but it is not the process that wrote the lock.
    fs.writeFileSync(file, JSON.stringify({ ...lockOwnerSelf('apply'), pid: 1, process: '00000000-dead-beef-0000-000000000000:42' }));
    const lock = new FileLock(file, lockOwnerSelf('apply'));
    await lock.acquire(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid);
    expect(lockOwnerSelf('x').process).toMatch(/^[0-9a-f-]{36}:\d+$/);
    lock.release();
  });
});

describe('progress line', () => {
  it('draws on a terminal and stays quiet in CI or on a pipe', async () => {
    const { Progress } = await import('../../src/exec/progress.js');
    let out = '';
    const tty = Object.assign(new (await import('node:stream')).PassThrough(), { isTTY: true });
    tty.on('data', (d) => (out += d));
    const p = Progress.for(tty, {});
    expect(p.enabled).toBe(true);
    const task = p.start('applying 0001 create_customers');
    task.update('statement 2/3');
    await new Promise((r) => setTimeout(r, 250));
    task.end();
    expect(out).toMatch(/^\r\x1b\[2Kapplying 0001 create_customers 0\.\ds/);
    expect(out).toMatch(/applying 0001 create_customers 0\.[1-9]s {2}statement 2\/3/);
    expect(out.endsWith('\r\x1b[2K')).toBe(true);
    expect(Progress.for(tty, { CI: 'true' }).enabled).toBe(false);
    expect(Progress.for(Object.assign(new (await import('node:stream')).PassThrough(), { isTTY: false }), {}).enabled).toBe(false);
  });

  it('in CI logs, says what still runs when one step takes long, and nothing for fast steps', async () => {
    const { Progress } = await import('../../src/exec/progress.js');
    let out = '';
    const pipe = new (await import('node:stream')).PassThrough();
    pipe.on('data', (d) => (out += d));
    const p = Progress.for(pipe, { CI: 'true' });
    p.slowAfterMs = 60;
    p.repeatMs = 80;
    const task = p.start('applying 0042 orders');
    task.update('statement 1/3');
    await new Promise((r) => setTimeout(r, 20));
    task.update('statement 2/3');
    await new Promise((r) => setTimeout(r, 180));
    task.end();
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^still applying 0042 orders: statement 2\/3, running for 0s$/);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(out).not.toContain('statement 1/3');
    const settled = out;
    await new Promise((r) => setTimeout(r, 150));
    expect(out).toBe(settled);
  });
});
