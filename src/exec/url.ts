import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** Where the embedded database lives when no target is given. */
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
  /**
   * Connection string for `pg`, user and password percent-encoded (so a raw `@`, `:` or
   * `/` in the password survives any URL parser); empty = only PG* environment variables.
   */
  connectionString: string;
  /**
   * The password that will be used (URL, `?password=`, PGPASSWORD, or the `.pgpass` entry
   * that matches), decoded, so it can be scrubbed from any text.
   */
  password?: string;
  /** Where the password came from. */
  passwordFrom?: 'url' | 'query' | 'PGPASSWORD' | 'pgpass';
  /** How to show it: never contains the password. */
  display: string;
}

/** Which setting named the database. */
export type DbSource = '--db' | 'MIGRATELINT_DB' | 'DATABASE_URL' | 'default';

export interface DbChoice {
  value: string;
  from: DbSource;
  /** A DATABASE_URL that was passed over because it names another kind of database. */
  ignored?: string;
}

/** DATABASE_URL is used only when it names a database migratelint can open. */
const USABLE = /^(postgres(ql)?:|pglite:)/i;

/**
 * The target's text: `--db`, else `$MIGRATELINT_DB`, else `$DATABASE_URL` (when it is a
 * PostgreSQL URL: a `mysql://…` one belongs to another tool), else the embedded database.
 */
export function chooseDb(raw: string | undefined, env: NodeJS.ProcessEnv = process.env): DbChoice {
  if (raw !== undefined) return { value: raw, from: '--db' };
  if (env.MIGRATELINT_DB) return { value: env.MIGRATELINT_DB, from: 'MIGRATELINT_DB' };
  const fallback = `pglite:${DEFAULT_PGLITE_DIR}`;
  const url = env.DATABASE_URL?.trim();
  if (url) return USABLE.test(url) ? { value: url, from: 'DATABASE_URL' } : { value: fallback, from: 'default', ignored: url };
  return { value: fallback, from: 'default' };
}

/**
 * One line for stderr saying where the database came from when the user did not name it
 * on the command line or in MIGRATELINT_DB: taken from DATABASE_URL, or the embedded
 * PGlite fallback. Undefined when there is nothing to say.
 */
export function dbTargetNote(raw: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const choice = chooseDb(raw, env);
  if (choice.from === '--db' || choice.from === 'MIGRATELINT_DB') return undefined;
  const target = parseDbTarget(raw, cwd, env);
  if (choice.from === 'DATABASE_URL') return `note: no --db or MIGRATELINT_DB: using DATABASE_URL (${target.display})`;
  if (choice.ignored) return `note: DATABASE_URL is not a PostgreSQL URL (${maskUrl(choice.ignored)}): using the embedded PGlite database ${target.display}`;
  return `note: no --db, MIGRATELINT_DB or DATABASE_URL: using the embedded PGlite database ${target.display}`;
}

/**
 * Reads `--db`: `pglite:memory`, `pglite:<dir>`, `postgres://…` / `postgresql://…`, or
 * `postgres:` alone for a server described only by PG* environment variables.
 * Without a value: `$MIGRATELINT_DB`, else `$DATABASE_URL`, else the embedded database
 * in `.migratelint/db` (see chooseDb).
 */
