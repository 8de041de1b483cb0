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
 * trial on a machine runs initdb once and keeps the result in the temp folder, as a data
 * directory (`migratelint-pglite-template-<pglite version>`, which `--db pglite:` tests
 * copy) and as a tar archive of it (`….tar`, 40 MB). Each trial loads the archive into an
 * in-memory file system: ~1 s to open, and every statement after runs about twice as fast
 * as on a copy of the directory on disk (measured on lemmy's 342 ups, 3.4 s against 7.0 s),
 * the file system being the emulated one of WASM either way. When the archive cannot be
 * made, the trial opens a copy of the directory (deleted on close), and when the temp
 * folder cannot be used at all, an in-memory database of its own initdb.
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

/** The template as a tar archive (PGlite's dumpDataDir of a fresh database), made on first use. */
export async function templateArchive(): Promise<string | undefined> {
  const dir = await templateDir();
  if (!dir) return undefined;
  const file = `${dir}.tar`;
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create();
    const blob = await db.dumpDataDir('none');
    await db.close();
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, file); // atomic: another run reads it whole or not at all
    return file;
  } catch {
    fs.rmSync(tmp, { force: true });
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
    const archive = await templateArchive();
    if (archive) {
      try {
        return new TrialDatabase(await openPglite(null, fs.readFileSync(archive), extensions), undefined);
      } catch {
        // a damaged archive: the directory copy below
      }
    }
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
