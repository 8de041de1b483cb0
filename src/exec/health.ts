import fs from 'node:fs';
import path from 'node:path';
import { interruptedRestore } from './backup/restore-marker.js';
import type { Driver } from './drivers/types.js';
import { isDataDir, pgliteLockHolder } from './drivers/pglite.js';
import { historyExists, historyTable } from './history.js';
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
export async function health(ctx: ExecContext, options: { dir?: string; json: boolean }): Promise<number> {
  return withReport(ctx, async (report) => {
    const code = await checkHealth(ctx, options, (r) => (report.data.health = r));
    if (code !== 0) report.data.outcome = 'unhealthy';
    return code;
  });
}

async function checkHealth(ctx: ExecContext, options: { dir?: string; json: boolean }, keep: (r: HealthResult) => void): Promise<number> {
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
      add('server version', true, result.serverVersion);
      // A database nothing was applied to yet is healthy: `health && apply` must be able to do the first deploy.
      const table = historyTable(ctx.schema).replace(/"/g, '');
      const present = await historyExists(driver, ctx.schema);
      add('migration table', true, present ? `${table} present` : `no migrations applied yet (the first apply creates ${table})`);
      if (driver.kind === 'postgres') {
        const holder = await driver.lockHolder();
        add('lock', !holder, holder ? `held by ${holder}` : 'free');
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
      add('pending', st.partial === 0, `${st.pending} pending${st.partial ? `, ${st.partial} partly applied (run apply to resume)` : ''}${st.drift ? `, ${st.drift} drift` : ''}`);
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
