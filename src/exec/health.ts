import fs from 'node:fs';
import path from 'node:path';
import { interruptedRestore } from './backup/restore-marker.js';
import type { Driver } from './drivers/types.js';
import { isDataDir, pgliteLockHolder } from './drivers/pglite.js';
import { historyExists, historyTable, migrationStates, readHistory, stateKind } from './history.js';
import { collectStatus } from './status.js';
import { formatBytes } from './backup/index.js';
import { openDb, type ExecContext } from './context.js';
import { withReport } from './apply.js';

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface HealthResult {
  db: string;
  healthy: boolean;
  checks: HealthCheck[];
  serverVersion?: string;
  pending?: number;
  freeBytes?: number;
  databaseBytes?: number;
}

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirSize(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

/** Free bytes on the file system that holds `dir` (or its nearest existing parent). */
function freeBytes(dir: string): number {
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) d = path.dirname(d);
  const s = fs.statfsSync(d);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * `migratelint health`: connection, server version, history table, migration lock,
 * free disk for the backup directory, pending migrations. Exit 1 when a check fails.
 * A reachable database without the history table is healthy: nothing applied yet.
 */
export interface HealthOptions {
  dir?: string;
  json: boolean;
  /** The PostgreSQL major version lint assumed (the config's pgVersion), if set. */
  pgVersion?: number;
  /** A transaction open longer than this blocks the next migration's locks (default 5 minutes). */
  maxTransactionAgeMs?: number;
}

export const DEFAULT_MAX_TRANSACTION_AGE_MS = 5 * 60_000;

export async function health(ctx: ExecContext, options: HealthOptions): Promise<number> {
  return withReport(ctx, async (report) => {
    const code = await checkHealth(ctx, options, (r) => (report.data.health = r));
    if (code !== 0) report.data.outcome = 'unhealthy';
    return code;
  });
}

async function checkHealth(ctx: ExecContext, options: HealthOptions, keep: (r: HealthResult) => void): Promise<number> {
  const checks: HealthCheck[] = [];
  const result: HealthResult = { db: ctx.target.display, healthy: true, checks };
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  let driver: Driver | undefined;
  try {
    const dataDir = ctx.target.kind === 'pglite' ? ctx.target.dataDir : null;
    const restore = await interruptedRestore({ target: ctx.target, backupDir: ctx.backupDir, cwd: ctx.cwd });
    if (restore) add('restore', false, restore);
    let canOpen = !restore;
    if (dataDir) {
      if (!isDataDir(dataDir)) {
        add('connection', false, `no database at ${ctx.target.display} yet (the first apply creates it)`);
        canOpen = false;
      } else {
        const holder = pgliteLockHolder(dataDir);
        add('lock', !holder, holder ? `held by ${holder}` : 'free');
        if (holder) canOpen = false;
      }
    }
    if (canOpen) {
      try {
        driver = await openDb({ ...ctx, lockWaitMs: 0 });
        add('connection', true, 'ok');
      } catch (e) {
        add('connection', false, (e as Error).message);
      }
    }
    if (driver) {
      const v = await driver.serverVersion();
      result.serverVersion = v.text.split(' on ')[0];
      add('server version', ...versionCheck(Math.floor(v.num / 10_000), result.serverVersion, options.pgVersion));
      // A database nothing was applied to yet is healthy: `health && apply` must be able to do the first deploy.
      const table = historyTable(ctx.schema).replace(/"/g, '');
      const present = await historyExists(driver, ctx.schema);
      add('migration table', true, present ? `${table} present` : `no migrations applied yet (the first apply creates ${table})`);
      if (driver.kind === 'postgres') {
        const holder = await driver.lockHolder();
        add('lock', !holder, holder ? `held by ${holder}` : 'free');
        add('transactions', ...(await longTransactions(driver, options.maxTransactionAgeMs ?? DEFAULT_MAX_TRANSACTION_AGE_MS)));
      }
      // Without a migrations folder the history alone still tells of a migration left half-done.
      if (present && !options.dir) {
        const partial = [...migrationStates(await readHistory(driver, ctx.schema)).values()].filter((s) => ['partial', 'running'].includes(stateKind(s)));
        const described = partial.map((s) => `${s.version} (${s.current!.direction === 'down' ? 'partly rolled back: finish with migratelint rollback' : 'partly applied: resume with migratelint apply'})`);
        add('history', !partial.length, partial.length ? described.join(', ') : 'no migration left half-done');
      }
      let dbBytes: number | undefined;
      if (dataDir) dbBytes = dirSize(dataDir);
      else if (driver.kind === 'postgres') {
        const [row] = await driver.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
        dbBytes = Number(row.n);
      }
      result.databaseBytes = dbBytes;
    }
    try {
      const free = freeBytes(ctx.backupDir);
      result.freeBytes = free;
      const need = result.databaseBytes ?? 0;
      add('backup disk', free > need, `${formatBytes(free)} free for ${path.relative(ctx.cwd, ctx.backupDir) || '.'}${need ? ` (database ${formatBytes(need)})` : ''}`);
    } catch (e) {
      add('backup disk', false, `cannot read free space: ${(e as Error).message}`);
    }
    if (options.dir && driver) {
      const st = await collectStatus(ctx, options.dir, driver);
      result.pending = st.pending;
      add('pending', st.partial === 0, `${st.pending} pending${st.partialSummary ? `, ${st.partialSummary}` : ''}${st.drift ? `, ${st.drift} drift` : ''}`);
    }
  } finally {
    if (driver) await driver.close();
  }
  result.healthy = checks.every((c) => c.ok);
  keep(result);
  if (options.json) ctx.out(JSON.stringify(result, null, 2));
  else {
    ctx.out(`${ctx.target.display}: ${result.healthy ? 'healthy' : 'UNHEALTHY'}`);
    for (const c of checks) ctx.out(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(16)} ${c.detail}`);
  }
  return result.healthy ? 0 : 1;
}

/**
 * The server against the config's pgVersion: lint checked the migrations for that version,
 * so a server older than it may reject what lint let through; a newer one is fine, but lint
 * then warns about hazards the server no longer has.
 */
function versionCheck(serverMajor: number, shown: string, pgVersion: number | undefined): [boolean, string] {
  if (pgVersion === undefined) return [true, shown];
  if (serverMajor < pgVersion) return [false, `${shown}, older than pgVersion ${pgVersion} in the config: lint assumed features this server lacks (set pgVersion: ${serverMajor})`];
  if (serverMajor > pgVersion) return [true, `${shown} (the config's pgVersion is ${pgVersion}: lint checks for ${pgVersion}; set pgVersion: ${serverMajor} for this server)`];
  return [true, `${shown}, as pgVersion in the config`];
}

/**
 * Transactions open longer than `maxAgeMs` in this database (prepared ones too): a
 * migration's ACCESS EXCLUSIVE lock waits behind any lock they hold, and every query on the
 * table then queues behind the migration. Only who and how long is shown, never the query.
 */
async function longTransactions(driver: Driver, maxAgeMs: number): Promise<[boolean, string]> {
  const seconds = maxAgeMs / 1000;
  const open = await driver.query<{ pid: number; usename: string | null; app: string | null; state: string | null; age: number }>(
    `SELECT pid, usename, application_name AS app, state, extract(epoch FROM now() - xact_start)::float8 AS age
       FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
        AND now() - xact_start > make_interval(secs => $1)
      ORDER BY xact_start LIMIT 5`,
    [seconds],
  );
  const prepared = await driver.query<{ gid: string; age: number }>(
    `SELECT gid, extract(epoch FROM now() - prepared)::float8 AS age FROM pg_prepared_xacts
      WHERE database = current_database() AND now() - prepared > make_interval(secs => $1) LIMIT 5`,
    [seconds],
  );
  if (!open.length && !prepared.length) return [true, `none open longer than ${fmtDuration(maxAgeMs)}`];
  const described = [
    ...open.map((t) => `pid ${t.pid}${t.usename ? ` (${t.usename}${t.app ? `, "${t.app}"` : ''})` : ''} ${t.state ?? 'active'} for ${fmtDuration(t.age * 1000)}`),
    ...prepared.map((p) => `prepared transaction "${p.gid}" for ${fmtDuration(p.age * 1000)}`),
  ];
  return [false, `${described.join('; ')}: the next migration's locks would wait behind ${described.length === 1 ? 'it' : 'them'}`];
}

/** 42s, 5m, 1h 3m: as an operator reads an age. */
function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
}
