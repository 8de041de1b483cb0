/**
 * Sequelize: `queryInterface.*` (createTable, addColumn, changeColumn, addIndex,
 * addConstraint, bulkDelete, ...) and `sequelize.query`, lowered to what Sequelize's
 * PostgreSQL query generator prints. Sequelize runs migrations outside a transaction
 * unless the code opens one and passes it (`{ transaction: t }`).
 */
import type * as t from '@babel/types';
import { unwrapTs, type Role } from '../scope.js';
import type { Chain } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, columnList, derivedName, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf } from '../print.js';
import { placeholder } from '../text.js';
import type { Val } from '../values.js';
import { bareTable, isTrue, isFalse, prop, sequelizeReplacements, strOpt, tableRef, valueSql } from './common.js';
import { dropRole, handlerFor, keepRole, walkCallback, type Handler, type StepCall, type StepResult } from './step.js';

/** Whether a call passes `{ transaction: t }` with a transaction opened by the code. */
function passesTransaction(w: Walker, args: t.Node[], frame: Frame): boolean {
  for (const a of args) {
    const n = unwrapTs(a);
    if (n.type !== 'ObjectExpression') continue;
    for (const p of n.properties) {
      if (p.type !== 'ObjectProperty') continue;
      const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
      if (key === 'transaction' && w.roleOf(p.value, frame.env)?.kind === 'sequelizeTx') return true;
    }
  }
  return false;
}

interface TypeSql {
  sql: string;
  /** For ENUM: the values of the type Sequelize creates before using it. */
  enumValues?: string[];
}

/** DataTypes spelled the same in PostgreSQL. */
const SAME_NAME_TYPES = ['CITEXT', 'TSVECTOR', 'INET', 'CIDR', 'MACADDR', 'HSTORE', 'JSON', 'JSONB', 'UUID', 'REAL', 'BOOLEAN', 'TIME', 'GEOMETRY', 'GEOGRAPHY'];

/** What a DataType needs to print itself: its arguments, and the column it is for (ENUM names its type after it). */
interface TypeArgs {
  w: Walker;
  args: Val[];
  table: string;
  column: string;
}

const numberArg = (v: Val | undefined) => (v?.t === 'num' ? v.raw : undefined);
const fixed = (sql: string) => (): TypeSql => ({ sql });

const DATA_TYPES: Record<string, (a: TypeArgs) => TypeSql> = {
  ...Object.fromEntries(SAME_NAME_TYPES.map((name) => [name, fixed(name)])),
  STRING: ({ w, args }) => ({ sql: `VARCHAR(${numberArg(args[0]) ?? numberArg(prop(w, args[0], 'length')) ?? 255})` }),
  CHAR: ({ args }) => ({ sql: `CHAR(${numberArg(args[0]) ?? 255})` }),
  TEXT: fixed('TEXT'),
  INTEGER: fixed('INTEGER'),
  MEDIUMINT: fixed('INTEGER'),
  BIGINT: fixed('BIGINT'),
  SMALLINT: fixed('SMALLINT'),
  TINYINT: fixed('SMALLINT'),
  FLOAT: fixed('FLOAT'),
  DOUBLE: fixed('DOUBLE PRECISION'),
  DECIMAL: decimalType,
  NUMERIC: decimalType,
  DATE: fixed('TIMESTAMP WITH TIME ZONE'),
  NOW: fixed('TIMESTAMP WITH TIME ZONE'),
  DATEONLY: fixed('DATE'),
  BLOB: fixed('BYTEA'),
  ENUM: ({ args, table, column }) => {
    const values = args.length === 1 && args[0].t === 'arr' ? namesOf(args[0]) : args.flatMap((a) => namesOf(a));
    return { sql: quoteIdent(`enum_${table}_${column}`), enumValues: values };
  },
  ARRAY: ({ w, args, table, column }) => ({ sql: `${typeSql(w, args[0], table, column).sql}[]` }),
};

function decimalType({ args }: TypeArgs): TypeSql {
  return { sql: args.length ? `DECIMAL(${args.map((a) => numberArg(a) ?? '10').join(',')})` : 'DECIMAL' };
}

