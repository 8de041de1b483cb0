import type { Client as PgClient } from 'pg';
import type { PostgresTarget } from '../url.js';
import { redact } from '../url.js';
import { connectAttempts, describeFailures, libpqSettings, triesNext, type ConnectAttempt, type LibpqSettings } from '../connection.js';
import { ADVISORY_LOCK_KEYS } from '../lock.js';
import { ExecError } from '../errors.js';
import { quoteIdent } from '../sql.js';
import type { Driver } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A PostgreSQL server through `pg`: one connection, held for the whole command. */
export class PgDriver implements Driver {
  readonly kind = 'postgres' as const;
  readonly display: string;
  private locked = false;
  private lost: Error | undefined;

  private constructor(
    readonly target: PostgresTarget,
    readonly client: PgClient,
  ) {
    this.display = target.display;
    client.on('error', (e) => {
      this.lost = e;
    });
  }

  /**
   * `database` connects to another database of the same server (for DROP/CREATE DATABASE).
   * Connects as libpq would (sslmode, certificates, connect_timeout, PG* variables; see
   * connection.ts), trying plaintext after SSL for `prefer` and SSL after plaintext for `allow`.
   */
  static async open(target: PostgresTarget, command: string, database?: string): Promise<PgDriver> {
    const { default: pg } = await import('pg');
    const fail = (why: string) => new ExecError(`cannot connect to ${target.display}: ${redact(why, [target.password])}`);
    let settings: LibpqSettings;
    let attempts: ConnectAttempt[];
    try {
      settings = libpqSettings(target);
      attempts = connectAttempts(target, settings, {
        database,
        extra: { application_name: `migratelint ${command}`, keepAlive: true },
      });
    } catch (e) {
      throw fail((e as Error).message);
    }
    const failures: { attempt: ConnectAttempt; error: unknown }[] = [];
    for (const attempt of attempts) {
      const client = new pg.Client(attempt.config);
      try {
        await client.connect();
      } catch (e) {
        await client.end().catch(() => {});
        failures.push({ attempt, error: e });
        if (attempt !== attempts[attempts.length - 1] && triesNext(attempt, e)) continue;
        throw fail(describeFailures(settings, failures));
      }
      const driver = new PgDriver(target, client);
      await driver.sessionSettings();
      return driver;
    }
    throw fail('no connection attempt was made');
  }

  private checkInterval = true;

  /**
   * When this process dies (kill -9), the server notices within a second even in the
   * middle of a long statement, aborts its transaction and frees the migration lock,
   * instead of running the statement to its end first (PostgreSQL 14+).
   */
  private async sessionSettings(): Promise<void> {
    if (!this.checkInterval) return;
    await this.client.query(`SET client_connection_check_interval = '1s'`).catch(() => {
      this.checkInterval = false;
    });
  }

  async resetSession(): Promise<void> {
    this.check();
    await this.client.query('RESET ALL');
    await this.sessionSettings();
  }

  private check(): void {
    if (this.lost) throw new ExecError(`lost the connection to ${this.display}: ${this.lost.message}`);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.check();
    return (await this.client.query(sql, params)).rows as T[];
  }

  async execute(sql: string): Promise<void> {
    this.check();
    await this.client.query(sql);
  }

