/**
 * `backups --verify`: a backup is trusted once it has been restored somewhere harmless and
 * found to hold what it recorded when it was taken. Each one is checked against its sidecar's
 * checksum, then restored into a scratch database and compared: table list, row count per
 * table, columns and types, indexes and constraints (recorded in the sidecar, contents.ts;
 * for a pg_dump archive also its table of contents).
 *
 * - pglite: the tarball (inflated size bounded first, inflate.ts) into an in-memory PGlite;
 * - pg_dump: `pg_restore` into a new database `migratelint_verify_<stamp>_<random>` on the
 *   target's server, dropped afterwards whatever happens; one left by a killed verify is
 *   dropped by the next (a live verify keeps a session named after its scratch database);
 * - logical: its rows counted in the file, and the tables recreated in a scratch database on
 *   the server, or in an in-memory PGlite when the target is PGlite.
 *
 * The target database itself is never opened.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import type { PGlite } from '@electric-sql/pglite';
import { dropDatabase, goneScratchDatabases, type PgDriver } from '../drivers/pg.js';
import type { PgliteDriver } from '../drivers/pglite.js';
import type { Driver } from '../drivers/types.js';
import { ExecError, serverError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql.js';
import { redact, withDatabase, type DbTarget, type PostgresTarget } from '../url.js';
import { toolConnectionString } from '../connection.js';
import { verifyBackup, type BackupKind, type BackupMeta } from './meta.js';
import { findPgTool, pgEnv, runTool } from './pg-tools.js';
import { parseLogical, restoreLogical, type TableDef } from './logical.js';
import { checkPgliteArchive } from './inflate.js';
import { compareContents, count, readContents, rowCount, totalRows, type BackupContents, type Queryable, type TableContents } from './contents.js';

export interface Verification {
  file: string;
  kind?: BackupKind;
  /** `skipped`: nothing could be restored here (no server, no pg_restore); the checksum still held. */
  status: 'ok' | 'fail' | 'skipped';
  /** What the restored copy holds. */
  tables?: number;
  rows?: number;
  /** Why it fails, one line each. */
  problems: string[];
  /** What could not be checked, and why. */
  unchecked: string[];
}

export interface VerifyOptions {
  /** Its server receives the scratch databases pg_dump archives are restored into. */
  target: DbTarget;
  command: string;
  /** Leftovers of interrupted verifies dropped (or not), one line each. */
  note: (message: string) => void;
}

const SCRATCH_PREFIX = 'migratelint_verify_';

/** What could not be compared for a backup whose sidecar records no contents (or that has no sidecar). */
function unrecorded(kind: BackupKind, meta: BackupMeta | undefined): string[] {
  const what = meta ? 'not recorded by this older backup' : 'unknown: it has no sidecar';
  if (kind === 'pglite') return [`row counts and schema ${what}`];
  // A logical backup's manifest records its rows (compared in restoreLogical).
  if (kind === 'logical') return [meta ? 'schema not recorded by this older backup' : 'checksum and schema unknown: it has no sidecar'];
  return [`row counts ${what} (its tables, indexes and constraints were checked against the archive's table of contents)`];
}

/** Unfinished business that is not the backup's fault: the verify cannot go on, the backup is not failed. */
class CannotVerify extends Error {}

/** Verifies backups one after another, keeping the server connection and the scratch PGlite between them. */
export class BackupVerifier {
  private readonly startedAt = Date.now();
  private admin?: Promise<PgDriver>;
  private logicalScratch?: Promise<PgliteDriver>;

  constructor(private readonly options: VerifyOptions) {}

  async verify(file: string): Promise<Verification> {
    const result: Verification = { file, status: 'ok', problems: [], unchecked: [] };
    try {
      const checked = verifyBackup(file);
      result.kind = checked.kind;
      let restored: BackupContents;
      if (checked.kind === 'pglite') restored = await this.restorePglite(file);
      else if (checked.kind === 'pg_dump') restored = await this.restorePgDump(file, result);
      else restored = await this.restoreLogical(file, checked.meta, result);
      result.tables = restored.tables.length;
      result.rows = totalRows(restored);
      const recorded = checked.meta?.contents;
      if (recorded) result.problems.push(...compareContents(recorded, restored));
      else result.unchecked.unshift(...unrecorded(checked.kind, checked.meta));
    } catch (e) {
      if (e instanceof CannotVerify) {
        result.status = 'skipped';
        result.unchecked.push(e.message);
        return result;
      }
      // The server refusing to read the restored copy is a failure of this backup, not of the run.
      if (!(e instanceof ExecError) && !serverError(e).code) throw e;
      const text = serverError(e).message;
      const message = text.startsWith(`${file}: `) ? text.slice(file.length + 2) : text;
      // A damaged file: said the way `backups` lists it.
      result.problems.push(message.startsWith('checksum mismatch') ? `DAMAGED, ${message}` : message);
    }
    if (result.problems.length) result.status = 'fail';
    return result;
  }

