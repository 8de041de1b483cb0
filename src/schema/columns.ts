/**
 * What the statements of a section (and the up section, for a down) tell about the
 * columns and objects they create: replayed statically, queried by rules.
 */
import type { Statement } from '../ir/types.js';
import { nameParts, qualifiedName } from '../pg/ast.js';
import { sqlType, type SqlType } from '../pg/types.js';

export interface KnownColumn {
  table: string;
  column: string;
  type: SqlType;
  /** `COLLATE` written on the column, as name parts. */
  collation?: string[];
  /** Whether the column came with a CREATE TABLE (true) or an ALTER TABLE ADD COLUMN (false). */
  withTable: boolean;
}

/**
 * Replays a section's statements and records, for each statement node that changes,
 * drops or renames a column, what the section had said about that column before it:
 * its type when the section created it. Columns of tables the section did not create
 * and did not ADD are unknown (`undefined`): their type lives in earlier migrations.
 */
export class ColumnHistory {
  private readonly before = new WeakMap<object, KnownColumn | null>();

  constructor(statements: readonly Statement[]) {
    const tables = new Map<string, Map<string, KnownColumn>>();
    const table = (name: string) => {
      let t = tables.get(name);
      if (!t) tables.set(name, (t = new Map()));
      return t;
    };
    const record = (node: object, state: KnownColumn | undefined) => {
      if (!this.before.has(node)) this.before.set(node, state ? { ...state } : null);
    };
    // Only column changes, drops and renames record anything; most sections have none,
    // and replaying their CREATE TABLEs for nothing was a visible share of lint time.
    if (!statements.some(mayRecord)) return;
    for (const s of statements) {
      const n = s.node;
      if (!n) continue;
      if (s.kind === 'CreateStmt' && n.relation?.relname) {
        const name = n.relation.relname as string;
        const cols = new Map<string, KnownColumn>();
        tables.set(name, cols);
        for (const el of n.tableElts ?? []) {
          const def = el.ColumnDef;
          const type = def && sqlType(def.typeName);
          if (!def?.colname || !type) continue;
          cols.set(def.colname, { table: name, column: def.colname, type, collation: collation(def), withTable: true });
        }
      } else if (s.kind === 'AlterTableStmt' && (!n.objtype || n.objtype === 'OBJECT_TABLE') && n.relation?.relname) {
        const name = n.relation.relname as string;
        for (const cmd of n.cmds ?? []) {
          const c = cmd.AlterTableCmd;
          if (!c) continue;
          const cols = tables.get(name);
          switch (c.subtype) {
            case 'AT_AddColumn': {
              const def = c.def?.ColumnDef;
              const type = def && sqlType(def.typeName);
              if (!def?.colname || !type) break;
              if (c.missing_ok && cols?.has(def.colname)) break;
              table(name).set(def.colname, { table: name, column: def.colname, type, collation: collation(def), withTable: false });
              break;
            }
            case 'AT_AlterColumnType': {
              const known = c.name ? cols?.get(c.name) : undefined;
              record(c, known);
              const def = c.def?.ColumnDef;
              const type = def && sqlType(def.typeName);
              if (known && type) cols!.set(c.name, { ...known, type, collation: collation(def) ?? known.collation });
              break;
            }
            case 'AT_DropColumn':
              record(c, c.name ? cols?.get(c.name) : undefined);
              if (c.name) cols?.delete(c.name);
              break;
            case 'AT_DropNotNull':
            case 'AT_SetNotNull':
            case 'AT_ColumnDefault':
              record(c, c.name ? cols?.get(c.name) : undefined);
              break;
          }
        }
      } else if (s.kind === 'RenameStmt' && n.relation?.relname) {
        const name = n.relation.relname as string;
        if (n.renameType === 'OBJECT_COLUMN') {
          const cols = tables.get(name);
          const known = n.subname ? cols?.get(n.subname) : undefined;
          record(n, known);
          if (known && n.newname) {
            cols!.delete(n.subname);
            cols!.set(n.newname, { ...known, column: n.newname });
          }
        } else if (n.renameType === 'OBJECT_TABLE' && n.newname) {
          const cols = tables.get(name);
          tables.delete(name);
          if (cols) tables.set(n.newname, new Map([...cols].map(([k, v]) => [k, { ...v, table: n.newname }])));
        }
      } else if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_TABLE') {
        for (const o of n.objects ?? []) {
          const parts = nameParts(o.List?.items);
          if (parts.length) tables.delete(parts[parts.length - 1]);
        }
      }
    }
  }

  /**
   * What the section knew about the column a node acts on (an `AlterTableCmd` body
   * or a column `RenameStmt`), just before it. Defined only for columns this section
   * created, by CREATE TABLE or ADD COLUMN.
   */
  columnBefore(node: object): KnownColumn | undefined {
    return this.before.get(node) ?? undefined;
  }
}

