/**
 * knex query builders (`knex('users').where(...).del()`, `knex.table('t').update(...)`):
 * the whole chain is read, since where clauses may come after the verb, and the one
 * statement it runs is printed.
 */
import type * as t from '@babel/types';
import type { Chain, Link } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, spanOf, tableName, nameOf } from '../print.js';
import type { Val } from '../values.js';
import { prop, tableRef, valueSql } from './common.js';
import { handlerFor } from './step.js';
import { anyNode } from '../ast-search.js';
import { propertyName, unwrapTs } from '../scope.js';

type Verb = 'delete' | 'update' | 'insert' | 'truncate' | 'select';

/** What the chain has said so far about the statement it runs. */
interface QueryParts {
  table: Val | undefined;
  schema?: string;
  verb?: Verb;
  wheres: { sql: string; or: boolean }[];
  sets: string[];
  insert: string;
}

/** One link of the chain, its first argument evaluated. */
interface QueryLink {
  w: Walker;
  frame: Frame;
  link: Link;
  a0: Val | undefined;
}

const WHERE = /^(where|andWhere|orWhere|whereNot|orWhereNot|andWhereNot)/;

/** Links after which the chain is a promise, not a builder. */
const ENDS_BUILDER = new Set(['then', 'catch', 'finally', 'asCallback']);

const setVerb = (verb: Verb) => (q: QueryParts) => {
  q.verb = verb;
};

/** update({ a: 1 }), update('a', 1), increment('n', 2), decrement('n'). */
function readUpdate(q: QueryParts, { w, frame, link, a0 }: QueryLink): void {
  const name = link.name;
  const second = () => (link.args[1] ? w.ev.val(link.args[1], frame.env) : undefined);
  q.verb = 'update';
  if (name === 'update' && a0?.t === 'obj') q.sets = [...a0.props.keys()].map((k) => `${quoteIdent(k)} = ${valueSql(w, prop(w, a0, k))}`);
  else if (name === 'update' && a0) q.sets = [`${quoteIdent(nameOf(a0) ?? '${column}')} = ${valueSql(w, second())}`];
  else {
    const c = quoteIdent(nameOf(a0) ?? '${column}');
    const n = link.args[1] ? valueSql(w, second()) : '1';
    q.sets = [`${c} = ${c} ${name === 'increment' ? '+' : '-'} ${n}`];
  }
}

/** insert(row) or insert([rows]): the first row's keys and values. */
function readInsert(q: QueryParts, { w, a0 }: QueryLink): void {
  q.verb = 'insert';
  const row = a0?.t === 'arr' ? a0.items[0] : a0;
  if (row?.t === 'obj' && !row.partial && row.props.size) {
    const keys = [...row.props.keys()];
    q.insert = ` ${columnList(keys)} VALUES (${keys.map((k) => valueSql(w, prop(w, row, k))).join(', ')})`;
  } else q.insert = ' DEFAULT VALUES';
}

function readTable(q: QueryParts, { a0 }: QueryLink): void {
  q.table = a0;
}

function readSchema(q: QueryParts, { a0 }: QueryLink): void {
  q.schema = nameOf(a0);
}

/** A read; a verb said elsewhere in the chain wins. */
function readSelect(q: QueryParts): void {
  q.verb ??= 'select';
}

const QUERY_LINKS: Record<string, (q: QueryParts, l: QueryLink) => void> = {
  table: readTable,
  from: readTable,
  into: readTable,
  withSchema: readSchema,
  del: setVerb('delete'),
  delete: setVerb('delete'),
  truncate: setVerb('truncate'),
  update: readUpdate,
  increment: readUpdate,
  decrement: readUpdate,
  insert: readInsert,
  select: readSelect,
  first: readSelect,
  pluck: readSelect,
  count: readSelect,
  min: readSelect,
  max: readSelect,
  sum: readSelect,
  avg: readSelect,
  columns: readSelect,
  column: readSelect,
  distinct: readSelect,
};

/** The arguments of one where-link, for the condition builders. */
interface WhereArgs {
  w: Walker;
  args: (Val | undefined)[];
  /** The method without its `or`/`and` prefix: `whereIn` for `orWhereIn`. */
  base: string;
}

const whereColumn = (v: Val | undefined) => tableName(nameOf(v) ?? '${column}');

/** where('a', 1), where('a', '>', 1), where({ a: 1, b: 2 }). */
function equalities({ w, args }: WhereArgs): string | undefined {
  if (args.length === 2 && args[0]?.t === 'str') return `${whereColumn(args[0])} = ${valueSql(w, args[1])}`;
  if (args.length === 3 && args[0]?.t === 'str' && args[1]?.t === 'str') return `${whereColumn(args[0])} ${args[1].value} ${valueSql(w, args[2])}`;
  const obj = args[0];
  if (args.length === 1 && obj?.t === 'obj' && !obj.partial && obj.props.size) {
    return [...obj.props.keys()].map((k) => `${tableName(k)} = ${valueSql(w, prop(w, obj, k))}`).join(' AND ');
  }
  return undefined;
}

