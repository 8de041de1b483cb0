/**
 * The schema DSL of a migration context (n8n's `schemaBuilder`): `createTable('t')
 * .withColumns(column('id').int.primary, ...).withIndexOn('c')`, `addColumns`,
 * `dropColumns`, `createIndex`, `dropIndex`, `addForeignKey`, `dropForeignKey`,
 * `addNotNull`, `dropNotNull`, `addEnumCheck`, `dropEnumCheck`, `dropTable`. Each
 * call is a lazy operation run by TypeORM's QueryRunner when awaited; it is lowered
 * to the SQL TypeORM's PostgreSQL query runner prints. Names carry the table prefix
 * (a setting known only at run time) as `${tablePrefix}`. Names TypeORM derives from
 * a hash (primary keys, foreign keys, unique constraints) are written `PK_${hash}`,
 * `FK_${hash}`, `UQ_${hash}`.
 */
import type * as t from '@babel/types';
import type { Env } from '../scope.js';
import type { Link } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf, type Span } from '../print.js';
import { renderText, type Val } from '../values.js';
import { unwrapTs, propertyName } from '../scope.js';
import { isTrue, strOpt } from './common.js';
import { handlerFor } from './step.js';

interface DslColumn {
  name: string;
  type: string;
  notNull: boolean;
  primary: boolean;
  pkName?: string;
  generated?: 'increment' | 'identity';
  default?: string;
  comment?: string;
  enumValues?: string[];
  at: Span;
}

const PREFIX = '${tablePrefix}';
const prefixed = (name: string) => quoteIdent(PREFIX + name);

/** A link of a column chain: `.int` (a getter) or `.varchar(36)`. */
interface ChainLink {
  name: string;
  args?: t.Node[];
}

/** `column('id').int.primary.notNull`: the base call and the links after it, when the base is the DSL's column(). */
function columnChain(w: Walker, node: t.Node, env: Env): { base: t.CallExpression | t.NewExpression; links: ChainLink[] } | undefined {
  const links: ChainLink[] = [];
  let cur = unwrapTs(node);
  for (;;) {
    if (cur.type === 'MemberExpression') {
      const name = propertyName(cur);
      if (!name) return undefined;
      links.push({ name });
      cur = unwrapTs(cur.object);
      continue;
    }
    // new Column('id'): the DSL's column class, imported.
    if (cur.type === 'NewExpression') {
      const callee = unwrapTs(cur.callee);
      const cls = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : undefined;
      return cls === 'Column' ? { base: cur, links: links.reverse() } : undefined;
    }
    if (cur.type === 'CallExpression') {
      const callee = unwrapTs(cur.callee);
      const role = w.roleOf(callee, env);
      if (role?.kind === 'migrationContext' && role.member === 'schemaBuilder.column') return { base: cur, links: links.reverse() };
      if (callee.type === 'MemberExpression') {
        const name = propertyName(callee);
        if (!name) return undefined;
        links.push({ name, args: cur.arguments });
        cur = unwrapTs(callee.object);
        continue;
      }
    }
    return undefined;
  }
}

/** TypeORM's query runner writes a column default as SQL, as given. */
function defaultSql(v: Val | undefined): string | undefined {
  if (!v || v.t === 'undef' || v.t === 'null') return undefined;
  if (v.t === 'str') return v.value;
  if (v.t === 'num') return v.raw;
  if (v.t === 'bool') return v.value ? 'true' : 'false';
  const name = nameOf(v);
  return name === undefined ? undefined : quoteIdent(name);
}

/** A column chain being read: the column so far, and whether its type is a timestamp (for `default('NOW()')`). */
interface ColumnReading {
  col: DslColumn;
  timestamp: boolean;
  /** The argument at k of a link, evaluated. */
  arg(l: ChainLink, k?: number): Val | undefined;
}

