import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PGlite } from '@electric-sql/pglite';
import type { Driver } from '../exec/drivers/types.js';
import type { PgliteTarget } from '../exec/url.js';
import { loadExtensions } from '../exec/drivers/pglite-extensions.js';

/**
 * The throwaway database of the trial run: PGlite (PostgreSQL compiled to WASM).
 *
 * A fresh in-memory PGlite runs initdb (2-6 s, ~750 MB resident). Instead, the first
 * trial on a machine runs initdb once into a template data directory in the temp folder
 * (`migratelint-pglite-template-<pglite version>`); each trial copies it (40 MB, tens of
 * milliseconds) and opens the copy: ~0.4 s and ~300 MB. The copy is deleted on close.
 * When the temp folder cannot be used, the trial falls back to an in-memory database.
 */

export { PGLITE_EXTENSIONS, isAvailableExtension } from '../exec/drivers/pglite-extensions.js';

function pgliteVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = path.dirname(require.resolve('@electric-sql/pglite'));
    for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === '@electric-sql/pglite') return String(pkg.version);
      }
    }
  } catch {
    // fall through
  }
  return 'unknown';
}

const isDataDir = (dir: string) => fs.existsSync(path.join(dir, 'PG_VERSION'));

/** The initdb'd template data directory, made on first use; undefined when the temp folder is unusable. */
export async function templateDir(): Promise<string | undefined> {
  const dir = path.join(os.tmpdir(), `migratelint-pglite-template-${pgliteVersion()}`);
  if (isDataDir(dir)) return dir;
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(tmp);
    await db.close();
    try {
      fs.renameSync(tmp, dir);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true }); // another run made it first
    }
    return isDataDir(dir) ? dir : undefined;
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
    return undefined;
  }
}

/** Removes working copies left by trials that were killed (older than an hour). */
function sweepStaleCopies(): void {
  try {
    for (const name of fs.readdirSync(os.tmpdir())) {
      if (!name.startsWith('migratelint-trial-')) continue;
      const p = path.join(os.tmpdir(), name);
      if (Date.now() - fs.statSync(p).mtimeMs > 3_600_000) fs.rmSync(p, { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
}


/** A PGlite database as an execution-layer `Driver`, so the trial runs statements the way `apply` does. */
export class TrialDatabase implements Driver {
  readonly kind = 'pglite' as const;
  readonly display = 'trial database (PGlite)';
  readonly target: PgliteTarget = { kind: 'pglite', dataDir: null, display: 'pglite:trial' };

  private constructor(
    readonly db: PGlite,
    private readonly workDir: string | undefined,
  ) {}

  /** Opens a fresh, empty database with these contrib extensions loadable. */
  static async open(extensions: readonly string[] = []): Promise<TrialDatabase> {
    const { PGlite } = await import('@electric-sql/pglite');
    const options = { extensions: (await loadExtensions(extensions)) as never };
    sweepStaleCopies();
    const template = await templateDir();
    if (template) {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-trial-'));
      const data = path.join(workDir, 'db');
      try {
        fs.cpSync(template, data, { recursive: true });
        return new TrialDatabase(await PGlite.create(data, options), workDir);
      } catch {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    }
    return new TrialDatabase(await PGlite.create('memory://', options), undefined);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async execute(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async copyOut(): Promise<Buffer> {
    throw new Error('COPY is not used by the trial run');
  }

  async copyIn(): Promise<void> {
    throw new Error('COPY is not used by the trial run');
  }

  async serverVersion(): Promise<{ num: number; text: string }> {
    const [row] = await this.query<{ num: string; text: string }>(`SELECT current_setting('server_version_num') AS num, version() AS text`);
    return { num: Number(row.num), text: row.text };
  }

  async resetSession(): Promise<void> {
    await this.db.exec('RESET ALL');
  }

  async lock(): Promise<void> {}

  async unlock(): Promise<void> {}

  async lockHolder(): Promise<string | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      if (this.workDir) fs.rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}