export function parseDbTarget(raw: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): DbTarget {
  const { value, from } = chooseDb(raw, env);
  const flag = from === 'default' ? '--db' : from;
  if (/^pglite:/i.test(value)) {
    const rest = value.slice('pglite:'.length).replace(/^\/\/(?=[^/])/, '');
    if (rest === 'memory' || rest === 'memory://' || rest === '') {
      if (rest === '') throw new UsageError(`${flag} pglite: needs a data directory or "memory" (e.g. pglite:.migratelint/db)`);
      return { kind: 'pglite', dataDir: null, display: 'pglite:memory' };
    }
    const dataDir = path.resolve(cwd, rest);
    const rel = path.relative(cwd, dataDir);
    return { kind: 'pglite', dataDir, display: `pglite:${rel && !rel.startsWith('..') ? rel : dataDir}` };
  }
  if (/^postgres(ql)?:$/i.test(value)) return fromEnvironment(env);
  if (/^postgres(ql)?:\/\//i.test(value)) return fromUrl(value, env, flag);
  throw new UsageError(`${flag}: expected pglite:<dir>, pglite:memory or postgres://…, got "${maskUrl(value)}"`);
}

/** `postgres:`: PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, else the `.pgpass` entry. */
function fromEnvironment(env: NodeJS.ProcessEnv): PostgresTarget {
  let password = env.PGPASSWORD || undefined;
  let passwordFrom: PostgresTarget['passwordFrom'] = password ? 'PGPASSWORD' : undefined;
  if (!password) {
    password = pgpassPassword(connectionIdentity({}, env), env);
    if (password) passwordFrom = 'pgpass';
  }
  const who = [env.PGUSER, env.PGHOST, env.PGPORT, env.PGDATABASE].some(Boolean)
    ? `postgres://${env.PGUSER ? `${env.PGUSER}${env.PGPASSWORD ? `:${MASK}` : ''}@` : ''}${env.PGHOST ?? ''}${env.PGPORT ? `:${env.PGPORT}` : ''}/${env.PGDATABASE ?? ''}`
    : 'postgres: (PG* environment)';
  return { kind: 'postgres', connectionString: '', password, ...(passwordFrom ? { passwordFrom } : {}), display: who };
}

function fromUrl(value: string, env: NodeJS.ProcessEnv, flag: string): PostgresTarget {
  const parts = splitUrl(value.trim());
  const invalid = (why: string) =>
    new UsageError(`${flag}: not a valid PostgreSQL URL (${why}): ${maskUrl(value)}; characters such as ? # % in a password can be written percent-encoded (%3F %23 %25)`);
  if (!parts) throw invalid('no scheme');
  if (!validHosts(parts.hosts)) throw invalid(`cannot read the host "${parts.hosts}"`);
  try {
    new URL(`postgres://${parts.hosts || 'localhost'}/`);
  } catch {
    throw invalid(`cannot read the host "${parts.hosts}"`);
  }
  const query = queryParams(parts.rest);
  const queryPassword = query.get('password') || undefined;
  const urlPassword = parts.password || undefined;
  let password = queryPassword ?? urlPassword ?? (env.PGPASSWORD || undefined);
  let passwordFrom: PostgresTarget['passwordFrom'] = queryPassword ? 'query' : urlPassword ? 'url' : password ? 'PGPASSWORD' : undefined;
  if (!password) {
    const host = query.get('host') ?? (parts.hosts ? lenientDecode(parts.hosts.split(',')[0].replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1')) : undefined);
    const port = query.get('port') ?? /:(\d+)$/.exec(parts.hosts.split(',')[0])?.[1];
    const database = query.get('dbname') ?? (lenientDecode(parts.rest.replace(/[?#].*$/s, '').replace(/^\//, '')) || undefined);
    const user = query.get('user') ?? (parts.user || undefined);
    password = pgpassPassword(connectionIdentity({ host, port, database, user }, env), env);
    if (password) passwordFrom = 'pgpass';
  }
  const auth = parts.userinfo === undefined ? '' : `${enc(parts.user)}${urlPassword !== undefined ? `:${enc(urlPassword)}` : ''}@`;
  const connectionString = `${parts.scheme}://${auth}${parts.hosts}${normalizeRest(parts.rest)}`;
  const shownAuth = parts.userinfo === undefined ? '' : `${parts.rawUser}${urlPassword !== undefined ? `:${MASK}` : ''}@`;
  const display = maskQueryPassword(`${parts.scheme}://${shownAuth}${parts.hosts}${parts.rest}`);
  return { kind: 'postgres', connectionString, password, ...(passwordFrom ? { passwordFrom } : {}), display };
}

const enc = (s: string) => encodeURIComponent(s);

/** Spaces and stray `%` in the path and query, encoded (`pg` re-encodes the whole URL otherwise, password included). */
function normalizeRest(rest: string): string {
  return rest.replace(/ /g, '%20').replace(/%(?![0-9a-f]{2})/gi, '%25');
}

/** Percent-decodes what is well formed and keeps the rest as written (libpq decodes user, password, host, database). */
function lenientDecode(s: string): string {
  return s.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The query string's parameters (libpq's names: user, password, host, port, dbname, …), decoded; `+` stays a `+` as in libpq. */
export function queryParams(rest: string): Map<string, string> {
  const out = new Map<string, string>();
  const q = rest.indexOf('?');
  if (q < 0) return out;
  for (const pair of rest.slice(q + 1).replace(/#.*$/s, '').split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    out.set(lenientDecode(pair.slice(0, eq)), lenientDecode(pair.slice(eq + 1)));
  }
  return out;
}

export interface UrlParts {
  /** As written: `postgres`, `postgresql`, `mysql`, … */
  scheme: string;
  /** What precedes the `@` that ends the user-info, as written; undefined when there is none. */
  userinfo?: string;
  rawUser: string;
  /** Decoded. */
  user: string;
  /** Decoded; undefined without a `:` in the user-info. */
  password?: string;
  /** `host[:port][,host[:port]…]`, as written. */
  hosts: string;
  /** Path, query and fragment, as written. */
  rest: string;
}

/** `host[:port]` (IPv6 in brackets), or several separated by commas; may be empty (Unix socket). */
const HOST = String.raw`(?:\[[0-9a-fA-F:.]+(?:%[^\]]*)?\]|[^:/?#@\[\]\s,]*)(?::\d*)?`;
const HOSTS = new RegExp(`^${HOST}(?:,${HOST})*$`);
const validHosts = (hosts: string): boolean => HOSTS.test(hosts);

/** User-info that can hold a `/`, `?` or `#` only after the `:` that starts the password. */
function plausibleUserinfo(info: string): boolean {
  const special = info.search(/[/?#]/);
  if (special < 0) return true;
  const colon = info.indexOf(':');
  return colon >= 0 && colon < special;
}

/**
 * Where the user-info ends in the text after `scheme://`: the LAST `@` before the query
 * string, so a raw `@`, `:` or `/` in the password is the password's (`u:abc@top9@host`,
 * `u:a/b@host`), as node-postgres, Go, Python and browsers read such URLs; a `/` before
 * that `@` belongs to the password only when the password's `:` comes first (otherwise
 * the `@` is in the path). A raw `?` or `#` in the password is accepted when, without it,
 * the URL would not read (`u:p?ss@h/db`: "u:p" is no host and port). -1: no user-info.
 */
function userinfoEnd(body: string): number {
  const q = body.search(/[?#]/);
  const head = q < 0 ? body : body.slice(0, q);
  const at = head.lastIndexOf('@');
  if (at >= 0 && plausibleUserinfo(head.slice(0, at))) return at;
  if (q >= 0) {
    const hostEnd = head.search(/[/?#]/);
    const hostsWithout = hostEnd < 0 ? head : head.slice(0, hostEnd);
    if (!validHosts(hostsWithout)) {
      const frag = body.search(/#[^@]*$/);
      const last = (frag < 0 ? body : body.slice(0, frag)).lastIndexOf('@');
      if (last >= 0 && plausibleUserinfo(body.slice(0, last))) {
        const after = body.slice(last + 1);
        const end = after.search(/[/?#]/);
        if (validHosts(end < 0 ? after : after.slice(0, end))) return last;
      }
    }
  }
  return -1;
}

/** Splits `scheme://user:password@hosts/path?query` the way described at userinfoEnd. */
export function splitUrl(text: string): UrlParts | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!m) return undefined;
  const body = text.slice(m[0].length);
  const at = userinfoEnd(body);
  const userinfo = at >= 0 ? body.slice(0, at) : undefined;
  const after = at >= 0 ? body.slice(at + 1) : body;
  const end = after.search(/[/?#]/);
  const colon = userinfo?.indexOf(':') ?? -1;
  const rawUser = userinfo === undefined ? '' : colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  return {
    scheme: m[1],
    userinfo,
    rawUser,
    user: lenientDecode(rawUser),
    password: userinfo !== undefined && colon >= 0 ? lenientDecode(userinfo.slice(colon + 1)) : undefined,
    hosts: end < 0 ? after : after.slice(0, end),
    rest: end < 0 ? '' : after.slice(end),
  };
}

/** What `.pgpass` matches on, with libpq's defaults filled in. */
interface Identity {
  host: string;
  port: string;
  database: string;
  user: string;
}

function connectionIdentity(given: { host?: string; port?: string; database?: string; user?: string }, env: NodeJS.ProcessEnv): Identity {
  let user = given.user || env.PGUSER || env.USER || env.USERNAME || '';
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = '';
    }
  }
  const host = given.host || env.PGHOST || 'localhost';
  return {
    // A Unix socket directory is "localhost" to .pgpass.
    host: host.startsWith('/') ? 'localhost' : host,
    port: given.port || env.PGPORT || '5432',
    database: given.database || env.PGDATABASE || user,
    user,
  };
}

/** Splits a `.pgpass` line on its unescaped colons, removing the backslash escapes. */
function pgpassFields(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) cur += line[++i];
    else if (c === ':') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  fields.push(cur);
  return fields;
}

/**
 * The password libpq (and `pg`) would take from the password file for this connection:
 * PGPASSFILE, else ~/.pgpass (%APPDATA%\postgresql\pgpass.conf on Windows); the first
 * matching line, `*` matching anything. A file group or world can read is ignored, as
 * libpq ignores it. The password is read so that it can be masked wherever it appears.
 */
function pgpassPassword(id: Identity, env: NodeJS.ProcessEnv): string | undefined {
  const windows = process.platform === 'win32';
  const file =
    env.PGPASSFILE ||
    (windows ? (env.APPDATA ? path.join(env.APPDATA, 'postgresql', 'pgpass.conf') : undefined) : env.HOME ? path.join(env.HOME, '.pgpass') : undefined);
  if (!file) return undefined;
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || (!windows && st.mode & 0o077)) return undefined;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = [id.host, id.port, id.database, id.user];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const fields = pgpassFields(line);
    if (fields.length < 5) continue;
    if (wanted.every((w, i) => fields[i] === '*' || fields[i] === w)) return fields[4] || undefined;
  }
  return undefined;
}

const MASK = '****';

function maskQueryPassword(text: string): string {
  return text.replace(/([?&;]password=)([^&#\s"]*)/gi, (_, head: string) => `${head}${MASK}`);
}

/**
 * Hides the password in connection strings inside a text: in the user-info of a URL
 * (read as parseDbTarget reads it: up to the last `@` before the host, so a raw `@` in the
 * password is hidden too), in a `password=` query parameter, and in libpq keyword/value
 * strings.
 */
export function maskUrl(text: string): string {
  const urls = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)(\S+)/gi, (whole: string) => {
    const parts = splitUrl(whole);
    if (!parts?.userinfo || parts.password === undefined) return whole;
    return `${parts.scheme}://${parts.rawUser}:${MASK}@${whole.slice(`${parts.scheme}://`.length + parts.userinfo.length + 1)}`;
  });
  return maskQueryPassword(urls.replace(/(^|[\s"'(,;])(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s"]+)/gi, (_, pre: string, head: string) => `${pre}${head}${MASK}`));
}

const patterns = new Map<string, RegExp>();

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Hex digits of a byte, either case: `%2f` and `%2F` alike. */
const hexRe = (byte: number) =>
  byte
    .toString(16)
    .padStart(2, '0')
    .split('')
    .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
    .join('');

/**
 * A pattern for a secret however it is written: each character raw, percent-encoded
 * (either case, as in `p%40ss` for `p@ss`), JSON-escaped (`\"`), or `+` for a space, in
 * any mixture.
 */
function secretPattern(secret: string): RegExp {
  let re = patterns.get(secret);
  if (re) return re;
  const parts: string[] = [];
  for (const ch of secret) {
    const forms = new Set<string>([escapeRe(ch)]);
    forms.add([...Buffer.from(ch, 'utf8')].map((b) => `%${hexRe(b)}`).join(''));
    const json = JSON.stringify(ch).slice(1, -1);
    if (json !== ch) forms.add(escapeRe(json));
    if (ch === ' ') forms.add('\\+');
    parts.push(forms.size === 1 ? [...forms][0] : `(?:${[...forms].join('|')})`);
  }
  re = new RegExp(parts.join(''), 'g');
  if (patterns.size > 100) patterns.clear();
  patterns.set(secret, re);
  return re;
}

/**
 * Masks URLs and removes every known secret from a text that is about to be shown or
 * saved. A secret of fewer than 3 characters is masked in URLs and `password=` only (it
 * would mask letters everywhere).
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  // The known secrets first: masking a URL or `password=` first could cut one in two.
  return maskUrl(maskSecrets(text, secrets));
}

/** Only the known secrets part of redact (for a text whose URLs were masked already, such as a JSON document). */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    out = out.replace(secretPattern(secret), MASK);
  }
  return out;
}

/** Drops `password=` from a URL's query string. */
function withoutQueryPassword(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const kept = query.split('&').filter((p) => !/^password=/i.test(p));
  if (kept.length === query.split('&').length) return url;
  return `${url.slice(0, q)}${kept.length ? `?${kept.join('&')}` : ''}${hash < 0 ? '' : url.slice(hash)}`;
}

/**
 * The connection string without its password, in the user-info or in `?password=` (for
 * child processes' command lines; the password goes in PGPASSWORD).
 */
export function withoutPassword(connectionString: string): string {
  if (!connectionString) return connectionString;
  try {
    const url = new URL(connectionString);
    url.password = '';
    return withoutQueryPassword(url.toString());
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