function negated(a: WhereArgs): string | undefined {
  const c = equalities(a);
  return c && `NOT (${c})`;
}

function nullTest({ args, base }: WhereArgs): string {
  return `${whereColumn(args[0])} IS ${base === 'whereNotNull' ? 'NOT ' : ''}NULL`;
}

function inList({ w, args, base }: WhereArgs): string {
  const list = (args[1]?.t === 'arr' ? args[1].items.map((v) => valueSql(w, v)).join(', ') : '') || valueSql(w, args[1]);
  return `${whereColumn(args[0])} ${base === 'whereNotIn' ? 'NOT IN' : 'IN'} (${list})`;
}

const CONDITIONS: Record<string, (a: WhereArgs) => string | undefined> = {
  where: equalities,
  whereNot: negated,
  whereNull: nullTest,
  whereNotNull: nullTest,
  whereIn: inList,
  whereNotIn: inList,
  whereRaw: ({ args }) => (args[0]?.t === 'str' ? `(${args[0].value})` : undefined),
};

/** The condition of one where-link as SQL, as close to knex's as the arguments allow. */
function whereSql(w: Walker, link: Link, frame: Frame): string {
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const base = (link.name ?? '').replace(/^(or|and)W/, 'w');
  const cond = handlerFor(CONDITIONS, base)?.({ w, args, base });
  // Anything else (callbacks, subqueries): a condition known only at run time.
  return cond ?? quoteIdent('${' + `${link.name}(...)` + '}');
}

/**
 * Whether `.modify(fn)` may add a condition: its callback calls a where-method, or it is
 * a function this file does not show (an imported modifier), which may.
 */
function mayFilter(modifier: Val | undefined): boolean {
  if (modifier?.t !== 'fn') return true;
  return anyNode(modifier.node.body, (n) => {
    if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return false;
    const callee = unwrapTs(n.callee);
    return (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && /^(and|or)?where/i.test(propertyName(callee) ?? '');
  });
}

/** The statement a query chain runs, or undefined for a read (nothing to lint). */
function querySql(q: QueryParts, ref: string): string | undefined {
  const where = q.wheres.length ? ` WHERE ${q.wheres.map((x, k) => (k === 0 ? x.sql : `${x.or ? 'OR' : 'AND'} ${x.sql}`)).join(' ')}` : '';
  switch (q.verb) {
    case 'delete':
      return `DELETE FROM ${ref}${where}`;
    case 'update':
      return `UPDATE ${ref} SET ${q.sets.join(', ') || '"${column}" = NULL'}${where}`;
    case 'insert':
      return `INSERT INTO ${ref}${q.insert}`;
    case 'truncate':
      return `TRUNCATE ${ref} RESTART IDENTITY`;
    default:
      return undefined;
  }
}

/**
 * A knex query builder: collects the whole chain and prints the one statement it
 * runs. Returns the first link it did not read.
 */
export function knexQuery(w: Walker, chain: Chain, start: number, frame: Frame, baseTable: Val | undefined): number {
  const q: QueryParts = { table: baseTable, wheres: [], sets: [], insert: '' };
  let end = chain.links.length;
  for (let i = start; i < chain.links.length; i++) {
    const l = chain.links[i];
    if (l.kind !== 'call') continue;
    const name = l.name ?? '';
    const a0 = l.args[0] ? w.ev.val(l.args[0], frame.env) : undefined;
    if (ENDS_BUILDER.has(name)) {
      end = i;
      break;
    }
    const read = handlerFor(QUERY_LINKS, name);
    if (read) read(q, { w, frame, link: l, a0 });
    else if (WHERE.test(name)) q.wheres.push({ sql: whereSql(w, l, frame), or: name.startsWith('or') });
    else if (name === 'modify' && mayFilter(a0)) q.wheres.push({ sql: quoteIdent('${modify(...)}'), or: false });
  }
  const sql = querySql(q, tableRef(w, q.table, q.schema));
  if (sql === undefined) {
    // A read: nothing to lint, but it was understood.
    w.analysedOnly();
    return end;
  }
  const last = chain.links[end - 1]?.node ?? chain.node;
  w.builder([new SqlOut(spanOf(last)).add(sql)], last);
  return end;
}

/** `knex('users')...`: the base call names the table. */
export function knexQueryFromBase(w: Walker, chain: Chain, frame: Frame): number {
  const base = chain.base as t.CallExpression;
  const table = base.arguments[0] ? w.ev.val(base.arguments[0], frame.env) : undefined;
  return knexQuery(w, chain, 0, frame, table);
}
