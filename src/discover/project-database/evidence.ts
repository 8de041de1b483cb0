/**
 * What a project's config files say about the database it runs on. Each reader
 * (knexfile, TypeORM, Sequelize, Drizzle, Prisma, Alembic, Django) turns a file into
 * evidence; a setting computed at run time (an environment variable, a factory) is
 * evidence too, of a database nobody can name statically.
 */
import { databaseNamed, type DatabaseName } from '../databases.js';

export interface Evidence {
  /** The config file, as an absolute path. */
  file: string;
  /** The setting in the file's own words: `client mysql2`, `ENGINE django.db.backends.mysql`, `provider "mysql"`. */
  setting: string;
  /** The database it names; undefined when the value is computed or names no database migratelint knows. */
  database?: DatabaseName;
  /** Said by a project's dependencies rather than a framework's config: it counts only when no config says anything. */
  weak?: boolean;
}

/** Evidence from a `key: value` setting; `value` undefined means computed at run time. */
export function settingEvidence(file: string, key: string, value: string | undefined): Evidence {
  if (value === undefined) return { file, setting: `${key} is computed at run time` };
  return { file, setting: `${key} ${value}`, database: databaseNamed(value) };
}

/**
 * The database of a SQLAlchemy or libpq-style URL: the scheme before `+driver` or
 * `://` (`mysql+pymysql://...`, `postgresql://...`, `sqlite:///app.db`). Undefined for
 * anything else, including Alembic's template placeholder `driver://user:pass@localhost/dbname`.
 */
export function urlDatabase(url: string): DatabaseName | undefined {
  const m = /^([a-z][a-z0-9]*)(?:\+[\w-]+)?:\/\//i.exec(url.trim());
  return m ? databaseNamed(m[1]) : undefined;
}

/** Evidence from a database URL setting; `url` undefined means computed at run time. */
export function urlEvidence(file: string, key: string, url: string | undefined): Evidence {
  if (url === undefined) return { file, setting: `${key} is computed at run time` };
  // The password is never part of a message.
  const shown = url.replace(/\/\/[^@/]*@/, '//…@');
  return { file, setting: `${key} ${shown}`, database: urlDatabase(url) };
}

/**
 * What a project's evidence adds up to. Not PostgreSQL only when every piece names a
 * database and none is PostgreSQL; anything computed or unnamed leaves it unknown, and
 * then the project is linted as PostgreSQL, as it would be without this check. A
 * framework's config outweighs the project's dependencies: those are only read when no
 * config was found.
 */
export type Verdict = { kind: 'postgres' } | { kind: 'unknown' } | { kind: 'other'; evidence: Evidence[] };

export function verdictOf(all: readonly Evidence[]): Verdict {
  const strong = all.filter((e) => !e.weak);
  const evidence = strong.length ? strong : all;
  if (evidence.length === 0 || evidence.some((e) => !e.database)) return { kind: 'unknown' };
  if (evidence.some((e) => e.database!.postgres)) return { kind: 'postgres' };
  return { kind: 'other', evidence: [...evidence] };
}
