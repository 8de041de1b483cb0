/**
 * Alembic's `op.<method>(...)` schema calls as the SQL Alembic prints for PostgreSQL,
 * one handler per method. The same handlers serve `batch_op.<method>(...)` inside
 * `with op.batch_alter_table(...)`, where the table comes from the batch instead.
 */
import type { SyntaxNode } from '@lezer/common';
import { lit, q, qname } from './lower.js';
import { asCall, boolConst, dictOf, itemsOf, lastName, resolve, strConst, strOf, type Call, type Scope } from './values.js';
import {
  columnList,
  columnSql,
  foreignKeySql,
  isSerial,
  saColumn,
  saType,
  serverDefault,
  sqlExpression,
  tableConstraint,
  type SaColumn,
} from './sqlalchemy.js';
import { sqlalchemyTable } from './core.js';

export type TableArg = { name: string; schema?: string };

/** One `op.<method>(...)` call, its table resolved. */
interface OpCall {
  call: Call;
  scope: Scope;
  /** An argument by keyword, else by position; in a batch, positions skip the table argument. */
  arg(index: number, keyword?: string): SyntaxNode | undefined;
  table: TableArg;
  /** The table, quoted and schema-qualified. */
  t: string;
  /** Notes a part of the call that is printed only approximately. */
  unanalysed(node: SyntaxNode, reason: string): void;
  /**
   * Enum types already created by this migration's calls: SQLAlchemy remembers, for the run,
   * a named Enum it created for one table, and does not create it again for the next.
   */
  enums: Set<string>;
}

/** The SQL of one method; undefined when the call is not understood. */
type OpSql = (op: OpCall) => string[] | undefined;

/** Where the table argument sits in each `op.*` call (batch calls leave it out). */
const TABLE_POSITION: Record<string, number> = {
  add_column: 0,
  alter_column: 0,
  drop_column: 0,
  create_index: 1,
  drop_index: 1,
  create_foreign_key: 1,
  create_unique_constraint: 1,
  create_check_constraint: 1,
  create_primary_key: 1,
  create_exclude_constraint: 1,
  drop_constraint: 1,
};

/** A Map, not an object: a method named `constructor` must not find Object.prototype's. */
const OP_SQL = new Map<string, OpSql>(
  Object.entries({
    add_column: addColumn,
    drop_column: (op) => [`ALTER TABLE ${op.t} DROP COLUMN ${ifExists(op)}${q(named(op, op.arg(1, 'column_name'), 'column'))}`],
    alter_column: (op) => alterColumn(op.scope, op.call, op.t, named(op, op.arg(1, 'column_name'), 'column')),
    create_table: (op) => createTable(op.scope, op.call, op.table, op.t, ifNotExists(op), op.enums),
    drop_table: (op) => [`DROP TABLE ${ifExists(op)}${op.t}`],
    rename_table: (op) => [`ALTER TABLE ${op.t} RENAME TO ${q(named(op, op.arg(1, 'new_table_name'), 'new_table_name'))}`],
    create_index: createIndex,
    drop_index: dropIndex,
    create_foreign_key: createForeignKey,
    create_unique_constraint: createUniqueConstraint,
    create_primary_key: createPrimaryKey,
    create_check_constraint: createCheckConstraint,
    create_exclude_constraint: createExcludeConstraint,
    drop_constraint: (op) => [`ALTER TABLE ${op.t} DROP CONSTRAINT ${ifExists(op)}${q(named(op, op.arg(0, 'constraint_name'), 'constraint_name'))}`],
    create_table_comment: createTableComment,
    drop_table_comment: (op) => [`COMMENT ON TABLE ${op.t} IS NULL`],
    bulk_insert: bulkInsert,
  } satisfies Record<string, OpSql>),
);

/**
 * The SQL of `op.<method>(...)` (with `batch`, of `batch_op.<method>(...)`), or undefined
 * when the method is not one migratelint knows or the call is not understood.
 */
export function opSql(
  method: string,
  call: Call,
  scope: Scope,
  batch: TableArg | undefined,
  unanalysed: OpCall['unanalysed'],
  enums: Set<string> = new Set(),
): string[] | undefined {
  const lower = OP_SQL.get(method);
  if (!lower) return undefined;
  const tablePos = TABLE_POSITION[method];
  const arg = (i: number, kw?: string): SyntaxNode | undefined => {
    if (kw && call.kwargs.has(kw)) return call.kwargs.get(kw);
    if (batch && tablePos !== undefined) {
      if (i === tablePos) return undefined;
      return call.args[i > tablePos ? i - 1 : i];
    }
    return call.args[i];
  };
  const tableKw = method === 'create_foreign_key' ? 'source_table' : 'table_name';
  const schemaKw = method === 'create_foreign_key' ? 'source_schema' : 'schema';
  const table = batch ?? { name: tableName(scope, arg(tablePos ?? 0, tableKw)), schema: strConst(scope, call.kwargs.get(schemaKw)) };
  return lower({ call, scope, arg, table, t: qname(table.name, table.schema), unanalysed, enums });
}

