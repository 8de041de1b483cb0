/**
 * libpq's connection semantics for a PostgreSQL target, in one place: which sslmode,
 * certificates and connect_timeout apply (URL parameters, else the PG* variables, else
 * libpq's defaults), the `pg` client configurations to try in libpq's order, the words
 * for a failed attempt, and what pg_dump/pg_restore (libpq themselves) are given so that
 * they connect exactly as the driver did.
 *
 * The TLS options for each mode come from pg-connection-string's libpq-compatible parser
 * (`useLibpqCompat`); what it leaves out is here: PG* variables, the default certificate
 * files in ~/.postgresql, `allow` and `prefer`'s second attempt, and no third-party
 * warning text (the non-compatible parser prints node-postgres' "SECURITY WARNING").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientConfig } from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import { ExecError } from './errors.js';
import { queryParams, withDatabase, withoutPassword, type PostgresTarget } from './url.js';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Our connect timeout when neither connect_timeout nor PGCONNECT_TIMEOUT says one (libpq would wait forever). */
export const DEFAULT_CONNECT_TIMEOUT_S = 15;

export interface LibpqSettings {
  sslmode: SslMode;
  /** Where sslmode came from, for messages. */
  sslmodeFrom: 'url' | 'PGSSLMODE' | 'default';
  /**
   * The CA file that verifies the server, or `system` (the trusted roots), or undefined:
   * then SSL encrypts without verifying, as libpq does for require/prefer/allow.
   */
  sslrootcert?: string;
  /** Client certificate and its key, when one is presented. */
  sslcert?: string;
  sslkey?: string;
  /** 0 = wait forever (connect_timeout=0). */
  connectTimeoutMs: number;
  /** node-postgres' own `ssl=true|false` parameter, honoured as before when no sslmode is given. */
  nodeSsl?: boolean;
}

/** Parameters libpq reads from the URL that this module resolves itself before handing the URL to `pg`. */
const RESOLVED_PARAMS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout', 'uselibpqcompat']);

/** libpq reads ~/.postgresql/* from $HOME (falling back to the password database), as os.homedir() does. */
function postgresqlDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.HOME || os.homedir(), '.postgresql');
}

const exists = (file: string) => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** A URL parameter (libpq's name) when given and not empty, else the PG* variable; `from` is 'url' or the variable's name. */
function setting(params: Map<string, string>, env: NodeJS.ProcessEnv, name: string, variable: string): { value: string; from: string } | undefined {
  const inUrl = params.get(name);
  if (inUrl) return { value: inUrl, from: 'url' };
  const inEnv = env[variable];
  if (inEnv) return { value: inEnv, from: variable };
  return undefined;
}

function readSslMode(params: Map<string, string>, env: NodeJS.ProcessEnv): Pick<LibpqSettings, 'sslmode' | 'sslmodeFrom'> {
  const given = setting(params, env, 'sslmode', 'PGSSLMODE');
  if (!given) return { sslmode: 'prefer', sslmodeFrom: 'default' };
  // node-postgres' name for "encrypt, verify nothing"; libpq (pg_dump) knows it as require.
  const value = given.value === 'no-verify' ? 'require' : given.value;
  if (!(SSL_MODES as readonly string[]).includes(value)) {
    const where = given.from === 'url' ? 'in the URL' : `in ${given.from}`;
    throw new ExecError(`invalid sslmode "${given.value}" ${where}: expected disable, allow, prefer, require, verify-ca or verify-full`);
  }
  return { sslmode: value as SslMode, sslmodeFrom: given.from === 'url' ? 'url' : 'PGSSLMODE' };
}

/** connect_timeout as libpq reads it: whole seconds, 0 or less = no limit, at least 2. */
function readConnectTimeout(params: Map<string, string>, env: NodeJS.ProcessEnv): number {
  const given = setting(params, env, 'connect_timeout', 'PGCONNECT_TIMEOUT');
  if (!given) return DEFAULT_CONNECT_TIMEOUT_S * 1000;
  const text = given.value.trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw new ExecError(`invalid connect_timeout "${given.value}"${given.from === 'url' ? ' in the URL' : ` in ${given.from}`}: expected whole seconds (e.g. 10)`);
  }
  const seconds = Number(text);
  return seconds <= 0 ? 0 : Math.max(2, seconds) * 1000;
}

