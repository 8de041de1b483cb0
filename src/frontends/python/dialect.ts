/**
 * Database-dialect tests in Python migrations: Alembic `op.get_bind().dialect.name ==
 * 'postgresql'`, `context.get_context().dialect.name in ('mysql', 'mariadb')`, Django
 * `schema_editor.connection.vendor != 'postgresql'`, `connection.vendor == 'sqlite'`,
 * `bind.engine.name.startswith('postgres')`, flags such as `is_sqlite`. What such a
 * test is worth on PostgreSQL is decided by the shared logic in `../dialect-test.ts`.
 *
 * What counts (on purpose narrow, as for JavaScript):
 * - `==` / `!=` between any expression and a string constant naming a database;
 * - `x in ('mysql', 'mariadb')` / `not in` with a list, tuple or set made only of such
 *   names, and `'sqlite' in url`;
 * - `x.startswith('postgres')`;
 * - a name, attribute or argument-less call `is_sqlite`, `IS_POSTGRES`, `is_mysql()`,
 *   unless the name is bound to an expression that is itself a dialect test;
 * - `not`, `and`, `or` and parentheses over those.
 */
import type { SyntaxNode } from '@lezer/common';
import { databaseNamed } from '../../discover/databases.js';
import { combine, fromNames, nameFlag, negate, type DialectTest } from '../dialect-test.js';
import { children, ifClauses, unparen } from './syntax.js';
import { asCall, constOf, itemsOf, lastName, resolve, setPostgresBodies, type Scope } from './values.js';

const MAX_DEPTH = 8;

/** A string constant naming a database (its listed spelling). */
function databaseString(scope: Scope, node: SyntaxNode | undefined): string | undefined {
  const v = node ? constOf(scope, node) : undefined;
  return typeof v === 'string' ? databaseNamed(v)?.name : undefined;
}

/** A list, tuple or set made only of database names. */
function databaseList(scope: Scope, node: SyntaxNode | undefined): string[] | undefined {
  const items = itemsOf(scope, node);
  if (!items?.length) return undefined;
  const names = items.map((item) => databaseString(scope, item));
  return names.every((n): n is string => !!n) ? names : undefined;
}

/** The value on PostgreSQL of an `if` test, when it asks which database this is; undefined otherwise. */
export function pyDialectTest(scope: Scope, node: SyntaxNode, depth = 0): DialectTest | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unparen(node);
  const file = scope.file;
  switch (n.name) {
    case 'BinaryExpression':
      return binary(scope, n, depth);
    case 'UnaryExpression': {
      const [op, operand] = children(n);
      if (op?.name !== 'not' || !operand) return undefined;
      return notOf(scope, operand, depth);
    }
    case 'VariableName': {
      const value = resolve(scope, n);
      const bound = value && value !== n ? pyDialectTest(scope, value, depth + 1) : undefined;
      return bound ?? nameFlag(file.src(n));
    }
    case 'MemberExpression': {
      const prop = n.getChild('PropertyName');
      return prop ? nameFlag(file.src(prop)) : undefined;
    }
    case 'CallExpression': {
      const call = asCall(file, n)!;
      const method = lastName(call.callee);
      // bind.dialect.name.startswith('postgres')
      if (method === 'startswith' && call.args.length === 1) {
        const name = databaseString(scope, call.args[0]);
        return name ? fromNames([name]) : undefined;
      }
      // is_sqlite(), self.is_mysql()
      return call.args.length === 0 && call.kwargs.size === 0 ? nameFlag(method) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * `not x`. The Python grammar the frontend uses reads `not a and b` as `not (a and b)`;
 * Python binds `not` tighter than `and`/`or`, so an unparenthesised `and`/`or` under
 * `not` is taken apart here: `(not a) and b`.
 */
function notOf(scope: Scope, operand: SyntaxNode, depth: number): DialectTest | undefined {
  if (operand.name === 'BinaryExpression') {
    const [left, op, right] = children(operand);
    if ((op?.name === 'and' || op?.name === 'or') && left && right) {
      return combine(notOf(scope, left, depth + 1), pyDialectTest(scope, right, depth + 1), op.name === 'and');
    }
  }
  const inner = pyDialectTest(scope, operand, depth + 1);
  return inner && negate(inner);
}

function binary(scope: Scope, n: SyntaxNode, depth: number): DialectTest | undefined {
  const parts = children(n);
  const left = parts[0];
  const right = parts[parts.length - 1];
  const ops = parts.slice(1, -1).map((p) => (p.name === 'CompareOp' ? scope.file.src(p) : p.name));
  const op = ops.join(' ');
  if (!left || !right) return undefined;
  if (op === 'and' || op === 'or') return combine(pyDialectTest(scope, left, depth + 1), pyDialectTest(scope, right, depth + 1), op === 'and');
  if (op === '==' || op === '!=') {
    const l = databaseString(scope, left);
    const r = databaseString(scope, right);
    // Both sides constant: not a test of the database; neither: not about databases.
    if (!l === !r) return undefined;
    return fromNames([(l ?? r)!], op === '!=');
  }
  if (op === 'in' || op === 'not in') {
    const negated = op === 'not in';
    // dialect in ('mysql', 'mariadb')
    const list = databaseList(scope, right);
    if (list && !databaseString(scope, left)) return fromNames(list, negated);
    // 'sqlite' in url
    const name = databaseString(scope, left);
    if (name && constOf(scope, right) === undefined) return fromNames([name], negated);
  }
  return undefined;
}

/**
 * The bodies of an `if` that run on PostgreSQL, when one of its tests asks which database
 * this is: those whose test is not false there, up to the first that is true (or `else`).
 * Undefined when no test asks: any clause may run.
 */
export function postgresBodies(scope: Scope, s: SyntaxNode): SyntaxNode[] | undefined {
  const clauses = ifClauses(s);
  const tests = clauses.map((c) => (c.test ? pyDialectTest(scope, c.test) : undefined));
  if (!tests.some(Boolean)) return undefined;
  const out: SyntaxNode[] = [];
  for (const [k, clause] of clauses.entries()) {
    const test = tests[k];
    if (test && !test.onPostgres) continue;
    out.push(clause.body);
    if (!clause.test || test?.onPostgres) break;
  }
  return out;
}

setPostgresBodies(postgresBodies);
