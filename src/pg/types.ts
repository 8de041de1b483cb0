/**
 * Column types as the rules of the type catalog see them: a normalised view of a
 * parser `TypeName`, the list of type changes PostgreSQL performs without rewriting
 * the table, and what the statements of a section tell about the columns they create.
 */
import type { Statement } from '../ir/types.js';
import { nameParts, qualifiedName } from './ast.js';

export interface SqlType {
  /** The type's name as the catalog knows it, without `pg_catalog` (`varchar`, `int4`, `timestamptz`, `Foo`). */
  name: string;
  /** Schema, when written with one other than `pg_catalog`. */
  schema?: string;
  /** Whether this is (as written) a built-in type: no schema, or `pg_catalog`. */
  builtin: boolean;
  /** Integer type modifiers (`varchar(10)` → [10], `numeric(10,2)` → [10, 2]); empty when none. */
  mods: number[];
  /** Whether some modifier is not an integer literal (a user type's own modifiers). */
  oddMods: boolean;
  /** Whether the type is an array (`text[]`, `int ARRAY`). */
  array: boolean;
  /** Byte location of the type in the parsed SQL. */
  location?: number;
}

/** Normalises a parser `TypeName` node (the bare object). */
export function sqlType(typeName: any): SqlType | undefined {
  const parts = nameParts(typeName?.names);
  if (parts.length === 0) return undefined;
  let schema: string | undefined;
  const name = parts[parts.length - 1];
  if (parts.length > 1) schema = parts[parts.length - 2];
  if (schema === 'pg_catalog') schema = undefined;
  const mods: number[] = [];
  let oddMods = false;
  for (const m of typeName.typmods ?? []) {
    const value = m?.A_Const?.ival;
    if (value && typeof value === 'object') mods.push(typeof value.ival === 'number' ? value.ival : 0);
    else oddMods = true;
  }
  return {
    name,
    ...(schema ? { schema } : {}),
    builtin: schema === undefined,
    mods,
    oddMods,
    array: Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0,
    location: typeof typeName.location === 'number' && typeName.location >= 0 ? typeName.location : undefined,
  };
}

export const SERIAL_TYPES: Record<string, string> = {
  smallserial: 'smallint',
  serial2: 'smallint',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
};

const DISPLAY: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

const INTERVAL_FULL_RANGE = 0x7fff;
const INTERVAL_FULL_PRECISION = 0xffff;
/** Field bits of an interval typmod (`src/include/utils/datetime.h`). */
const INTERVAL_FIELDS: [number, string][] = [
  [1 << 2, 'year'],
  [1 << 1, 'month'],
  [1 << 3, 'day'],
  [1 << 10, 'hour'],
  [1 << 11, 'minute'],
  [1 << 12, 'second'],
];

/** The type as a person would write it (`varchar(10)`, `numeric(10,2)`, `integer[]`). */
export function formatType(t: SqlType): string {
  let base = t.builtin ? (DISPLAY[t.name] ?? t.name) : `${t.schema}.${t.name}`;
  if (t.name === 'interval' && t.builtin) {
    const [range = INTERVAL_FULL_RANGE, precision = INTERVAL_FULL_PRECISION] = t.mods;
    if (range !== INTERVAL_FULL_RANGE) {
      const fields = INTERVAL_FIELDS.filter(([bit]) => range & bit).map(([, word]) => word);
      if (fields.length) base += ` ${fields[0]}${fields.length > 1 ? ` to ${fields[fields.length - 1]}` : ''}`;
    }
    if (precision !== INTERVAL_FULL_PRECISION) base += `(${precision})`;
  } else if (t.mods.length) {
    base += `(${t.mods.join(',')})`;
  }
  return t.array ? `${base}[]` : base;
}

function sameType(a: SqlType, b: SqlType): boolean {
  return (
    a.name === b.name &&
    a.schema === b.schema &&
    a.array === b.array &&
    !a.oddMods &&
    !b.oddMods &&
    a.mods.length === b.mods.length &&
    a.mods.every((m, i) => m === b.mods[i])
  );
}

const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz']);
/** Fractional-second precision of a time type; unspecified means the maximum, 6. */
const timePrecision = (t: SqlType) => t.mods[0] ?? 6;

function intervalParts(t: SqlType): { range: number; precision: number } {
  const [range = INTERVAL_FULL_RANGE, precision = INTERVAL_FULL_PRECISION] = t.mods;
  return { range, precision: precision === INTERVAL_FULL_PRECISION ? 6 : precision };
}