/**
 * A private key others can read is refused, as libpq refuses it (pg_dump would fail on it
 * later otherwise): at most 0600 when it is the user's own, 0640 when root owns it.
 */
function checkKeyPermissions(file: string): void {
  if (process.platform === 'win32') return;
  const st = fs.statSync(file);
  const own = typeof process.getuid === 'function' && st.uid === process.getuid();
  if ((own && st.mode & 0o077) || (st.uid === 0 && !own && st.mode & 0o037)) {
    throw new ExecError(
      `private key file "${file}" has group or world access: it must be 0600 or less when you own it (0640 when root owns it); chmod 0600 "${file}"`,
    );
  }
}

function readable(file: string, what: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    throw new ExecError(`cannot read the ${what} "${file}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * The libpq settings for this target: the URL's parameters, else PGSSLMODE, PGSSLROOTCERT,
 * PGSSLCERT, PGSSLKEY and PGCONNECT_TIMEOUT, else libpq's defaults (sslmode=prefer, the
 * files in ~/.postgresql when they exist), and our 15 s connect timeout.
 */
export function libpqSettings(target: PostgresTarget, env: NodeJS.ProcessEnv = process.env): LibpqSettings {
  const params = queryParams(target.connectionString);
  const { sslmode, sslmodeFrom } = readSslMode(params, env);
  const connectTimeoutMs = readConnectTimeout(params, env);
  const settings: LibpqSettings = { sslmode, sslmodeFrom, connectTimeoutMs };
  const nodeSsl = params.get('ssl');
  if (sslmodeFrom === 'default' && nodeSsl !== undefined && /^(true|1|false|0)$/.test(nodeSsl)) settings.nodeSsl = /^(true|1)$/.test(nodeSsl);
  if (sslmode === 'disable') return settings;

  const dir = postgresqlDir(env);
  const explicitRoot = setting(params, env, 'sslrootcert', 'PGSSLROOTCERT')?.value;
  if (explicitRoot === 'system') {
    // libpq 16: the system's trusted roots, and only with host name checks.
    if (sslmodeFrom === 'default') settings.sslmode = 'verify-full';
    else if (sslmode !== 'verify-full') throw new ExecError(`sslmode=${sslmode} cannot be used with sslrootcert=system: use sslmode=verify-full`);
    settings.sslrootcert = 'system';
  } else {
    const root = explicitRoot ?? path.join(dir, 'root.crt');
    if (exists(root)) {
      readable(root, 'root certificate file');
      settings.sslrootcert = root;
    } else if (sslmode === 'verify-ca' || sslmode === 'verify-full') {
      throw new ExecError(
        `sslmode=${sslmode} needs the server's CA certificate, and the root certificate file "${root}" does not exist: give it with sslrootcert=<file> (or PGSSLROOTCERT), or use sslmode=require to encrypt without verifying the server`,
      );
    }
    // Otherwise libpq encrypts without verifying, even when a named file is missing.
  }

  const cert = setting(params, env, 'sslcert', 'PGSSLCERT')?.value ?? path.join(dir, 'postgresql.crt');
  if (exists(cert)) {
    readable(cert, 'client certificate file');
    const key = setting(params, env, 'sslkey', 'PGSSLKEY')?.value ?? path.join(dir, 'postgresql.key');
    if (!exists(key)) throw new ExecError(`client certificate "${cert}" is present, but not its private key file "${key}": give it with sslkey=<file> (or PGSSLKEY)`);
    readable(key, 'private key file');
    checkKeyPermissions(key);
    settings.sslcert = cert;
    settings.sslkey = key;
  }
  return settings;
}

export interface ConnectAttempt {
  /** Whether this attempt asks for SSL. */
  ssl: boolean;
  config: ClientConfig;
}

/**
 * The `pg` client configurations to try, in libpq's order: prefer = SSL, then plaintext
 * when SSL fails; allow = plaintext, then SSL when the server refuses; disable = plaintext;
 * require and verify-* = SSL only. A Unix socket never uses SSL (libpq does not ask for
 * it there). `extra` (application_name, keepAlive, …) is overridden by the URL's own
 * parameters, as before.
 */
