/**
 * The names databases go by in migration code and project configs: knex clients,
 * TypeORM and Sequelize dialects, Alembic dialect names, Django vendors, Prisma and
 * Drizzle providers. Discovery reads them from a project's config files; the
 * frontends read them in dialect branches (`if (client === 'mysql')`).
 *
 * CockroachDB and Redshift speak the PostgreSQL protocol but are other databases:
 * SQL written only for them is not linted as PostgreSQL.
 */

/** Names a PostgreSQL database goes by: knex clients, n8n's `postgresdb`, TypeORM's `postgres`. */
const POSTGRES = ['pg', 'postgres', 'postgresql', 'postgresdb', 'pg-native', 'pglite', 'postgis'];

/** Names of other databases. */
const OTHERS = [
  'mysql',
  'mysql2',
  'mysqldb',
  'mariadb',
  'mariadbdb',
  'sqlite',
  'sqlite3',
  'better-sqlite3',
  'better-sqlite',
  'spatialite',
  'sqljs',
  'libsql',
  'turso',
  'mssql',
  'sqlserver',
  'microsoft',
  'tedious',
  'oracle',
  'oracledb',
  'cockroachdb',
  'cockroach',
  'redshift',
  'singlestore',
  'mongodb',
  // Databases with a SQL of their own that migration tools also serve (golang-migrate,
  // goose, Flyway keep example migrations for each in a folder named for it).
  'clickhouse',
  'spanner',
  'cassandra',
  'firebird',
  'starrocks',
  'sqlcipher',
  'rqlite',
  'bigquery',
  'snowflake',
  'duckdb',
  'sybase',
  'vertica',
  'tidb',
];

/**
 * The key a name is looked up by: lower case, without `-`, `_` or spaces, so an enum
 * member `betterSqlite3`, a constant `BETTER_SQLITE3` and the string `'better-sqlite3'` meet.
 */
const keyOf = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '');

const BY_KEY = new Map<string, { name: string; postgres: boolean }>([
  ...OTHERS.map((name) => [keyOf(name), { name, postgres: false }] as const),
  ...POSTGRES.map((name) => [keyOf(name), { name, postgres: true }] as const),
]);

export interface DatabaseName {
  /** The name as the lists above spell it (`better-sqlite3` for `betterSqlite3`). */
  name: string;
  postgres: boolean;
}

/** The database a name stands for, or undefined when it names none. */
export function databaseNamed(text: string): DatabaseName | undefined {
  return BY_KEY.get(keyOf(text));
}

export const isPostgresName = (text: string) => databaseNamed(text)?.postgres === true;
export const isOtherDatabaseName = (text: string) => databaseNamed(text)?.postgres === false;