/** A table name; one only known at run time prints as its expression: `{table_name}`. */
export function tableName(scope: Scope, node: SyntaxNode | undefined, what = 'table'): string {
  const v = strConst(scope, node);
  if (v !== undefined) return v;
  return node && node.name !== 'None' ? `{${scope.file.src(node).replace(/\s+/g, ' ').slice(0, 40)}}` : `{${what}}`;
}

const str = (op: OpCall, node: SyntaxNode | undefined) => strConst(op.scope, node);
/** A name only known at run time prints as its expression: `{constraint}`. */
const named = (op: OpCall, node: SyntaxNode | undefined, what: string) => str(op, node) ?? tableName(op.scope, node, what);
const flag = (op: OpCall, kw: string) => boolConst(op.scope, op.call.kwargs.get(kw)) === true;
const ifExists = (op: OpCall) => (flag(op, 'if_exists') ? 'IF EXISTS ' : '');
const ifNotExists = (op: OpCall) => (flag(op, 'if_not_exists') ? 'IF NOT EXISTS ' : '');
/** `CONSTRAINT "name" ` when the call names the constraint; PostgreSQL names it otherwise. */
const constraintName = (op: OpCall) => {
  const name = str(op, op.arg(0, 'constraint_name'));
  return name ? `CONSTRAINT ${q(name)} ` : '';
};

function addColumn(op: OpCall): string[] | undefined {
  const col = saColumn(op.scope, op.arg(1, 'column')!);
  if (!col) return undefined;
  return [`ALTER TABLE ${op.t} ADD COLUMN ${ifNotExists(op)}${columnSql(col)}`, ...columnExtras(op.table, op.t, col)];
}

function createIndex(op: OpCall): string[] | undefined {
  const { scope, call, table } = op;
  const name = named(op, op.arg(0, 'index_name'), 'index_name');
  const cols = columnList(scope, op.arg(2, 'columns'));
  if (!cols) return undefined;
  const ops = dictOf(scope, call.kwargs.get('postgresql_ops')) ?? [];
  const withOps = cols.map((c) => {
    const opclass = ops.find(([k]) => q(k) === c);
    const opclassName = opclass ? str(op, opclass[1]) : undefined;
    return opclassName ? `${c} ${opclassName}` : c;
  });
  const unique = flag(op, 'unique') ? 'UNIQUE ' : '';
  const concurrently = flag(op, 'postgresql_concurrently') ? 'CONCURRENTLY ' : '';
  const using = str(op, call.kwargs.get('postgresql_using'));
  const include = columnList(scope, call.kwargs.get('postgresql_include'));
  const where = call.kwargs.has('postgresql_where') ? sqlExpression(scope, call.kwargs.get('postgresql_where')) ?? 'true' : undefined;
  const schema = str(op, call.kwargs.get('schema'));
  return [
    `CREATE ${unique}INDEX ${concurrently}${ifNotExists(op)}${q(name)} ON ${qname(table.name, schema ?? table.schema)}${using ? ` USING ${using}` : ''} (${withOps.join(', ')})` +
      `${include?.length ? ` INCLUDE (${include.join(', ')})` : ''}${where ? ` WHERE ${where}` : ''}`,
  ];
}

function dropIndex(op: OpCall): string[] {
  const name = named(op, op.arg(0, 'index_name'), 'index_name');
  const concurrently = flag(op, 'postgresql_concurrently') ? 'CONCURRENTLY ' : '';
  return [`DROP INDEX ${concurrently}${ifExists(op)}${qname(name, str(op, op.call.kwargs.get('schema')) ?? op.table.schema)}`];
}