export function connectAttempts(target: PostgresTarget, settings: LibpqSettings, options: { database?: string; extra?: ClientConfig; env?: NodeJS.ProcessEnv }): ConnectAttempt[] {
  const base = options.database ? withDatabase(target.connectionString, options.database) : target.connectionString || 'postgres://';
  const make = (ssl: boolean): ConnectAttempt => {
    const config = toClientConfig(parse(withParams(base, sslParams(settings, ssl)), { useLibpqCompat: true }));
    // Unset parameters arrive as '' or null: let `pg` take them from PGHOST, PGUSER, … instead.
    for (const key of ['host', 'user', 'password', 'database'] as const) if (!config[key]) delete config[key];
    const merged: ClientConfig = { ...options.extra, ...config, connectionTimeoutMillis: settings.connectTimeoutMs };
    if (settings.nodeSsl !== undefined) merged.ssl = settings.nodeSsl;
    return { ssl, config: merged };
  };
  const env = options.env ?? process.env;
  const host = queryParams(base).get('host') || hostOf(base) || env.PGHOST || '';
  if (host.startsWith('/')) return [make(false)];
  if (settings.nodeSsl !== undefined) return [make(settings.nodeSsl)];
  const directTls = (queryParams(base).get('sslnegotiation') ?? env.PGSSLNEGOTIATION) === 'direct';
  switch (settings.sslmode) {
    case 'disable':
      return [make(false)];
    case 'allow':
      return directTls ? [make(true)] : [make(false), make(true)];
    case 'prefer':
      return directTls ? [make(true)] : [make(true), make(false)];
    default:
      return [make(true)];
  }
}

function hostOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).hostname);
  } catch {
    return '';
  }
}

/**
 * The parameters pg-connection-string's libpq mode turns into TLS options for one
 * attempt. With a root certificate, require/prefer/allow verify the chain as verify-ca
 * does (libpq: "if a root CA file exists, require behaves like verify-ca").
 */
function sslParams(settings: LibpqSettings, ssl: boolean): Record<string, string> {
  if (!ssl) return { sslmode: 'disable' };
  const out: Record<string, string> = {};
  if (settings.sslrootcert === 'system') out.sslmode = 'verify-full'; // no file: Node's trusted roots
  else {
    out.sslmode = settings.sslmode === 'verify-full' ? 'verify-full' : settings.sslrootcert ? 'verify-ca' : 'require';
    if (settings.sslrootcert) out.sslrootcert = settings.sslrootcert;
  }
  if (settings.sslcert && settings.sslkey) {
    out.sslcert = settings.sslcert;
    out.sslkey = settings.sslkey;
  }
  return out;
}

/** The URL with the parameters this module resolves replaced by `params`; every other parameter kept as written. */
function withParams(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#');
  const body = hash < 0 ? url : url.slice(0, hash);
  const q = body.indexOf('?');
  const kept = q < 0 ? [] : body.slice(q + 1).split('&').filter((pair) => pair && !RESOLVED_PARAMS.has(pair.split('=')[0].toLowerCase()));
  const added = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  const query = [...kept, ...added].join('&');
  return `${q < 0 ? body : body.slice(0, q)}${query ? `?${query}` : ''}`;
}

/** Whether libpq would try the next attempt after this failure. */
export function triesNext(failed: ConnectAttempt, error: unknown): boolean {
  // prefer: the server said no to SSL, or the TLS handshake failed; plaintext next.
  if (failed.ssl) return sslFailure(error) !== undefined;
  // allow: the server refused the plaintext connection (pg_hba `hostssl`, …); SSL next.
  return isServerError(error);
}

