/**
 * Whether a statement can change places with its neighbours: moved to a migration of its
 * own right after its migration, a statement runs after every later statement of its up
 * section, and the statement that undid it runs before every earlier one of the down.
 * That is only the same migration when none of them depends on the order: a DROP COLUMN
 * after a DROP INDEX of an index on that column drops the index itself (the moved DROP
 * INDEX then fails), a RENAME after a CREATE INDEX leaves the moved one naming a table
 * that is gone, an INSERT after dropping a unique index relies on it being gone.
 */
import type { Statement } from '../../ir/types.js';
import { nameParts } from '../../pg/ast.js';
import { mentions } from './locate.js';

/** What a statement that may move touches. */
export interface Touched {
  /** The index it creates or drops (or reindexes), when it names one. */
  index?: string;
  /** The table it acts on; undefined when unknown (a DROP INDEX of an index nobody saw created). */
  table?: string;
  /** Other relations it names (a partition it detaches). */
  others: string[];
  /**
   * Whether statements that only read the table can tell it moved: a unique index (what a
   * foreign key or ON CONFLICT relies on), an index dropped, a partition detached. A plain
   * index built, or rebuilt, changes no answer.
   */
  visible: boolean;
}

/** ALTER TABLE subcommands that leave the table's columns, and the indexes on them, as they are. */
const KEEPS_COLUMNS = new Set([
  'AT_AddColumn',
  'AT_ColumnDefault',
  'AT_SetNotNull',
  'AT_DropNotNull',
  'AT_AddConstraint',
  'AT_ValidateConstraint',
  'AT_DropConstraint',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
]);

/** Statements that never read or change what is in a table. */
const SCHEMA_ONLY = new Set(['CommentStmt', 'CreateFunctionStmt', 'CreateEnumStmt', 'CreateDomainStmt', 'CompositeTypeStmt', 'CreateSeqStmt', 'CreateSchemaStmt', 'CreateExtensionStmt', 'GrantStmt', 'VariableSetStmt']);

const last = (parts: string[]) => parts[parts.length - 1];

/**
 * Whether an ALTER TABLE leaves the columns an index can be on as they were. Passing an
 * ADD COLUMN on the way back (`earlier`) would leave the index before its column exists.
 */
function keepsColumns(s: Statement, way: Way): boolean {
  if (s.kind !== 'AlterTableStmt') return false;
  return (s.node?.cmds ?? []).every((c: any) => {
    const subtype = c.AlterTableCmd?.subtype;
    return KEEPS_COLUMNS.has(subtype) && !(way === 'earlier' && subtype === 'AT_AddColumn');
  });
}

/** Which way the statement moves past `other`: after it (the up), or before it (the down's undoing statement). */
export type Way = 'later' | 'earlier';

/** What a statement that may move touches, `table` given by the rule when it knows it. */
export function touchedBy(stmt: Statement, table: string | undefined): Touched {
  const n = stmt.node ?? {};
  switch (stmt.kind) {
    case 'IndexStmt':
      return { index: n.idxname, table: n.relation?.relname ?? table, others: [], visible: !!n.unique };
    case 'DropStmt': {
      const objects = n.objects ?? [];
      return { index: objects.length === 1 ? last(nameParts(objects[0].List?.items)) : undefined, table, others: [], visible: true };
    }
    case 'ReindexStmt':
      return n.kind === 'REINDEX_OBJECT_INDEX'
        ? { index: n.relation?.relname, table, others: [], visible: false }
        : { table: n.relation?.relname ?? table, others: [], visible: false };
    default: {
      // DETACH PARTITION and the like: every relation the statement names (RangeVars, wrapped or not).
      const names: string[] = [];
      const visit = (v: any): void => {
        if (!v || typeof v !== 'object') return;
        if (Array.isArray(v)) return v.forEach(visit);
        if (typeof v.relname === 'string') names.push(v.relname);
        for (const k in v) visit(v[k]);
      };
      visit(n.cmds);
      return { table: n.relation?.relname ?? table, others: names.filter((x) => x !== n.relation?.relname), visible: true };
    }
  }
}

/**
 * Whether `other` must stay on its side of the moved statement, moving `way` past it.
 * Without the table known, any statement that could reach an unknown table counts.
 */
export function orderMatters(t: Touched, other: Statement, way: Way): boolean {
  const n = other.node;
  if (!n) return true;
  // These can drop a table or index without naming it.
  if (other.kind === 'DropStmt' && (n.behavior === 'DROP_CASCADE' || n.removeType === 'OBJECT_SCHEMA' || n.removeType === 'OBJECT_EXTENSION')) return true;
  if (other.kind === 'DropOwnedStmt' || other.kind === 'DoStmt' || other.kind === 'CallStmt') return true;
  if (t.index !== undefined && mentions(n, t.index)) return true;
  if (SCHEMA_ONLY.has(other.kind)) return false;
  const reliesOnKeys = t.visible && mentions(n, 'CONSTR_FOREIGN');
  if (t.table === undefined) {
    // Which statements name the table is unknown: only those that leave every table's columns and rows alone pass.
    return !(other.kind === 'IndexStmt' || ((keepsColumns(other, way) || other.kind === 'CreateStmt') && !reliesOnKeys));
  }
  const names = [t.table, ...t.others];
  if (!names.some((name) => mentions(n, name))) return false;
  // Another index on the table: built either way.
  if (other.kind === 'IndexStmt') return false;
  // The table's columns stay: only a statement that relies on the moved one can tell.
  if (keepsColumns(other, way) && n.relation?.relname === t.table) return reliesOnKeys;
  // It reads the table (a foreign key to it, a view, rows written or read): only visible moves matter.
  const reads = keepsColumns(other, way) || ['CreateStmt', 'ViewStmt', 'CreateTableAsStmt', 'SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'CopyStmt', 'MergeStmt'].includes(other.kind);
  return reads ? t.visible : true;
}