/** The DataType's name and arguments: `DataTypes.STRING`, `Sequelize.STRING(100)`, `new DataTypes.STRING(100)`. */
function dataType(type: Val): { name?: string; args: Val[] } {
  if (type.t === 'path') return { name: type.parts[type.parts.length - 1], args: [] };
  if (type.t === 'call') return { name: type.parts[type.parts.length - 1], args: type.args };
  if (type.t === 'new') return { name: type.cls, args: type.args };
  return { args: [] };
}

/** The type of a Sequelize attribute: `DataTypes.STRING(100)`, `Sequelize.ENUM('a')`, `'VARCHAR(20)'`. */
function typeSql(w: Walker, type: Val | undefined, table: string, column: string): TypeSql {
  if (!type) return { sql: 'VARCHAR(255)' };
  if (type.t === 'str') return { sql: type.value };
  if (type.t === 'raw') return { sql: type.sql };
  const { name, args } = dataType(type);
  const print = handlerFor(DATA_TYPES, name);
  if (print) return print({ w, args, table, column });
  return { sql: quoteIdent(placeholder(type.t === 'unknown' ? type.src : (name ?? 'type'))) };
}

/** Defaults Sequelize computes in JavaScript (UUIDV4, NOW, functions) never reach the table. */
function defaultSql(w: Walker, v: Val | undefined, type?: string): string | undefined {
  if (!v || v.t === 'undef') return undefined;
  // Sequelize casts an array default to the column's type: `ARRAY[]` alone has no type.
  if (v.t === 'arr' && type?.endsWith('[]')) return `${valueSql(w, v)}::${type}`;
  if (v.t === 'fn') return undefined;
  if (v.t === 'path' && /^(UUIDV1|UUIDV4|NOW)$/.test(v.parts[v.parts.length - 1])) return undefined;
  if (v.t === 'new' && /^(UUIDV1|UUIDV4|NOW)$/.test(v.cls)) return undefined;
  if (v.t === 'call' && /^(UUIDV1|UUIDV4|NOW)$/.test(v.parts[v.parts.length - 1])) return undefined;
  return valueSql(w, v);
}

interface Attribute {
  sql: string;
  before: string[];
  primary: boolean;
}

/** One attribute (column) of createTable/addColumn, as Sequelize's attributesToSQL prints it. */
function attributeSql(w: Walker, table: string, column: string, attr: Val | undefined, forAdd: boolean): Attribute {
  const isObject = attr?.t === 'obj' && attr.props.has('type');
  const type = isObject ? prop(w, attr, 'type') : attr;
  const opt = (k: string) => (isObject ? prop(w, attr, k) : undefined);
  const t0 = typeSql(w, type, table, column);
  const before: string[] = [];
  if (t0.enumValues) before.push(`CREATE TYPE ${t0.sql} AS ENUM(${t0.enumValues.map(quoteLiteral).join(', ')})`);
  let sql = t0.sql;
  if (isTrue(opt('autoIncrement'))) sql = /BIGINT/.test(sql) ? 'BIGSERIAL' : 'SERIAL';
  if (isFalse(opt('allowNull'))) sql += ' NOT NULL';
  const d = defaultSql(w, opt('defaultValue'), t0.sql);
  if (d !== undefined) sql += ` DEFAULT ${d}`;
  if (isTrue(opt('unique'))) sql += ' UNIQUE';
  const primary = isTrue(opt('primaryKey'));
  if (primary && forAdd) sql += ' PRIMARY KEY';
  sql += referencesSql(w, opt);
  return { sql, before, primary };
}

/** ` REFERENCES t (key) ON DELETE … ON UPDATE …` of an attribute's `references`, or nothing. */
function referencesSql(w: Walker, opt: (k: string) => Val | undefined): string {
  const refs = opt('references');
  if (!refs) return '';
  const model = prop(w, refs, 'model');
  const key = strOpt(w, refs, 'key') ?? 'id';
  let sql = ` REFERENCES ${tableRef(w, model)} (${quoteIdent(key)})`;
  const onDelete = nameOf(opt('onDelete'));
  const onUpdate = nameOf(opt('onUpdate'));
  if (onDelete) sql += ` ON DELETE ${onDelete.toUpperCase()}`;
  if (onUpdate) sql += ` ON UPDATE ${onUpdate.toUpperCase()}`;
  return sql;
}

