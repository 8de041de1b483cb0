/**
 * db-migrate: `db.runSql(sql)` and the driver API (createTable, addColumn,
 * removeColumn, addIndex, ...), lowered to what db-migrate-pg prints. Callbacks
 * passed to these calls are walked too (old migrations chain steps through them).
 */
import type { Role } from '../scope.js';
import type { Chain } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, spanOf, nameOf, namesOf } from '../print.js';
import type { Val } from '../values.js';
import { isTrue, prop, strOpt, tableRef, valueSql } from './common.js';
import { handlerFor, type StepCall, type StepResult } from './step.js';

const TYPES: Record<string, string> = {
  string: 'VARCHAR',
  char: 'CHAR',
  text: 'TEXT',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  smallint: 'SMALLINT',
  real: 'REAL',
  decimal: 'DECIMAL',
  boolean: 'BOOLEAN',
  date: 'DATE',
  datetime: 'TIMESTAMP',
  timestamp: 'TIMESTAMP',
  time: 'TIME',
  blob: 'BYTEA',
  binary: 'BYTEA',
  json: 'JSON',
  jsonb: 'JSONB',
  uuid: 'UUID',
};

/** `type.STRING` / `dbm.dataType.STRING` / `'string'` as a type name. */
function typeName(v: Val | undefined): string {
  if (v?.t === 'path') return v.parts[v.parts.length - 1].toLowerCase();
  return (nameOf(v) ?? 'text').toLowerCase();
}

function columnSql(w: Walker, name: string, spec: Val | undefined): string {
  const obj = spec?.t === 'obj' ? spec : undefined;
  const type = typeName(obj ? prop(w, obj, 'type') : spec);
  const length = strOpt(w, obj, 'length');
  let sql = `${quoteIdent(name)} `;
  if (isTrue(prop(w, obj, 'primaryKey')) && isTrue(prop(w, obj, 'autoIncrement'))) sql += type === 'bigint' ? 'BIGSERIAL' : 'SERIAL';
  else sql += (TYPES[type] ?? type.toUpperCase()) + (length ? `(${length})` : '');
  if (isTrue(prop(w, obj, 'primaryKey'))) sql += ' PRIMARY KEY';
  if (isTrue(prop(w, obj, 'notNull'))) sql += ' NOT NULL';
  if (isTrue(prop(w, obj, 'unique'))) sql += ' UNIQUE';
  const d = prop(w, obj, 'defaultValue');
  if (d && d.t !== 'undef') {
    const special = d.t === 'obj' ? strOpt(w, d, 'special') ?? strOpt(w, d, 'raw') : undefined;
    sql += ` DEFAULT ${special ?? valueSql(w, d)}`;
  }
  return sql;
}

/** A call on the db-migrate driver, its arguments evaluated. */
interface DbMigrateCall extends StepCall {
  args: Val[];
  /** Emits statements located at the call. */
  emit(...sql: string[]): void;
  /** The table of the first argument, as SQL. */
  table(): string;
}

export function dbMigrateStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const call: DbMigrateCall = {
    w,
    role,
    chain,
    i,
    link,
    frame,
    args,
    emit: (...sql) => w.builder(sql.map((s) => new SqlOut(spanOf(link.node)).add(s)), link.node),
    table: () => tableRef(w, args[0]),
  };
  const lower = handlerFor(METHODS, link.name);
  if (!lower) return undefined;
  lower(call);
  // The last argument is usually a callback: walk it, it may hold the next steps.
  w.visitArgs(link.args.filter((a) => a.type === 'FunctionExpression' || a.type === 'ArrowFunctionExpression'), frame, false);
  return { next: i + 1 };
}

function runSql(c: DbMigrateCall): void {
  if (c.link.args[0]) c.w.raw(c.link.args[0], c.link.node, c.frame);
}

/** createTable(name, columns) or createTable(name, { columns, ifNotExists }). */
function createTable(c: DbMigrateCall): void {
  const { w } = c;
  const spec = c.args[1];
  const columns = spec?.t === 'obj' && spec.props.has('columns') ? prop(w, spec, 'columns') : spec;
  const ifNotExists = isTrue(prop(w, spec, 'ifNotExists')) ? 'IF NOT EXISTS ' : '';
  const defs = columns?.t === 'obj' ? [...columns.props.keys()].map((k) => columnSql(w, k, prop(w, columns, k))) : [];
  c.emit(`CREATE TABLE ${ifNotExists}${c.table()} (${defs.join(', ')})`);
}

function dropTable(c: DbMigrateCall): void {
  c.emit(`DROP TABLE ${isTrue(prop(c.w, c.args[1], 'ifExists')) ? 'IF EXISTS ' : ''}${c.table()}`);
}

