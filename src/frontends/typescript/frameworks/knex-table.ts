/**
 * The knex table builder inside a createTable/alterTable callback: column methods
 * with their modifiers (`t.string('email').notNullable().unique()`), and table
 * methods (`t.index(...)`, `t.dropColumn(...)`, `t.timestamps()`), recorded as ops
 * that knex-table-sql.ts prints.
 */
import type { KnexTableBuild, Role } from '../scope.js';
import type { Chain, Link } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { columnList, derivedName, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf, type Span } from '../print.js';
import { sqlLiteral, type Val } from '../values.js';
import { isFalse, isTrue, prop, strOpt, valueSql } from './common.js';
import { dropRole, handlerFor, type Handler, type StepCall, type StepResult } from './step.js';
import { foreignKeySql, type KnexColumn, type KnexOp, type KnexReference } from './knex-table-sql.js';

// ---------------------------------------------------------------- column types

interface ColumnType {
  type: string;
  checks: string[];
  before: string[];
}

const INCREMENTS: Record<string, string> = { increments: 'serial', bigIncrements: 'bigserial', bigincrements: 'bigserial' };

/** Column methods whose PostgreSQL type does not depend on their arguments. */
const FIXED_TYPES: Record<string, string> = {
  ...INCREMENTS,
  integer: 'integer',
  mediumint: 'integer',
  bigInteger: 'bigint',
  biginteger: 'bigint',
  bigint: 'bigint',
  tinyint: 'smallint',
  smallint: 'smallint',
  text: 'text',
  mediumtext: 'text',
  longtext: 'text',
  float: 'real',
  double: 'double precision',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  binary: 'bytea',
  json: 'json',
  jsonb: 'jsonb',
  uuid: 'uuid',
  geometry: 'geometry',
  geography: 'geography',
  point: 'point',
};

const plainType = (type: string): ColumnType => ({ type, checks: [], before: [] });

/** A number argument as written, or a default. */
const numberArg = (v: Val | undefined, dflt?: number) => (v?.t === 'num' ? v.raw : dflt === undefined ? undefined : String(dflt));

/** Column methods whose type is read from their arguments (after the column name). */
const ARGUMENT_TYPES: Record<string, (w: Walker, args: Val[], columnName: string) => ColumnType> = {
  string: (_w, args) => plainType(`varchar(${numberArg(args[0], 255)})`),
  varchar: (_w, args) => plainType(`varchar(${numberArg(args[0], 255)})`),
  decimal: (_w, args) => plainType(args[0]?.t === 'null' ? 'decimal' : `decimal(${numberArg(args[0], 8)}, ${numberArg(args[1], 2)})`),
  datetime: timestampType,
  timestamp: timestampType,
  specificType: (_w, args) => plainType(nameOf(args[0]) ?? 'text'),
  enu: enumType,
  enum: enumType,
};

function timestampType(w: Walker, args: Val[]): ColumnType {
  const opts = args[0];
  const useTz = opts?.t === 'bool' ? opts.value : !isFalse(prop(w, opts, 'useTz'));
  const precision = numberArg(prop(w, opts, 'precision')) ?? numberArg(args[1]);
  const base = useTz ? 'timestamptz' : 'timestamp';
  return plainType(precision ? `${base}(${precision})` : base);
}

/** A native enum type created before the table, or text with a CHECK (knex's default). */
function enumType(w: Walker, args: Val[], columnName: string): ColumnType {
  const values = namesOf(args[0]);
  const opts = args[1];
  if (!isTrue(prop(w, opts, 'useNative'))) {
    return { type: 'text', checks: [`CHECK (${quoteIdent(columnName)} IN (${values.map(quoteLiteral).join(', ')}))`], before: [] };
  }
  const enumName = strOpt(w, opts, 'enumName') ?? `${columnName}_enum`;
  const schemaName = strOpt(w, opts, 'schemaName');
  const type = schemaName ? `${quoteIdent(schemaName)}.${quoteIdent(enumName)}` : quoteIdent(enumName);
  const before = isTrue(prop(w, opts, 'existingType')) ? [] : [`CREATE TYPE ${type} AS ENUM (${values.map(quoteLiteral).join(', ')})`];
  return { type, checks: [], before };
}

/** The PostgreSQL type for a knex column method, from its arguments (after the column name). */
function columnType(w: Walker, method: string, args: Val[], columnName: string): ColumnType | undefined {
  const fixed = handlerFor(FIXED_TYPES, method);
  if (fixed !== undefined) return plainType(fixed);
  return handlerFor(ARGUMENT_TYPES, method)?.(w, args, columnName);
}

// ---------------------------------------------------------------- column modifiers

/** One modifier link after a column method, its first argument evaluated. */
interface Modifier {
  w: Walker;
  frame: Frame;
  column: KnexColumn;
  link: Link;
  a0: Val | undefined;
}

