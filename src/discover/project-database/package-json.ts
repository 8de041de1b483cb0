/**
 * The database drivers a Node project depends on: a project whose `dependencies` hold a
 * driver for another database (`mysql`, `mysql2`, `sqlite3`, `tedious`, ...) and none for
 * PostgreSQL talks to that database only, whatever its SQL files are run by (mailtrain's
 * `server/setup/sql/*.sql` beside a `mysql` dependency).
 *
 * This is weaker evidence than a framework's config (a knexfile names the database its
 * migrations run on; a dependency may serve something else), so it only counts when no
 * config file says anything (see `verdictOf`), and it sets aside SQL files only (see
 * `setAsideOtherDatabases`): code beside such a dependency is mostly no migration at all,
 * and is read to find out, as before. Only `dependencies` are read: what a
 * deployed application talks to is installed with it, while `devDependencies` often hold
 * a test database (`better-sqlite3` for unit tests of a PostgreSQL application).
 */
import { databaseNamed } from '../databases.js';
import type { Evidence } from './evidence.js';
import type { ConfigReader } from './reader.js';

/** npm packages that are a driver for a database other than PostgreSQL, by the database's name. */
const OTHER_DRIVERS: Readonly<Record<string, string>> = {
  mysql: 'mysql',
  mysql2: 'mysql2',
  mariadb: 'mariadb',
  sqlite3: 'sqlite3',
  sqlite: 'sqlite',
  'better-sqlite3': 'better-sqlite3',
  '@libsql/client': 'libsql',
  'sql.js': 'sqljs',
  tedious: 'tedious',
  mssql: 'mssql',
  oracledb: 'oracledb',
  '@clickhouse/client': 'clickhouse',
  '@google-cloud/spanner': 'spanner',
};

/**
 * A dependency that may talk to PostgreSQL: `pg`, `postgres`, `pg-promise`, `@neondatabase/serverless`,
 * `@vercel/postgres`, `@electric-sql/pglite`, `slonik`, `@supabase/supabase-js`. Generous on
 * purpose: a false match only keeps a project linted, as it would be without this reader.
 */
const POSTGRES_LIKE = /(^|[-/@.])(pg|pglite|neon|neondatabase|slonik|supabase)([-/.]|$)|postgres/i;

export const packageJsonReader: ConfigReader = {
  files: ['package.json'],
  async read(file, text) {
    let deps: unknown;
    try {
      deps = (JSON.parse(text) as { dependencies?: unknown }).dependencies;
    } catch {
      return [];
    }
    if (!deps || typeof deps !== 'object') return [];
    const names = Object.keys(deps);
    const postgres = names.find((n) => POSTGRES_LIKE.test(n));
    if (postgres) return [{ file, setting: `dependency ${postgres}`, database: databaseNamed('postgres'), weak: true }];
    return names
      .filter((n) => Object.hasOwn(OTHER_DRIVERS, n))
      .map((n): Evidence => ({ file, setting: `dependency ${n}`, database: databaseNamed(OTHER_DRIVERS[n]), weak: true }));
  },
};
