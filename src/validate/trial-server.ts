import crypto from 'node:crypto';
import type { Driver } from '../exec/drivers/types.js';
import { dropDatabase, goneScratchDatabases, type PgDriver } from '../exec/drivers/pg.js';
import type { PostgresTarget } from '../exec/url.js';
import { redact } from '../exec/url.js';
import { quoteIdent, quoteLiteral } from '../exec/sql.js';

/**
 * `--trial-db postgres://…`: the trial on a real server (production's version, its
 * extensions), in a database of its own. The URL names the server and a database to
 * connect to (`postgres` will do); there the trial only creates
 * `migratelint_trial_<time>_<random>` (TEMPLATE template0), runs in it, and drops it when
 * done, whatever happened. No other database is read or written.
 *
 * While the scratch database exists, the session that made it carries its name in
 * application_name. A later trial that finds a scratch database without that session
 * (its trial was killed) drops it, and says so.
 */

export const SCRATCH_PREFIX = 'migratelint_trial_';
const liveName = (db: string) => `migratelint trial ${db}`;

function stampOf(name: string): number | undefined {
  const m = new RegExp(`^${SCRATCH_PREFIX}([0-9a-z]+)_[0-9a-f]+$`).exec(name);
  return m ? parseInt(m[1], 36) : undefined;
}

/** The scratch database's session; closing it drops the database (through the session that made it). */
class ScratchDatabase implements Driver {
  readonly kind = 'postgres' as const;
  readonly target: PostgresTarget;
  readonly display: string;

  constructor(
    private readonly db: PgDriver,
    private readonly admin: PgDriver,
    readonly name: string,
    private readonly note: (text: string) => void,
  ) {
    this.target = db.target;
    this.display = `${db.display} (scratch database ${name})`;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.db.query<T>(sql, params);
  }
  execute(sql: string): Promise<void> {
    return this.db.execute(sql);
  }
  copyOut(table: string, columns: string[], onBytes?: (n: number) => void): Promise<Buffer> {
    return this.db.copyOut(table, columns, onBytes);
  }
  copyIn(table: string, columns: string[], data: Buffer): Promise<void> {
    return this.db.copyIn(table, columns, data);
  }
  serverVersion(): Promise<{ num: number; text: string }> {
    return this.db.serverVersion();
  }
  resetSession(): Promise<void> {
    return this.db.resetSession();
  }
  lock(): Promise<void> {
    return Promise.resolve();
  }
  unlock(): Promise<void> {
    return Promise.resolve();
  }
  lockHolder(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  async close(): Promise<void> {
    try {
      await this.db.close().catch(() => {});
      await dropDatabase(this.admin, this.name).catch((e: Error) => {
        this.note(`could not drop the trial's scratch database ${this.name}: ${e.message} (the next trial on this server drops it)`);
      });
    } finally {
      await this.admin.close().catch(() => {});
    }
  }
}

/**
 * Connects to the server `target` names, drops scratch databases killed trials left, and
 * creates a new one. Throws with a one-line message (no password) when it cannot.
 */
export async function openScratchTrialDb(target: PostgresTarget, note: (text: string) => void): Promise<Driver> {
  const { PgDriver: Pg } = await import('../exec/drivers/pg.js');
  const started = Date.now();
  const admin = await Pg.open(target, 'validate');
  const name = `${SCRATCH_PREFIX}${started.toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  try {
    await dropLeftovers(admin, started, note);
    await admin.execute(`SET application_name = ${quoteLiteral(liveName(name))}`);
    await admin.execute(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
  } catch (e) {
    await admin.close().catch(() => {});
    throw new Error(`cannot create a scratch database on ${target.display}: ${redact((e as Error).message, [target.password])}`);
  }
  try {
    const db = await Pg.open(target, 'validate', name);
    return new ScratchDatabase(db, admin, name, note);
  } catch (e) {
    await dropDatabase(admin, name).catch(() => {});
    await admin.close().catch(() => {});
    throw e;
  }
}

/** Scratch databases of trials that are gone (no session carries their name), older than this one. */
async function dropLeftovers(admin: PgDriver, started: number, note: (text: string) => void): Promise<void> {
  for (const name of await goneScratchDatabases(admin, SCRATCH_PREFIX, liveName(''))) {
    const since = stampOf(name);
    if (since === undefined || since >= started) continue;
    await dropDatabase(admin, name);
    note(`dropped ${name}, a scratch database left by a trial interrupted at ${new Date(since).toISOString().replace(/\.\d+Z$/, 'Z')}`);
  }
}
