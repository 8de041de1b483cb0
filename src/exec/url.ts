import path from 'node:path';
import { UsageError } from '../errors.js';

/** Where the embedded database lives when `--db` is not given. */
const DEFAULT_PGLITE_DIR = '.migratelint/db';

export type DbTarget = PgliteTarget | PostgresTarget;

export interface PgliteTarget {
  kind: 'pglite';
  /** Absolute data directory, or null for an in-memory database. */
  dataDir: string | null;
  /** How to show it: never contains a secret. */
  display: string;
}

export interface PostgresTarget {
  kind: 'postgres';
  /** Connection string for `pg`; empty = only PG* environment variables. */
  connectionString: string;
  /** The password in the URL (or PGPASSWORD), so it can be scrubbed from any text. */
  password?: string;
  display: string;
}

/**
 * Reads `--db`: `pglite:memory`, `pglite:<dir>`, `postgres://…` / `postgresql://…`, or
 * `postgres:` alone for a server described only by PG* environment variables.
 * Without a value: `$MIGRATELINT_DB`, else the embedded database in `.migratelint/db`.
 */
export function parseDbTarget(raw: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): DbTarget {
  const value = raw ?? (env.MIGRATELINT_DB || `pglite:${DEFAULT_PGLITE_DIR}`);
  if (/^pglite:/i.test(value)) {
    const rest = value.slice('pglite:'.length).replace(/^\/\/(?=[^/])/, '');
    if (rest === 'memory' || rest === 'memory://' || rest === '') {
      if (rest === '') throw new UsageError('--db pglite: needs a data directory or "memory" (e.g. pglite:.migratelint/db)');
      return { kind: 'pglite', dataDir: null, display: 'pglite:memory' };
    }
    const dataDir = path.resolve(cwd, rest);
    const rel = path.relative(cwd, dataDir);
    return { kind: 'pglite', dataDir, display: `pglite:${rel && !rel.startsWith('..') ? rel : dataDir}` };
  }
  if (/^postgres(ql)?:$/i.test(value)) {
    const password = env.PGPASSWORD || undefined;
    const who = [env.PGUSER, env.PGHOST, env.PGPORT, env.PGDATABASE].some(Boolean)
      ? `postgres://${env.PGUSER ? `${env.PGUSER}${password ? ':****' : ''}@` : ''}${env.PGHOST ?? ''}${env.PGPORT ? `:${env.PGPORT}` : ''}/${env.PGDATABASE ?? ''}`
      : 'postgres: (PG* environment)';
    return { kind: 'postgres', connectionString: '', password, display: who };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--db: not a valid PostgreSQL URL: ${maskUrl(value)}`);
    }
    const password = url.password ? safeDecode(url.password) : env.PGPASSWORD || undefined;
    return { kind: 'postgres', connectionString: value, password, display: maskUrl(value) };
  }
  throw new UsageError(`--db: expected pglite:<dir>, pglite:memory or postgres://…, got "${maskUrl(value)}"`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const MASK = '****';

/**
 * Hides the password in a connection string: in the user-info part of a URL, in a
 * `password=` query parameter, and in libpq keyword/value strings.
 */
export function maskUrl(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s]*)@/gi, (_, head: string) => `${head}${MASK}@`)
    .replace(/(^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, (_, pre: string, head: string) => `${pre}${head}${MASK}`)
    .replace(/([?&;]password=)([^&\s]*)/gi, (_, head: string) => `${head}${MASK}`);
}

/** Masks URLs and removes every known secret from a text that is about to be shown or saved. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = maskUrl(text);
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}

/** The connection string without its password (for child processes; the password goes in PGPASSWORD). */
export function withoutPassword(connectionString: string): string {
  if (!connectionString) return connectionString;
  try {
    const url = new URL(connectionString);
    url.password = '';
    return url.toString();
  } catch {
    return connectionString;
  }
}

/** The same server, another database (for DROP/CREATE DATABASE during a restore). */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString || 'postgres://');
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