const second = ({ w, frame, link }: Modifier) => (link.args[1] ? w.ev.val(link.args[1], frame.env) : undefined);
const quoted = ({ column }: Modifier) => quoteIdent(column.name);

function foreignKeyModifier(m: Modifier): void {
  m.column.references ??= { columns: [] };
  readReferences(m.w, m.column.references, [m.link], m.frame);
}

/** Modifiers that change PostgreSQL's statement; the others (unsigned(), first(), after(), deferrable()...) have no effect on it. */
const MODIFIERS: Record<string, (m: Modifier) => void> = {
  notNullable: ({ column }) => {
    column.notNull = true;
  },
  notNull: ({ column }) => {
    column.notNull = true;
  },
  nullable: ({ column }) => {
    column.notNull = false;
  },
  defaultTo: ({ w, column, a0 }) => {
    column.default = a0 ? valueSql(w, a0) : undefined;
    if (a0?.t === 'null') column.default = 'NULL';
  },
  primary: ({ w, column, a0 }) => {
    column.primary = { name: a0?.t === 'str' ? a0.value : strOpt(w, a0, 'constraintName') };
  },
  unique: ({ w, column, a0 }) => {
    column.unique = { name: a0?.t === 'str' ? a0.value : strOpt(w, a0, 'indexName') };
  },
  index: (m) => {
    m.column.index = { name: m.a0?.t === 'str' ? m.a0.value : undefined, using: nameOf(second(m)) };
  },
  references: foreignKeyModifier,
  inTable: foreignKeyModifier,
  onDelete: foreignKeyModifier,
  onUpdate: foreignKeyModifier,
  withKeyName: foreignKeyModifier,
  foreignKeyConstraintName: foreignKeyModifier,
  comment: ({ column, a0 }) => {
    column.comment = a0?.t === 'str' ? a0.value : undefined;
  },
  collate: ({ column, a0 }) => {
    column.collate = nameOf(a0);
  },
  alter: ({ column }) => {
    column.alter = true;
  },
  checkPositive: (m) => {
    m.column.checks.push(`CHECK (${quoted(m)} > 0)`);
  },
  checkNegative: (m) => {
    m.column.checks.push(`CHECK (${quoted(m)} < 0)`);
  },
  checkIn: checkInModifier,
  checkNotIn: checkInModifier,
  checkBetween: (m) => {
    const range = m.a0?.t === 'arr' ? m.a0.items : [];
    if (range.length === 2) m.column.checks.push(`CHECK (${quoted(m)} BETWEEN ${valueSql(m.w, range[0])} AND ${valueSql(m.w, range[1])})`);
  },
  checkLength: (m) => {
    const n = second(m);
    if (m.a0?.t === 'str' && n?.t === 'num') m.column.checks.push(`CHECK (length(${quoted(m)}) ${m.a0.value} ${n.raw})`);
  },
  checkRegex: (m) => {
    if (m.a0?.t === 'str') m.column.checks.push(`CHECK (${quoted(m)} ~ ${quoteLiteral(m.a0.value)})`);
  },
};

function checkInModifier(m: Modifier): void {
  const values = (m.a0?.t === 'arr' ? m.a0.items : []).map((v) => valueSql(m.w, v)).join(', ') || 'NULL';
  m.column.checks.push(`CHECK (${quoted(m)} ${m.link.name === 'checkNotIn' ? 'NOT IN' : 'IN'} (${values}))`);
}

function columnModifiers(w: Walker, column: KnexColumn, links: Link[], frame: Frame): void {
  for (const link of links) {
    const a0 = link.args[0] ? w.ev.val(link.args[0], frame.env) : undefined;
    handlerFor(MODIFIERS, link.name)?.({ w, frame, column, link, a0 });
  }
}

// ---------------------------------------------------------------- foreign keys

const REFERENCE_PARTS: Record<string, (ref: KnexReference, a0: Val | undefined) => void> = {
  references: (ref, a0) => {
    const names = namesOf(a0);
    // A run-time value without inTable() holds 'table.column' as a whole.
    ref.whole = names.length === 1 && a0?.t !== 'str' ? names[0] : undefined;
    // 'teams.id' names the table too.
    if (names.length === 1 && a0?.t === 'str' && names[0].includes('.')) {
      const parts = names[0].split('.');
      ref.columns = [parts.pop()!];
      ref.table = parts.join('.');
    } else ref.columns = names;
  },
  inTable: (ref, a0) => {
    ref.table = nameOf(a0);
  },
  // An action known only at run time is left out: it does not change what the statement locks.
  onDelete: (ref, a0) => {
    ref.onDelete = a0?.t === 'str' ? a0.value : undefined;
  },
  onUpdate: (ref, a0) => {
    ref.onUpdate = a0?.t === 'str' ? a0.value : undefined;
  },
  withKeyName: (ref, a0) => {
    ref.name = nameOf(a0);
  },
  foreignKeyConstraintName: (ref, a0) => {
    ref.name = nameOf(a0);
  },
};

