/**
 * The schema events of CREATE TABLE and ALTER TABLE: columns with their types,
 * defaults and nullability, and constraints with their validated state.
 */
import { isNullConstant, nameParts } from '../pg/ast.js';
import { sqlType, type SqlType } from '../pg/types.js';
import type { ColumnSpec, ConstraintKind, ConstraintSpec, SchemaEvent } from './events.js';

const CONSTRAINT_KINDS: Record<string, ConstraintKind> = {
  CONSTR_CHECK: 'check',
  CONSTR_NOTNULL: 'not-null',
  CONSTR_PRIMARY: 'primary',
  CONSTR_UNIQUE: 'unique',
  CONSTR_FOREIGN: 'foreign',
  CONSTR_EXCLUSION: 'exclusion',
};

/** What a serial column is once created: the integer type under its sequence default. */
const SERIAL_STORAGE: Record<string, string> = {
  smallserial: 'int2',
  serial2: 'int2',
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
};

/** PostgreSQL's identifiers are cut at 63 bytes; a longer generated name is not predicted. */
const MAX_NAME = 63;

/** The column's type as the catalog stores it, without the parser's location. */
export function storedType(typeName: unknown): SqlType | undefined {
  const t = sqlType(typeName);
  if (!t) return undefined;
  const { location: _location, ...type } = t;
  const serial = type.builtin && !type.array ? SERIAL_STORAGE[type.name] : undefined;
  return serial ? { ...type, name: serial } : type;
}

function collationOf(def: any): string[] | undefined {
  const parts = nameParts(def?.collClause?.collname);
  return parts.length ? parts : undefined;
}

/** The column `CHECK (col IS NOT NULL)` proves holds no NULL, when the expression is exactly that. */
export function checkedNotNullColumn(expr: any): string | undefined {
  const test = expr?.NullTest;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = nameParts(test.arg?.ColumnRef?.fields);
  return fields[fields.length - 1];
}