  /** Closes the server connection and the scratch PGlite (the scratch databases are dropped as each backup is done). */
  async close(): Promise<void> {
    const admin = this.admin;
    const scratch = this.logicalScratch;
    this.admin = this.logicalScratch = undefined;
    await admin?.then((a) => a.close()).catch(() => {});
    await scratch?.then((d) => d.close()).catch(() => {});
  }

  // -------------------------------------------------------------------------------------
  // PGlite data directory: into memory

  private async restorePglite(file: string): Promise<BackupContents> {
    const data = fs.readFileSync(file);
    await checkPgliteArchive(data, file);
    const { openPglite } = await import('../drivers/pglite.js');
    let db: PGlite;
    try {
      db = await openPglite(null, data);
    } catch (e) {
      throw new ExecError(`does not open as a PGlite database: ${(e as Error).message}`);
    }
    try {
      return await readContents(pgliteQueryable(db));
    } finally {
      await db.close().catch(() => {});
    }
  }

  // -------------------------------------------------------------------------------------
  // pg_dump archive: into a scratch database on the target's server

  private async restorePgDump(file: string, result: Verification): Promise<BackupContents> {
    const target = this.serverTarget('a pg_dump archive restores only into a PostgreSQL server');
    const admin = await this.openAdmin(target);
    const major = Math.floor((await admin.serverVersion()).num / 10000);
    const tool = findPgTool('pg_restore', major);
    if (!tool) throw new CannotVerify(`no pg_restore of version ${major} or newer is installed`);
    const toc = await readToc(tool.path, file, target);
    return this.inScratchDatabase(target, async (scratch) => {
      // Only what the archive holds is checked: owners, privileges, subscriptions (which
      // would connect to their publisher) and security labels belong to the server.
      const args = ['--no-password', '--exit-on-error', '--single-transaction', '--no-owner', '--no-privileges', '--no-subscriptions', '--no-publications', '--no-security-labels', '--no-tablespaces'];
      await runTool(tool.path, [...args, `--dbname=${dbnameArg(target, scratch)}`, file], pgEnv(target), [target.password]).catch((e: Error) => {
        throw new ExecError(`does not restore into a scratch database: ${e.message}`);
      });
      return this.onScratch(target, scratch, async (db) => {
        result.problems.push(...(await tocProblems(db, toc)));
        return readContents(db);
      });
    });
  }

  /** The --db server, for what restores only there; `why` says so when the target is PGlite. */
  private serverTarget(why: string): PostgresTarget {
    const target = this.options.target;
    if (target.kind === 'postgres') return target;
    throw new CannotVerify(`${why}: pass --db postgres://... to verify it (a scratch database is made there; the database itself is not touched)`);
  }

