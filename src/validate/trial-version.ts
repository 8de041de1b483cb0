import { DEFAULT_PG_VERSION } from '../pg/version.js';

/**
 * The trial passes what its server accepts: on PGlite (PostgreSQL 18) a subquery without
 * an alias or a constraint name only 18 generates passes, and fails on production's 15.
 * When production's major version (config `pgVersion`, `--pg-version`) is another, or is
 * not configured, every report says so and how to run the trial on the right one.
 */
export interface VersionNote {
  /** Production's major version as configured, or the one lint assumes. */
  production: number;
  configured: boolean;
  note: string;
}

/** `server` as the trial reports it: `PostgreSQL 18.6 (PGlite 0.5.16)`. */
export function versionNote(server: string, pgVersion: number | undefined): VersionNote | undefined {
  const major = Number(/PostgreSQL (\d+)/.exec(server)?.[1] ?? 0);
  if (!major) return undefined;
  const production = pgVersion ?? DEFAULT_PG_VERSION;
  if (production === major) return undefined;
  const how = `run the trial on a PostgreSQL ${production} server with --trial-db postgres://user@host/postgres (it creates and drops a scratch database of its own there)`;
  const note = pgVersion
    ? `the trial ran on ${server}; production is PostgreSQL ${production} (pgVersion), so syntax or behaviour new since ${production} passes here: ${how}`
    : `the trial ran on ${server}; production's version is not configured (pgVersion; lint assumes ${production}): set it, and ${how}`;
  return { production, configured: pgVersion !== undefined, note };
}