/** Column types whose SQL does not depend on their arguments. */
const FIXED_TYPES: Record<string, string> = {
  int: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  text: 'text',
  json: 'json',
  uuid: 'uuid',
  double: 'double precision',
  bool: 'boolean',
  binary: 'bytea',
};

function timestampWith(type: string) {
  return (r: ColumnReading, l: ChainLink) => {
    const n = r.arg(l);
    r.timestamp = true;
    // timestamp() means 3 digits; timestamp(null) lets the database choose.
    r.col.type = !l.args?.length ? `${type}(3)` : n?.t === 'num' ? `${type}(${n.raw})` : type;
  };
}

/** Links of a column chain other than the fixed types; the others change nothing TypeORM prints. */
const COLUMN_LINKS: Record<string, (r: ColumnReading, l: ChainLink) => void> = {
  varchar: (r, l) => {
    const n = r.arg(l);
    r.col.type = n?.t === 'num' ? `varchar(${n.raw})` : 'varchar';
  },
  timestamp: timestampWith('timestamptz'),
  timestampTimezone: timestampWith('timestamptz'),
  timestampNoTimezone: timestampWith('timestamp'),
  primary: ({ col }) => {
    col.primary = true;
  },
  primaryWithName: (r, l) => {
    r.col.primary = true;
    r.col.pkName = nameOf(r.arg(l));
  },
  notNull: ({ col }) => {
    col.notNull = true;
  },
  default: (r, l) => {
    const v = r.arg(l);
    r.col.default = r.timestamp && v?.t === 'str' && v.value === 'NOW()' ? 'CURRENT_TIMESTAMP(3)' : defaultSql(v);
  },
  autoGenerate: ({ col }) => {
    col.generated = 'increment';
  },
  autoGenerate2: ({ col }) => {
    col.generated = 'identity';
  },
  comment: (r, l) => {
    const v = r.arg(l);
    r.col.comment = v?.t === 'str' ? v.value : undefined;
  },
  withEnumCheck: (r, l) => {
    r.col.enumValues = namesOf(r.arg(l));
  },
};

function readColumn(w: Walker, node: t.Node, env: Env): DslColumn | undefined {
  const chain = columnChain(w, node, env);
  if (!chain) return undefined;
  const arg = (l: ChainLink, k = 0) => (l.args?.[k] ? w.ev.val(l.args[k], env) : undefined);
  const col: DslColumn = { name: nameOf(arg({ name: '', args: chain.base.arguments })) ?? '${column}', type: 'text', notNull: false, primary: false, at: spanOf(node) };
  const reading: ColumnReading = { col, timestamp: false, arg };
  for (const l of chain.links) {
    const fixed = handlerFor(FIXED_TYPES, l.name);
    if (fixed !== undefined) col.type = fixed;
    else handlerFor(COLUMN_LINKS, l.name)?.(reading, l);
  }
  if (col.primary || col.generated) col.notNull = true;
  return col;
}

/** Columns given as arguments: inline, in an array, through a constant, spread. */
function readColumns(w: Walker, nodes: t.Node[], env: Env, depth = 0): DslColumn[] {
  const out: DslColumn[] = [];
  for (const a of nodes) {
    const n = unwrapTs(a);
    if (n.type === 'SpreadElement') out.push(...readColumns(w, [n.argument], env, depth + 1));
    else if (n.type === 'ArrayExpression') out.push(...readColumns(w, n.elements.filter((e): e is t.Expression | t.SpreadElement => !!e), env, depth + 1));
    else if (n.type === 'Identifier' && depth < 5) {
      const b = env.lookup(n.name);
      if (b?.kind === 'expr') out.push(...readColumns(w, [b.node], b.env, depth + 1));
    } else {
      const c = readColumn(w, n, env);
      if (c) out.push(c);
    }
  }
  return out;
}

