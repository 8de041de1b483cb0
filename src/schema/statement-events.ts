/**
 * What one statement does to the schema, read from its AST. A statement the model
 * does not follow gives no events: what it changed stays as the model knew it, or
 * unknown.
 */
import type { Statement } from '../ir/types.js';
import { nameParts } from '../pg/ast.js';
import type { RelationKind, SchemaEvent } from './events.js';
import { alterTableEvents, createTableEvents } from './table-events.js';
import { declaredFunction } from './function-declarations.js';

const RELATION_KINDS: Record<string, RelationKind> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized-view',
};

const TYPE_KINDS = new Set(['OBJECT_TYPE', 'OBJECT_DOMAIN']);

const lastOf = (parts: string[]) => parts[parts.length - 1];

/**
 * The relations a query reads, by bare name. A plain walk with no allocation per node:
 * views in real schemas are large, and this runs for each one replayed.
 */
function readRelations(query: unknown): string[] {
  const names = new Set<string>();
  const visit = (value: any): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    const rv = value.RangeVar;
    if (rv?.relname) names.add(rv.relname);
    for (const key in value) visit(value[key]);
  };
  visit(query);
  return [...names];
}

/** The name of an index CREATE INDEX gives no name to, for plain column lists (PostgreSQL's `table_col_idx`). */
function defaultIndexName(node: any): string | undefined {
  const columns: string[] = [];
  for (const p of node.indexParams ?? []) {
    const name = p.IndexElem?.name;
    if (!name) return undefined;
    columns.push(name);
  }
  const name = `${node.relation?.relname}_${columns.join('_')}_idx`;
  return columns.length && name.length <= 63 ? name : undefined;
}

function dropEvents(node: any): SchemaEvent[] {
  const events: SchemaEvent[] = [];
  const relkind = RELATION_KINDS[node.removeType];
  for (const o of node.objects ?? []) {
    if (relkind || node.removeType === 'OBJECT_INDEX') {
      const name = lastOf(nameParts(o.List?.items));
      if (!name) continue;
      events.push(relkind ? { kind: 'drop-relation', relation: name } : { kind: 'drop-index', index: name });
    } else if (TYPE_KINDS.has(node.removeType)) {
      const name = lastOf(nameParts(o.TypeName?.names ?? o.List?.items));
      if (name) events.push({ kind: 'drop-type', name });
    }
  }
  return events;
}

function renameEvents(node: any): SchemaEvent[] {
  const on: string | undefined = node.relation?.relname;
  const to: string | undefined = node.newname;
  if (!on || !to) return [];
  if (RELATION_KINDS[node.renameType]) return [{ kind: 'rename-relation', from: on, to }];
  if (node.renameType === 'OBJECT_COLUMN' && node.subname) return [{ kind: 'rename-column', table: on, from: node.subname, to }];
  if (node.renameType === 'OBJECT_TABCONSTRAINT' && node.subname) return [{ kind: 'rename-constraint', table: on, from: node.subname, to }];
  if (node.renameType === 'OBJECT_INDEX') return [{ kind: 'rename-index', from: on, to }];
  return [];
}

function createdTypeName(s: Statement): string | undefined {
  switch (s.kind) {
    case 'CreateEnumStmt':
    case 'CreateRangeStmt':
      return lastOf(nameParts(s.node.typeName));
    case 'CreateDomainStmt':
      return lastOf(nameParts(s.node.domainname));
    case 'CompositeTypeStmt':
      return s.node.typevar?.relname;
    default:
      return undefined;
  }
}

function eventsOf(s: Statement): SchemaEvent[] {
  const n = s.node;
  if (!n) return [];
  switch (s.kind) {
    case 'CreateStmt':
      return createTableEvents(n);
    case 'AlterTableStmt':
      return alterTableEvents(n);
    case 'CreateTableAsStmt': {
      const relation = n.into?.rel?.relname;
      if (!relation) return [];
      const relkind: RelationKind = n.objtype === 'OBJECT_MATVIEW' ? 'materialized-view' : 'table';
      return [{ kind: 'create-relation', relation, relkind, columns: [], constraints: [], complete: false, reads: readRelations(n.query) }];
    }
    case 'SelectStmt': {
      const relation = n.intoClause?.rel?.relname;
      return relation ? [{ kind: 'create-relation', relation, relkind: 'table', columns: [], constraints: [], complete: false }] : [];
    }
    case 'ViewStmt': {
      const relation = n.view?.relname;
      if (!relation) return [];
      return [{ kind: 'create-relation', relation, relkind: 'view', columns: [], constraints: [], complete: false, replace: !!n.replace, reads: readRelations(n.query) }];
    }
    case 'IndexStmt': {
      const index = n.idxname ?? defaultIndexName(n);
      const table = n.relation?.relname;
      return index && table ? [{ kind: 'create-index', index, table, unique: !!n.unique }] : [];
    }
    case 'DropStmt':
      return dropEvents(n);
    case 'RenameStmt':
      return renameEvents(n);
    case 'CreateFunctionStmt':
    case 'AlterFunctionStmt': {
      const d = declaredFunction(s);
      return d ? [{ kind: 'declare-function', ...d }] : [];
    }
    default: {
      const type = createdTypeName(s);
      return type ? [{ kind: 'create-type', name: type }] : [];
    }
  }
}

/** The schema events of a statement; none for one the model does not follow (or that did not parse). */
export function statementEvents(s: Statement): SchemaEvent[] {
  try {
    return eventsOf(s);
  } catch {
    // An AST shape not foreseen here must never stop a lint: the statement is then unknown.
    return [];
  }
}