  /**
   * Runs `fn` with a new empty database on the server, dropped afterwards whatever happens.
   * While it exists, the admin session's application_name names it: a later verify that
   * finds it without that session knows its verify was killed (dropLeftovers).
   */
  private async inScratchDatabase<T>(target: PostgresTarget, fn: (scratch: string) => Promise<T>): Promise<T> {
    const admin = await this.openAdmin(target);
    const scratch = `${SCRATCH_PREFIX}${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
    await admin.execute(`SET application_name = ${quoteLiteral(liveName(scratch))}`);
    try {
      await admin.execute(`CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE template0`);
    } catch (e) {
      throw new CannotVerify(`cannot create a scratch database on ${target.display}: ${redact((e as Error).message, [target.password])}`);
    }
    try {
      return await fn(scratch);
    } finally {
      await dropDatabase(admin, scratch).catch((e: Error) => {
        this.options.note(`could not drop the scratch database ${scratch}: ${e.message} (the next backups --verify drops it)`);
      });
    }
  }

  private async onScratch<T>(target: PostgresTarget, scratch: string, fn: (db: PgDriver) => Promise<T>): Promise<T> {
    const { PgDriver: Pg } = await import('../drivers/pg.js');
    const db = await Pg.open(target, this.options.command, scratch);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  /**
   * A session on the server's maintenance database (CREATE/DROP DATABASE need one on another
   * database than their own), opened once; opening it drops what killed verifies left.
   */
  private openAdmin(target: PostgresTarget): Promise<PgDriver> {
    this.admin ??= (async () => {
      const { PgDriver: Pg } = await import('../drivers/pg.js');
      let last: unknown;
      // The maintenance databases (nothing is written to them), not the target one.
      for (const db of ['postgres', 'template1']) {
        try {
          const admin = await Pg.open(target, this.options.command, db);
          await this.dropLeftovers(admin);
          return admin;
        } catch (e) {
          last = e;
        }
      }
      throw new CannotVerify(`cannot connect to ${target.display} to make a scratch database: ${(last as Error).message}`);
    })();
    return this.admin;
  }

  /** Scratch databases older than this run whose verify is gone (no session carries their name). */
  private async dropLeftovers(admin: PgDriver): Promise<void> {
    for (const name of await goneScratchDatabases(admin, SCRATCH_PREFIX, liveName(''))) {
      const since = scratchStamp(name);
      if (since === undefined || since >= this.startedAt) continue;
      const when = new Date(since).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
      try {
        await dropDatabase(admin, name);
        this.options.note(`dropped ${name}, left by a backups --verify interrupted at ${when}`);
      } catch (e) {
        this.options.note(`${name} is left by a backups --verify interrupted at ${when}; dropping it failed: ${(e as Error).message}`);
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Logical backup: rows counted in the file, tables recreated in a scratch database

  private async restoreLogical(file: string, meta: BackupMeta | undefined, result: Verification): Promise<BackupContents> {
    const data = fs.readFileSync(file);
    const { tables, copies } = parseLogical(data);
    for (const def of tables) {
      const rows = lineCount(copies.get(def.table));
      if (rows !== def.rows) result.problems.push(`table ${shownName(def)} has ${rowCount(rows)} in the file, the backup recorded ${count(def.rows)}`);
    }
    const fromFile = manifestContents(tables, copies);
    // On the server when there is one (its types and extensions are there); else in memory.
    const target = this.options.target;
    const restored =
      target.kind === 'postgres'
        ? await this.inScratchDatabase(target, (scratch) => this.onScratch(target, scratch, (db) => loadLogical(db, data, tables)))
        : await loadLogical(await this.scratchPglite(), data, tables);
    if (typeof restored === 'string') {
      result.unchecked.push(`not restored into a scratch database, it needs what is not in it (${restored}); its rows were counted in the file`);
      return fromFile;
    }
    if (!meta?.contents) result.problems.push(...compareContents(fromFile, { tables: restored.tables.map(tablesOnly) }));
    return restored;
  }

  /** One in-memory PGlite for every logical backup (each start runs initdb, seconds), emptied between them. */
  private async scratchPglite(): Promise<PgliteDriver> {
    this.logicalScratch ??= (async () => {
      const { PgliteDriver: Pglite } = await import('../drivers/pglite.js');
      return Pglite.open({ kind: 'pglite', dataDir: null, display: 'pglite:memory' }, { command: this.options.command, lockWaitMs: 0 });
    })();
    const driver = await this.logicalScratch;
    const schemas = await driver.query<{ s: string }>(
      `SELECT nspname AS s FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'`,
    );
    for (const { s } of schemas) await driver.execute(`DROP SCHEMA ${quoteIdent(s)} CASCADE`);
    await driver.execute('CREATE SCHEMA public');
    return driver;
  }
}

/**
 * Recreates a logical backup's tables in an empty database and reads them back; returns why
 * not when they need what lies outside the backup (a type, an extension, a referenced table).
 * Bad data (SQLSTATE class 22) or rows breaking their constraints (23) are the backup's fault.
 */
async function loadLogical(driver: Driver, data: Buffer, tables: TableDef[]): Promise<BackupContents | string> {
  try {
    for (const schema of new Set(tables.map((t) => t.schema))) await driver.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await restoreLogical(driver, data, () => {});
  } catch (e) {
    const err = serverError(e);
    if (/^2[23]/.test(err.code ?? '')) throw new ExecError(`does not restore into a scratch database: ${err.message}`);
    return err.message;
  }
  const wanted = new Set(tables.map((t) => `${t.schema}\0${t.name}`));
  return readContents(driver, (t) => wanted.has(`${t.schema}\0${t.name}`));
}

const pgliteQueryable = (db: PGlite): Queryable => ({ query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows });

