/**
 * runFrameworkStep with a stand-in tool (a script that reports what it was given): the
 * command line, folder and environment, output streaming with secrets masked, exit
 * codes, and the steps it refuses to start. The real frameworks are in frameworks.test.ts.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runnerFor } from '../../../src/exec/runners/index.js';
import { frameworkEnv, runFrameworkStep, type FrameworkStepOptions } from '../../../src/exec/runners/run.js';
import { cleanupTempDirs, planned, tempDir, writeFiles } from './helpers.js';

afterAll(cleanupTempDirs);

const PASSWORD = 'pa:ss/w@rd';
const URL_ = `postgres://migrator:${encodeURIComponent(PASSWORD)}@db.internal:6543/shop?sslmode=require`;

const TOOL = `#!/usr/bin/env node
const e = process.env;
console.log('args ' + JSON.stringify(process.argv.slice(2)));
console.log('cwd ' + process.cwd());
console.log('env ' + JSON.stringify({ DATABASE_URL: e.DATABASE_URL, PGHOST: e.PGHOST, PGPORT: e.PGPORT, PGUSER: e.PGUSER, PGDATABASE: e.PGDATABASE, PGSSLMODE: e.PGSSLMODE, PGOPTIONS: e.PGOPTIONS, EXTRA: e.EXTRA, NO_COLOR: e.NO_COLOR }));
console.error('\\x1b[31mconnecting with password ' + e.PGPASSWORD + ' and token ' + e.API_TOKEN + '\\x1b[0m');
for (let i = 0; i < Number(e.LINES || 0); i++) console.log('line ' + i);
process.stdout.write('no newline at the end');
process.exit(Number(e.EXIT || 0));
`;

function setup() {
  const cwd = writeFiles(tempDir(), { 'svc/knexfile.js': 'module.exports = {}\n', 'svc/migrations/1_a.js': '', 'svc/migrations/2_b.js': '', 'bin/tool': TOOL });
  const plan = [planned('knex', 'svc/migrations/1_a.js', '1_a'), planned('knex', 'svc/migrations/2_b.js', '2_b')];
  const lines: string[] = [];
  const opts: FrameworkStepOptions = {
    runner: runnerFor('knex')!,
    argv: [path.join(cwd, 'bin/tool')],
    m: plan[1],
    direction: 'up',
    plan,
    cwd,
    databaseUrl: URL_,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 0,
    secrets: ['tok-123456'],
    log: (l) => lines.push(l),
    baseEnv: { PATH: process.env.PATH, API_TOKEN: 'tok-123456', PGOPTIONS: '-c search_path=app' },
  };
  return { cwd, plan, lines, opts };
}

describe('runFrameworkStep', () => {
  it('runs the tool in its folder with the step arguments, the target and the session timeouts', async () => {
    const { cwd, lines, opts } = setup();
    const r = await runFrameworkStep(opts);
    expect(r).toMatchObject({ ok: true, exitCode: 0, command: `${path.join(cwd, 'bin/tool')} migrate:up 2_b.js (in svc)` });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines[0]).toBe(`$ ${r.command}`);
    expect(lines).toContain('args ["migrate:up","2_b.js"]');
    expect(lines).toContain(`cwd ${path.join(cwd, 'svc')}`);
    const env = JSON.parse(lines.find((l) => l.startsWith('env '))!.slice(4));
    expect(env).toEqual({
      DATABASE_URL: 'postgres://migrator:****@db.internal:6543/shop?sslmode=require',
      PGHOST: 'db.internal',
      PGPORT: '6543',
      PGUSER: 'migrator',
      PGDATABASE: 'shop',
      PGSSLMODE: 'require',
      PGOPTIONS: '-c search_path=app -c lock_timeout=5000ms -c statement_timeout=0ms',
      NO_COLOR: '1',
    });
    // Colours stripped, the password and the other secrets masked, the last partial line kept.
    expect(lines).toContain('connecting with password **** and token ****');
    expect(r.output).toContain('no newline at the end');
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(r.output).not.toContain('tok-123456');
  });

  it('passes the real URL and password to the tool (only what is shown is masked)', () => {
    const env = frameworkEnv(runnerFor('knex')!, URL_, { lockTimeoutMs: 100, statementTimeoutMs: 60_000 }, {}, { EXTRA: 'x' });
    expect(env).toMatchObject({ DATABASE_URL: URL_, PGPASSWORD: PASSWORD, PGOPTIONS: '-c lock_timeout=100ms -c statement_timeout=60000ms', EXTRA: 'x' });
  });

  it('keeps the last lines of a long output and reports the exit code', async () => {
    const { opts } = setup();
    const r = await runFrameworkStep({ ...opts, direction: 'down', tailLines: 5, env: { LINES: '100', EXIT: '3' } });
    expect(r).toMatchObject({ ok: false, exitCode: 3 });
    // stdout and stderr are two pipes: the one stderr line may land anywhere among them.
    const tail = r.output.split('\n');
    expect(tail).toHaveLength(5);
    expect(tail.filter((l) => !l.startsWith('connecting')).slice(-4)).toEqual(['line 97', 'line 98', 'line 99', 'no newline at the end']);
    expect(r.command).toMatch(/ migrate:down 2_b\.js \(in svc\)$/);
  });

  it('runs a configured command in the folder it was resolved for', async () => {
    const { cwd, lines, opts } = setup();
    const r = await runFrameworkStep({ ...opts, workdir: cwd, env: { EXTRA: 'from-config' } });
    expect(r.ok).toBe(true);
    expect(lines).toContain(`cwd ${cwd}`);
    expect(lines.find((l) => l.startsWith('env '))).toContain('"EXTRA":"from-config"');
  });

  it('reports a tool that cannot start', async () => {
    const { cwd, opts } = setup();
    const r = await runFrameworkStep({ ...opts, argv: [path.join(cwd, 'bin/missing')] });
    expect(r).toMatchObject({ ok: false, exitCode: null, output: `could not start ${path.join(cwd, 'bin/missing')}: not found (in ${path.join(cwd, 'svc')})` });
  });

  it('stops the tool when aborted', async () => {
    const { cwd, opts } = setup();
    writeFiles(cwd, { 'bin/slow': '#!/bin/sh\necho started\nexec sleep 30\n' });
    const abort = new AbortController();
    const lines: string[] = [];
    const running = runFrameworkStep({ ...opts, argv: [path.join(cwd, 'bin/slow')], signal: abort.signal, log: (l) => (lines.push(l), l === 'started' && abort.abort()) });
    const r = await running;
    expect(r).toMatchObject({ ok: false, exitCode: null, signal: 'SIGTERM' });
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it('refuses to start where the framework cannot reach the database or would run other migrations', async () => {
    const { lines, opts } = setup();
    let r = await runFrameworkStep({ ...opts, databaseUrl: 'pglite:.migratelint/db' });
    expect(r).toMatchObject({ ok: false, exitCode: null, refusal: 'knex runs its own connection and needs a PostgreSQL server URL (--db postgres://...); it cannot reach the embedded PGlite database' });
    r = await runFrameworkStep({ ...opts, applied: new Set() });
    expect(r.refusal).toBe('2_b comes after 1_a, which is not applied (knex_migrations says so): knex would run it too');
    expect(lines).toEqual([]);
  });
});
