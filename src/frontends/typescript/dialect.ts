/**
 * Database-dialect branches. Migrations written for several databases test which one
 * they run on (`if (getDatabaseClient(knex) === 'mysql')`, `knex.client.config.client
 * === 'sqlite3'`, `isPostgres ? a : b`, `switch (client) { case 'mysql': ... }`,
 * `['mysql', 'mariadb'].includes(client)`, `helper.isOneOfClients(['oracle'])`).
 * migratelint lints PostgreSQL migrations, so it asks one question of such a test:
 * what is its value when the database is PostgreSQL? A branch that cannot run on
 * PostgreSQL is not read (it is listed in the coverage with the database it runs on).
 *
 * What counts as a dialect test (decided here, on purpose narrow):
 * - a comparison (`===`, `==`, `!==`, `!=`) of any expression with a string literal
 *   naming a database (the lists below, case-insensitive);
 * - `[...].includes(x)` of a list made only of such names, `x.includes('mysql')`,
 *   `x.startsWith('postgres')`, and calls of an `is...` function or method whose only
 *   argument is such a name or list (`isOneOfClients(['oracle', 'cockroachdb'])`);
 * - a name `isMysql`, `isSqlite`, `isPostgres`, `isPg`, `is_mariadb`, ... (a variable,
 *   a destructured parameter, a property, or a function called without arguments),
 *   unless it is a local constant whose initializer is itself a dialect test;
 * - `!`, `&&`, `||` and parentheses over those, in three-valued logic.
 * A comparison with a PostgreSQL name is taken as true on PostgreSQL: code that tests
 * `client === 'pg'` means PostgreSQL, whichever client string the project configured.
 * CockroachDB and Redshift speak the PostgreSQL protocol but are other databases:
 * code that only runs on them does not run on PostgreSQL.
 */
import type * as t from '@babel/types';
import { propertyName, unwrapTs, type Env } from './scope.js';

/** Names a PostgreSQL database goes by: knex clients, n8n's `postgresdb`, TypeORM's `postgres`. */
export const POSTGRES_NAMES = new Set(['pg', 'postgres', 'postgresql', 'postgresdb', 'pg-native', 'pgnative', 'pglite']);

/** Names of other databases: knex clients, TypeORM/Sequelize dialects, n8n's db types. */
export const OTHER_DATABASE_NAMES = new Set([
  'mysql',
  'mysql2',
  'mysqldb',
  'mariadb',
  'mariadbdb',
  'sqlite',
  'sqlite3',
  'better-sqlite3',
  'sqljs',
  'libsql',
  'mssql',
  'sqlserver',
  'tedious',
  'oracle',
  'oracledb',
  'cockroachdb',
  'cockroach',
  'redshift',
]);

const isDatabaseName = (s: string) => POSTGRES_NAMES.has(s) || OTHER_DATABASE_NAMES.has(s);

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

const MAX_DEPTH = 8;

/** `isMysql`, `is_sqlite`, `isPostgres`, `isPG`: the database a boolean's name stands for. */
function nameFlag(name: string): DialectTest | undefined {
  const m = /^is_?(.+)$/i.exec(name);
  if (!m) return undefined;
  const db = m[1].toLowerCase();
  if (!isDatabaseName(db)) return undefined;
  return { onPostgres: POSTGRES_NAMES.has(db), names: [db] };
}

/** A string literal naming a database (lower-cased), from a literal or a template without holes. */
function databaseLiteral(node: t.Node): string | undefined {
  const n = unwrapTs(node);
  let value: string | undefined;
  if (n.type === 'StringLiteral') value = n.value;
  else if (n.type === 'TemplateLiteral' && n.expressions.length === 0) value = n.quasis[0].value.cooked ?? undefined;
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  return isDatabaseName(lower) ? lower : undefined;
}

/** A list literal made only of database names (or a constant holding one). */
function databaseList(node: t.Node, env: Env, depth: number): string[] | undefined {
  const n = unwrapTs(node);
  if (n.type === 'Identifier' && depth < MAX_DEPTH) {
    const b = env.lookup(n.name);
    return b?.kind === 'expr' ? databaseList(b.node, b.env, depth + 1) : undefined;
  }
  if (n.type !== 'ArrayExpression' || n.elements.length === 0) return undefined;
  const names: string[] = [];
  for (const el of n.elements) {
    const name = el && el.type !== 'SpreadElement' ? databaseLiteral(el) : undefined;
    if (!name) return undefined;
    names.push(name);
  }
  return names;
}

const fromNames = (names: string[], negated = false): DialectTest => ({
  onPostgres: names.some((n) => POSTGRES_NAMES.has(n)) !== negated,
  names,
  negated,
});

