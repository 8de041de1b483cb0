import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { ExecError } from '../errors.js';
import { redact, type PostgresTarget } from '../url.js';
import { toolConnectionString, toolEnvironment } from '../connection.js';

interface PgTool {
  path: string;
  major: number;
}

// Asking every candidate for its --version spawns a process each; keyed by the
// environment that decides which candidates there are.
const toolCache = new Map<string, PgTool[]>();

/**
 * Every installed copy of a PostgreSQL client program with its major version: on PATH
 * and in /usr/lib/postgresql/<version>/bin, or only in $MIGRATELINT_PG_BINDIR when set.
 */
function installedPgTools(name: 'pg_dump' | 'pg_restore'): PgTool[] {
  const cacheKey = `${name}\0${String(process.env.MIGRATELINT_PG_BINDIR)}\0${process.env.PATH ?? ''}`;
  const cached = toolCache.get(cacheKey);
  if (cached) return cached;
  const candidates = new Set<string>();
  const only = process.env.MIGRATELINT_PG_BINDIR;
  if (only !== undefined) {
    // An explicit choice: only this directory (empty = no client tools at all).
    if (only) candidates.add(path.join(only, name));
  } else {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.add(path.join(dir, name));
    try {
      for (const v of fs.readdirSync('/usr/lib/postgresql')) candidates.add(path.join('/usr/lib/postgresql', v, 'bin', name));
    } catch {
      // not Debian-style
    }
  }
  const out: PgTool[] = [];
  // The same binary is often reachable through several links (PATH and /usr/lib/postgresql).
  const seen = new Set<string>();
  for (const c of candidates) {
    let real: string;
    try {
      real = fs.realpathSync(c);
      fs.accessSync(real, fs.constants.X_OK);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const major = toolMajor(c);
    if (major) out.push({ path: c, major });
  }
  out.sort((a, b) => b.major - a.major);
  toolCache.set(cacheKey, out);
  return out;
}

function toolMajor(bin: string): number | undefined {
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /(\d+)(?:\.\d+)?/.exec(out.replace(/^[^\d]*/, ''));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The newest installed tool at least as new as the server (older ones refuse to dump newer servers). */
export function findPgTool(name: 'pg_dump' | 'pg_restore', serverMajor: number): PgTool | undefined {
  return installedPgTools(name).find((t) => t.major >= serverMajor);
}

/**
 * The password goes in the environment, never on the command line, where `ps` would show it.
 * The PG* variables reach the tools as libpq reads them (see toolEnvironment), so pg_dump and
 * pg_restore connect with the sslmode, certificates and timeout the driver used.
 */
export function pgEnv(target: PostgresTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...toolEnvironment(target, process.env), PGAPPNAME: 'migratelint' };
  if (target.password) env.PGPASSWORD = target.password;
  return env;
}

/**
 * Runs a client program; its stderr becomes the error message, with `secrets` masked.
 * `watch` reports the growing size of the file it writes, as it gives no progress itself.
 */
export function runTool(bin: string, args: string[], env: NodeJS.ProcessEnv, secrets: (string | undefined)[], watch?: { file: string; onProgress?: (n: number) => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d.toString();
    });
    const timer = watch?.onProgress
      ? setInterval(() => {
          try {
            watch.onProgress!(fs.statSync(watch.file).size);
          } catch {
            // not created yet
          }
        }, 200)
      : undefined;
    child.on('error', (e) => {
      if (timer) clearInterval(timer);
      reject(new ExecError(`${path.basename(bin)} could not start: ${e.message}`));
    });
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      if (code === 0) resolve();
      else reject(new ExecError(`${path.basename(bin)} failed (exit ${code}): ${redact(stderr.trim(), secrets) || 'no message'}`));
    });
  });
}

/** Dumps to a temporary name first, so a failed or killed pg_dump never leaves half an archive under the real name. */
export async function runPgDump(bin: string, target: PostgresTarget, file: string, onProgress?: (n: number) => void): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const args = ['--format=custom', '--no-password', `--file=${tmp}`];
  if (target.connectionString) args.push(`--dbname=${toolConnectionString(target.connectionString)}`);
  await runTool(bin, args, pgEnv(target), [target.password], { file: tmp, onProgress });
  fs.renameSync(tmp, file);
  onProgress?.(fs.statSync(file).size);
}

/**
 * runPgDump, reading the snapshot another session exported (`pg_dump --snapshot`): the
 * archive then holds exactly what that session sees, so row counts it takes in the same
 * transaction are the archive's. (Same arguments as runPgDump otherwise.)
 */
export async function runPgDumpAtSnapshot(bin: string, target: PostgresTarget, file: string, snapshot: string, onProgress?: (n: number) => void): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const args = ['--format=custom', '--no-password', `--snapshot=${snapshot}`, `--file=${tmp}`];
  if (target.connectionString) args.push(`--dbname=${toolConnectionString(target.connectionString)}`);
  await runTool(bin, args, pgEnv(target), [target.password], { file: tmp, onProgress });
  fs.renameSync(tmp, file);
  onProgress?.(fs.statSync(file).size);
}
