/**
 * Data-changing statements written as Python method chains rather than SQL:
 * SQLAlchemy Core (`table.update().where(...).values(...)`, `sa.delete(t)`), ORM
 * queries (`session.query(Model).filter(...).delete()`), and the Django ORM
 * (`Model.objects.filter(...).update(...)`). Only what the rules need is kept:
 * the table, whether there is a WHERE, and the columns set.
 */
import type { SyntaxNode } from '@lezer/common';
import { q, qname } from './lower.js';
import { placeholder } from './strings.js';
import { asCall, dictOf, lastName, resolve, strConst, type Call, type Scope } from './values.js';

export interface ChainLink {
  method: string;
  /** Undefined for attribute access (`Model.objects`). */
  call?: Call;
}

/** `a.b(x).c(y)` → base `a`, links [b(x), c(y)] (outermost last). */
export function methodChain(scope: Scope, node: SyntaxNode): { base: SyntaxNode; links: ChainLink[] } | undefined {
  const links: ChainLink[] = [];
  let n: SyntaxNode | undefined = resolve(scope, node);
  while (n) {
    if (n.name === 'CallExpression') {
      const call = asCall(scope.file, n)!;
      if (call.calleeNode.name !== 'MemberExpression') {
        links.unshift({ method: lastName(call.callee) || '()', call });
        return { base: n, links };
      }
      links.unshift({ method: lastName(call.callee), call });
      n = call.calleeNode.firstChild ?? undefined;
      continue;
    }
    if (n.name === 'MemberExpression') {
      const prop = n.getChild('PropertyName');
      links.unshift({ method: prop ? scope.file.src(prop) : '' });
      n = n.firstChild ?? undefined;
      continue;
    }
    return { base: n, links };
  }
  return undefined;
}

export interface TableRef {
  name: string;
  schema?: string;
}

const WHERE_METHODS = new Set(['where', 'filter', 'filter_by', 'exclude', 'get', 'limit']);

/**
 * SQL for a data-changing chain, or undefined when the chain is not one.
 * `tableOf` turns the chain's base (a table object, a model class) into a table.
 */
export function chainSql(
  scope: Scope,
  node: SyntaxNode,
  tableOf: (base: SyntaxNode, links: ChainLink[]) => { table: TableRef; skip: number } | undefined,
): string | undefined {
  const chain = methodChain(scope, node);
  if (!chain || chain.links.length === 0) return undefined;
  const found = tableOf(chain.base, chain.links);
  if (!found) return undefined;
  const links = chain.links.slice(found.skip);
  const verbIndex = links.findIndex((l) => l.call && (l.method === 'update' || l.method === 'delete' || l.method === 'insert'));
  if (verbIndex < 0) return undefined;
  const verb = links[verbIndex] as Required<ChainLink>;
  const table = qname(found.table.name, found.table.schema);
  const where = links.find((l) => WHERE_METHODS.has(l.method) && l.call);
  // Django querysets filter before `.update()`; Core statements after `.update()`.
  const whereArgs = where?.call ? [...where.call.args, ...where.call.kwargs.values()] : [];
  const whereText = whereArgs.length
    ? scope.file.text.slice(Math.min(...whereArgs.map((a) => a.from)), Math.max(...whereArgs.map((a) => a.to)))
    : where?.method ?? '';
  const whereSql = where ? ` WHERE ${placeholder(whereText, undefined, undefined)}` : '';
  if (verb.method === 'delete') return `DELETE FROM ${table}${whereSql}`;
  // Django / ORM: .update(a=1) or .update({...}); Core: .values(a=1) after update().
  const valuesCall =
    verb.call.kwargs.size || (verb.call.args.length && dictOf(scope, verb.call.args[0]))
      ? verb.call
      : links.find((l) => l.method === 'values' && l.call)?.call;
  const columns: string[] = [];
  if (valuesCall) {
    for (const key of valuesCall.kwargs.keys()) columns.push(key);
    for (const a of valuesCall.args) {
      for (const [key] of dictOf(scope, a) ?? []) columns.push(key);
    }
  }
  if (verb.method === 'insert') {
    if (!columns.length) return `INSERT INTO ${table} DEFAULT VALUES`;
    return `INSERT INTO ${table} (${columns.map(q).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
  }
  const sets = columns.length ? columns.map((c, i) => `${q(c)} = $${i + 1}`) : [`${q('{values}')} = $1`];
  return `UPDATE ${table} SET ${sets.join(', ')}${whereSql}`;
}

/** The table of `sa.table('name', ...)`, `sa.Table('name', metadata, ...)` or a mapped class. */
export function sqlalchemyTable(scope: Scope, node: SyntaxNode): TableRef | undefined {
  const n = resolve(scope, node);
  if (!n) return undefined;
  const call = asCall(scope.file, n);
  if (call && /^(table|Table)$/.test(lastName(call.callee))) {
    const name = strConst(scope, call.args[0]);
    if (name) return { name, schema: strConst(scope, call.kwargs.get('schema')) };
  }
  if (n.name === 'VariableName') {
    const cls = scope.root().classes.get(scope.file.src(n));
    if (cls) {
      const body = cls.getChild('Body');
      for (let s = body?.firstChild; s; s = s.nextSibling) {
        if (s.name !== 'AssignStatement') continue;
        const target = s.firstChild;
        if (target && scope.file.src(target) === '__tablename__') {
          const name = strConst(scope, s.lastChild ?? undefined);
          if (name) return { name };
        }
      }
    }
  }
  return undefined;
}