function createForeignKey(op: OpCall): string[] {
  const { scope, call } = op;
  const ref = tableName(scope, op.arg(2, 'referent_table'));
  const names = (node: SyntaxNode | undefined) => (itemsOf(scope, node) ?? (node ? [node] : [])).map((x) => str(op, x) ?? '{column}');
  const fk = foreignKeySql({
    columns: names(op.arg(3, 'local_cols')),
    refTable: ref,
    refSchema: str(op, call.kwargs.get('referent_schema')),
    refColumns: names(op.arg(4, 'remote_cols')),
    ondelete: str(op, call.kwargs.get('ondelete')),
    onupdate: str(op, call.kwargs.get('onupdate')),
    deferrable: boolConst(scope, call.kwargs.get('deferrable')),
    initially: str(op, call.kwargs.get('initially')),
    notValid: flag(op, 'postgresql_not_valid'),
  });
  return [`ALTER TABLE ${op.t} ADD ${constraintName(op)}${fk}`];
}

function createUniqueConstraint(op: OpCall): string[] {
  const cols = columnList(op.scope, op.arg(2, 'columns')) ?? [];
  const nulls = flag(op, 'postgresql_nulls_not_distinct') ? ' NULLS NOT DISTINCT' : '';
  const deferrable = op.call.kwargs.has('deferrable') ? (flag(op, 'deferrable') ? ' DEFERRABLE' : ' NOT DEFERRABLE') : '';
  return [`ALTER TABLE ${op.t} ADD ${constraintName(op)}UNIQUE${nulls} (${cols.join(', ')})${deferrable}`];
}

function createPrimaryKey(op: OpCall): string[] {
  const cols = columnList(op.scope, op.arg(2, 'columns')) ?? [];
  return [`ALTER TABLE ${op.t} ADD ${constraintName(op)}PRIMARY KEY (${cols.join(', ')})`];
}

function createCheckConstraint(op: OpCall): string[] {
  const cond = op.arg(2, 'condition');
  const expr = sqlExpression(op.scope, cond);
  if (expr === undefined) op.unanalysed(cond ?? op.call.node, 'check condition is a SQLAlchemy expression; printed as TRUE');
  const notValid = flag(op, 'postgresql_not_valid') ? ' NOT VALID' : '';
  return [`ALTER TABLE ${op.t} ADD ${constraintName(op)}CHECK (${expr ?? 'true'})${notValid}`];
}

function createExcludeConstraint(op: OpCall): string[] {
  const { scope, call } = op;
  // op.create_exclude_constraint(name, table, *elements); batch: (name, *elements)
  const elementsFrom = op.arg(1) === call.args[1] ? 2 : 1;
  const elements = call.args.slice(elementsFrom).map((el) => {
    const items = itemsOf(scope, el) ?? [];
    const col = columnList(scope, items[0])?.[0] ?? q('{column}');
    return `${col} WITH ${str(op, items[1]) ?? '='}`;
  });
  const using = str(op, call.kwargs.get('using')) ?? 'gist';
  const where = call.kwargs.has('where') ? sqlExpression(scope, call.kwargs.get('where')) ?? 'true' : undefined;
  return [`ALTER TABLE ${op.t} ADD ${constraintName(op)}EXCLUDE USING ${using} (${elements.join(', ')})${where ? ` WHERE (${where})` : ''}`];
}

function createTableComment(op: OpCall): string[] {
  const comment = str(op, op.arg(1, 'comment'));
  return [`COMMENT ON TABLE ${op.t} IS ${comment === undefined ? 'NULL' : lit(comment)}`];
}

/** `op.bulk_insert(table, rows)`: one INSERT, its values as parameters. */
function bulkInsert(op: OpCall): string[] | undefined {
  const { scope, call } = op;
  const target = sqlalchemyTable(scope, call.args[0]);
  if (!target) return undefined;
  const rows = itemsOf(scope, call.args[1]) ?? [];
  const cols = rows.length ? (dictOf(scope, rows[0]) ?? []).map(([k]) => k) : [];
  const tableSql = qname(target.name, target.schema);
  if (!cols.length) return [`INSERT INTO ${tableSql} DEFAULT VALUES`];
  const values = rows.map(() => `(${cols.map((_, i) => `$${i + 1}`).join(', ')})`);
  return [`INSERT INTO ${tableSql} (${cols.map(q).join(', ')}) VALUES ${values.join(', ')}`];
}

/** Constraints and indexes Alembic adds after `ADD COLUMN` for a column's ForeignKey, unique and index flags. */
function columnExtras(table: TableArg, t: string, col: SaColumn): string[] {
  const out: string[] = [];
  for (const fk of col.foreignKeys) out.push(`ALTER TABLE ${t} ADD ${foreignKeySql(fk)}`);
  if (col.index) {
    out.push(`CREATE ${col.unique ? 'UNIQUE ' : ''}INDEX ${q(`ix_${table.name}_${col.name}`)} ON ${t} (${q(col.name)})`);
  } else if (col.unique) {
    out.push(`ALTER TABLE ${t} ADD UNIQUE (${q(col.name)})`);
  }
  return out;
}