/** A column as TypeORM's PostgresQueryRunner.buildCreateColumnSql prints it. */
function columnSql(c: DslColumn): string {
  let sql = quoteIdent(c.name);
  if (c.generated === 'increment') sql += /bigint/.test(c.type) ? ' BIGSERIAL' : /smallint/.test(c.type) ? ' SMALLSERIAL' : ' SERIAL';
  else if (c.generated === 'identity') sql += ` ${c.type} GENERATED BY DEFAULT AS IDENTITY`;
  else sql += ` ${c.type}`;
  if (c.notNull) sql += ' NOT NULL';
  if (c.default !== undefined) sql += ` DEFAULT ${c.default}`;
  return sql;
}

/** n8n names an enum check `CHK_<prefix><table>_<column>`. */
const enumCheck = (table: string, c: DslColumn) =>
  `CONSTRAINT ${quoteIdent(`CHK_${PREFIX}${table}_${c.name}`)} CHECK (${quoteIdent(c.name)} IN (${(c.enumValues ?? []).map(quoteLiteral).join(', ')}))`;

const commentSql = (ref: string, c: DslColumn) => `COMMENT ON COLUMN ${ref}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment!)}`;

/** What createTable's `with...` links have said so far. */
interface TableParts {
  w: Walker;
  env: Env;
  /** The table name without its prefix. */
  name: string;
  ref: string;
  columns: DslColumn[];
  constraints: { sql: string; at: Span }[];
  indexes: { sql: string; at: Span }[];
}

const TABLE_LINKS: Record<string, (p: TableParts, l: Link, arg: (k: number) => Val | undefined) => void> = {
  withColumns: (p, l) => {
    p.columns.push(...readColumns(p.w, l.args, p.env));
  },
  withTimestamps: (p, l) => addTimestamps(p, l, ['createdAt', 'updatedAt']),
  withCreatedAt: (p, l) => addTimestamps(p, l, ['createdAt']),
  withIndexOn: (p, l, arg) => {
    const cols = namesOf(arg(0));
    const unique = isTrue(arg(1)) ? 'UNIQUE ' : '';
    p.indexes.push({ sql: `CREATE ${unique}INDEX ${quoteIdent(['IDX', PREFIX + p.name, ...cols].join('_'))} ON ${p.ref} ${columnList(cols)}`, at: l.at });
  },
  withUniqueConstraintOn: (p, l, arg) => {
    const cols = namesOf(arg(0));
    p.constraints.push({ sql: `CONSTRAINT "UQ_\${hash}" UNIQUE ${columnList(cols)}`, at: l.at });
  },
  withCheck: (p, l, arg) => {
    const expr = arg(1);
    if (expr?.t === 'str') p.constraints.push({ sql: `CONSTRAINT ${quoteIdent(nameOf(arg(0)) ?? `CHK_${PREFIX}${p.name}`)} CHECK (${renderText(expr.s)})`, at: l.at });
  },
  withForeignKey: (p, l, arg) => {
    const { w } = p;
    const col = nameOf(arg(0)) ?? '${column}';
    const refOpts = arg(1);
    const fkName = strOpt(w, refOpts, 'name') ?? 'FK_${hash}';
    let sql = `CONSTRAINT ${quoteIdent(fkName)} FOREIGN KEY (${quoteIdent(col)}) REFERENCES ${prefixed(strOpt(w, refOpts, 'tableName') ?? '${table}')} (${quoteIdent(strOpt(w, refOpts, 'columnName') ?? 'id')})`;
    const onDelete = strOpt(w, refOpts, 'onDelete');
    const onUpdate = strOpt(w, refOpts, 'onUpdate');
    if (onDelete) sql += ` ON DELETE ${onDelete}`;
    if (onUpdate) sql += ` ON UPDATE ${onUpdate}`;
    p.constraints.push({ sql, at: l.at });
  },
};

function addTimestamps(p: TableParts, l: Link, names: string[]): void {
  for (const n of names) p.columns.push({ name: n, type: 'timestamptz(3)', notNull: true, primary: false, default: 'CURRENT_TIMESTAMP(3)', at: l.at });
}