export interface TypeChangeOptions {
  /** Major version of the server. */
  pgVersion: number;
  /** Whether the session time zone is known to be UTC when the migration runs. */
  utcTimeZone: boolean;
}

/**
 * Whether `ALTER COLUMN ... TYPE to` on a column of type `from` rewrites the table.
 * False only for the changes PostgreSQL is known to perform in the catalog alone:
 * the same type; varchar(n) → varchar(m ≥ n), varchar, text; text → varchar;
 * numeric(p,s) → numeric(q ≥ p, s) or numeric; varbit(n) → varbit(m ≥ n) or varbit;
 * bit(n) → varbit; a time type to the same type with no less precision; interval
 * with the same fields and no less precision, or to plain interval; cidr → inet;
 * xml → text; and timestamp ↔ timestamptz when the session time zone is UTC (12+).
 * Array and user-defined types count as rewriting unless unchanged.
 */
export function typeChangeRewrites(from: SqlType, to: SqlType, opts: TypeChangeOptions): boolean {
  if (sameType(from, to)) return false;
  if (from.array || to.array || !from.builtin || !to.builtin || from.oddMods || to.oddMods) return true;
  const f = from.name;
  const t = to.name;
  if (f === 'varchar' && t === 'varchar') return !(to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]));
  if ((f === 'varchar' || f === 'text') && t === 'text') return false;
  if (f === 'text' && t === 'varchar') return to.mods.length > 0;
  if (f === 'numeric' && t === 'numeric') {
    if (to.mods.length === 0) return false;
    if (from.mods.length === 0) return true;
    return (from.mods[1] ?? 0) !== (to.mods[1] ?? 0) || to.mods[0] < from.mods[0];
  }
  if (f === 'varbit' && t === 'varbit') return !(to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]));
  if (f === 'bit' && t === 'varbit') return to.mods.length > 0;
  if (TIME_TYPES.has(f) && f === t) return timePrecision(to) < timePrecision(from);
  if ((f === 'timestamp' && t === 'timestamptz') || (f === 'timestamptz' && t === 'timestamp')) {
    return !(opts.utcTimeZone && opts.pgVersion >= 12 && timePrecision(to) >= timePrecision(from));
  }
  if (f === 'interval' && t === 'interval') {
    if (to.mods.length === 0) return false;
    const a = intervalParts(from);
    const b = intervalParts(to);
    return a.range !== b.range || b.precision < a.precision;
  }
  if (f === 'cidr' && t === 'inet') return false;
  if (f === 'xml' && t === 'text') return false;
  return true;
}

/**
 * For a change whose old type is unknown: whether the new type is text or unbounded
 * varchar, the target that is catalog-only from every type a column is realistically
 * widened from (varchar of any length, or text).
 */
export function isUnboundedText(t: SqlType): boolean {
  return t.builtin && !t.array && (t.name === 'text' || (t.name === 'varchar' && t.mods.length === 0));
}

/** Words naming the old types from which a change to `to` needs no rewrite, for messages. */
export function noRewriteSources(to: SqlType, opts: TypeChangeOptions): string | undefined {
  if (!to.builtin || to.array) return undefined;
  const shown = formatType(to);
  switch (to.name) {
    case 'varchar':
      return to.mods.length ? `varchar(n) with n ≤ ${to.mods[0]}` : 'varchar or text';
    case 'numeric':
      return to.mods.length ? `numeric(p,${to.mods[1] ?? 0}) with p ≤ ${to.mods[0]}` : 'numeric';
    case 'varbit':
      return to.mods.length ? `varbit(n) with n ≤ ${to.mods[0]}` : 'varbit or bit(n)';
    case 'timestamptz':
    case 'timestamp': {
      const other = to.name === 'timestamp' ? 'timestamptz' : 'timestamp';
      const p = timePrecision(to);
      const self = p < 6 ? `${to.name}(n) with n ≤ ${p}` : `already ${to.name}`;
      const swap = opts.pgVersion >= 12 ? `, or ${other}${p < 6 ? `(n ≤ ${p})` : ''} with the session time zone UTC` : '';
      return self + swap;
    }
    case 'time':
    case 'timetz':
      return timePrecision(to) < 6 ? `${to.name}(n) with n ≤ ${timePrecision(to)}` : `${to.name}`;
    case 'inet':
      return 'inet or cidr';
    case 'text':
      return 'text, varchar or xml';
    default:
      return `already ${shown}`;
  }
}

// ---------------------------------------------------------------------------
// Columns the section itself creates

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
export function* columnTypeUses(statements: Iterable<Statement>): Generator<ColumnTypeUse> {
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
