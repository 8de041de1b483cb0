/**
 * `restore` killed with SIGKILL at random moments, on PGlite and on PostgreSQL: the CLI
 * alone (its pg_dump / pg_restore children run on), or its whole process group, as a
 * cancelled CI job does. After every kill the database is the old one or the restored one
 * (a marker row tells which), never empty; on PostgreSQL never missing, on PGlite missing
 * only in the instant between the two renames of the swap, and then interruptedRestore()
 * says so. interruptedRestore() names every interrupted case until `restore --resume` or
 * `--undo` settles it, and afterwards nothing is left over.
 *
 * The PostgreSQL part runs against the server scripts/with-postgres.sh starts: skipped
 * locally without MIGRATELINT_TEST_PG_URL, and FAILS under CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build-cli.mjs';
import { PG_URL, pgliteBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, stressed, workspace } from './helpers/env.js';
import { interruptedRestore } from '../../src/exec/backup/restore-marker.js';
import { PgliteDriver, isDataDir } from '../../src/exec/drivers/pglite.js';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { parseDbTarget, withDatabase, type DbTarget, type PgliteTarget, type PostgresTarget } from '../../src/exec/url.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

// ---------------------------------------------------------------------------------------
// A CLI child in its own process group, so the group can be killed as CI kills a job.

let cliPath: Promise<string> | undefined;

interface GroupChild {
  proc: ChildProcess;
  output: () => string;
  /** Resolves true when the text appears, false when the process exits or the time runs out first. */
  waitFor(re: RegExp, timeoutMs: number): Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function spawnGroup(args: string[], cwd: string): Promise<GroupChild> {
  cliPath ??= buildCli();
  const bin = await cliPath;
  const proc = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d;
    for (const l of [...listeners]) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    output: () => out,
    exited,
    waitFor(re, timeoutMs) {
      return new Promise((resolve) => {
        let settled = false;
        const done = (v: boolean) => {
          if (settled) return;
          settled = true;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(v);
        };
        const check = () => {
          if (re.test(out)) done(true);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        listeners.add(check);
        check();
        void exited.then(() => done(re.test(out)));
      });
    },
  };
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A project directory for one trial: in memory (/dev/shm) where there is one, since each
 * PGlite trial writes and deletes some 40 MB data directories. Removed after the trial.
 */
function trialWorkspace(): string {
  const shm = '/dev/shm';
  let base = os.tmpdir();
  try {
    fs.accessSync(shm, fs.constants.W_OK);
    base = shm;
  } catch {
    // no tmpfs: the temp directory
  }
  const dir = fs.mkdtempSync(path.join(base, 'mlt-restore-trial-'));
  fs.mkdirSync(path.join(dir, 'migrations'));
  trialDirs.push(dir);
  return dir;
}

const trialDirs: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

// ---------------------------------------------------------------------------------------
// One backend: an "old" database (marker row 'old') to restore into, an archive of a
// "restored" database (marker row 'restored').

type Seen = 'old' | 'restored' | 'missing';

interface TrialDb {
  url: string;
  target: DbTarget;
  observe(): Promise<Seen>;
  /** Anything a restore leaves next to the database: copies, old databases, markers. */
  leftovers(): Promise<string[]>;
}

interface KillPoint {
  trigger?: RegExp;
  maxDelayMs: number;
  /** Take the safety backup (slower; the others run with --no-backup, allowed for this verified archive). */
  safety?: boolean;
}

interface BackendSpec {
  name: 'pglite' | 'postgres';
  prepare(ws: string): Promise<string>;
  trial(i: number, ws: string): Promise<TrialDb>;
  killPoints: KillPoint[];
  trials: number;
  concurrency: number;
  cleanup(): Promise<void>;
}

const MARKER_SQL = (v: string) =>
  `CREATE TABLE marker (v text); INSERT INTO marker VALUES ('${v}');
   CREATE TABLE items (id int PRIMARY KEY, note text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, ${v === 'old' ? 50 : 80}) g;`;

function pgliteSpec(): BackendSpec {
  const backend = pgliteBackend();
  let oldDir = '';
  return {
    name: 'pglite',
    trials: stressed(5),
    concurrency: 2,
    // The whole restore takes 2-3 s here (open, load 5 MiB, swap).
    killPoints: [
      { maxDelayMs: 2600 },
      { maxDelayMs: 2600 },
      { trigger: /loading .* into /, maxDelayMs: 1500 },
      { trigger: /swapping /, maxDelayMs: 15 },
      { trigger: /saved the current state first/, maxDelayMs: 400, safety: true },
    ],
    async prepare(ws) {
      const old = await backend.fresh();
      await old.with((d) => d.execute(MARKER_SQL('old')));
      oldDir = old.url.slice('pglite:'.length);
      const restored = await backend.fresh();
      await restored.with((d) => d.execute(MARKER_SQL('restored')));
      const archive = path.join(ws, 'restored.tgz');
      const b = await cli(['backup', '--db', restored.url, '--output', archive], ws);
      expect(b.code, b.stderr).toBe(0);
      return archive;
    },
    async trial(i, ws) {
      const dir = path.join(ws, `db${i}`);
      fs.cpSync(oldDir, dir, { recursive: true });
      const url = `pglite:${dir}`;
      const target = parseDbTarget(url, ws) as PgliteTarget;
      return {
        url,
        target,
        async observe() {
          if (!isDataDir(dir)) return 'missing';
          const d = await PgliteDriver.open(target, { command: 'test', lockWaitMs: 30_000 });
          try {
            const rows = await d.query<{ v: string }>('SELECT v FROM marker');
            expect(rows).toHaveLength(1);
            return rows[0].v as Seen;
          } finally {
            await d.close();
          }
        },
        async leftovers() {
          const base = path.basename(dir);
          return fs.readdirSync(ws).filter((f) => f.startsWith(`${base}.`) && f !== `${base}.lock`);
        },
      };
    },
    async cleanup() {},
  };
}

function postgresSpec(): BackendSpec {
  const admin = () => PgDriver.open(parseDbTarget(PG_URL!, '/') as PostgresTarget, 'test');
  const tag = `mltr${process.pid}`;
  const template = `${tag}_old`;
  const source = `${tag}_src`;
  return {
    name: 'postgres',
    trials: stressed(10),
    concurrency: 2,
    // The whole restore takes 0.5-1 s here (process start, pg_dump safety backup, CREATE, pg_restore, swap).
    killPoints: [
      { maxDelayMs: 900, safety: true },
      { maxDelayMs: 500 },
      { trigger: /loading .* into a new database/, maxDelayMs: 200 },
      { trigger: /saved the current state first/, maxDelayMs: 100, safety: true },
      { trigger: /checked /, maxDelayMs: 15 },
      { trigger: /swapping: /, maxDelayMs: 8 },
    ],
    async prepare(ws) {
      const a = await admin();
      try {
        await a.execute(`CREATE DATABASE ${template}`);
        await a.execute(`CREATE DATABASE ${source}`);
      } finally {
        await a.close();
      }
      for (const [db, v] of [
        [template, 'old'],
        [source, 'restored'],
      ]) {
        const d = await PgDriver.open(parseDbTarget(withDatabase(PG_URL!, db), '/') as PostgresTarget, 'test');
        try {
          await d.execute(MARKER_SQL(v));
        } finally {
          await d.close();
        }
      }
      const archive = path.join(ws, 'restored.dump');
      const b = await cli(['backup', '--db', withDatabase(PG_URL!, source), '--output', archive], ws);
      expect(b.code, b.stderr).toBe(0);
      return archive;
    },
    async trial(i, ws) {
      const name = `${tag}_t${i}`;
      const a = await admin();
      try {
        await a.execute(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      } finally {
        await a.close();
      }
      const url = withDatabase(PG_URL!, name);
      const target = parseDbTarget(url, ws) as PostgresTarget;
      return {
        url,
        target,
        async observe() {
          const a2 = await admin();
          try {
            const there = await a2.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
            if (!there.length) return 'missing';
          } finally {
            await a2.close();
          }
          const d = await PgDriver.open(target, 'test');
          try {
            const rows = await d.query<{ v: string }>('SELECT v FROM marker');
            expect(rows).toHaveLength(1);
            return rows[0].v as Seen;
          } finally {
            await d.close();
          }
        },
        async leftovers() {
          const a2 = await admin();
          try {
            const rows = await a2.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}\\_mlt\\_%`]);
            const dir = path.join(ws, '.migratelint/backups');
            const markers = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('restore-in-progress-')) : [];
            return [...rows.map((r) => r.datname), ...markers];
          } finally {
            await a2.close();
          }
        },
      };
    },
    async cleanup() {
      const a = await admin();
      try {
        const rows = await a.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${tag}\\_%`]);
        for (const r of rows) await a.execute(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      } finally {
        await a.close();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------

function crashSuite(spec: BackendSpec): void {
  afterAll(async () => {
    await spec.cleanup();
    for (const d of trialDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    cleanupTempDirs();
  });

  it(`kill -9 of restore at ${spec.trials} random moments: old or restored, never empty; interruptedRestore() names it until --resume / --undo`, async () => {
    const prepWs = workspace();
    const archive = await spec.prepare(prepWs);
    const log: string[] = [];
    const cases = new Map<string, number>();

    const runTrial = async (i: number) => {
      const tStart = Date.now();
      const ws = trialWorkspace();
      const db = await spec.trial(i, ws);
      const backupDir = path.join(ws, '.migratelint/backups');
      const point = spec.killPoints[i % spec.killPoints.length];
      const group = i % 2 === 0;
      const safety = !!point.safety;
      const args = ['restore', archive, '--db', db.url, '--yes', ...(safety ? [] : ['--no-backup'])];
      const child = await spawnGroup(args, ws);
      let delay = rand(point.maxDelayMs);
      if (point.trigger) {
        const seen = await child.waitFor(point.trigger, 30_000);
        if (!seen) delay = 0;
      } else delay = 200 + delay;
      await sleep(delay);
      if (group) killGroup(child.proc.pid);
      else child.proc.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal === 'SIGKILL' || exit.code === 0, `exit ${exit.code} ${exit.signal}: ${child.output()}`).toBe(true);

      const tKill = Date.now();
      const seen = await db.observe();
      const message = await interruptedRestore({ target: db.target, backupDir, cwd: ws });
      const left = await db.leftovers();
      const where = `trial ${i} (${point.trigger ?? 'from start'} +${delay} ms, ${group ? 'group' : 'cli only'}, ${safety ? 'safety backup' : '--no-backup'}): ${seen}; ${message ?? 'no message'}; left: ${left.join(', ')}\n${child.output()}`;
      if (spec.name === 'postgres') expect(seen, where).not.toBe('missing');
      if (seen === 'missing') expect(message, where).toMatch(/MISSING/);
      if (left.length) expect(message, where).toBeDefined();
      let settled = 'nothing to settle';
      let kaseText = seen === 'old' ? 'before the restore began' : 'after it finished';
      if (message) {
        expect(message, where).toContain(`migratelint restore --resume --db ${db.target.display}`);
        const kase = /interrupted (before it changed anything|before the swap|while swapping directories|after the swap|while dropping the old database)|finished, but|interrupted: database/.exec(message);
        expect(kase, where).not.toBeNull();
        kaseText = kase![0];
        // --resume of a copy killed while loading loads it again (seconds on PGlite): undo more often.
        const mode = message.includes('--undo') && rand(3) > 0 ? 'undo' : 'resume';
        const r = await cli(['restore', `--${mode}`, '--db', db.url, '--lock-wait', '30s'], ws);
        expect(r.code, `${where}\n--${mode}: ${r.stdout}${r.stderr}`).toBe(0);
        const after = await db.observe();
        expect(after, `${where}\n--${mode}: ${r.stdout}${r.stderr}`).toBe(mode === 'resume' ? 'restored' : 'old');
        expect(await interruptedRestore({ target: db.target, backupDir, cwd: ws }), where).toBeUndefined();
        expect(await db.leftovers(), where).toEqual([]);
        settled = `--${mode} -> ${after}`;
      } else expect(left, where).toEqual([]);
      cases.set(kaseText, (cases.get(kaseText) ?? 0) + 1);
      killGroup(child.proc.pid); // a pg_restore left running by a CLI-only kill
      fs.rmSync(ws, { recursive: true, force: true });
      log.push(`#${i} [${((tKill - tStart) / 1000).toFixed(1)}+${((Date.now() - tKill) / 1000).toFixed(1)} s] ${point.trigger ? `${point.trigger.source} +${delay}` : `${delay}`} ms ${group ? 'group' : 'cli'}: ${seen} | ${kaseText} | ${settled}`);
    };

    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (next < spec.trials) await runTrial(next++);
      }),
    );
    // eslint-disable-next-line no-console
    console.log(
      `[${spec.name}] ${spec.trials} restore kills in ${((Date.now() - t0) / 1000).toFixed(1)} s; cases: ${[...cases].map(([k, n]) => `${k} ×${n}`).join(', ')}\n  ${log.join('\n  ')}`,
    );
  });
}

describe('restore killed at random moments, PGlite', { timeout: 180_000 }, () => {
  crashSuite(pgliteSpec());
});

describe.skipIf(!PG_URL)('restore killed at random moments, PostgreSQL', { timeout: 180_000 }, () => {
  crashSuite(postgresSpec());
});