/** The test's value on PostgreSQL, when the test is a dialect test; undefined otherwise. */
export function dialectTest(node: t.Node, env: Env, depth = 0): DialectTest | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unwrapTs(node);
  switch (n.type) {
    case 'BinaryExpression': {
      if (!['===', '==', '!==', '!='].includes(n.operator) || n.left.type === 'PrivateName') return undefined;
      const negated = n.operator.startsWith('!');
      const name = databaseLiteral(n.right) ?? databaseLiteral(n.left);
      if (!name) return undefined;
      // Both sides literal: not a test of the database.
      if (databaseLiteral(n.right) && databaseLiteral(n.left)) return undefined;
      return fromNames([name], negated);
    }
    case 'UnaryExpression': {
      if (n.operator !== '!') return undefined;
      const inner = dialectTest(n.argument, env, depth + 1);
      return inner && { onPostgres: !inner.onPostgres, names: inner.names, negated: !inner.negated };
    }
    case 'LogicalExpression': {
      if (n.operator === '??') return undefined;
      const a = dialectTest(n.left, env, depth + 1);
      const b = dialectTest(n.right, env, depth + 1);
      const and = n.operator === '&&';
      // The side that decides on its own: false for &&, true for ||.
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
    case 'Identifier': {
      const b = env.lookup(n.name);
      if (b?.kind === 'expr') return dialectTest(b.node, b.env, depth + 1) ?? nameFlag(n.name);
      return nameFlag(n.name);
    }
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const name = propertyName(n);
      return name ? nameFlag(name) : undefined;
    }
    case 'CallExpression':
    case 'OptionalCallExpression': {
      const callee = unwrapTs(n.callee);
      const method =
        callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : undefined;
      if (!method) return undefined;
      // db.isSqlite(), isPostgres(): a flag asked of a function.
      if (n.arguments.length === 0) return nameFlag(method);
      if (n.arguments.length !== 1 || n.arguments[0].type === 'SpreadElement') return undefined;
      const arg = n.arguments[0];
      if ((method === 'includes' || method === 'startsWith') && (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')) {
        // ['mysql', 'mariadb'].includes(client)
        const list = method === 'includes' ? databaseList(callee.object, env, depth) : undefined;
        if (list) return fromNames(list);
        // client.includes('mysql'), dbType.startsWith('postgres')
        const name = databaseLiteral(arg);
        return name ? fromNames([name]) : undefined;
      }
      // isOneOfClients(['oracle', 'cockroachdb']), isDialect('sqlite')
      if (/^is(?:[A-Z_]|$)/.test(method)) {
        const names = databaseList(arg, env, depth) ?? (databaseLiteral(arg) ? [databaseLiteral(arg)!] : undefined);
        return names ? fromNames(names) : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Words for the coverage note of a branch that cannot run on PostgreSQL: the branch
 * runs when the test is `branchValue`.
 */
export function skippedReason(test: DialectTest, branchValue: boolean): string {
  if (test.names) {
    const inNames = branchValue !== !!test.negated;
    const others = test.names.filter((n) => !POSTGRES_NAMES.has(n));
    if (inNames && others.length) return `runs only on ${[...new Set(others)].join(' or ')}`;
  }
  return 'runs only on databases other than PostgreSQL';
}

/** Whether a statement always leaves the function (return, throw), or with `orBreak` its switch case or loop body too. */
export function alwaysExits(node: t.Statement, orBreak = false): boolean {
  switch (node.type) {
    case 'ReturnStatement':
    case 'ThrowStatement':
      return true;
    case 'BreakStatement':
    case 'ContinueStatement':
      return orBreak;
    case 'BlockStatement':
      return node.body.some((s) => alwaysExits(s, orBreak));
    case 'IfStatement':
      return !!node.alternate && alwaysExits(node.consequent, orBreak) && alwaysExits(node.alternate, orBreak);
    case 'TryStatement':
      return alwaysExits(node.block, orBreak) && (!node.handler || alwaysExits(node.handler.body, orBreak));
    default:
      return false;
  }
}

/**
 * `switch (client) { case 'mysql': ...; case 'pg': ...; default: ... }`: for each case,
 * `true` when PostgreSQL can run its body (entered, or reached by falling through),
 * else the coverage reason. Undefined when no case names a database.
 */
export function switchCasesOnPostgres(node: t.SwitchStatement): (true | string)[] | undefined {
  const tests = node.cases.map((c): boolean | 'other' => {
    if (!c.test) return 'other';
    const name = databaseLiteral(c.test);
    return name ? POSTGRES_NAMES.has(name) : 'other';
  });
  if (!tests.some((x) => x !== 'other')) return undefined;
  const pgCase = tests.indexOf(true);
  const result: (true | string)[] = [];
  let fallsThrough = false;
  node.cases.forEach((c, k) => {
    // With a PostgreSQL case, only it (or a case before it that is not a database name) is entered; default is not.
    const entered = pgCase >= 0 ? k === pgCase || (k < pgCase && tests[k] === 'other' && !!c.test) : tests[k] !== false;
    const reached = entered || fallsThrough;
    if (reached) result.push(true);
    else {
      const name = c.test ? databaseLiteral(c.test) : undefined;
      result.push(name && !POSTGRES_NAMES.has(name) ? `runs only on ${name}` : 'runs only on databases other than PostgreSQL');
    }
    fallsThrough = reached && !c.consequent.some((s) => alwaysExits(s, true));
  });
  return result;
}