/** CREATE TABLE with its columns and constraints, then its indexes and column comments. */
function printTable(p: TableParts, node: t.Node): SqlOut[] {
  const { columns, ref } = p;
  const out = new SqlOut(spanOf(node)).add(`CREATE TABLE ${ref} (`);
  const parts: { sql: string; at: Span }[] = columns.map((c) => ({ sql: columnSql(c), at: c.at }));
  const primary = columns.filter((c) => c.primary);
  if (primary.length) parts.push({ sql: `CONSTRAINT ${quoteIdent(primary.find((c) => c.pkName)?.pkName ?? 'PK_${hash}')} PRIMARY KEY ${columnList(primary.map((c) => c.name))}`, at: primary[0].at });
  for (const c of columns) if (c.enumValues?.length) parts.push({ sql: enumCheck(p.name, c), at: c.at });
  parts.push(...p.constraints);
  parts.forEach((part, k) => out.add(k ? ', ' : '').add(part.sql, part.at));
  out.add(')');
  const outs = [out, ...p.indexes.map((i) => new SqlOut(spanOf(node)).add(i.sql, i.at))];
  for (const c of columns) if (c.comment !== undefined) outs.push(new SqlOut(spanOf(node)).add(commentSql(ref, c), c.at));
  return outs;
}

/** The links after `createTable(...)` that configure it (`withColumns`, `withIndexOn`, `withTimestamps`...). */
function createTable(w: Walker, args: t.Node[], rest: Link[], node: t.Node, frame: Frame): number {
  const { env } = frame;
  const name = nameOf(args[0] ? w.ev.val(args[0], env) : undefined) ?? '${table}';
  const parts: TableParts = { w, env, name, ref: prefixed(name), columns: [], constraints: [], indexes: [] };
  let used = 0;
  for (const l of rest) {
    if (!l.name || !/^with/.test(l.name)) break;
    used++;
    const arg = (k: number) => (l.args[k] ? w.ev.val(l.args[k], env) : undefined);
    const read = handlerFor(TABLE_LINKS, l.name);
    if (read) read(parts, l, arg);
    else w.unanalysed(l.node, `createTable().${l.name}() of the migration context's schema DSL is not analysed by migratelint`);
  }
  w.builder(printTable(parts, node), node);
  return used;
}

/** A schema DSL operation other than createTable, its arguments evaluated on demand. */
interface DslCall {
  w: Walker;
  op: string;
  node: t.Node;
  val(k: number): Val | undefined;
  /** The table name without its prefix. */
  table: string;
  ref: string;
  /** Emits statements located at the call. */
  emit(...sql: string[]): void;
}

const indexName = (c: DslCall, cols: string[]) => ['IDX', PREFIX + c.table, ...cols].join('_');

/** addColumns(table, columns): one ADD per column, then enum checks and comments. */
function addColumns(c: DslCall, args: t.Node[], env: Env): void {
  const { w, node, ref } = c;
  const columns = readColumns(w, args[1] ? [args[1]] : [], env);
  const outs = columns.map((col) => new SqlOut(spanOf(node)).add(`ALTER TABLE ${ref} ADD `).add(columnSql(col), col.at));
  for (const col of columns) if (col.enumValues?.length) outs.push(new SqlOut(spanOf(node)).add(`ALTER TABLE ${ref} ADD ${enumCheck(c.table, col)}`, col.at));
  for (const col of columns) if (col.comment !== undefined) outs.push(new SqlOut(spanOf(node)).add(commentSql(ref, col), col.at));
  if (!outs.length) {
    w.unanalysed(node, 'addColumns() of the migration context: its columns are not known here');
    return;
  }
  w.builder(outs, node);
}