function alterColumn(scope: Scope, call: Call, t: string, column: string): string[] {
  const out: string[] = [];
  const c = q(column);
  const nullable = call.kwargs.has('nullable') ? boolConst(scope, call.kwargs.get('nullable')) : undefined;
  if (nullable === false) out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`);
  if (nullable === true) out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP NOT NULL`);
  if (call.kwargs.has('server_default')) {
    const node = resolve(scope, call.kwargs.get('server_default'));
    if (node && node.name !== 'Boolean') {
      const def = serverDefault(scope, node);
      out.push(def === undefined ? `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT` : `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${def}`);
    } else if (node && boolConst(scope, node) !== false) {
      out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT true`);
    }
  }
  if (call.kwargs.has('type_')) {
    const type = saType(scope, call.kwargs.get('type_'));
    if (type) {
      const using = call.kwargs.has('postgresql_using') ? strOf(scope, call.kwargs.get('postgresql_using')) : undefined;
      out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type.sql}${using ? ` USING ${using.text}` : ''}`);
    }
  }
  if (call.kwargs.has('comment')) {
    const comment = strConst(scope, call.kwargs.get('comment'));
    out.push(`COMMENT ON COLUMN ${t}.${c} IS ${comment === undefined ? 'NULL' : lit(comment)}`);
  }
  const rename = strConst(scope, call.kwargs.get('new_column_name'));
  if (rename) out.push(`ALTER TABLE ${t} RENAME COLUMN ${c} TO ${q(rename)}`);
  return out;
}

function createTable(scope: Scope, call: Call, table: TableArg, t: string, ifNotExists: string, created: Set<string>): string[] {
  const columns: SaColumn[] = [];
  const constraints: string[] = [];
  let explicitPk = false;
  const indexes: string[] = [];
  for (const item of call.args.slice(1)) {
    const col = saColumn(scope, item);
    if (col) {
      columns.push(col);
      continue;
    }
    const constraint = tableConstraint(scope, item);
    if (constraint) {
      if (constraint.kind === 'PrimaryKeyConstraint') {
        explicitPk = true;
        for (const c of constraint.columns ?? []) {
          const col = columns.find((x) => x.name === c);
          if (col) {
            col.primaryKey = true;
            col.nullable = false;
          }
        }
        constraints.unshift(constraint.sql);
      } else constraints.push(constraint.sql);
      continue;
    }
    const index = asCall(scope.file, resolve(scope, item));
    if (index && lastName(index.callee) === 'Index') {
      const name = strConst(scope, index.args[0]) ?? 'ix';
      const cols = index.args.slice(1).map((x) => columnList(scope, x)?.[0] ?? q('{column}'));
      const unique = boolConst(scope, index.kwargs.get('unique')) ? 'UNIQUE ' : '';
      indexes.push(`CREATE ${unique}INDEX ${q(name)} ON ${t} (${cols.join(', ')})`);
    }
  }
  const pkCount = columns.filter((c) => c.primaryKey).length;
  const lines = columns.map((c) => columnSql(c, { serial: isSerial(c, pkCount) }));
  if (pkCount && !explicitPk) lines.push(`PRIMARY KEY (${columns.filter((c) => c.primaryKey).map((c) => q(c.name)).join(', ')})`);
  lines.push(...constraints);
  for (const c of columns) {
    for (const fk of c.foreignKeys) lines.push(foreignKeySql(fk));
    if (c.unique && !c.index) lines.push(`UNIQUE (${q(c.name)})`);
    if (c.index) indexes.push(`CREATE ${c.unique ? 'UNIQUE ' : ''}INDEX ${q(`ix_${table.name}_${c.name}`)} ON ${t} (${q(c.name)})`);
  }
  const enums = new Map<string, string>();
  for (const c of columns) {
    const e = c.type?.enum;
    if (!e?.create || enums.has(e.name) || created.has(e.name)) continue;
    enums.set(e.name, `CREATE TYPE ${q(e.name)} AS ENUM (${e.values.map(lit).join(', ')})`);
    created.add(e.name);
  }
  const partition = strConst(scope, call.kwargs.get('postgresql_partition_by'));
  return [
    ...enums.values(),
    `CREATE TABLE ${ifNotExists}${t} (\n  ${lines.join(',\n  ')}\n)${partition ? ` PARTITION BY ${partition}` : ''}`,
    ...indexes,
  ];
}