  copyOut(table: string, columns: string[], onBytes?: (n: number) => void): Promise<Buffer> {
    this.check();
    const text = `COPY ${table} (${columns.map(quoteIdent).join(', ')}) TO STDOUT`;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      let failed: unknown;
      const submittable = {
        submit(connection: any) {
          connection.query(text);
        },
        handleCopyData(msg: any) {
          chunks.push(msg.chunk);
          total += msg.chunk.length;
          onBytes?.(total);
        },
        handleCopyInResponse(connection: any) {
          connection.sendCopyFail('unexpected COPY FROM');
        },
        handleRowDescription() {},
        handleDataRow() {},
        handlePortalSuspended() {},
        handleEmptyQuery() {},
        handleCommandComplete() {},
        handleError(e: unknown) {
          failed = e;
        },
        handleReadyForQuery() {
          if (failed) reject(failed);
          else resolve(Buffer.concat(chunks));
        },
      };
      this.client.query(submittable as any);
    });
  }

  copyIn(table: string, columns: string[], data: Buffer): Promise<void> {
    this.check();
    const text = `COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`;
    return new Promise((resolve, reject) => {
      let failed: unknown;
      const submittable = {
        submit(connection: any) {
          connection.query(text);
        },
        handleCopyInResponse(connection: any) {
          const size = 64 * 1024;
          for (let i = 0; i < data.length; i += size) connection.sendCopyFromChunk(data.subarray(i, i + size));
          connection.endCopyFrom();
        },
        handleCopyData() {},
        handleRowDescription() {},
        handleDataRow() {},
        handlePortalSuspended() {},
        handleEmptyQuery() {},
        handleCommandComplete() {},
        handleError(e: unknown) {
          failed = e;
        },
        handleReadyForQuery() {
          if (failed) reject(failed);
          else resolve();
        },
      };
      this.client.query(submittable as any);
    });
  }

  async serverVersion(): Promise<{ num: number; text: string }> {
    const [row] = await this.query<{ num: string; text: string }>(`SELECT current_setting('server_version_num') AS num, version() AS text`);
    return { num: Number(row.num), text: row.text };
  }

  async backendPid(): Promise<number> {
    const [row] = await this.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return row.pid;
  }

  async lock(waitMs: number, onWait?: (holder: string) => void): Promise<void> {
    const deadline = Date.now() + waitMs;
    let told = false;
    for (;;) {
      const [row] = await this.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [...ADVISORY_LOCK_KEYS]);
      if (row.ok) {
        this.locked = true;
        return;
      }
      const holder = (await this.lockHolder()) ?? 'a session that just released it';
      if (Date.now() >= deadline) {
        throw new ExecError(
          `another apply holds the lock on ${this.display} (${holder})`,
          'wait for it to finish, or raise --lock-wait',
        );
      }
      if (!told) {
        told = true;
        onWait?.(holder);
      }
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(10, deadline - Date.now()))));
    }
  }

  async unlock(): Promise<void> {
    if (!this.locked || this.lost) return;
    this.locked = false;
    await this.query('SELECT pg_advisory_unlock($1, $2)', [...ADVISORY_LOCK_KEYS]);
  }

  async lockHolder(): Promise<string | undefined> {
    const rows = await this.query<{ pid: number; usename: string | null; application_name: string | null; addr: string | null; since: Date | null }>(
      `SELECT l.pid, a.usename, a.application_name, host(a.client_addr) AS addr, a.backend_start AS since
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 2
          AND l.granted AND l.pid <> pg_backend_pid()
          -- Advisory locks live in one database's lock space: an apply on another database of the server is no holder.
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [...ADVISORY_LOCK_KEYS],
    );
    if (!rows.length) return undefined;
    const r = rows[0];
    const who = [r.usename, r.addr].filter(Boolean).join('@');
    const since = r.since ? `, connected since ${new Date(r.since).toISOString()}` : '';
    return `pid ${r.pid}${who ? `, ${who}` : ''}${r.application_name ? `, "${r.application_name}"` : ''}${since}`;
  }

  async close(): Promise<void> {
    try {
      if (!this.lost) await this.unlock().catch(() => {});
    } finally {
      await this.client.end().catch(() => {});
    }
  }
}

/**
 * Drops a database of the server `admin` is connected to (not its own), ending the
 * sessions still on it: `WITH (FORCE)` from PostgreSQL 13, pg_terminate_backend before.
 */
export async function dropDatabase(admin: PgDriver, name: string): Promise<void> {
  if ((await admin.serverVersion()).num >= 130000) {
    await admin.execute(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return;
  }
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  await admin.execute(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
}

/**
 * Databases named `<prefix>…` that no session is on whose application_name is
 * `<application><database>`: scratch databases whose run (a trial, a verify) is gone.
 */
export async function goneScratchDatabases(admin: PgDriver, prefix: string, application: string): Promise<string[]> {
  const rows = await admin.query<{ name: string; live: boolean }>(
    `SELECT d.datname AS name, EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name = $2 || d.datname) AS live
       FROM pg_database d WHERE d.datname LIKE $1 ORDER BY 1`,
    [`${prefix.replace(/_/g, '\\_')}%`, application],
  );
  return rows.filter((r) => !r.live).map((r) => r.name);
}