function renameTable(c: DbMigrateCall): void {
  c.emit(`ALTER TABLE ${c.table()} RENAME TO ${quoteIdent(nameOf(c.args[1]) ?? '${name}')}`);
}

function addColumn(c: DbMigrateCall): void {
  c.emit(`ALTER TABLE ${c.table()} ADD COLUMN ${columnSql(c.w, nameOf(c.args[1]) ?? '${column}', c.args[2])}`);
}

function removeColumn(c: DbMigrateCall): void {
  c.emit(`ALTER TABLE ${c.table()} DROP COLUMN ${quoteIdent(nameOf(c.args[1]) ?? '${column}')}`);
}

function renameColumn(c: DbMigrateCall): void {
  c.emit(`ALTER TABLE ${c.table()} RENAME COLUMN ${quoteIdent(nameOf(c.args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(c.args[2]) ?? '${to}')}`);
}

/** db-migrate-pg sets nullability and default every time, and the type when one is given. */
function changeColumn(c: DbMigrateCall): void {
  const { w } = c;
  const col = `ALTER TABLE ${c.table()} ALTER COLUMN ${quoteIdent(nameOf(c.args[1]) ?? '${column}')}`;
  const spec = c.args[2];
  const sql = [`${col} ${isTrue(prop(w, spec, 'notNull')) ? 'SET' : 'DROP'} NOT NULL`];
  const d = prop(w, spec, 'defaultValue');
  sql.push(d && d.t !== 'undef' ? `${col} SET DEFAULT ${valueSql(w, d)}` : `${col} DROP DEFAULT`);
  const type = prop(w, spec, 'type');
  if (type) sql.push(`${col} TYPE ${TYPES[typeName(type)] ?? typeName(type).toUpperCase()}`);
  c.emit(...sql);
}

function addIndex(c: DbMigrateCall): void {
  const cols = namesOf(c.args[2]);
  c.emit(`CREATE ${isTrue(c.args[3]) ? 'UNIQUE ' : ''}INDEX ${quoteIdent(nameOf(c.args[1]) ?? '${index}')} ON ${c.table()} ${columnList(cols)}`);
}

/** removeIndex(table, name) or removeIndex(name). */
function removeIndex(c: DbMigrateCall): void {
  const name = c.args[1]?.t === 'str' ? c.args[1].value : nameOf(c.args[0]);
  c.emit(`DROP INDEX ${quoteIdent(name ?? '${index}')}`);
}

/** addForeignKey(table, referenced, name, { column: referencedColumn }, rules). */
function addForeignKey(c: DbMigrateCall): void {
  const { w, args } = c;
  const mapping = args[3];
  const keys = mapping?.t === 'obj' ? [...mapping.props.keys()] : [];
  const refs = keys.map((k) => nameOf(prop(w, mapping, k)) ?? 'id');
  const rules = args[4];
  let sql = `ALTER TABLE ${c.table()} ADD CONSTRAINT ${quoteIdent(nameOf(args[2]) ?? 'fkey')} FOREIGN KEY ${columnList(keys)} REFERENCES ${tableRef(w, args[1])} ${columnList(refs)}`;
  const onDelete = strOpt(w, rules, 'onDelete');
  const onUpdate = strOpt(w, rules, 'onUpdate');
  if (onDelete) sql += ` ON DELETE ${onDelete}`;
  if (onUpdate) sql += ` ON UPDATE ${onUpdate}`;
  c.emit(sql);
}

function removeForeignKey(c: DbMigrateCall): void {
  c.emit(`ALTER TABLE ${c.table()} DROP CONSTRAINT ${quoteIdent(nameOf(c.args[1]) ?? '${constraint}')}`);
}

/** insert(table, columns, values). */
function insert(c: DbMigrateCall): void {
  const { w, args } = c;
  const cols = namesOf(args[1]);
  const values = args[2]?.t === 'arr' ? args[2].items.map((v) => valueSql(w, v)) : [];
  c.emit(cols.length && values.length === cols.length ? `INSERT INTO ${c.table()} ${columnList(cols)} VALUES (${values.join(', ')})` : `INSERT INTO ${c.table()} DEFAULT VALUES`);
}

const METHODS: Record<string, (call: DbMigrateCall) => void> = {
  runSql,
  all: runSql,
  createTable,
  dropTable,
  renameTable,
  addColumn,
  removeColumn,
  renameColumn,
  changeColumn,
  addIndex,
  removeIndex,
  addForeignKey,
  removeForeignKey,
  insert,
};