/** A `where` object as SQL: `{}` and null mean no WHERE at all. */
function whereSql(w: Walker, where: Val | undefined): string | undefined {
  if (!where || where.t === 'null' || where.t === 'undef') return undefined;
  if (where.t === 'obj') {
    if (where.props.size === 0 && !where.partial) return undefined;
    const parts = [...where.props.keys()].map((k) => {
      const v = prop(w, where, k);
      if (v?.t === 'arr') return `${quoteIdent(k)} IN (${v.items.map((i) => valueSql(w, i)).join(', ')})`;
      if (v?.t === 'null') return `${quoteIdent(k)} IS NULL`;
      if (v?.t === 'obj') return quoteIdent('${' + k + ' condition}');
      return `${quoteIdent(k)} = ${valueSql(w, v)}`;
    });
    if (where.partial) parts.push(quoteIdent('${where}'));
    return parts.join(' AND ');
  }
  if (where.t === 'raw') return where.sql;
  return quoteIdent(placeholder(where.t === 'unknown' ? where.src : 'where'));
}

/** A call on queryInterface or sequelize, its arguments evaluated. */
interface SequelizeCall extends StepCall {
  args: Val[];
  /** Whether it passes `{ transaction: t }` with a transaction the code opened. */
  inTx: boolean;
  /** Emits statements located at the call. */
  emit(...sql: string[]): void;
  /** The table of the first argument, as SQL. */
  table(): string;
  /** The bare table name, for the names Sequelize derives. */
  bare(): string;
}

export function sequelizeStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const inTx = passesTransaction(w, link.args, frame);
  const call: SequelizeCall = {
    w,
    role,
    chain,
    i,
    link,
    frame,
    args,
    inTx,
    emit: (...sql) => w.builder(sql.map((s) => new SqlOut(spanOf(link.node)).add(s)), link.node, inTx),
    table: () => tableRef(w, args[0]),
    bare: () => bareTable(w, args[0]),
  };
  // t.commit(), t.rollback(), t.afterCommit(): no SQL of the migration's own.
  if (role.kind === 'sequelizeTx') return dropRole(call);
  const methods = role.kind === 'sequelize' ? SEQUELIZE_METHODS : QUERY_INTERFACE_METHODS;
  return handlerFor(methods, link.name)?.(call);
}

// ---------------------------------------------------------------- sequelize

function query(c: SequelizeCall): StepResult {
  const { w, link } = c;
  if (link.args[0]) w.raw(link.args[0], link.node, c.frame, { rewrite: sequelizeReplacements(w, c.args[1]), inTx: c.inTx });
  return dropRole(c);
}

/** sequelize.transaction(async (t) => ...): managed; without a callback, the transaction object is returned. */
function transaction(c: SequelizeCall): StepResult {
  const cb = c.link.args[c.link.args.length - 1];
  if (walkCallback(c.w, cb, c.frame, [{ kind: 'sequelizeTx' }])) return dropRole(c);
  return { next: c.i + 1, role: { kind: 'sequelizeTx' } };
}

const SEQUELIZE_METHODS: Record<string, Handler<SequelizeCall>> = {
  query,
  transaction,
  getQueryInterface: (c) => ({ next: c.i + 1, role: { kind: 'queryInterface' } }),
  // Fragments and connection management: no statement.
  literal: dropRole,
  fn: dropRole,
  col: dropRole,
  where: dropRole,
  authenticate: dropRole,
  close: dropRole,
};

// ---------------------------------------------------------------- queryInterface

function createTable(c: SequelizeCall): StepResult {
  const { w, args } = c;
  const attrs = args[1];
  const before: string[] = [];
  const defs: string[] = [];
  const primary: string[] = [];
  if (attrs?.t === 'obj') {
    for (const k of attrs.props.keys()) {
      const a = attributeSql(w, c.bare(), k, prop(w, attrs, k), false);
      before.push(...a.before);
      defs.push(`${quoteIdent(k)} ${a.sql}`);
      if (a.primary) primary.push(k);
    }
  }
  if (primary.length) defs.push(`PRIMARY KEY ${columnList(primary)}`);
  const uniqueKeys = prop(w, args[2], 'uniqueKeys');
  if (uniqueKeys?.t === 'obj') {
    for (const k of uniqueKeys.props.keys()) {
      const fields = namesOf(prop(w, prop(w, uniqueKeys, k), 'fields'));
      if (fields.length) defs.push(`CONSTRAINT ${quoteIdent(k)} UNIQUE ${columnList(fields)}`);
    }
  }
  c.emit(...before, `CREATE TABLE IF NOT EXISTS ${c.table()} (${defs.join(', ')})`);
  return keepRole(c);
}