const RECORDED_SUBTYPES = new Set(['AT_AlterColumnType', 'AT_DropColumn', 'AT_DropNotNull', 'AT_SetNotNull', 'AT_ColumnDefault']);

/** Whether the constructor's replay would call `record` for this statement. */
function mayRecord(s: Statement): boolean {
  const n = s.node;
  if (!n) return false;
  if (s.kind === 'RenameStmt') return n.renameType === 'OBJECT_COLUMN' && !!n.relation?.relname;
  if (s.kind !== 'AlterTableStmt' || (n.objtype && n.objtype !== 'OBJECT_TABLE') || !n.relation?.relname) return false;
  for (const cmd of n.cmds ?? []) if (RECORDED_SUBTYPES.has(cmd.AlterTableCmd?.subtype)) return true;
  return false;
}

function collation(def: any): string[] | undefined {
  const parts = nameParts(def?.collClause?.collname);
  return parts.length ? parts : undefined;
}

const histories = new WeakMap<readonly Statement[], ColumnHistory>();

/** The (cached) column history of a section's statements. */
export function columnHistory(statements: readonly Statement[]): ColumnHistory {
  let h = histories.get(statements);
  if (!h) histories.set(statements, (h = new ColumnHistory(statements)));
  return h;
}

// ---------------------------------------------------------------------------
// Column definitions, for the rules about type choices

export interface ColumnTypeUse {
  stmt: Statement;
  /** Table name (without schema). */
  table: string;
  column: string;
  /** The parser's TypeName node. */
  typeName: any;
  type: SqlType;
  /** The ColumnDef node (for CREATE TABLE and ADD COLUMN; for ALTER TYPE, the one holding the new type). */
  def: any;
  where: 'create-table' | 'add-column' | 'alter-type';
  /** Whether the column is (part of) the table's primary key as written in this statement. */
  primaryKey: boolean;
  /** The CreateStmt node, for CREATE TABLE. */
  createStmt?: any;
}

/** Whether a column definition carries a constraint of this kind (no set per column: this runs for every column, for several rules). */
function hasConstraint(def: any, contype: string): boolean {
  for (const c of def?.constraints ?? []) if (c.Constraint?.contype === contype) return true;
  return false;
}