function readReferences(w: Walker, ref: KnexReference, links: Link[], frame: Frame): void {
  for (const l of links) {
    const a0 = l.args[0] ? w.ev.val(l.args[0], frame.env) : undefined;
    handlerFor(REFERENCE_PARTS, l.name)?.(ref, a0);
  }
}

// ---------------------------------------------------------------- table methods

/** A call on the table builder, its arguments evaluated. */
interface TableCall extends StepCall {
  build: KnexTableBuild;
  args: Val[];
  /** The whole chain: every op of one statement in the callback is located there. */
  at: Span;
  ops: KnexOp[];
  /** Records a statement knex runs on its own. */
  statement(sql: string): void;
}

export function tableStep(w: Walker, role: Role & { kind: 'knexTable' }, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const { build } = role;
  const link = chain.links[i];
  const at = spanOf(chain.node);
  const ops = build.ops as KnexOp[];
  const call: TableCall = {
    w,
    role,
    chain,
    i,
    link,
    frame,
    build,
    args: link.args.map((a) => w.ev.val(a, frame.env)),
    at,
    ops,
    statement: (sql) => ops.push({ kind: 'stmt', sql, at }),
  };
  const method = link.name ?? '';
  const type = columnType(w, method, call.args.slice(1), nameOf(call.args[0]) ?? 'id');
  if (type) return addColumn(call, method, type);
  return handlerFor(TABLE_METHODS, method)?.(call);
}

/** A column method: its modifiers are the rest of the chain. */
function addColumn(c: TableCall, method: string, type: ColumnType): StepResult {
  const increments = handlerFor(INCREMENTS, method) !== undefined;
  const name = nameOf(c.args[0]) ?? (increments ? 'id' : '${column}');
  const column: KnexColumn = { kind: 'column', name, type: type.type, checks: type.checks, before: type.before, alter: false, at: c.at };
  if (increments && !isFalse(prop(c.w, c.args[1], 'primaryKey'))) column.primary = {};
  if (increments) column.notNull = undefined;
  columnModifiers(c.w, column, c.chain.links.slice(c.i + 1), c.frame);
  c.ops.push(column);
  return { next: c.chain.links.length };
}

function timestamps(c: TableCall): StepResult {
  const { w, args } = c;
  const defaultToNow = isTrue(args[1]);
  const camel = isTrue(args[2]);
  const useTz = !(args[0]?.t === 'obj' && isFalse(prop(w, args[0], 'useTz')));
  for (const n of camel ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']) {
    c.ops.push({
      kind: 'column',
      name: n,
      type: useTz ? 'timestamptz' : 'timestamp',
      notNull: defaultToNow ? true : undefined,
      default: defaultToNow ? 'CURRENT_TIMESTAMP' : undefined,
      checks: [],
      before: [],
      alter: false,
      at: c.at,
    });
  }
  return dropRole(c);
}

function primary(c: TableCall): StepResult {
  const { w, args, build } = c;
  const columns = namesOf(args[0]);
  const cname = typeof nameOf(args[1]) === 'string' ? nameOf(args[1]) : strOpt(w, args[1], 'constraintName');
  const name = cname ?? `${build.bare}_pkey`;
  c.ops.push({
    kind: 'clause',
    sql: `CONSTRAINT ${quoteIdent(name)} PRIMARY KEY ${columnList(columns)}`,
    alterSql: `ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(name)} PRIMARY KEY ${columnList(columns)}`,
    at: c.at,
  });
  return dropRole(c);
}

function unique(c: TableCall): StepResult {
  const { w, args, build } = c;
  const columns = namesOf(args[0]);
  const opts = args[1];
  const name = (opts?.t === 'str' ? opts.value : strOpt(w, opts, 'indexName')) ?? derivedName(build.bare, ...columns, 'unique');
  if (isFalse(prop(w, opts, 'useConstraint'))) c.statement(`CREATE UNIQUE INDEX ${quoteIdent(name)} ON ${build.ref} ${columnList(columns)}`);
  else c.statement(`ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE ${columnList(columns)}`);
  return dropRole(c);
}

function index(c: TableCall): StepResult {
  const { w, args, build } = c;
  const columns = namesOf(args[0]);
  const name = nameOf(args[1]) ?? (args[1]?.t === 'obj' ? strOpt(w, args[1], 'indexName') : undefined) ?? derivedName(build.bare, ...columns, 'index');
  const opts = args[1]?.t === 'obj' ? args[1] : args[2];
  const using = opts?.t === 'str' ? opts.value : strOpt(w, opts, 'indexType');
  c.statement(`CREATE INDEX ${quoteIdent(name)} ON ${build.ref}${using ? ` USING ${using}` : ''} ${columnList(columns)}`);
  return dropRole(c);
}

