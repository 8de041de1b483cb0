/**
 * Database-dialect branches in JavaScript and TypeScript. Migrations written for several
 * databases test which one they run on (`if (getDatabaseClient(knex) === 'mysql')`,
 * `knex.client.config.client === 'sqlite3'`, `isPostgres ? a : b`,
 * `switch (queryRunner.connection.options.type) { case DatabaseTypeEnum.mysql: ... }`,
 * `['mysql', 'mariadb'].includes(client)`, `helper.isOneOfClients(['oracle'])`,
 * `queryInterface.sequelize.getDialect() !== 'postgres'`). A branch that cannot run on
 * PostgreSQL is not read (it is listed in the coverage with the database it runs on);
 * the logic shared with Python is in `../dialect-test.ts`.
 *
 * What counts as a dialect test (decided here, on purpose narrow):
 * - a comparison (`===`, `==`, `!==`, `!=`) of any expression with a string literal, an
 *   enum member (`DatabaseTypeEnum.postgres`, `DbType.MYSQL`) or a local constant naming
 *   a database (`discover/databases.ts`, case-insensitive), but not with null or '';
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
import { databaseNamed, isPostgresName } from '../../discover/databases.js';
import { combine, fromNames, nameFlag, negate, type DialectTest } from '../dialect-test.js';
import { propertyName, unwrapTs, type Env } from './scope.js';

const MAX_DEPTH = 8;

/** A string literal naming a database, from a literal or a template without holes. */
function databaseLiteral(node: t.Node): string | undefined {
  const n = unwrapTs(node);
  let value: string | undefined;
  if (n.type === 'StringLiteral') value = n.value;
  else if (n.type === 'TemplateLiteral' && n.expressions.length === 0) value = n.quasis[0].value.cooked ?? undefined;
  return value === undefined ? undefined : databaseNamed(value)?.name;
}

/** Names an object holding database names goes by: `DatabaseTypeEnum`, `dbType`, `Dialects`, `clients`. */
const ENUM_LIKE = /(type|enum|dialect|client|driver|vendor|kind|database|db|engine|provider)s?$/i;

/**
 * An enum member naming a database: `DatabaseTypeEnum.postgres`, `DbType.MYSQL`,
 * `Dialect.BetterSqlite3`. The object must read as an enum (a capitalised name, or one
 * that says type, dialect, client...), so that `config.mysql`, an options object's
 * property, is not taken for a database.
 */
function databaseMember(node: t.Node): string | undefined {
  const n = unwrapTs(node);
  if (n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') return undefined;
  const member = propertyName(n);
  const db = member ? databaseNamed(member) : undefined;
  if (!db) return undefined;
  const obj = unwrapTs(n.object);
  const objName = obj.type === 'Identifier' ? obj.name : obj.type === 'MemberExpression' || obj.type === 'OptionalMemberExpression' ? propertyName(obj) : undefined;
  return objName && (/^[A-Z]/.test(objName) || ENUM_LIKE.test(objName)) ? db.name : undefined;
}

/** A database named by a string literal, an enum member, or a local constant holding one. */
function databaseConstant(node: t.Node, env: Env | undefined, depth = 0): string | undefined {
  const n = unwrapTs(node);
  if (n.type === 'Identifier' && env && depth < MAX_DEPTH) {
    const b = env.lookup(n.name);
    return b?.kind === 'expr' ? databaseConstant(b.node, b.env, depth + 1) : undefined;
  }
  return databaseLiteral(n) ?? databaseMember(n);
}

/** `null`, `undefined`, `''`: a comparison with them asks whether a value is set, not which database this is. */
function isEmptyValue(node: t.Node): boolean {
  const n = unwrapTs(node);
  return n.type === 'NullLiteral' || (n.type === 'Identifier' && n.name === 'undefined') || (n.type === 'StringLiteral' && n.value === '');
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
    const name = el && el.type !== 'SpreadElement' ? databaseConstant(el, env, depth + 1) : undefined;
    if (!name) return undefined;
    names.push(name);
  }
  return names;
}

/** The test's value on PostgreSQL, when the test is a dialect test; undefined otherwise. */
export function dialectTest(node: t.Node, env: Env, depth = 0): DialectTest | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unwrapTs(node);
  switch (n.type) {
    case 'BinaryExpression': {
      if (!['===', '==', '!==', '!='].includes(n.operator) || n.left.type === 'PrivateName') return undefined;
      const negated = n.operator.startsWith('!');
      const right = databaseConstant(n.right, env, depth);
      const left = databaseConstant(n.left, env, depth);
      // Both sides constant: not a test of the database; neither: not about databases.
      if (!right === !left) return undefined;
      if (isEmptyValue(right ? n.left : n.right)) return undefined;
      return fromNames([(right ?? left)!], negated);
    }
    case 'UnaryExpression': {
      if (n.operator !== '!') return undefined;
      const inner = dialectTest(n.argument, env, depth + 1);
      return inner && negate(inner);
    }
    case 'LogicalExpression': {
      if (n.operator === '??') return undefined;
      return combine(dialectTest(n.left, env, depth + 1), dialectTest(n.right, env, depth + 1), n.operator === '&&');
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
      // isOneOfClients(['oracle', 'cockroachdb']), isDialect('sqlite'); else isSqlite(connection), isPostgres(queryRunner)
      if (/^is(?:[A-Z_]|$)/.test(method)) {
        const single = databaseConstant(arg, env, depth);
        const names = databaseList(arg, env, depth) ?? (single ? [single] : undefined);
        return names ? fromNames(names) : nameFlag(method);
      }
      return undefined;
    }
    default:
      return undefined;
  }
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
 * `switch (client) { case 'mysql': ...; case DatabaseTypeEnum.postgres: ...; default: ... }`:
 * for each case, `true` when PostgreSQL can run its body (entered, or reached by falling
 * through), else the coverage reason. Undefined when no case names a database.
 */
export function switchCasesOnPostgres(node: t.SwitchStatement, env?: Env): (true | string)[] | undefined {
  const names = node.cases.map((c) => (c.test ? databaseConstant(c.test, env) : undefined));
  const tests = names.map((name): boolean | 'other' => (name ? isPostgresName(name) : 'other'));
  if (!tests.some((x) => x !== 'other')) return undefined;
  const pgCase = tests.indexOf(true);
  const result: (true | string)[] = [];
  let fallsThrough = false;
  // `case sqlite: case betterSqlite3: body`: the empty cases before a body share its note.
  let sharing: string[] = [];
  node.cases.forEach((c, k) => {
    // With a PostgreSQL case, only it (or a case before it that is not a database name) is entered; default is not.
    const entered = pgCase >= 0 ? k === pgCase || (k < pgCase && tests[k] === 'other' && !!c.test) : tests[k] !== false;
    const reached = entered || fallsThrough;
    if (reached) {
      result.push(true);
      sharing = [];
    } else {
      const name = names[k];
      const others = name && !isPostgresName(name) ? [...sharing, name] : undefined;
      result.push(others ? `runs only on ${[...new Set(others)].join(' or ')}` : 'runs only on databases other than PostgreSQL');
      sharing = others && c.consequent.length === 0 ? others : [];
    }
    fallsThrough = reached && !c.consequent.some((s) => alwaysExits(s, true));
  });
  return result;
}

