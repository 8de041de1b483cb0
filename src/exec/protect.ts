import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import { ExecError } from './errors.js';
import { splitUrl, type DbTarget } from './url.js';

/**
 * The production guard. `protect:` in the config lists host names or URLs (globs) of
 * databases where a mistake costs most; a command that changes such a database needs a
 * typed confirmation on a terminal, or `--yes --i-know-this-is-production` elsewhere, and
 * never takes `--force` there (it would skip the lint gate or run a changed down).
 */

export interface ProtectedMatch {
  /** The `protect:` entry that matched. */
  pattern: string;
  /** What it matched: a host name or the shown URL. */
  matched: string;
}

/** Host names of a server target, without ports or IPv6 brackets; a Unix socket directory is its path. */
export function targetHosts(target: DbTarget, env: NodeJS.ProcessEnv = process.env): string[] {
  if (target.kind !== 'postgres') return [];
  const hosts: string[] = [];
  const parts = target.connectionString ? splitUrl(target.connectionString) : undefined;
  if (parts) {
    const query = new URLSearchParams(parts.rest.replace(/^[^?]*\??/, '').replace(/#.*$/s, ''));
    const fromQuery = query.get('host');
    if (fromQuery) hosts.push(...fromQuery.split(','));
    else if (parts.hosts) hosts.push(...parts.hosts.split(',').map((h) => decodeURIComponent(h.replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1'))));
  }
  if (!hosts.length) hosts.push(...(env.PGHOST || 'localhost').split(','));
  return hosts.map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/**
 * The first `protect:` pattern the target matches. A pattern with `://` is matched against
 * the URL as shown (its password is masked, so no pattern needs one), any other against
 * each host name. `*` crosses dots and slashes; matching ignores case.
 */
export function protectedMatch(target: DbTarget, patterns: readonly string[], env: NodeJS.ProcessEnv = process.env): ProtectedMatch | undefined {
  if (target.kind !== 'postgres' || !patterns.length) return undefined;
  const hosts = targetHosts(target, env);
  for (const pattern of patterns) {
    const isMatch = picomatch(pattern, { bash: true, nocase: true, dot: true });
    if (pattern.includes('://')) {
      // The shown URL with and without the masked password, so `postgres://app@db/x` matches `postgres://app:****@db/x`.
      const shown = [target.display, target.display.replace(/:\*{4}@/, '@')];
      const hit = shown.find((s) => isMatch(s));
      if (hit) return { pattern, matched: hit };
    } else {
      const hit = hosts.find((h) => isMatch(h));
      if (hit) return { pattern, matched: hit };
    }
  }
  return undefined;
}

export interface GuardInput {
  target: DbTarget;
  patterns: readonly string[];
  /** What is about to happen, for the question ("apply 3 migrations"). */
  action: string;
  yes: boolean;
  iKnowProduction: boolean;
  /** The command's --force, when it was given. */
  force: boolean;
  /** Asks for a line of text; undefined when there is no terminal. */
  ask?: (question: string) => Promise<string>;
  env?: NodeJS.ProcessEnv;
}

/** The database name a typed confirmation must repeat. */
function databaseName(target: DbTarget, env: NodeJS.ProcessEnv): string {
  if (target.kind !== 'postgres') return '';
  const parts = target.connectionString ? splitUrl(target.connectionString) : undefined;
  const query = parts ? new URLSearchParams(parts.rest.replace(/^[^?]*\??/, '').replace(/#.*$/s, '')) : undefined;
  const fromPath = parts ? decodeURIComponent(parts.rest.replace(/[?#].*$/s, '').replace(/^\//, '')) : '';
  return query?.get('dbname') || fromPath || env.PGDATABASE || 'postgres';
}

/**
 * Lets a changing command through on a protected database only when the operator says so
 * twice: a typed database name on a terminal, or both --yes and --i-know-this-is-production.
 * `--force` is refused there outright. Returns the match (for the report), or undefined.
 */
export async function guardProtected(input: GuardInput): Promise<ProtectedMatch | undefined> {
  const env = input.env ?? process.env;
  const match = protectedMatch(input.target, input.patterns, env);
  if (!match) return undefined;
  const where = `${input.target.display} is protected (protect: "${match.pattern}")`;
  if (input.force) throw new UsageError(`--force is not allowed on a protected database: ${where}`);
  if (input.yes && input.iKnowProduction) return match;
  if (!input.ask) {
    throw new ExecError(
      `refusing to ${input.action}: ${where}`,
      'on a terminal you are asked to type the database name; elsewhere pass --yes --i-know-this-is-production',
    );
  }
  const name = databaseName(input.target, env);
  const answer = await input.ask(`${where}. To ${input.action}, type the database name (${name}): `);
  if (answer.trim() !== name) throw new ExecError('cancelled: the name did not match; nothing was changed');
  return match;
}
