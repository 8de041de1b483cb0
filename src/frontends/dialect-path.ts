/**
 * Migrations whose path says they are for another database: projects that keep one
 * folder per database (n8n: `postgresdb/`, `sqlite/`, `mysqldb/`), and projects that
 * name a file for the database it runs on (ory/pop: `20190100000001_client.mysql.up.sql`,
 * `….cockroach.down.sql`, `….postgres.up.sql`; a file with no database in its name runs
 * on all of them). Such a file is not read as PostgreSQL: it is listed in the coverage.
 */
import path from 'node:path';
import type { Coverage, Range } from '../ir/types.js';
import { databaseNamed } from '../discover/databases.js';

/**
 * How many folders above a file are looked at. Enough for a per-database tree whose
 * migrations sit deeper (diesel's `examples/mysql/getting_started/migrations/<version>/up.sql`,
 * golang-migrate's `database/clickhouse/examples/migrations/1_init.up.sql`), while a
 * project that happens to live under such a name further up is still read.
 */
const FOLDERS_LOOKED_AT = 4;

/**
 * The database a migration's folders name, when it is not PostgreSQL: one of the
 * nearest folders of its path (`migrations/sqlite/1-x.js`, `docker/mysql/init/init.sql`),
 * named exactly for a database (`sqlite`, `mysqldb`, `mysql`, `mariadb`, `mssql`,
 * `oracle`, `clickhouse`, ...); the nearest such folder decides. A folder that only
 * begins with one (`mysql-knex/`, `sqlite-to-pg/`) is a project's name, not a database's.
 */
export function otherDatabaseFolder(file: string): string | undefined {
  const folders = path.dirname(file).split(/[\\/]/).filter((f) => f && f !== '.' && f !== '..');
  for (const folder of folders.slice(-FOLDERS_LOOKED_AT).reverse()) {
    const db = databaseNamed(folder);
    if (db) return db.postgres ? undefined : db.name;
  }
  return undefined;
}

/**
 * The database a file's name is for, when it is not PostgreSQL: a dot-separated part
 * of the name after the first (`1_networks.mysql.up.sql`, `2_x.cockroach.autocommit.down.sql`),
 * or the first word of a name that begins with a database's (`mysql-init.sql`,
 * `sqlite-schema.sql`, `cockroach_dump.sql`: a setup script or a dump, never a
 * migration, whose names begin with a version).
 */
export function otherDatabaseInFileName(file: string): string | undefined {
  const base = path.basename(file);
  const parts = base.split('.').slice(1, -1);
  for (const part of parts) {
    const db = databaseNamed(part);
    if (db && !db.postgres) return db.name;
  }
  const first = databaseNamed(base.split(/[-_.]/)[0]);
  return first && !first.postgres ? first.name : undefined;
}

/** Why a file is not read as PostgreSQL, from its path; undefined when its path does not say. */
export function otherDatabaseByPath(file: string): string | undefined {
  const named = otherDatabaseInFileName(file);
  if (named) return `runs only on ${named}: the file is named for it, so it is not read as a PostgreSQL migration`;
  const folder = otherDatabaseFolder(file);
  if (folder) return `runs only on ${folder}: the file is in a "${folder}" folder, so it is not read as a PostgreSQL migration`;
  return undefined;
}

/** The coverage of a file that is not read: the whole file, with the reason. */
export function wholeFileNotRead(file: string, range: Range, reason: string): Coverage {
  return { analysed: 0, unanalysed: [{ file, range, reason }] };
}