/** An error the server sent (SQLSTATE and severity), as opposed to a network or TLS failure. */
function isServerError(error: unknown): boolean {
  const e = error as { code?: unknown; severity?: unknown };
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

type SslFailure = 'refused' | 'untrusted' | 'hostname' | 'other';

function sslFailure(error: unknown): SslFailure | undefined {
  const e = error as { message?: string; code?: string; library?: string };
  if (e?.message === 'The server does not support SSL connections') return 'refused';
  if (e?.message === 'There was an error establishing an SSL connection') return 'other';
  if (e?.code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'hostname';
  if (e?.code && UNTRUSTED.has(e.code)) return 'untrusted';
  if (e?.code && /^(CERT_|ERR_SSL_|ERR_TLS_)/.test(e.code)) return 'other';
  if (e?.library === 'SSL routines') return 'other';
  return undefined;
}

/** One attempt's failure in words (not yet redacted: the caller masks the password). */
export function describeFailure(settings: LibpqSettings, attempt: ConnectAttempt, error: unknown): string {
  const e = error as { message?: string; code?: string; host?: string; cert?: { subject?: { CN?: string } } };
  const mode = settings.sslmode;
  switch (sslFailure(error)) {
    case 'refused':
      return `the server does not support SSL, but sslmode=${mode} requires it`;
    case 'untrusted': {
      const why = settings.sslrootcert && settings.sslrootcert !== 'system'
        ? `it is not signed by the CA in ${settings.sslrootcert}`
        : `sslmode=${mode} needs the CA in sslrootcert`;
      return `server certificate not trusted (${e.message}); ${why}`;
    }
    case 'hostname': {
      const name = e.cert?.subject?.CN;
      return `server certificate${name ? ` for "${name}"` : ''} does not match host name "${e.host ?? '?'}"; sslmode=verify-full checks the host name: connect with the name in the certificate, or use sslmode=verify-ca`;
    }
    case 'other':
      return `SSL error: ${e.message ?? e.code}`;
  }
  if (e?.message === 'timeout expired' || /connection timeout/i.test(e?.message ?? '')) {
    return `timeout expired after ${attempt.config.connectionTimeoutMillis! / 1000} s (connect_timeout)`;
  }
  return (e?.message || String(e?.code ?? error)).replace(/\s*\n\s*/g, ' ');
}

/** Several attempts' failures in one line: the last one, with what the first said when it adds something. */
export function describeFailures(settings: LibpqSettings, failures: { attempt: ConnectAttempt; error: unknown }[]): string {
  const [first, last] = [failures[0], failures[failures.length - 1]];
  const lastText = describeFailure(settings, last.attempt, last.error);
  if (first === last || sslFailure(first.error) === 'refused') return lastText;
  const firstText = describeFailure(settings, first.attempt, first.error);
  return first.attempt.ssl ? `${firstText}; without SSL: ${lastText}` : `${lastText} (without SSL: ${firstText})`;
}

/**
 * pg_dump's / pg_restore's --dbname: the URL without its password (that goes in
 * PGPASSWORD), every parameter as written except node-postgres' own spellings, which
 * libpq refuses: sslmode=no-verify becomes require, uselibpqcompat goes.
 */
export function toolConnectionString(connectionString: string): string {
  const url = withoutPassword(connectionString);
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const pairs = url
    .slice(q + 1, hash < 0 ? undefined : hash)
    .split('&')
    .filter((pair) => pair.split('=')[0].toLowerCase() !== 'uselibpqcompat')
    .map((pair) => (/^sslmode=no-verify$/i.test(pair) ? 'sslmode=require' : pair));
  return `${url.slice(0, q)}${pairs.length ? `?${pairs.join('&')}` : ''}${hash < 0 ? '' : url.slice(hash)}`;
}

/**
 * The PG* variables of pg_dump's / pg_restore's environment, made libpq's: PGSSLMODE=no-verify
 * becomes require, and our 15 s connect timeout applies unless the URL or PGCONNECT_TIMEOUT
 * says otherwise (the tools read everything else, PGSSLROOTCERT included, themselves).
 */
export function toolEnvironment(target: PostgresTarget, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  if (out.PGSSLMODE === 'no-verify') out.PGSSLMODE = 'require';
  if (!out.PGCONNECT_TIMEOUT && !queryParams(target.connectionString).get('connect_timeout')) out.PGCONNECT_TIMEOUT = String(DEFAULT_CONNECT_TIMEOUT_S);
  return out;
}
