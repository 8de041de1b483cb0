import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { loadExtensions } from './pglite-extensions.js';
import type { PgliteTarget } from '../url.js';
import { FileLock, describeOwner } from '../lock.js';
import { ExecError } from '../errors.js';
import type { Driver, OpenOptions } from './types.js';
import { quoteIdent } from '../sql.js';

/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) on a data directory,
 * or in memory. Opening an existing data directory takes 0.4-0.9 s; creating one (or
 * an in-memory database) runs initdb, 3-6 s.
 */
export class PgliteDriver implements Driver {
  readonly kind = 'pglite' as const;
  readonly display: string;

  protected constructor(
    readonly target: PgliteTarget,
    readonly db: PGlite,
    private readonly fileLock: FileLock | undefined,
    display = target.display,
  ) {
    this.display = display;
  }

  static async open(target: PgliteTarget, options: OpenOptions): Promise<PgliteDriver> {
    const dir = target.dataDir;
    if (dir && !isDataDir(dir)) {
      const aside = interruptedRestoreOf(dir);
      if (aside) {
        throw new ExecError(
          `${target.display} is missing and ${aside} is there: a restore was interrupted while swapping directories`,
          `move it back (mv ${aside} ${dir}) or run the restore again`,
        );
      }
    }
    if (dir && options.mustExist && !isDataDir(dir)) {
      throw new ExecError(`no database at ${target.display} yet (the first apply creates it)`);
    }
    const fileLock = dir ? FileLock.forDataDir(dir, options.command) : undefined;
    await fileLock?.acquire(options.lockWaitMs, options.onLockWait);
    try {
      const db = await openPglite(dir, undefined, options.extensions);
      return new PgliteDriver(target, db, fileLock);
    } catch (e) {
      fileLock?.release();
      throw e;
    }
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async execute(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async copyOut(table: string, columns: string[], onBytes?: (n: number) => void): Promise<Buffer> {
    const res = await this.db.query(`COPY ${table} (${columns.map(quoteIdent).join(', ')}) TO '/dev/blob'`);
    const buf = res.blob ? Buffer.from(await res.blob.arrayBuffer()) : Buffer.alloc(0);
    onBytes?.(buf.length);
    return buf;
  }

  async copyIn(table: string, columns: string[], data: Buffer): Promise<void> {
    await this.db.query(`COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob'`, [], {
      blob: new Blob([new Uint8Array(data)]),
    });
  }

  async serverVersion(): Promise<{ num: number; text: string }> {
    const [row] = await this.query<{ num: string; text: string }>(`SELECT current_setting('server_version_num') AS num, version() AS text`);
    return { num: Number(row.num), text: row.text };
  }

  async resetSession(): Promise<void> {
    await this.db.exec('RESET ALL');
  }

  /** The data-directory lock is taken when the database is opened and held until it is closed. */
  async lock(): Promise<void> {}

  async unlock(): Promise<void> {}

  async lockHolder(): Promise<string | undefined> {
    return undefined;
  }

  /** The data directory as a gzipped tarball. PGlite's own gzip is 2-3 times slower than zlib level 1. */
  async dumpDataDir(): Promise<Buffer> {
    const blob = await this.db.dumpDataDir('none');
    const tar = Buffer.from(await blob.arrayBuffer());
    const { gzip } = await import('node:zlib');
    return new Promise((resolve, reject) => gzip(tar, { level: 1 }, (err, out) => (err ? reject(err) : resolve(out))));
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.fileLock?.release();
    }
  }

  /** Closes the database but keeps the data-directory lock (for a restore that swaps the directory). */
  async closeKeepingLock(): Promise<FileLock | undefined> {
    if (!this.db.closed) await this.db.close();
    return this.fileLock;
  }
}

function interruptedRestoreOf(dir: string): string | undefined {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  try {
    const aside = fs.readdirSync(parent).find((f) => f.startsWith(`${base}.before-restore-`));
    return aside ? path.join(parent, aside) : undefined;
  } catch {
    return undefined;
  }
}

export function isDataDir(dir: string): boolean {
  return fs.existsSync(`${dir}/PG_VERSION`);
}

export async function openPglite(dataDir: string | null, loadDataDir?: Buffer, extensions: readonly string[] = []): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const options = {
    ...(loadDataDir ? { loadDataDir: new Blob([new Uint8Array(loadDataDir)]) } : {}),
    ...(extensions.length ? { extensions: (await loadExtensions(extensions)) as never } : {}),
  };
  return PGlite.create(dataDir ?? 'memory://', options);
}

/** Who holds a PGlite data directory, without opening it (for health). */
export function pgliteLockHolder(dataDir: string): string | undefined {
  const holder = FileLock.forDataDir(dataDir, 'health').holder();
  return holder ? describeOwner(holder) : undefined;
}