function addColumn(c: SequelizeCall): StepResult {
  const column = nameOf(c.args[1]) ?? '${column}';
  const a = attributeSql(c.w, c.bare(), column, c.args[2], true);
  c.emit(...a.before, `ALTER TABLE ${c.table()} ADD COLUMN ${quoteIdent(column)} ${a.sql}`);
  return keepRole(c);
}

/** Sequelize sets nullability, default and type every time, whatever the attribute says. */
function changeColumn(c: SequelizeCall): StepResult {
  const { w, args } = c;
  const column = nameOf(args[1]) ?? '${column}';
  const attr = args[2];
  const isObject = attr?.t === 'obj' && attr.props.has('type');
  const opt = (k: string) => (isObject ? prop(w, attr, k) : undefined);
  const col = `ALTER TABLE ${c.table()} ALTER COLUMN ${quoteIdent(column)}`;
  const sql: string[] = [];
  sql.push(`${col} ${isFalse(opt('allowNull')) ? 'SET' : 'DROP'} NOT NULL`);
  const type = typeSql(w, isObject ? opt('type') : attr, c.bare(), column);
  const d = defaultSql(w, opt('defaultValue'), type.sql);
  sql.push(d !== undefined ? `${col} SET DEFAULT ${d}` : `${col} DROP DEFAULT`);
  if (type.enumValues) sql.push(`CREATE TYPE ${type.sql} AS ENUM(${type.enumValues.map(quoteLiteral).join(', ')})`);
  sql.push(`${col} TYPE ${type.sql}${type.enumValues ? ` USING (${quoteIdent(column)}::${type.sql})` : ''}`);
  if (isTrue(opt('unique'))) sql.push(`ALTER TABLE ${c.table()} ADD UNIQUE (${quoteIdent(column)})`);
  // Sequelize adds the foreign key unnamed, so PostgreSQL names it <table>_<column>_fkey,
  // the name later migrations drop it by.
  const refs = referencesSql(w, opt);
  if (refs) sql.push(`ALTER TABLE ${c.table()} ADD FOREIGN KEY (${quoteIdent(column)})${refs}`);
  c.emit(...sql);
  return keepRole(c);
}

function removeColumn(c: SequelizeCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} DROP COLUMN ${quoteIdent(nameOf(c.args[1]) ?? '${column}')}`);
  return keepRole(c);
}

function renameColumn(c: SequelizeCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} RENAME COLUMN ${quoteIdent(nameOf(c.args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(c.args[2]) ?? '${to}')}`);
  return keepRole(c);
}

