/**
 * The logic of a dialect test, whatever language it is written in: code that runs on
 * several databases asks which one it is on (`client === 'mysql'`, `bind.dialect.name
 * in ('mysql', 'mariadb')`, `not is_sqlite`). migratelint lints PostgreSQL, so it asks
 * one question of such a test: what is its value when the database is PostgreSQL?
 * The TypeScript and Python frontends each recognise the tests of their language and
 * combine them here.
 */
import { databaseNamed, isPostgresName } from '../discover/databases.js';

/**
 * A dialect test: its value on PostgreSQL, and (when it says so) the databases it
 * singles out. `names`/`negated` describe the branch that cannot run on PostgreSQL:
 * whenever that branch runs, the database is one of `names` (or, `negated`, none of
 * them); they are only used for the words of the coverage note.
 */
export interface DialectTest {
  onPostgres: boolean;
  names?: string[];
  negated?: boolean;
}

/** A test that the database is one of `names` (or, `negated`, none of them). */
export const fromNames = (names: string[], negated = false): DialectTest => ({
  onPostgres: names.some(isPostgresName) !== negated,
  names,
  negated,
});

export const negate = (test: DialectTest): DialectTest => ({ onPostgres: !test.onPostgres, names: test.names, negated: !test.negated });

/**
 * `a && b` / `a || b` (`and` / `or`) in three-valued logic: undefined sides are tests
 * that do not ask about the database. The result is known when both sides are, or when
 * one side decides on its own (false for and, true for or).
 */
export function combine(a: DialectTest | undefined, b: DialectTest | undefined, and: boolean): DialectTest | undefined {
  const decisive = [a, b].find((x) => x && x.onPostgres === !and);
  if (a && b) {
    if (decisive) return decisive;
    // a || b both false, or a && b both true: the union of what they single out when they agree.
    const sameSense = !!a.names && !!b.names && !!a.negated === !!b.negated;
    const union = sameSense && !!a.negated === and;
    return { onPostgres: a.onPostgres, names: union ? [...a.names!, ...b.names!] : undefined, negated: union ? a.negated : undefined };
  }
  return decisive;
}

/**
 * `isMysql`, `is_sqlite`, `isPostgres`, `IS_PG`, `isSqliteDB`: the database a boolean's
 * name stands for.
 */
export function nameFlag(name: string): DialectTest | undefined {
  const m = /^is_?(.+)$/i.exec(name);
  if (!m) return undefined;
  const db = databaseNamed(m[1]) ?? databaseNamed(m[1].replace(/_?(db|database)$/i, ''));
  return db && { onPostgres: db.postgres, names: [db.name] };
}

/**
 * Words for the coverage note of a branch that cannot run on PostgreSQL: the branch
 * runs when the test is `branchValue`.
 */
export function skippedReason(test: DialectTest, branchValue: boolean): string {
  if (test.names) {
    const inNames = branchValue !== !!test.negated;
    const others = test.names.filter((n) => !isPostgresName(n));
    if (inNames && others.length) return `runs only on ${[...new Set(others)].join(' or ')}`;
  }
  return 'runs only on databases other than PostgreSQL';
}

/** Other databases' names as they appear inside identifiers (`mysqlUpQueryRunner`, `upgrade_sqlite`, `runOnMariaDB`). */
const OTHER_STEMS = ['mysql', 'mariadb', 'sqlite', 'mssql', 'sqlserver', 'oracle', 'cockroach', 'redshift'];

/**
 * The other database a function is named for (`mysqlUpQueryRunner`, `sqliteDown`,
 * `_upgrade_mysql`), when its name names one and does not also name PostgreSQL
 * (`postgresOrMysqlUp`).
 */
export function otherDatabaseInName(name: string): string | undefined {
  const lower = name.toLowerCase();
  const words = name.split(/(?<=[a-z0-9])(?=[A-Z])|[_$\d]+/).map((w) => w.toLowerCase());
  if (lower.includes('postgres') || words.includes('pg')) return undefined;
  return OTHER_STEMS.find((stem) => lower.includes(stem));
}
