import type { Statement } from '../ir/types.js';

/**
 * Which migration a "relation does not exist" failure is waiting for. When an up does not
 * run (it failed, or it waited for another), the relations it would have made are noted;
 * a later up that fails for want of one of them depends on that migration, which is more
 * to the point than the last migration with a call migratelint could not lower.
 */

/** The relations (tables, views, materialized views, a table's new name) an up's statements make, by unqualified name. */
export function createdRelations(statements: readonly Statement[]): string[] {
  const out: string[] = [];
  for (const s of statements) {
    const n = s.node as Record<string, any> | undefined;
    if (!n) continue;
    if (s.kind === 'CreateStmt') out.push(n.relation?.relname);
    else if (s.kind === 'ViewStmt') out.push(n.view?.relname);
    else if (s.kind === 'CreateTableAsStmt') out.push(n.into?.rel?.relname);
    else if (s.kind === 'RenameStmt' && n.renameType === 'OBJECT_TABLE') out.push(n.newname);
  }
  return out.filter((name): name is string => typeof name === 'string');
}

/**
 * The relation a PostgreSQL error says is missing (`relation "shop_order" does not exist`,
 * schema-qualified or not), unqualified; undefined for other errors. The message is the
 * server's own English text, which clients receive as it is.
 */
export function missingRelation(message: string): string | undefined {
  const m = /^relation "([^"]+)" does not exist/.exec(message);
  return m ? m[1].slice(m[1].lastIndexOf('.') + 1) : undefined;
}
