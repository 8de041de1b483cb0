import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PGlite } from '@electric-sql/pglite';
import { PgliteDriver, openPglite } from '../exec/drivers/pglite.js';

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


/**
 * The trial's database: the executor's PGlite driver on a throwaway copy of the
 * template, so the trial runs statements exactly the way `apply` does.
 */
export class TrialDatabase extends PgliteDriver {
  private constructor(
    db: PGlite,
    private readonly workDir: string | undefined,
  ) {
    super({ kind: 'pglite', dataDir: null, display: 'pglite:trial' }, db, undefined, 'trial database (PGlite)');
  }

  /** Opens a fresh, empty database with these contrib extensions loadable. */
  static async create(extensions: readonly string[] = []): Promise<TrialDatabase> {
    sweepStaleCopies();
    const template = await templateDir();
    if (template) {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-trial-'));
      const data = path.join(workDir, 'db');
      try {
        fs.cpSync(template, data, { recursive: true });
        return new TrialDatabase(await openPglite(data, undefined, extensions), workDir);
      } catch {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    }
    return new TrialDatabase(await openPglite(null, undefined, extensions), undefined);
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      if (this.workDir) fs.rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}
