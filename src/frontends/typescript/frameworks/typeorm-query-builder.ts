/**
 * TypeORM query builders run from a migration:
 *
 *   queryRunner.manager.createQueryBuilder().update(User).set({ ... }).where(...).execute()
 *   queryRunner.manager.createQueryBuilder().delete().from(User).execute()
 *   queryRunner.manager.getRepository(User).createQueryBuilder('u').delete().execute()
 *
 * A builder runs one statement when its chain ends in `.execute()`. Only what the rules
 * read is printed: the verb, the table, the columns set and whether any where-link is
 * in the chain. TypeORM keeps the conditions of the builder it started from
 * (`.where(...).update()` still filters), so a where-link anywhere in the chain counts;
 * its condition is SQL with `:name` parameters and entity aliases, printed as a
 * placeholder that only says "a condition is here".
 */
import type { Chain, Link } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, quoteIdent, spanOf } from '../print.js';
import type { Val } from '../values.js';
import { prop, tableRef, valueSql } from './common.js';

type Verb = 'update' | 'delete' | 'softDelete' | 'restore' | 'other';

interface BuilderParts {
  target?: Val;
  verb?: Verb;
  sets: string[];
  filtered: boolean;
}

/** andWhere, orWhereInIds, whereExists, ...: anything that adds a condition. */
const CONDITION = /^(and|or)?where/i;

const EXECUTE = 'execute';

/** `{ a: 1, b: () => 'b + 1' }` as `"a" = 1, "b" = ...`. */
function setList(w: Walker, values: Val | undefined): string[] {
  if (values?.t !== 'obj') return values ? ['"${set}" = NULL'] : [];
  return [...values.props.keys()].map((k) => `${quoteIdent(k)} = ${valueSql(w, prop(w, values, k))}`);
}

/** A query builder's first argument is an entity (or table name) unless it is the QueryRunner passed along. */
function entityArg(w: Walker, link: Link, frame: Frame): Val | undefined {
  const a0 = link.args[0];
  if (!a0 || w.roleOf(a0, frame.env)) return undefined;
  const v = w.ev.val(a0, frame.env);
  // createQueryBuilder('u') on a repository names an alias, not a table.
  return v.t === 'str' && link.name === 'createQueryBuilder' && link.args.length === 1 ? undefined : v;
}

function readLink(w: Walker, q: BuilderParts, link: Link, frame: Frame): void {
  const name = link.name ?? '';
  const arg = (k: number) => (link.args[k] ? w.ev.val(link.args[k], frame.env) : undefined);
  if (CONDITION.test(name)) {
    q.filtered = true;
    return;
  }
  switch (name) {
    case 'update':
      q.verb = 'update';
      // update(User, { a: 1 }), update({ a: 1 }), update(User)
      if (link.args.length >= 2) {
        q.target = arg(0) ?? q.target;
        q.sets = setList(w, arg(1));
      } else if (arg(0)?.t === 'obj') q.sets = setList(w, arg(0));
      else if (link.args.length === 1) q.target = arg(0);
      return;
    case 'delete':
      q.verb = 'delete';
      return;
    case 'softDelete':
    case 'restore':
      q.verb = name;
      return;
    case 'insert':
    case 'select':
    case 'relation':
      q.verb ??= 'other';
      return;
    case 'from':
    case 'into':
      q.target = arg(0) ?? q.target;
      return;
    case 'set':
      q.sets = setList(w, arg(0));
      return;
    default:
      return;
  }
}

/** What an UPDATE sets: the values given, or the entity's delete-date column for softDelete()/restore(). */
function setClause(q: BuilderParts): string {
  if (q.verb === 'softDelete') return '"${deleteDate column}" = now()';
  if (q.verb === 'restore') return '"${deleteDate column}" = NULL';
  return q.sets.join(', ') || '"${column}" = NULL';
}

/**
 * Reads the builder chain from `start` (the `createQueryBuilder` link; `entity` is the
 * repository's entity when it came from `getRepository(X)`) and prints the statement
 * it executes. Returns the first link it did not read.
 */
export function typeormQueryBuilder(w: Walker, chain: Chain, start: number, frame: Frame, entity: Val | undefined): number {
  const links = chain.links;
  const q: BuilderParts = { target: entity ?? entityArg(w, links[start], frame), sets: [], filtered: false };
  const execAt = links.findIndex((l, k) => k > start && l.kind === 'call' && l.name === EXECUTE);
  const end = execAt >= 0 ? execAt + 1 : links.length;
  for (const link of links.slice(start + 1, end)) if (link.kind === 'call') readLink(w, q, link, frame);
  const changes = q.verb !== undefined && q.verb !== 'other';
  if (!changes) {
    // Reads and inserts: understood, and nothing the rules look at.
    w.analysedOnly();
    return end;
  }
  if (execAt < 0) {
    w.unanalysed(links[start].node, 'a TypeORM query builder that is not executed here (no .execute())');
    return end;
  }
  const table = tableRef(w, q.target);
  const where = q.filtered ? ` WHERE ${quoteIdent('${where(...)}')}` : '';
  const sql = q.verb === 'delete' ? `DELETE FROM ${table}${where}` : `UPDATE ${table} SET ${setClause(q)}${where}`;
  const last = links[end - 1].node;
  w.builder([new SqlOut(spanOf(last)).add(sql)], last);
  return end;
}