/** Every column type a statement list writes: CREATE TABLE columns, ADD COLUMN and ALTER COLUMN ... TYPE. */
function* columnTypeUses(statements: Iterable<Statement>): Generator<ColumnTypeUse> {
  for (const stmt of statements) {
    const n = stmt.node;
    if (!n) continue;
    if (stmt.kind === 'CreateStmt') {
      const pk = new Set<string>();
      for (const el of n.tableElts ?? []) {
        const c = el.Constraint;
        if (c?.contype === 'CONSTR_PRIMARY') for (const k of nameParts(c.keys)) pk.add(k);
      }
      for (const el of n.tableElts ?? []) {
        const def = el.ColumnDef;
        const type = def && sqlType(def.typeName);
        if (!def || !type) continue;
        yield {
          stmt,
          table: n.relation?.relname ?? '?',
          column: def.colname,
          typeName: def.typeName,
          type,
          def,
          where: 'create-table',
          primaryKey: pk.has(def.colname) || hasConstraint(def, 'CONSTR_PRIMARY'),
          createStmt: n,
        };
      }
    } else if (stmt.kind === 'AlterTableStmt' && (!n.objtype || n.objtype === 'OBJECT_TABLE')) {
      for (const cmd of n.cmds ?? []) {
        const c = cmd.AlterTableCmd;
        const def = c?.def?.ColumnDef;
        const type = def && sqlType(def.typeName);
        if (!type) continue;
        if (c.subtype === 'AT_AddColumn') {
          yield {
            stmt,
            table: n.relation?.relname ?? '?',
            column: def.colname,
            typeName: def.typeName,
            type,
            def,
            where: 'add-column',
            primaryKey: hasConstraint(def, 'CONSTR_PRIMARY'),
          };
        } else if (c.subtype === 'AT_AlterColumnType') {
          yield {
            stmt,
            table: n.relation?.relname ?? '?',
            column: c.name,
            typeName: def.typeName,
            type,
            def,
            where: 'alter-type',
            primaryKey: false,
          };
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// What the up section creates, for rules that let a down migration undo it

export interface UpCreations {
  tables: Set<string>;
  /** `table.column`, for columns of created tables and ADDed columns. */
  columns: Set<string>;
  schemas: Set<string>;
  databases: Set<string>;
}

const upCache = new WeakMap<object, UpCreations>();

/**
 * The tables, columns, schemas and databases a migration's up section creates (names
 * without schema), so a down migration that drops them, undoing the up, is not reported.
 */
export function createdInUp(migration: { up: { statements: readonly Statement[] } }): UpCreations {
  const cached = upCache.get(migration.up);
  if (cached) return cached;
  const out: UpCreations = { tables: new Set(), columns: new Set(), schemas: new Set(), databases: new Set() };
  for (const s of migration.up.statements) {
    const n = s.node;
    if (!n) continue;
    if (s.kind === 'CreateStmt' && n.relation?.relname) {
      out.tables.add(n.relation.relname);
      for (const el of n.tableElts ?? []) if (el.ColumnDef?.colname) out.columns.add(`${n.relation.relname}.${el.ColumnDef.colname}`);
    } else if (s.kind === 'CreateTableAsStmt' && n.into?.rel?.relname) {
      out.tables.add(n.into.rel.relname);
    } else if (s.kind === 'AlterTableStmt' && n.relation?.relname) {
      for (const cmd of n.cmds ?? []) {
        const c = cmd.AlterTableCmd;
        if (c?.subtype === 'AT_AddColumn' && c.def?.ColumnDef?.colname) out.columns.add(`${n.relation.relname}.${c.def.ColumnDef.colname}`);
      }
    } else if (s.kind === 'CreateSchemaStmt' && n.schemaname) {
      out.schemas.add(n.schemaname);
    } else if (s.kind === 'CreatedbStmt' && n.dbname) {
      out.databases.add(n.dbname);
    }
  }
  upCache.set(migration.up, out);
  return out;
}

/**
 * The column types an up section writes (CREATE TABLE, ADD COLUMN, ALTER COLUMN ... TYPE),
 * for the rules about type choices. Down migrations are left alone: they recreate what
 * the up removed, as it was.
 */
export function upColumnTypes(ctx: { sectionName: 'up' | 'down'; statements: Iterable<Statement> }): ColumnTypeUse[] {
  return ctx.sectionName === 'up' ? [...columnTypeUses(ctx.statements)] : [];
}

/** `events.payload`, for messages. */
export function columnLabel(use: ColumnTypeUse): string {
  return `${qualifiedName(use.stmt.node.relation)}.${use.column}`;
}
