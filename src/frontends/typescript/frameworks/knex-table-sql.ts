/**
 * What a knex createTable/alterTable callback asked for (columns, table clauses,
 * statements of their own), and the statements knex's PostgreSQL dialect prints for it.
 */
import type { KnexTableBuild } from '../scope.js';
import { SqlOut, columnList, derivedName, quoteIdent, quoteLiteral, tableName, type Span } from '../print.js';

export interface KnexColumn {
  kind: 'column';
  name: string;
  type: string;
  /** true: notNullable(); false: nullable(); undefined: not said. */
  notNull?: boolean;
  default?: string;
  primary?: { name?: string };
  unique?: { name?: string };
  index?: { name?: string; using?: string };
  references?: KnexReference;
  comment?: string;
  collate?: string;
  checks: string[];
  alter: boolean;
  /** Statements knex runs before the table statement (a native enum type). */
  before: string[];
  at: Span;
}

export interface KnexReference {
  table?: string;
  columns: string[];
  onDelete?: string;
  onUpdate?: string;
  name?: string;
  /** A target known only at run time, `table.column` as a whole. */
  whole?: string;
}

/** A statement on its own (index, constraint, drop, rename...) or a table-level clause of CREATE TABLE. */
export type KnexOp = KnexColumn | { kind: 'stmt'; sql: string; at: Span } | { kind: 'clause'; sql: string; alterSql: string; at: Span };

export function foreignKeySql(build: KnexTableBuild, columns: string[], ref: KnexReference): string {
  const name = ref.name ?? derivedName(build.bare, ...columns, 'foreign');
  let target: string;
  if (ref.table === undefined && ref.whole !== undefined) target = quoteIdent(ref.whole);
  else {
    const refTable = ref.table === undefined ? quoteIdent('${table}') : ref.table.startsWith('${') ? quoteIdent(ref.table) : tableName(ref.table);
    target = `${refTable} ${columnList(ref.columns.length ? ref.columns : ['id'])}`;
  }
  let sql = `ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(name)} FOREIGN KEY ${columnList(columns)} REFERENCES ${target}`;
  if (ref.onDelete) sql += ` ON DELETE ${ref.onDelete.toUpperCase()}`;
  if (ref.onUpdate) sql += ` ON UPDATE ${ref.onUpdate.toUpperCase()}`;
  return sql;
}

function columnSql(c: KnexColumn, inCreate: boolean): string {
  let sql = `${quoteIdent(c.name)} ${c.type}`;
  if (c.collate) sql += ` COLLATE ${quoteIdent(c.collate)}`;
  if (c.notNull) sql += ' NOT NULL';
  if (c.default !== undefined) sql += ` DEFAULT ${c.default}`;
  if (c.primary && (inCreate || !c.primary.name)) sql += ' PRIMARY KEY';
  for (const check of c.checks) sql += ` ${check}`;
  return sql;
}

/** What knex runs after the table statement for one column: unique, index, foreign key, comment. */
function columnExtras(build: KnexTableBuild, c: KnexColumn): string[] {
  const out: string[] = [];
  if (c.unique) {
    out.push(`ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(c.unique.name ?? derivedName(build.bare, c.name, 'unique'))} UNIQUE (${quoteIdent(c.name)})`);
  }
  if (c.index) {
    out.push(`CREATE INDEX ${quoteIdent(c.index.name ?? derivedName(build.bare, c.name, 'index'))} ON ${build.ref}${c.index.using ? ` USING ${c.index.using}` : ''} (${quoteIdent(c.name)})`);
  }
  if (c.references) out.push(foreignKeySql(build, [c.name], c.references));
  if (c.comment !== undefined) out.push(`COMMENT ON COLUMN ${build.ref}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment)}`);
  return out;
}

/** `.alter()`: knex drops the default and nullability, changes the type, then sets what the builder says. */
function alterColumnSql(build: KnexTableBuild, c: KnexColumn): string[] {
  const col = `ALTER TABLE ${build.ref} ALTER COLUMN ${quoteIdent(c.name)}`;
  const out = [`${col} DROP DEFAULT`, `${col} DROP NOT NULL`, `${col} TYPE ${c.type} USING (${quoteIdent(c.name)}::${c.type})`];
  if (c.default !== undefined) out.push(`${col} SET DEFAULT ${c.default}`);
  if (c.notNull) out.push(`${col} SET NOT NULL`);
  return out;
}

export function printTable(build: KnexTableBuild, call: Span, ifNotExists: boolean): SqlOut[] {
  return build.mode === 'create' ? printCreate(build, call, ifNotExists) : printAlter(build, call);
}

/** CREATE TABLE with its columns and clauses, preceded by enum types and followed by indexes and constraints. */
function printCreate(build: KnexTableBuild, call: Span, ifNotExists: boolean): SqlOut[] {
  const before: SqlOut[] = [];
  const after: SqlOut[] = [];
  const push = (list: SqlOut[], sql: string, at: Span) => list.push(new SqlOut(call).add(sql, at));
  const create = new SqlOut(call).add(`CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${build.ref} (`);
  let first = true;
  for (const op of build.ops as KnexOp[]) {
    if (op.kind === 'column') {
      for (const b of op.before) push(before, b, op.at);
      create.add(first ? '' : ', ').add(columnSql(op, true), op.at);
      first = false;
      for (const extra of columnExtras(build, op)) push(after, extra, op.at);
    } else if (op.kind === 'clause') {
      create.add(first ? '' : ', ').add(op.sql, op.at);
      first = false;
    } else push(after, op.sql, op.at);
  }
  create.add(')');
  return [...before, create, ...after];
}

/** One statement per column and operation, in the order the callback asked for them. */
function printAlter(build: KnexTableBuild, call: Span): SqlOut[] {
  const outs: SqlOut[] = [];
  const push = (sql: string, at: Span) => outs.push(new SqlOut(call).add(sql, at));
  for (const op of build.ops as KnexOp[]) {
    if (op.kind === 'column') {
      for (const b of op.before) push(b, op.at);
      if (op.alter) for (const sql of alterColumnSql(build, op)) push(sql, op.at);
      else push(`ALTER TABLE ${build.ref} ADD COLUMN ${columnSql(op, false)}`, op.at);
      if (op.primary?.name) push(`ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(op.primary.name)} PRIMARY KEY (${quoteIdent(op.name)})`, op.at);
      for (const extra of columnExtras(build, op)) push(extra, op.at);
    } else if (op.kind === 'clause') push(op.alterSql, op.at);
    else push(op.sql, op.at);
  }
  return outs;
}
