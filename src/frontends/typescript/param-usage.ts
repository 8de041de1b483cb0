/**
 * knex or Kysely, told apart by what a migration does with the connection it is
 * handed. Both receive one object (`up(db)`), often typed with a project's own alias
 * (`db: DbConnection`) or not typed at all, so neither the type nor the name says
 * which library it is. The call shapes do: knex is a function (`db('users')`) with
 * `raw`/`table`/`from` and schema builders that take a callback
 * (`db.schema.createTable('t', (t) => ...)`); Kysely starts queries with
 * `updateTable`/`deleteFrom`/... and runs every builder with `.execute()`.
 */
import type * as t from '@babel/types';
import { anyNode } from './ast-search.js';
import { isFunctionNode, propertyName, unwrapTs, type FunctionNode } from './scope.js';

export type ConnectionLibrary = 'knex' | 'kysely';

/** Members only a knex instance has. */
const KNEX_MEMBERS = new Set(['raw', 'table', 'from', 'into', 'batchInsert', 'queryBuilder', 'client', 'ref']);

/** Members only a Kysely instance has. */
const KYSELY_MEMBERS = new Set(['updateTable', 'deleteFrom', 'insertInto', 'replaceInto', 'selectFrom', 'selectNoFrom', 'mergeInto', 'introspection', 'dynamic', 'executeQuery']);

/** `schema` methods only knex has (Kysely writes `dropTable('t').ifExists()`, `alterTable('t').renameTo(...)`). */
const KNEX_SCHEMA_METHODS = new Set(['hasTable', 'hasColumn', 'table', 'createTableIfNotExists', 'dropTableIfExists', 'renameTable', 'raw', 'createSchemaIfNotExists', 'dropSchemaIfExists', 'createExtensionIfNotExists']);

/** `schema` methods only Kysely has. */
const KYSELY_SCHEMA_METHODS = new Set(['createIndex', 'dropIndex', 'createType', 'dropType']);

/** The first parameter's name, when it is a plain name (with or without a default). */
function firstParamName(fn: FunctionNode): string | undefined {
  const p = fn.params[0];
  const q = p?.type === 'AssignmentPattern' ? p.left : p;
  return q?.type === 'Identifier' ? q.name : undefined;
}

const isName = (node: t.Node, name: string) => {
  const n = unwrapTs(node);
  return n.type === 'Identifier' && n.name === name;
};

const isCall = (node: t.Node): node is t.CallExpression | t.OptionalCallExpression => node.type === 'CallExpression' || node.type === 'OptionalCallExpression';
const isMember = (node: t.Node): node is t.MemberExpression | t.OptionalMemberExpression => node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression';

/** What one call says about `name`: a vote for knex, for Kysely, or nothing. */
function callEvidence(call: t.CallExpression | t.OptionalCallExpression, name: string): ConnectionLibrary | undefined {
  const callee = unwrapTs(call.callee);
  // db('users'): only knex is callable.
  if (isName(callee, name)) return 'knex';
  if (!isMember(callee)) return undefined;
  const method = propertyName(callee);
  if (!method) return undefined;
  // sql`...`.execute(db), builder.execute(db): Kysely runs a query by handing it the instance.
  if (method === 'execute' && call.arguments.some((a) => isName(a, name))) return 'kysely';
  const target = unwrapTs(callee.object);
  if (isName(target, name)) {
    if (KNEX_MEMBERS.has(method)) return 'knex';
    if (KYSELY_MEMBERS.has(method)) return 'kysely';
    return undefined;
  }
  // db.schema.<method>(...)
  if (isMember(target) && propertyName(target) === 'schema' && isName(target.object, name)) {
    if (KNEX_SCHEMA_METHODS.has(method)) return 'knex';
    if (KYSELY_SCHEMA_METHODS.has(method)) return 'kysely';
    // createTable('t', (table) => ...): knex fills a table in a callback; Kysely chains.
    if (call.arguments.some((a) => isFunctionNode(unwrapTs(a)))) return 'knex';
  }
  return undefined;
}

/** Whether a chain hanging from `db.schema...` or `db.<query>(...)` is run with `.execute()`. */
function executedChainOf(call: t.CallExpression | t.OptionalCallExpression, name: string): boolean {
  const callee = unwrapTs(call.callee);
  if (!isMember(callee) || !/^execute(TakeFirst(OrThrow)?)?$/.test(propertyName(callee) ?? '')) return false;
  // Walk down the chain to its base: `db` itself, or `db.schema`.
  let n: t.Node = unwrapTs(callee.object);
  for (;;) {
    if (isCall(n)) n = unwrapTs(n.callee);
    else if (isMember(n)) {
      if (isName(n.object, name)) return true;
      n = unwrapTs(n.object);
    } else return false;
  }
}

/**
 * Which library the first parameter of these functions is, from how their bodies use
 * it; undefined when they do not say (or say both equally).
 */
export function connectionLibraryByUsage(fns: FunctionNode[]): ConnectionLibrary | undefined {
  let knex = 0;
  let kysely = 0;
  for (const fn of fns) {
    const name = firstParamName(fn);
    if (!name) continue;
    anyNode(fn.body, (node) => {
      if (!isCall(node)) return false;
      const vote = callEvidence(node, name) ?? (executedChainOf(node, name) ? 'kysely' : undefined);
      if (vote === 'knex') knex++;
      else if (vote === 'kysely') kysely++;
      return false;
    });
  }
  if (knex === kysely) return undefined;
  return knex > kysely ? 'knex' : 'kysely';
}
