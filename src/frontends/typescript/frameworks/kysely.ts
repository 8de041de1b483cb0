/**
 * Kysely: `db.schema` builders (createTable, alterTable with column callbacks,
 * createIndex, dropTable, dropIndex, ...) and query builders (`db.deleteFrom(...)`),
 * lowered when the chain is executed (`.execute()`); a builder that is never
 * executed runs nothing. The schema builders are printed in kysely-schema.ts.
 */
import type * as t from '@babel/types';
import type { Role } from '../scope.js';
import { unwrapTs } from '../scope.js';
import { flattenChain, type Chain } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, spanOf } from '../print.js';
import { prop, tableRef, valueSql } from './common.js';
import { dropRole, handlerFor, walkCallback, type Handler, type StepCall, type StepResult } from './step.js';
import { isSchemaBuilder, linkArgs, schemaBuilder, whereOf } from './kysely-schema.js';

const EXECUTE = /^(execute|executeTakeFirst|executeTakeFirstOrThrow|stream)$/;

const CONDITION = /^(or|and)?where/i;

/** A call on `db` or `db.schema`, with where its chain is executed. */
interface KyselyCall extends StepCall {
  /** The index of the `.execute()` link after this call, or -1 when the chain never runs. */
  execIndex: number;
  /** The first link after the builder: after `.execute()`, or the end of the chain. */
  end: number;
}

export function kyselyStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const execIndex = chain.links.findIndex((l, k) => k > i && l.kind === 'call' && EXECUTE.test(l.name ?? ''));
  const call: KyselyCall = { w, role, chain, i, link, frame, execIndex, end: execIndex >= 0 ? execIndex + 1 : chain.links.length };
  if (role.kind === 'kysely') return handlerFor(DB_METHODS, link.name)?.(call);
  return schemaStep(call, role.kind === 'kyselySchema' ? role.schema : undefined);
}

// ---------------------------------------------------------------- db

/** db.transaction().execute(async (trx) => { ... }): the callback's trx is db too. */
function transaction(c: KyselyCall): StepResult {
  const exec = c.chain.links[c.i + 1];
  if (exec?.name === 'execute' && walkCallback(c.w, exec.args[0], c.frame, [{ kind: 'kysely' }])) return { next: c.i + 2 };
  return dropRole(c);
}

function queryBuilder(c: KyselyCall): StepResult {
  if (c.execIndex < 0) {
    c.w.unanalysed(c.link.node, `db.${c.link.name}() builder is not executed here (no .execute())`);
    return { next: c.chain.links.length };
  }
  dml(c.w, c.chain, c.i, c.end, c.frame);
  return { next: c.end };
}

/** Drizzle-style db.execute(sql`...`). */
function execute(c: KyselyCall): StepResult {
  if (c.link.args[0]) c.w.raw(c.link.args[0], c.link.node, c.frame);
  return dropRole(c);
}

/** db.executeQuery(sql`...`.compile(db)): the argument chain holds the SQL. */
function executeQuery(c: KyselyCall): StepResult {
  if (c.link.args[0]) compiled(c.w, c.link.args[0], c.link.node, c.frame);
  return dropRole(c);
}

const DB_METHODS: Record<string, Handler<KyselyCall>> = {
  transaction,
  connection: transaction,
  withSchema: (c) => ({ next: c.i + 1, role: { kind: 'kysely' } }),
  deleteFrom: queryBuilder,
  updateTable: queryBuilder,
  insertInto: queryBuilder,
  replaceInto: queryBuilder,
  selectFrom: queryBuilder,
  mergeInto: queryBuilder,
  execute,
  executeQuery,
  destroy: dropRole,
  introspection: dropRole,
};

/** `sql\`...\`.compile(db)` passed to executeQuery. */
function compiled(w: Walker, node: t.Node, call: t.Node, frame: Frame): void {
  const n = unwrapTs(node);
  if (n.type === 'CallExpression') {
    const chain = flattenChain(n);
    if (chain.base.type === 'TaggedTemplateExpression') {
      w.raw(chain.base, call, frame);
      return;
    }
  }
  w.unanalysed(call, `db.executeQuery(${w.src(node).slice(0, 40)}) is not analysed`);
}

/** db.deleteFrom / updateTable / insertInto chains. */
function dml(w: Walker, chain: Chain, i: number, end: number, frame: Frame): void {
  const links = chain.links;
  const head = links[i];
  const table = tableRef(w, linkArgs(w, head, frame)[0]);
  const wheres: string[] = [];
  let set: string[] = [];
  let values = ' DEFAULT VALUES';
  for (const l of links.slice(i + 1, end)) {
    // where, whereRef, and older Kysely's orWhere/whereExists/...: any of them filters the rows.
    if (CONDITION.test(l.name ?? '')) wheres.push(whereOf(w, l, frame));
    else if (l.name === 'set') {
      const a = linkArgs(w, l, frame)[0];
      set = a?.t === 'obj' ? [...a.props.keys()].map((k) => `${quoteIdent(k)} = ${valueSql(w, prop(w, a, k))}`) : [`"\${set}" = NULL`];
    } else if (l.name === 'values') {
      const a = linkArgs(w, l, frame)[0];
      const row = a?.t === 'arr' ? a.items[0] : a;
      if (row?.t === 'obj' && row.props.size) {
        const keys = [...row.props.keys()];
        values = ` ${columnList(keys)} VALUES (${keys.map((k) => valueSql(w, prop(w, row, k))).join(', ')})`;
      }
    }
  }
  const where = wheres.length ? ` WHERE ${wheres.join(' AND ')}` : '';
  const out = new SqlOut(spanOf(links[end - 1].node));
  switch (head.name) {
    case 'deleteFrom':
      out.add(`DELETE FROM ${table}${where}`);
      break;
    case 'updateTable':
      out.add(`UPDATE ${table} SET ${set.join(', ') || '"${column}" = NULL'}${where}`);
      break;
    case 'insertInto':
    case 'replaceInto':
      out.add(`INSERT INTO ${table}${values}`);
      break;
    default:
      w.analysedOnly();
      return;
  }
  w.builder([out], links[end - 1].node);
}

// ---------------------------------------------------------------- db.schema

function schemaStep(c: KyselyCall, schema: string | undefined): StepResult | undefined {
  const { w, link, chain, frame } = c;
  if (link.name === 'withSchema') return { next: c.i + 1, role: { kind: 'kyselySchema', schema: w.ev.str(link.args[0], frame.env) } };
  if (!isSchemaBuilder(link.name)) return undefined;
  if (c.execIndex < 0) {
    w.unanalysed(link.node, `db.schema.${link.name}() builder is not executed here (no .execute())`);
    return { next: chain.links.length };
  }
  const outs = schemaBuilder(w, chain, c.i, c.end, frame, schema);
  if (!outs) {
    w.unanalysed(link.node, `db.schema.${link.name}(...) with these options is not analysed by migratelint`);
    return { next: c.end };
  }
  w.builder(outs, chain.links[c.end - 1].node);
  return { next: c.end };
}