/** The first column a CHECK expression names: PostgreSQL names an unnamed CHECK after it. */
function firstColumn(expr: unknown): string | undefined {
  let found: string | undefined;
  const visit = (value: unknown): void => {
    if (found !== undefined || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    const ref = (value as { ColumnRef?: { fields?: unknown } }).ColumnRef;
    if (ref) {
      const parts = nameParts(ref.fields);
      found = parts[parts.length - 1];
      return;
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(expr);
  return found;
}

/** The name PostgreSQL gives an unnamed constraint, when it is predictable (no clash, not too long). */
function defaultName(table: string, con: any, kind: ConstraintKind, column: string | undefined): string | undefined {
  const keys = nameParts(con.keys);
  let name: string | undefined;
  if (kind === 'primary') name = `${table}_pkey`;
  else if (kind === 'check') {
    const named = column ?? firstColumn(con.raw_expr);
    name = named === undefined ? `${table}_check` : `${table}_${named}_check`;
  }
  else if (kind === 'unique') name = `${table}_${(column ? [column] : keys).join('_')}_key`;
  else if (kind === 'foreign') name = `${table}_${(column ? [column] : nameParts(con.fk_attrs)).join('_')}_fkey`;
  else if (kind === 'not-null' && (column ?? keys[0])) name = `${table}_${column ?? keys[0]}_not_null`;
  return name && name.length <= MAX_NAME ? name : undefined;
}

/**
 * A constraint, written on a column (`column` set) or on the table. Undefined for the
 * ones that are not constraints in the catalog (DEFAULT, NULL, GENERATED, ...).
 */
function constraintSpec(table: string, con: any, column?: string): ConstraintSpec | undefined {
  const kind = CONSTRAINT_KINDS[con?.contype];
  if (!kind) return undefined;
  const name: string | undefined = con.conname ?? defaultName(table, con, kind, column);
  let notNullColumn: string | undefined;
  if (kind === 'check') notNullColumn = checkedNotNullColumn(con.raw_expr);
  else if (kind === 'not-null') notNullColumn = column ?? nameParts(con.keys)[0];
  const keyColumns = kind === 'primary' ? (column ? [column] : nameParts(con.keys)) : undefined;
  return {
    ...(name ? { name } : {}),
    kind,
    ...(notNullColumn ? { notNullColumn } : {}),
    ...(keyColumns ? { keyColumns } : {}),
    validated: !con.skip_validation,
  };
}

/** A column definition and the constraints written on it. */
function columnOf(table: string, def: any): { column: ColumnSpec; constraints: ConstraintSpec[] } {
  let notNull = false;
  let hasDefault = false;
  const constraints: ConstraintSpec[] = [];
  for (const c of def.constraints ?? []) {
    const con = c?.Constraint;
    if (!con) continue;
    if (con.contype === 'CONSTR_NOTNULL' || con.contype === 'CONSTR_PRIMARY') notNull = true;
    else if (con.contype === 'CONSTR_DEFAULT') hasDefault = !isNullConstant(con.raw_expr);
    else if (con.contype === 'CONSTR_IDENTITY' || (con.contype === 'CONSTR_GENERATED' && con.generated_kind !== 'v')) hasDefault = true;
    // A column NOT NULL is the column's own flag, not a constraint a later VALIDATE could name (before 18).
    if (con.contype === 'CONSTR_NOTNULL') continue;
    const spec = constraintSpec(table, con, def.colname);
    if (spec) constraints.push(spec);
  }
  const type = storedType(def.typeName);
  if (type && SERIAL_STORAGE[sqlType(def.typeName)?.name ?? ''] && !type.array) hasDefault = true;
  const collation = collationOf(def);
  return {
    column: { name: def.colname, ...(type ? { type } : {}), ...(collation ? { collation } : {}), notNull, hasDefault },
    constraints,
  };
}

/** CREATE TABLE: the table, its columns and constraints. */
export function createTableEvents(node: any): SchemaEvent[] {
  const table: string | undefined = node.relation?.relname;
  if (!table) return [];
  const columns: ColumnSpec[] = [];
  const constraints: ConstraintSpec[] = [];
  let complete = !node.partbound && !(node.inhRelations ?? []).length && !node.ofTypename;
  for (const el of node.tableElts ?? []) {
    if (el.ColumnDef?.colname) {
      const c = columnOf(table, el.ColumnDef);
      columns.push(c.column);
      constraints.push(...c.constraints);
    } else if (el.Constraint) {
      const spec = constraintSpec(table, el.Constraint);
      if (spec) constraints.push(spec);
    } else {
      // LIKE other_table: columns the model cannot list.
      complete = false;
    }
  }
  for (const pk of constraints) {
    if (pk.kind !== 'primary') continue;
    for (const c of columns) if (pk.keyColumns?.includes(c.name)) c.notNull = true;
  }
  return [{ kind: 'create-relation', relation: table, relkind: 'table', columns, constraints, complete }];
}

/** One ALTER TABLE subcommand on `table`. */
function alterCommandEvents(table: string, cmd: any): SchemaEvent[] {
  const column: string | undefined = cmd.name;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def?.ColumnDef;
      if (!def?.colname) return [];
      const c = columnOf(table, def);
      return [
        { kind: 'add-column', table, column: c.column, ifNotExists: !!cmd.missing_ok },
        ...c.constraints.map((constraint): SchemaEvent => ({ kind: 'add-constraint', table, constraint })),
      ];
    }
    case 'AT_DropColumn':
      return column ? [{ kind: 'drop-column', table, column }] : [];
    case 'AT_AlterColumnType': {
      const def = cmd.def?.ColumnDef;
      if (!column) return [];
      const type = storedType(def?.typeName);
      const collation = collationOf(def);
      return [{ kind: 'column-type', table, column, ...(type ? { type } : {}), ...(collation ? { collation } : {}) }];
    }
    case 'AT_ColumnDefault':
      return column ? [{ kind: 'column-default', table, column, hasDefault: !!cmd.def && !isNullConstant(cmd.def) }] : [];
    case 'AT_SetNotNull':
      return column ? [{ kind: 'column-not-null', table, column, notNull: true }] : [];
    case 'AT_DropNotNull':
      return column ? [{ kind: 'column-not-null', table, column, notNull: false }] : [];
    case 'AT_AddConstraint': {
      const con = cmd.def?.Constraint;
      const constraint = constraintSpec(table, con);
      if (!constraint) return [];
      const events: SchemaEvent[] = [{ kind: 'add-constraint', table, constraint }];
      // ADD CONSTRAINT name UNIQUE USING INDEX idx renames the index to the constraint's name.
      if (con.indexname && con.conname && con.indexname !== con.conname) events.push({ kind: 'rename-index', from: con.indexname, to: con.conname });
      return events;
    }
    case 'AT_ValidateConstraint':
      return column ? [{ kind: 'validate-constraint', table, name: column }] : [];
    case 'AT_DropConstraint':
      return column ? [{ kind: 'drop-constraint', table, name: column }] : [];
    default:
      return [];
  }
}

const COLUMN_TABLES = new Set([undefined, 'OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE']);

/** ALTER TABLE (or ALTER FOREIGN TABLE): its subcommands' events, in order. */
export function alterTableEvents(node: any): SchemaEvent[] {
  const table: string | undefined = node.relation?.relname;
  if (!table || !COLUMN_TABLES.has(node.objtype)) return [];
  const events: SchemaEvent[] = [];
  for (const c of node.cmds ?? []) if (c.AlterTableCmd) events.push(...alterCommandEvents(table, c.AlterTableCmd));
  return events;
}