/** COPY text holds one row per line (a newline inside a value is written `\n`). */
function lineCount(copy: Buffer | undefined): number {
  let n = 0;
  for (const byte of copy ?? []) if (byte === 0x0a) n++;
  return n;
}

/**
 * What a logical backup's own manifest says: its tables and (counted in the file) their rows.
 * Its definitions were printed under the user's search_path, so they do not compare with
 * readContents'; a backup that records its contents in the sidecar is compared by those.
 */
function manifestContents(tables: TableDef[], copies: Map<string, Buffer>): BackupContents {
  return { tables: tables.map((t) => tablesOnly({ table: shownName(t), schema: t.schema, name: t.name, rows: lineCount(copies.get(t.table)) })) };
}

/** A table's name and rows, without its schema, to compare where only those are recorded. */
const tablesOnly = (t: { table: string; schema: string; name: string; rows: number }): TableContents => ({
  table: t.table,
  schema: t.schema,
  name: t.name,
  rows: t.rows,
  columns: [],
  constraints: [],
  indexes: [],
});

/** `schema.table` as the other messages show it (format('%I.%I'), keywords aside, which it would quote too). */
function shownName(t: { schema: string; name: string }): string {
  const part = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : quoteIdent(s));
  return `${part(t.schema)}.${part(t.name)}`;
}

const liveName = (scratch: string) => `migratelint verify ${scratch}`;

/** The time in a scratch database's name (base 36 milliseconds), undefined for a name not ours. */
function scratchStamp(name: string): number | undefined {
  const m = new RegExp(`^${SCRATCH_PREFIX}([0-9a-z]+)_[0-9a-f]+$`).exec(name);
  return m ? parseInt(m[1], 36) : undefined;
}

/** pg_restore's --dbname for another database of the same server. */
function dbnameArg(target: PostgresTarget, db: string): string {
  if (target.connectionString) return toolConnectionString(withDatabase(target.connectionString, db));
  return `dbname='${db}'`;
}

/** `pg_restore --list`: the archive's table of contents. */
function readToc(tool: string, file: string, target: PostgresTarget): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(tool, ['--list', file], { env: pgEnv(target), maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new ExecError(`${path.basename(tool)} cannot read it: ${redact(String(stderr).trim() || err.message, [target.password])}`));
      else resolve(String(stdout).split('\n'));
    });
  });
}

/** The TOC entries a restored database must show, longest description first (`TABLE DATA` is not a `TABLE`). */
const TOC_DESCS = ['TABLE DATA', 'TABLE ATTACH', 'INDEX ATTACH', 'FK CONSTRAINT', 'CONSTRAINT', 'INDEX', 'TABLE'];
const CHECKED_DESCS = new Set(['FK CONSTRAINT', 'CONSTRAINT', 'INDEX', 'TABLE']);

/**
 * Tables, indexes and constraints the archive's table of contents lists that the restored
 * database lacks. A TOC line is `<id>; <catalog> <oid> <desc> <schema> <tag> <owner>`, and
 * names may hold spaces, so the owner is taken off word by word until a key matches.
 */
async function tocProblems(db: Queryable, toc: string[]): Promise<string[]> {
  const rows = await db.query<{ k: string }>(
    `SELECT 'TABLE ' || n.nspname || ' ' || c.relname AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')
     UNION ALL SELECT 'INDEX ' || n.nspname || ' ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('i', 'I')
     UNION ALL SELECT CASE k.contype WHEN 'f' THEN 'FK CONSTRAINT ' ELSE 'CONSTRAINT ' END || n.nspname || ' ' || coalesce(c.relname, t.typname) || ' ' || k.conname
       FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
       LEFT JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_type t ON t.oid = k.contypid`,
  );
  const keys = new Set(rows.map((r) => r.k.replace(/[\r\n]/g, ' ')));
  const missing: string[] = [];
  for (const line of toc) {
    const m = /^\d+; \d+ \d+ (.*)$/.exec(line);
    const desc = m && TOC_DESCS.find((d) => m[1].startsWith(`${d} `));
    if (!m || !desc || !CHECKED_DESCS.has(desc)) continue;
    let candidate = m[1].trimEnd();
    let found = keys.has(candidate);
    while (!found && candidate.includes(' ')) {
      candidate = candidate.slice(0, candidate.lastIndexOf(' '));
      found = keys.has(candidate);
    }
    if (!found) missing.push(m[1].slice(0, m[1].lastIndexOf(' ')));
  }
  return missing.map((entry) => `${entry} is in the archive's table of contents but missing after the restore`);
}
