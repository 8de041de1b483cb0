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
 * The database a migration's folder names, when it is not PostgreSQL: only the folder
 * that holds the file counts (`migrations/sqlite/1-x.js`), and only an exact database
 * name (`sqlite`, `mysqldb`, `mysql`, `mariadb`, `mssql`, `oracle`, ...), so a project
 * that happens to live under such a name higher up is still read.
 */
export function otherDatabaseFolder(file: string): string | undefined {
  const folder = path.basename(path.dirname(file));
  const db = folder && folder !== '.' ? databaseNamed(folder) : undefined;
  return db && !db.postgres ? db.name : undefined;
}

/**
 * The database a file's name is for, when it is not PostgreSQL: a dot-separated part
 * of the name after the first (`1_networks.mysql.up.sql`, `2_x.cockroach.autocommit.down.sql`).
 */
export function otherDatabaseInFileName(file: string): string | undefined {
  const parts = path.basename(file).split('.').slice(1, -1);
  for (const part of parts) {
    const db = databaseNamed(part);
    if (db && !db.postgres) return db.name;
  }
  return undefined;
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