/** addForeignKey(table, column, [refTable, refColumn], name, onDelete) and its drop. */
function foreignKey(c: DslCall): void {
  const { val, ref } = c;
  const col = nameOf(val(1)) ?? '${column}';
  const target = val(2);
  const [refTable, refCol] = target?.t === 'arr' ? target.items.map((i) => nameOf(i)) : [];
  const name = nameOf(val(3)) ?? 'FK_${hash}';
  if (c.op === 'dropForeignKey') {
    c.emit(`ALTER TABLE ${ref} DROP CONSTRAINT ${quoteIdent(name)}`);
    return;
  }
  const onDelete = val(4);
  c.emit(
    `ALTER TABLE ${ref} ADD CONSTRAINT ${quoteIdent(name)} FOREIGN KEY (${quoteIdent(col)}) REFERENCES ${prefixed(refTable ?? '${table}')} (${quoteIdent(refCol ?? 'id')})${onDelete?.t === 'str' ? ` ON DELETE ${onDelete.value}` : ''}`,
  );
}

const OPERATIONS: Record<string, (c: DslCall) => void> = {
  dropTable: (c) => c.emit(`DROP TABLE ${c.ref}`),
  dropColumns: (c) => c.emit(...namesOf(c.val(1)).map((col) => `ALTER TABLE ${c.ref} DROP COLUMN ${quoteIdent(col)}`)),
  createIndex: (c) => {
    const cols = namesOf(c.val(1));
    const name = nameOf(c.val(3)) ?? indexName(c, cols);
    const where = c.val(4);
    c.emit(`CREATE ${isTrue(c.val(2)) ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${c.ref} ${columnList(cols)}${where?.t === 'str' ? ` WHERE ${renderText(where.s)}` : ''}`);
  },
  dropIndex: (c) => {
    const name = strOpt(c.w, c.val(2), 'customIndexName') ?? indexName(c, namesOf(c.val(1)));
    c.emit(`DROP INDEX ${quoteIdent(name)}`);
  },
  addForeignKey: foreignKey,
  dropForeignKey: foreignKey,
  addNotNull: nullability,
  dropNotNull: nullability,
  addEnumCheck: (c) => {
    const col = nameOf(c.val(1)) ?? '${column}';
    c.emit(`ALTER TABLE ${c.ref} ADD ${enumCheck(c.table, { name: col, type: 'text', notNull: false, primary: false, enumValues: namesOf(c.val(2)), at: spanOf(c.node) })}`);
  },
  dropEnumCheck: (c) => c.emit(`ALTER TABLE ${c.ref} DROP CONSTRAINT ${quoteIdent(`CHK_${PREFIX}${c.table}_${nameOf(c.val(1)) ?? '${column}'}`)}`),
};

function nullability(c: DslCall): void {
  c.emit(`ALTER TABLE ${c.ref} ALTER COLUMN ${quoteIdent(nameOf(c.val(1)) ?? '${column}')} ${c.op === 'addNotNull' ? 'SET' : 'DROP'} NOT NULL`);
}

/**
 * A call of the schema DSL; `rest` are the links chained after it. Returns how many of
 * them it read, or undefined when the operation is not one migratelint knows.
 */
export function schemaDslCall(w: Walker, op: string, args: t.Node[], rest: Link[], node: t.Node, frame: Frame): number | undefined {
  const { env } = frame;
  const val = (k: number) => (args[k] ? w.ev.val(args[k], env) : undefined);
  const table = nameOf(val(0)) ?? '${table}';
  const call: DslCall = { w, op, node, val, table, ref: prefixed(table), emit: (...sql) => w.builder(sql.map((s) => new SqlOut(spanOf(node)).add(s)), node) };
  if (op === 'createTable') return createTable(w, args, rest, node, frame);
  if (op === 'addColumns') {
    addColumns(call, args, env);
    return 0;
  }
  const lower = handlerFor(OPERATIONS, op);
  if (!lower) return undefined;
  lower(call);
  return 0;
}
