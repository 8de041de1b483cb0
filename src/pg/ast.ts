/**
 * Small helpers over libpg-query's JSON AST, where every node is `{ TypeName: {...} }`
 * inside lists and a bare object in typed fields.
 */
import type { Node } from '@pgsql/types';
import type { NodeKind, NodeOf } from '../ir/types.js';

/** The type name and body of a wrapped node (`{ IndexStmt: {...} }`). */
export function unwrap(node: unknown): [string, any] | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const key = keys[0];
  if (key[0] < 'A' || key[0] > 'Z') return undefined;
  return [key, (node as Record<string, unknown>)[key]];
}

/** Every wrapped node of the given type anywhere under `root`, depth first. */
export function findNodes(root: unknown, type: string): any[] {
  const out: any[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === type && child && typeof child === 'object' && !Array.isArray(child)) out.push(child);
      visit(child);
    }
  };
  visit(root);
  return out;
}

/** `schema.name` of a RangeVar, as written (the parser folds unquoted names to lower case). */
export function qualifiedName(rangeVar: { schemaname?: string; relname?: string } | undefined): string {
  if (!rangeVar) return '?';
  return rangeVar.schemaname ? `${rangeVar.schemaname}.${rangeVar.relname}` : `${rangeVar.relname}`;
}

/** The string parts of a name list (`[{String:{sval:'public'}}, {String:{sval:'users'}}]`). */
export function nameParts(list: unknown): string[] {
  const out: string[] = [];
  if (!Array.isArray(list)) return out;
  // A hot path (every rule reads names): a plain loop, no intermediate arrays.
  for (const n of list) {
    const sval = (n as { String?: { sval?: string } } | undefined)?.String?.sval;
    if (sval !== undefined) out.push(sval);
  }
  return out;
}

/** Statement bodies of the CTEs attached to a statement, recursively (`WITH x AS (DELETE ...)`). */
export function cteStatements(node: any): [string, any][] {
  const out: [string, any][] = [];
  for (const cte of node?.withClause?.ctes ?? []) {
    const inner = unwrap(cte.CommonTableExpr?.ctequery);
    if (!inner) continue;
    out.push(inner);
    out.push(...cteStatements(inner[1]));
  }
  return out;
}

/**
 * The DELETEs or UPDATEs (`kind`) of a statement that have no WHERE clause: the
 * statement itself, or one inside its CTEs (`WITH x AS (DELETE FROM t) ...`). `nested`
 * says which, so a finding can point at the CTE's table instead of the whole statement.
 */
export function changesWithoutWhere(kind: 'DeleteStmt' | 'UpdateStmt', statementKind: string, node: any): { node: any; nested: boolean }[] {
  const out: { node: any; nested: boolean }[] = [];
  if (!node) return out;
  if (statementKind === kind && !node.whereClause) out.push({ node, nested: false });
  for (const [k, inner] of cteStatements(node)) if (k === kind && !inner.whereClause) out.push({ node: inner, nested: true });
  return out;
}

/** `"orders"`, `"app.orders"`: a relation as messages show it. */
export function quoted(rangeVar: { schemaname?: string; relname?: string } | undefined): string {
  return `"${qualifiedName(rangeVar)}"`;
}

/** Whether a boolean option (`FULL`, `CONCURRENTLY true`, `FULL off`, `FULL 0`) is on. */
export function optionEnabled(defElem: any): boolean {
  const arg = defElem?.arg;
  if (!arg) return true;
  if (arg.Boolean) return arg.Boolean.boolval === true;
  if (arg.Integer) return (arg.Integer.ival ?? 0) !== 0;
  if (arg.String) return !['false', 'off', 'no', '0'].includes(String(arg.String.sval).toLowerCase());
  return true;
}

/** Whether a list of options (`VACUUM (...)`, `REINDEX (...)`) turns `name` on. */
export function hasOption(options: any[] | undefined, name: string): boolean {
  return (options ?? []).some((o: any) => o.DefElem?.defname === name && optionEnabled(o.DefElem));
}

/**
 * The body of a wrapped node when it is of type `kind`: `nodeBody(cmd, 'AlterTableCmd')`.
 * Typed from `@pgsql/types`, so the caller reads the fields PostgreSQL's parser defines.
 */
export function nodeBody<K extends NodeKind>(node: Node | undefined | null, kind: K): NodeOf<K> | undefined {
  return (node as Record<string, unknown> | undefined | null)?.[kind] as NodeOf<K> | undefined;
}

/**
 * Whether an expression is the NULL constant, also cast (`NULL::uuid`, `CAST(NULL AS
 * uuid)`): a `DEFAULT NULL` gives existing rows NULL, exactly as no DEFAULT does.
 */
export function isNullConstant(expr: unknown): boolean {
  let e = expr as { A_Const?: { isnull?: boolean }; TypeCast?: { arg?: unknown } } | undefined;
  while (e?.TypeCast) e = e.TypeCast.arg as typeof e;
  return e?.A_Const?.isnull === true;
}