/** foreign('team_id').references('teams.id'): the rest of the chain describes the reference. */
function foreign(c: TableCall): StepResult {
  const columns = namesOf(c.args[0]);
  const ref: KnexReference = { columns: [], name: nameOf(c.args[1]) };
  readReferences(c.w, ref, c.chain.links.slice(c.i + 1), c.frame);
  c.statement(foreignKeySql(c.build, columns, ref));
  return { next: c.chain.links.length };
}

function dropColumns(c: TableCall): StepResult {
  const names = c.args.flatMap((a) => namesOf(a));
  c.statement(`ALTER TABLE ${c.build.ref} ${names.map((n) => `DROP COLUMN ${quoteIdent(n)}`).join(', ')}`);
  return dropRole(c);
}

function renameColumn(c: TableCall): StepResult {
  c.statement(`ALTER TABLE ${c.build.ref} RENAME COLUMN ${quoteIdent(nameOf(c.args[0]) ?? '${from}')} TO ${quoteIdent(nameOf(c.args[1]) ?? '${to}')}`);
  return dropRole(c);
}

function dropIndex(c: TableCall): StepResult {
  const { args, build } = c;
  const name = nameOf(args[1]) ?? derivedName(build.bare, ...namesOf(args[0]), 'index');
  // The schema part of `"schema"."table"` (a dot inside one quoted name is not a schema).
  const schema = /^((?:"(?:[^"]|"")*"\.)*)"(?:[^"]|"")*"$/.exec(build.ref)?.[1] ?? '';
  c.statement(`DROP INDEX ${schema}${quoteIdent(name)}`);
  return dropRole(c);
}

function dropConstraint(c: TableCall): StepResult {
  const suffix = c.link.name === 'dropUnique' ? 'unique' : 'foreign';
  const name = nameOf(c.args[1]) ?? derivedName(c.build.bare, ...namesOf(c.args[0]), suffix);
  c.statement(`ALTER TABLE ${c.build.ref} DROP CONSTRAINT ${quoteIdent(name)}`);
  return dropRole(c);
}

function dropPrimary(c: TableCall): StepResult {
  c.statement(`ALTER TABLE ${c.build.ref} DROP CONSTRAINT ${quoteIdent(nameOf(c.args[0]) ?? `${c.build.bare}_pkey`)}`);
  return dropRole(c);
}

function dropTimestamps(c: TableCall): StepResult {
  c.statement(`ALTER TABLE ${c.build.ref} DROP COLUMN "created_at", DROP COLUMN "updated_at"`);
  return dropRole(c);
}

function nullability(c: TableCall): StepResult {
  c.statement(`ALTER TABLE ${c.build.ref} ALTER COLUMN ${quoteIdent(nameOf(c.args[0]) ?? '${column}')} ${c.link.name === 'setNullable' ? 'DROP' : 'SET'} NOT NULL`);
  return dropRole(c);
}

function tableComment(c: TableCall): StepResult {
  c.statement(`COMMENT ON TABLE ${c.build.ref} IS ${c.args[0] ? (sqlLiteral(c.args[0]) ?? 'NULL') : 'NULL'}`);
  return dropRole(c);
}

/** check('price > 0'): a condition written as a string or knex.raw; anything else is not read. */
function check(c: TableCall): StepResult | undefined {
  const { args, build } = c;
  const condition = args[0]?.t === 'str' ? args[0].value : args[0]?.t === 'raw' ? args[0].sql : undefined;
  if (condition === undefined) return undefined;
  const cname = nameOf(args[2]) ?? derivedName(build.bare, 'check');
  c.ops.push({
    kind: 'clause',
    sql: `CONSTRAINT ${quoteIdent(cname)} CHECK (${condition})`,
    alterSql: `ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(cname)} CHECK (${condition})`,
    at: c.at,
  });
  return dropRole(c);
}

/** Read, but nothing to print: engine() and charset() are MySQL's, the others change no statement linted here. */
const noStatement = dropRole;

const TABLE_METHODS: Record<string, Handler<TableCall>> = {
  timestamps,
  primary,
  unique,
  index,
  foreign,
  dropColumn: dropColumns,
  dropColumns,
  renameColumn,
  dropIndex,
  dropUnique: dropConstraint,
  dropForeign: dropConstraint,
  dropPrimary,
  dropTimestamps,
  setNullable: nullability,
  dropNullable: nullability,
  comment: tableComment,
  check,
  engine: noStatement,
  charset: noStatement,
  collate: noStatement,
  inherits: noStatement,
  queryContext: noStatement,
};