function renameTable(c: SequelizeCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} RENAME TO ${quoteIdent(bareTable(c.w, c.args[1]))}`);
  return keepRole(c);
}

function dropTable(c: SequelizeCall): StepResult {
  c.emit(`DROP TABLE IF EXISTS ${c.table()}${isTrue(prop(c.w, c.args[1], 'cascade')) ? ' CASCADE' : ''}`);
  return keepRole(c);
}

/** addIndex(table, fields, options) or addIndex(table, options). */
/**
 * The name Sequelize gives an index without one: `<table>_<fields joined by _>` passed
 * through inflection's underscore (an `_` before every capital, none leading, then lower
 * case), so `documents` on `collaboratorIds` is `documents_collaborator_ids`. A part known
 * only at run time is kept whole.
 */
function sequelizeIndexName(table: string, fields: string[]): string {
  if ([table, ...fields].some((p) => p.includes('${'))) return derivedName(table, ...fields);
  return `${table}_${fields.join('_')}`.replace(/([A-Z])/g, '_$1').replace(/^_/, '').toLowerCase();
}

function addIndex(c: SequelizeCall): StepResult {
  const { w, args } = c;
  const opts = args[1]?.t === 'obj' ? args[1] : args[2];
  const fieldsVal = args[1]?.t === 'arr' ? args[1] : prop(w, opts, 'fields');
  const fields = fieldsVal?.t === 'arr' ? fieldsVal.items.map((f) => (f.t === 'obj' ? (strOpt(w, f, 'name') ?? strOpt(w, f, 'attribute') ?? '${field}') : (nameOf(f) ?? '${field}'))) : namesOf(fieldsVal);
  const name = strOpt(w, opts, 'name') ?? sequelizeIndexName(c.bare(), fields);
  const unique = isTrue(prop(w, opts, 'unique')) || strOpt(w, opts, 'type')?.toUpperCase() === 'UNIQUE' ? 'UNIQUE ' : '';
  const concurrently = isTrue(prop(w, opts, 'concurrently')) ? 'CONCURRENTLY ' : '';
  const using = strOpt(w, opts, 'using') ?? strOpt(w, opts, 'method');
  const where = whereSql(w, prop(w, opts, 'where'));
  c.emit(`CREATE ${unique}INDEX ${concurrently}${quoteIdent(name)} ON ${c.table()}${using ? ` USING ${using}` : ''} ${columnList(fields)}${where ? ` WHERE ${where}` : ''}`);
  return keepRole(c);
}

function removeIndex(c: SequelizeCall): StepResult {
  const { w, args } = c;
  const target = args[1];
  const name = target?.t === 'arr' ? sequelizeIndexName(c.bare(), namesOf(target)) : (nameOf(target) ?? '${index}');
  const concurrently = isTrue(prop(w, args[2], 'concurrently')) ? 'CONCURRENTLY ' : '';
  c.emit(`DROP INDEX ${concurrently}IF EXISTS ${quoteIdent(name)}`);
  return keepRole(c);
}

/** What addConstraint's `type` needs to print the constraint. */
interface ConstraintSpec {
  c: SequelizeCall;
  opts: Val | undefined;
  fields: string[];
  /** `ALTER TABLE ... ADD CONSTRAINT "name"`. */
  head: string;
}

/** The suffix of the name Sequelize derives for each constraint type. */
const CONSTRAINT_SUFFIXES: Record<string, string> = { unique: 'uk', check: 'ck', 'primary key': 'pk', default: 'df' };

const CONSTRAINT_TYPES: Record<string, (spec: ConstraintSpec) => string> = {
  unique: ({ head, fields }) => `${head} UNIQUE ${columnList(fields)}`,
  'primary key': ({ head, fields }) => `${head} PRIMARY KEY ${columnList(fields)}`,
  check: ({ c, head, opts }) => `${head} CHECK (${whereSql(c.w, prop(c.w, opts, 'where')) ?? 'true'})`,
  'foreign key': ({ c, head, opts, fields }) => {
    const { w } = c;
    const refs = prop(w, opts, 'references');
    let sql = `${head} FOREIGN KEY ${columnList(fields)} REFERENCES ${tableRef(w, prop(w, refs, 'table'))} (${quoteIdent(strOpt(w, refs, 'field') ?? 'id')})`;
    const onDelete = strOpt(w, opts, 'onDelete');
    const onUpdate = strOpt(w, opts, 'onUpdate');
    if (onDelete) sql += ` ON DELETE ${onDelete.toUpperCase()}`;
    if (onUpdate) sql += ` ON UPDATE ${onUpdate.toUpperCase()}`;
    return sql;
  },
  default: ({ c, opts, fields }) => `ALTER TABLE ${c.table()} ALTER COLUMN ${quoteIdent(fields[0] ?? '${column}')} SET DEFAULT ${valueSql(c.w, prop(c.w, opts, 'defaultValue'))}`,
};

/**
 * The name Sequelize gives a constraint without one: table, fields and a suffix joined by
 * `_`, letters kept as written (`shares_urlId_teamId_uk`); a foreign key names the table
 * it references before `_fk`.
 */
function sequelizeConstraintName(c: SequelizeCall, opts: Val | undefined, type: string, fields: string[]): string {
  const suffix = type === 'foreign key' ? `${bareTable(c.w, prop(c.w, prop(c.w, opts, 'references'), 'table'))}_fk` : (handlerFor(CONSTRAINT_SUFFIXES, type) ?? 'fk');
  return [c.bare(), ...fields, suffix].join('_').replace(/"/g, '');
}

/** addConstraint(table, options) or the older addConstraint(table, fields, options). */
function addConstraint(c: SequelizeCall): StepResult | undefined {
  const { w, args } = c;
  const opts = args[1]?.t === 'arr' ? args[2] : args[1];
  const fields = namesOf(args[1]?.t === 'arr' ? args[1] : prop(w, opts, 'fields'));
  const type = (strOpt(w, opts, 'type') ?? '').toLowerCase();
  const name = strOpt(w, opts, 'name') ?? sequelizeConstraintName(c, opts, type, fields);
  const head = `ALTER TABLE ${c.table()} ADD CONSTRAINT ${quoteIdent(name)}`;
  const print = handlerFor(CONSTRAINT_TYPES, type);
  if (!print) return undefined;
  c.emit(print({ c, opts, fields, head }));
  return keepRole(c);
}

function removeConstraint(c: SequelizeCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} DROP CONSTRAINT ${quoteIdent(nameOf(c.args[1]) ?? '${constraint}')}`);
  return keepRole(c);
}

