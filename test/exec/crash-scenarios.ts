/**
 * Injected failures with real processes: kill -9 at chosen moments, and two applies at
 * once. Shared by the PGlite and PostgreSQL test files.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Backend, TestDb } from './helpers/backends.js';
import { ROOT, cli, spawnCli, workspace, type Child } from './helpers/env.js';

const SLOW = path.join(ROOT, 'fixtures/exec/slow');

interface Observed {
  k1: string;
  k2: string;
  k3: string;
  k3progress?: number;
}

/**
 * What the database holds after a kill, checked against the history: every migration
 * that runs in one transaction is either entirely there and recorded, or not there and
 * not recorded. 0003 (three steps) may be recorded as running, with exactly the steps
 * its progress says.
 */
async function checkConsistent(db: TestDb): Promise<Observed> {
  return db.with(async (d) => {
    const exists = async (name: string) => (await d.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]))[0].ok;
    const history = (await exists('migratelint_migrations'))
      ? await d.query<{ version: string; result: string; progress: number; direction: string }>(
          'SELECT version, result, progress, direction FROM migratelint_migrations ORDER BY id',
        )
      : [];
    const state = new Map<string, { result: string; progress: number }>();
    for (const h of history) if (h.result !== 'failed') state.set(h.version, { result: h.result, progress: Number(h.progress) });
    const obs: Observed = { k1: state.get('0001')?.result ?? 'none', k2: state.get('0002')?.result ?? 'none', k3: state.get('0003')?.result ?? 'none' };

    // 0001: table and row, or nothing.
    if (obs.k1 === 'applied') expect(await d.query('SELECT id, note FROM k1')).toEqual([{ id: 1, note: 'one' }]);
    else {
      expect(obs.k1).toBe('none');
      expect(await exists('k1')).toBe(false);
    }
    // 0002: column and value, or neither.
    const hasExtra = obs.k1 === 'applied' && (await d.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'k1' AND column_name = 'extra'`)).length > 0;
    if (obs.k2 === 'applied') {
      expect(hasExtra).toBe(true);
      expect(await d.query('SELECT extra FROM k1')).toEqual([{ extra: 42 }]);
    } else {
      expect(obs.k2).toBe('none');
      expect(hasExtra).toBe(false);
    }
    // 0003: steps [0,2) tx, [2,3) bare, [3,5) tx.
    const k3 = state.get('0003');
    const rows = (await exists('k3')) ? (await d.query<{ a: number }>('SELECT a FROM k3 ORDER BY a')).map((r) => r.a) : undefined;
    if (!k3) expect(rows).toBeUndefined();
    else if (k3.result === 'applied') {
      expect(rows).toEqual([1, 2]);
      expect((await d.query<{ v: boolean }>(`SELECT indisvalid AS v FROM pg_index WHERE indexrelid = to_regclass('k3_a_idx')`))[0].v).toBe(true);
    } else {
      expect(['running', 'partial']).toContain(k3.result);
      obs.k3progress = k3.progress;
      expect([0, 2, 3]).toContain(k3.progress);
      if (k3.progress === 0) expect(rows).toBeUndefined();
      else expect(rows).toEqual([1]);
      if (k3.progress === 3) {
        expect((await d.query<{ v: boolean }>(`SELECT indisvalid AS v FROM pg_index WHERE indexrelid = to_regclass('k3_a_idx')`))[0].v).toBe(true);
      }
    }
    return obs;
  });
}

async function finishAndCheck(db: TestDb, ws: string): Promise<void> {
  const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--lock-wait', '30s'], ws);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  await db.with(async (d) => {
    expect(await d.query('SELECT id, note, extra FROM k1')).toEqual([{ id: 1, note: 'one', extra: 42 }]);
    expect((await d.query<{ a: number }>('SELECT a FROM k3 ORDER BY a')).map((x) => x.a)).toEqual([1, 2]);
    expect((await d.query<{ v: boolean }>(`SELECT indisvalid AS v FROM pg_index WHERE indexrelid = to_regclass('k3_a_idx')`))[0].v).toBe(true);
    expect(await d.query(`SELECT indexrelid FROM pg_index WHERE NOT indisvalid`)).toEqual([]);
    const latest = await d.query<{ version: string; result: string }>(
      `SELECT DISTINCT ON (version) version, result FROM migratelint_migrations WHERE result <> 'failed' ORDER BY version, id DESC`,
    );
    expect(latest).toEqual([
      { version: '0001', result: 'applied' },
      { version: '0002', result: 'applied' },
      { version: '0003', result: 'applied' },
    ]);
  });
}

async function killAt(child: Child, trigger: string | null, delayMs: number): Promise<void> {
  if (trigger) await child.waitFor(trigger, 60_000);
  await new Promise((r) => setTimeout(r, delayMs));
  child.proc.kill('SIGKILL');
  const { code, signal } = await child.exited;
  // A late random point may find the run already finished: that is "after", and fine.
  expect(signal === 'SIGKILL' || code === 0, `exit ${code} ${signal}: ${child.stderr()}`).toBe(true);
}

export interface CrashOptions {
  /** Extra kill points (random delays after start) beyond the three fixed ones. */
  randomKills: number;
  /** Phrase the waiting process prints. */
  waitPhrase: RegExp;
  /** Phrase of a process that gave up waiting for the lock. */
  busyPhrase: RegExp;
  /** Resolves once a running apply holds the lock. */
  lockHeld(db: TestDb, child: Child): Promise<void>;
}

export function crashScenarios(backend: Backend, options: CrashOptions): void {
  it('kill -9 at any moment leaves each migration before or after, never between; the next apply finishes the job', async () => {
    const points: { name: string; trigger: string | null; delay: number; expect?: Partial<Observed> }[] = [
      { name: 'soon after start', trigger: null, delay: 1000 },
      { name: 'in the middle of 0002', trigger: 'applied  0001', delay: 200, expect: { k1: 'applied', k2: 'none', k3: 'none' } },
      {
        name: 'after the first steps of 0003 committed',
        trigger: 'applied  0002',
        delay: 700,
        expect: { k1: 'applied', k2: 'applied', k3: 'running', k3progress: 3 },
      },
    ];
    for (let i = 0; i < options.randomKills; i++) {
      const delay = 400 + Math.floor(Math.random() * 1800);
      points.push({ name: `random, ${delay} ms after start`, trigger: null, delay });
    }
    const seen: string[] = [];
    for (const point of points) {
      const db = await backend.fresh();
      const ws = workspace({}, SLOW);
      const child = await spawnCli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
      await killAt(child, point.trigger, point.delay);
      const obs = await checkConsistent(db);
      seen.push(`${point.name}: ${JSON.stringify(obs)}`);
      if (point.expect) expect(obs, point.name).toMatchObject(point.expect);
      await finishAndCheck(db, ws);
    }
    // eslint-disable-next-line no-console
    console.log(`[${backend.name}] kill -9 points:\n  ${seen.join('\n  ')}`);
  });

  it('two applies at once: one applies, the other waits and finds nothing left to do', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_slow_insert.up.sql': "CREATE TABLE once (id int);\nSELECT pg_sleep(1);\nINSERT INTO once VALUES (1);\n",
      'migrations/0005_slow_insert.down.sql': 'DROP TABLE once;\n',
    });
    const args = ['apply', '--db', db.url, '--yes', '--no-backup', '--lock-wait', '60s'];
    const [a, b] = await Promise.all([spawnCli(args, ws), spawnCli(args, ws)]);
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    expect([ea.code, eb.code], `${a.stderr()}\n${b.stderr()}`).toEqual([0, 0]);
    const outs = [a.stdout(), b.stdout()];
    expect(outs.filter((o) => o.includes('applied  0005 slow_insert'))).toHaveLength(1);
    expect(outs.filter((o) => o.includes('is up to date (5 applied)'))).toHaveLength(1);
    expect(a.stderr() + b.stderr()).toMatch(options.waitPhrase);
    expect(await db.query('SELECT count(*)::int AS n FROM once')).toEqual([{ n: 1 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM migratelint_migrations WHERE version = '0005'`)).toEqual([{ n: 1 }]);
  });

  it('an apply that cannot get the lock in time fails cleanly and names the holder', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      // Long enough for the second process to start and lint on a loaded machine before the first finishes.
      'migrations/0005_slow.up.sql': 'CREATE TABLE slow_one (id int);\nSELECT pg_sleep(6);\n',
      'migrations/0005_slow.down.sql': 'DROP TABLE slow_one;\n',
    });
    const a = await spawnCli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    await options.lockHeld(db, a);
    const b = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--lock-wait', '300ms'], ws);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(options.busyPhrase);
    expect(b.stderr).toContain('--lock-wait');
    const ea = await a.exited;
    expect(ea.code, a.stderr()).toBe(0);
    expect(a.stdout()).toContain('5 migrations applied');
    expect(await db.query(`SELECT result FROM migratelint_migrations WHERE version = '0005'`)).toEqual([{ result: 'applied' }]);
  });
}

export function lockFileOf(dbUrl: string): string {
  return `${dbUrl.replace(/^pglite:/, '')}.lock`;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