function bulkDelete(c: SequelizeCall): StepResult {
  const where = whereSql(c.w, c.args[1]);
  c.emit(`DELETE FROM ${c.table()}${where ? ` WHERE ${where}` : ''}`);
  return keepRole(c);
}

function bulkUpdate(c: SequelizeCall): StepResult {
  const { w, args } = c;
  const values = args[1];
  const sets = values?.t === 'obj' ? [...values.props.keys()].map((k) => `${quoteIdent(k)} = ${valueSql(w, prop(w, values, k))}`) : [];
  const where = whereSql(w, args[2]);
  c.emit(`UPDATE ${c.table()} SET ${sets.join(', ') || '"${column}" = NULL'}${where ? ` WHERE ${where}` : ''}`);
  return keepRole(c);
}

/** The first row stands for all: one INSERT is enough for the rules. */
function bulkInsert(c: SequelizeCall): StepResult {
  const { w, args } = c;
  const rows = args[1];
  const row = rows?.t === 'arr' ? rows.items[0] : undefined;
  if (row?.t === 'obj' && !row.partial && row.props.size) {
    const keys = [...row.props.keys()];
    c.emit(`INSERT INTO ${c.table()} ${columnList(keys)} VALUES (${keys.map((k) => valueSql(w, prop(w, row, k))).join(', ')})`);
  } else c.emit(`INSERT INTO ${c.table()} DEFAULT VALUES`);
  return keepRole(c);
}

function createSchema(c: SequelizeCall): StepResult {
  c.emit(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(nameOf(c.args[0]) ?? '${schema}')}`);
  return keepRole(c);
}

function dropSchema(c: SequelizeCall): StepResult {
  c.emit(`DROP SCHEMA IF EXISTS ${quoteIdent(nameOf(c.args[0]) ?? '${schema}')} CASCADE`);
  return keepRole(c);
}

function dropEnum(c: SequelizeCall): StepResult {
  c.emit(`DROP TYPE IF EXISTS ${quoteIdent(nameOf(c.args[0]) ?? '${enum}')}`);
  return keepRole(c);
}

/** describeTable(), showAllTables()...: reads. */
function introspection(c: SequelizeCall): StepResult {
  c.w.analysedOnly();
  return dropRole(c);
}

const QUERY_INTERFACE_METHODS: Record<string, Handler<SequelizeCall>> = {
  // An umzug context that is the Sequelize instance itself.
  query,
  createTable,
  addColumn,
  changeColumn,
  removeColumn,
  renameColumn,
  renameTable,
  dropTable,
  addIndex,
  removeIndex,
  addConstraint,
  removeConstraint,
  bulkDelete,
  bulkUpdate,
  bulkInsert,
  createSchema,
  dropSchema,
  dropEnum,
  describeTable: introspection,
  showAllTables: introspection,
  showAllSchemas: introspection,
  tableExists: introspection,
  showIndex: introspection,
  getForeignKeyReferencesForTable: introspection,
  getForeignKeysForTables: introspection,
};
