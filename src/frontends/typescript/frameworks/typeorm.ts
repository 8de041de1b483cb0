/**
 * TypeORM: `queryRunner.query(sql)` and the QueryRunner schema API (createTable with
 * `Table`, addColumn with `TableColumn`, createIndex with `TableIndex`, ...), lowered
 * to what TypeORM's PostgreSQL query runner prints. TypeORM columns are NOT NULL
 * unless `isNullable: true`, and `default` is SQL written as is.
 */
import type * as t from '@babel/types';
import { CONTEXT_HELPERS, type Env, type Role } from '../scope.js';
import type { Chain, Link } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { schemaDslCall } from './context-dsl.js';
import { SqlOut, columnList, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf } from '../print.js';
import type { Val } from '../values.js';
import type { StaticString } from '../text.js';
import { placeholder, sqlStateAt } from '../text.js';
import { bareTable, bindingSql, isTrue, prop, rewriteText, strOpt, tableRef } from './common.js';
import { dropRole, handlerFor, keepRole, type Handler, type StepCall, type StepResult } from './step.js';
import { typeormQueryBuilder } from './typeorm-query-builder.js';

/** The options object of `new TableColumn({...})`, `new Table({...})`, or a plain object. */
const options = (v: Val | undefined): Val | undefined => (v?.t === 'new' ? v.args[0] : v);

function typeSql(w: Walker, col: Val | undefined, table: string): { type: string; before: string[] } {
  const type = (strOpt(w, col, 'type') ?? 'text').toLowerCase();
  const name = strOpt(w, col, 'name') ?? 'column';
  const length = strOpt(w, col, 'length');
  const precision = strOpt(w, col, 'precision');
  const scale = strOpt(w, col, 'scale');
  let sql: string;
  const before: string[] = [];
  switch (type) {
    case 'int':
    case 'int4':
    case 'integer':
      sql = 'integer';
      break;
    case 'int8':
      sql = 'bigint';
      break;
    case 'int2':
      sql = 'smallint';
      break;
    case 'enum':
    case 'simple-enum': {
      const enumName = strOpt(w, col, 'enumName') ?? `${table}_${name}_enum`;
      sql = quoteIdent(enumName);
      const values = namesOf(prop(w, col, 'enum'));
      if (values.length) before.push(`CREATE TYPE ${quoteIdent(enumName)} AS ENUM(${values.map(quoteLiteral).join(', ')})`);
      break;
    }
    default:
      sql = type;
  }
  if (length && /char|bit/.test(sql)) sql += `(${length})`;
  else if (precision !== undefined && /numeric|decimal/.test(sql)) sql += scale !== undefined ? `(${precision},${scale})` : `(${precision})`;
  if (isTrue(prop(w, col, 'isArray'))) sql += ' array';
  return { type: sql, before };
}

/** A column definition the way TypeORM's PostgresQueryRunner builds it. */
function columnSql(w: Walker, colVal: Val | undefined, table: string): { sql: string; before: string[]; name: string; unique: boolean; primary: boolean } {
  const col = options(colVal);
  const name = strOpt(w, col, 'name') ?? '${column}';
  const generated = isTrue(prop(w, col, 'isGenerated'));
  const strategy = strOpt(w, col, 'generationStrategy') ?? 'increment';
  const { type, before } = typeSql(w, col, table);
  let sql = quoteIdent(name);
  let defaultSql = defaultOf(prop(w, col, 'default'));
  if (generated && strategy === 'increment') {
    sql += /bigint|int8/.test(type) ? ' BIGSERIAL' : /smallint|int2/.test(type) ? ' SMALLSERIAL' : ' SERIAL';
  } else if (generated && strategy === 'identity') {
    sql += ` ${type} GENERATED ${strOpt(w, col, 'generatedIdentity') === 'ALWAYS' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  } else {
    sql += ` ${type}`;
    if (generated && strategy === 'uuid') defaultSql ??= 'uuid_generate_v4()';
  }
  const asExpression = strOpt(w, col, 'asExpression');
  if (asExpression) sql += ` GENERATED ALWAYS AS (${asExpression}) STORED`;
  if (!isTrue(prop(w, col, 'isNullable'))) sql += ' NOT NULL';
  if (defaultSql !== undefined) sql += ` DEFAULT ${defaultSql}`;
  return { sql, before, name, unique: isTrue(prop(w, col, 'isUnique')), primary: isTrue(prop(w, col, 'isPrimary')) };
}

/** TypeORM writes `default` into the SQL as is: strings are SQL (`"'active'"`, `'now()'`). */
function defaultOf(v: Val | undefined): string | undefined {
  if (!v || v.t === 'undef' || v.t === 'null') return undefined;
  if (v.t === 'str') return v.value;
  if (v.t === 'num') return v.raw;
  if (v.t === 'bool') return v.value ? 'true' : 'false';
  if (v.t === 'fn') return undefined; // () => 'now()' is handled by the entity layer, not the runner
  if (v.t === 'unknown') return quoteIdent(placeholder(v.src));
  return undefined;
}

function indexSql(w: Walker, table: string, bare: string, idxVal: Val | undefined): string {
  const idx = options(idxVal);
  const columns = namesOf(prop(w, idx, 'columnNames'));
  const name = strOpt(w, idx, 'name') ?? `IDX_${bare}_${columns.join('_')}`;
  const unique = isTrue(prop(w, idx, 'isUnique')) ? 'UNIQUE ' : '';
  const concurrently = isTrue(prop(w, idx, 'isConcurrent')) ? ' CONCURRENTLY' : '';
  const spatial = isTrue(prop(w, idx, 'isSpatial')) ? 'USING GiST ' : '';
  const where = strOpt(w, idx, 'where');
  return `CREATE ${unique}INDEX${concurrently} ${quoteIdent(name)} ON ${table} ${spatial}${columnList(columns)}${where ? ` WHERE ${where}` : ''}`;
}

function foreignKeySql(w: Walker, table: string, bare: string, fkVal: Val | undefined): string {
  const fk = options(fkVal);
  const columns = namesOf(prop(w, fk, 'columnNames'));
  const refTable = tableRef(w, prop(w, fk, 'referencedTableName'));
  const refColumns = namesOf(prop(w, fk, 'referencedColumnNames'));
  const name = strOpt(w, fk, 'name') ?? `FK_${bare}_${columns.join('_')}`;
  let sql = `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(name)} FOREIGN KEY ${columnList(columns)} REFERENCES ${refTable}${columnList(refColumns)}`;
  const onDelete = strOpt(w, fk, 'onDelete');
  const onUpdate = strOpt(w, fk, 'onUpdate');
  if (onDelete) sql += ` ON DELETE ${onDelete}`;
  if (onUpdate) sql += ` ON UPDATE ${onUpdate}`;
  return sql;
}

/** The name of a column given as a string or a TableColumn. */
const columnName = (w: Walker, v: Val | undefined) => (v?.t === 'new' || v?.t === 'obj' ? strOpt(w, options(v), 'name') : nameOf(v)) ?? '${column}';

/** A QueryRunner call, its arguments evaluated. */
interface QueryRunnerCall extends StepCall {
  args: Val[];
  /** Emits statements located at the call. */
  emit(...sql: string[]): void;
  /** The table of the first argument (a name or a `Table`), as SQL. */
  table(): string;
  /** The bare table name, for the names TypeORM derives. */
  bare(): string;
  /** The argument at k as a list: `createIndices(t, [a, b])`, or the single `createIndex(t, a)`. */
  listArg(k: number, plural: string): Val[];
}

export function typeormStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const call: QueryRunnerCall = {
    w,
    role,
    chain,
    i,
    link,
    frame,
    args,
    emit: (...sql) => w.builder(sql.map((s) => new SqlOut(spanOf(link.node)).add(s)), link.node),
    table: () => tableRef(w, options(args[0])),
    bare: () => bareTable(w, options(args[0])),
    listArg: (k, plural) => (link.name === plural ? (args[k]?.t === 'arr' ? args[k].items : []) : [args[k]]),
  };
  if (role.kind === 'typeormManager') return managerCall(call);
  // A QueryRunner has no runQuery/escape/schemaBuilder: the object is a migration context under another name.
  if (link.name && CONTEXT_HELPERS.has(link.name)) return contextStep(w, { kind: 'migrationContext' }, chain, i, frame);
  return handlerFor(QUERY_RUNNER_METHODS, link.name)?.(call);
}

/** Reads through the EntityManager run no statement worth linting. */
const MANAGER_READS = /^(count|countBy|exists|existsBy|find|findBy|findOne|findOneBy|findOneOrFail|findAndCount|getRepository)$/;

function managerCall(c: QueryRunnerCall): StepResult | undefined {
  const { w, link, chain, i } = c;
  if (link.name === 'query' && link.args[0]) {
    w.raw(link.args[0], link.node, c.frame);
    return dropRole(c);
  }
  if (link.name === 'createQueryBuilder') return { next: typeormQueryBuilder(w, chain, i, c.frame, undefined) };
  // getRepository(User).createQueryBuilder('u'): the builder's table is the repository's entity.
  if (link.name === 'getRepository' && chain.links[i + 1]?.name === 'createQueryBuilder') {
    return { next: typeormQueryBuilder(w, chain, i + 1, c.frame, c.args[0]) };
  }
  if (link.name && MANAGER_READS.test(link.name)) {
    w.analysedOnly();
    return dropRole(c);
  }
  return undefined;
}

function query(c: QueryRunnerCall): StepResult {
  if (c.link.args[0]) c.w.raw(c.link.args[0], c.link.node, c.frame);
  return dropRole(c);
}

/** The column definitions and table constraints of CREATE TABLE, and the statements around it. */
function createTableParts(w: Walker, t: Val | undefined, name: string): { before: string[]; defs: string[] } {
  const cols = prop(w, t, 'columns');
  const before: string[] = [];
  const defs: string[] = [];
  const primary: string[] = [];
  for (const c of cols?.t === 'arr' ? cols.items : []) {
    const col = columnSql(w, c, name);
    before.push(...col.before);
    defs.push(col.sql);
    if (col.primary) primary.push(col.name);
    if (col.unique) defs.push(`CONSTRAINT ${quoteIdent(`UQ_${name}_${col.name}`)} UNIQUE (${quoteIdent(col.name)})`);
  }
  if (primary.length) defs.push(`CONSTRAINT ${quoteIdent(`PK_${name}`)} PRIMARY KEY ${columnList(primary)}`);
  const uniques = prop(w, t, 'uniques');
  for (const u of uniques?.t === 'arr' ? uniques.items : []) {
    const uniqueCols = namesOf(prop(w, options(u), 'columnNames'));
    defs.push(`CONSTRAINT ${quoteIdent(strOpt(w, options(u), 'name') ?? `UQ_${name}_${uniqueCols.join('_')}`)} UNIQUE ${columnList(uniqueCols)}`);
  }
  const checks = prop(w, t, 'checks');
  for (const c of checks?.t === 'arr' ? checks.items : []) {
    const expr = strOpt(w, options(c), 'expression');
    if (expr) defs.push(`CONSTRAINT ${quoteIdent(strOpt(w, options(c), 'name') ?? `CHK_${name}`)} CHECK (${expr})`);
  }
  return { before, defs };
}

/** createTable(table, ifNotExists, createForeignKeys = true, createIndices = true). */
function createTable(c: QueryRunnerCall): StepResult {
  const { w, args } = c;
  const t = options(args[0]);
  const ref = tableRef(w, t);
  const name = bareTable(w, t);
  const { before, defs } = createTableParts(w, t, name);
  const after: string[] = [];
  const ifNotExists = isTrue(args[1]) ? 'IF NOT EXISTS ' : '';
  const indices = prop(w, t, 'indices');
  if (args[3]?.t !== 'bool' || args[3].value) for (const idx of indices?.t === 'arr' ? indices.items : []) after.push(indexSql(w, ref, name, idx));
  const fks = prop(w, t, 'foreignKeys');
  if (args[2]?.t !== 'bool' || args[2].value) for (const fk of fks?.t === 'arr' ? fks.items : []) after.push(foreignKeySql(w, ref, name, fk));
  c.emit(...before, `CREATE TABLE ${ifNotExists}${ref} (${defs.join(', ')})`, ...after);
  return keepRole(c);
}

function dropTable(c: QueryRunnerCall): StepResult {
  c.emit(`DROP TABLE ${isTrue(c.args[1]) ? 'IF EXISTS ' : ''}${c.table()}`);
  return keepRole(c);
}

function addColumns(c: QueryRunnerCall): StepResult {
  const sql: string[] = [];
  for (const column of c.listArg(1, 'addColumns')) {
    const col = columnSql(c.w, column, c.bare());
    sql.push(...col.before, `ALTER TABLE ${c.table()} ADD ${col.sql}`);
    if (col.unique) sql.push(`ALTER TABLE ${c.table()} ADD CONSTRAINT ${quoteIdent(`UQ_${c.bare()}_${col.name}`)} UNIQUE (${quoteIdent(col.name)})`);
  }
  c.emit(...sql);
  return keepRole(c);
}

/** changeColumn(table, old, new): a rename when the name changes, then type, nullability and default. */
function changeColumn(c: QueryRunnerCall): StepResult {
  const { w, args } = c;
  const oldName = columnName(w, args[1]);
  const next = options(args[2]);
  const newName = strOpt(w, next, 'name') ?? oldName;
  const col = `ALTER TABLE ${c.table()} ALTER COLUMN ${quoteIdent(newName)}`;
  const sql: string[] = [];
  if (newName !== oldName) sql.push(`ALTER TABLE ${c.table()} RENAME COLUMN ${quoteIdent(oldName)} TO ${quoteIdent(newName)}`);
  if (prop(w, next, 'type')) sql.push(`${col} TYPE ${typeSql(w, next, c.bare()).type}`);
  sql.push(`${col} ${isTrue(prop(w, next, 'isNullable')) ? 'DROP' : 'SET'} NOT NULL`);
  const d = defaultOf(prop(w, next, 'default'));
  sql.push(d !== undefined ? `${col} SET DEFAULT ${d}` : `${col} DROP DEFAULT`);
  c.emit(...sql);
  return keepRole(c);
}

function dropColumns(c: QueryRunnerCall): StepResult {
  c.emit(...c.listArg(1, 'dropColumns').map((col) => `ALTER TABLE ${c.table()} DROP COLUMN ${quoteIdent(columnName(c.w, col))}`));
  return keepRole(c);
}

function renameColumn(c: QueryRunnerCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} RENAME COLUMN ${quoteIdent(columnName(c.w, c.args[1]))} TO ${quoteIdent(columnName(c.w, c.args[2]))}`);
  return keepRole(c);
}

function renameTable(c: QueryRunnerCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} RENAME TO ${quoteIdent(bareTable(c.w, options(c.args[1])))}`);
  return keepRole(c);
}

function createIndices(c: QueryRunnerCall): StepResult {
  c.emit(...c.listArg(1, 'createIndices').map((idx) => indexSql(c.w, c.table(), c.bare(), idx)));
  return keepRole(c);
}

function dropIndices(c: QueryRunnerCall): StepResult {
  const { w } = c;
  const drop = (idx: Val | undefined) => {
    const o = options(idx);
    const name = idx?.t === 'new' || idx?.t === 'obj' ? strOpt(w, o, 'name') : nameOf(idx);
    const concurrently = isTrue(prop(w, o, 'isConcurrent')) ? ' CONCURRENTLY' : '';
    return `DROP INDEX${concurrently} ${quoteIdent(name ?? '${index}')}`;
  };
  c.emit(...c.listArg(1, 'dropIndices').map(drop));
  return keepRole(c);
}

function createForeignKeys(c: QueryRunnerCall): StepResult {
  c.emit(...c.listArg(1, 'createForeignKeys').map((fk) => foreignKeySql(c.w, c.table(), c.bare(), fk)));
  return keepRole(c);
}

function createPrimaryKey(c: QueryRunnerCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} ADD CONSTRAINT ${quoteIdent(nameOf(c.args[2]) ?? `PK_${c.bare()}`)} PRIMARY KEY ${columnList(namesOf(c.args[1]))}`);
  return keepRole(c);
}

function createUniqueConstraint(c: QueryRunnerCall): StepResult {
  const u = options(c.args[1]);
  const cols = namesOf(prop(c.w, u, 'columnNames'));
  c.emit(`ALTER TABLE ${c.table()} ADD CONSTRAINT ${quoteIdent(strOpt(c.w, u, 'name') ?? `UQ_${c.bare()}_${cols.join('_')}`)} UNIQUE ${columnList(cols)}`);
  return keepRole(c);
}

function createCheckConstraint(c: QueryRunnerCall): StepResult {
  const check = options(c.args[1]);
  c.emit(`ALTER TABLE ${c.table()} ADD CONSTRAINT ${quoteIdent(strOpt(c.w, check, 'name') ?? `CHK_${c.bare()}`)} CHECK (${strOpt(c.w, check, 'expression') ?? 'true'})`);
  return keepRole(c);
}

/** The constraint is named, given as an object, or (for the primary key) derived from the table. */
function dropConstraint(c: QueryRunnerCall): StepResult {
  const { w, args } = c;
  const target = args[1];
  const name =
    c.link.name === 'dropPrimaryKey' ? (nameOf(target) ?? `PK_${c.bare()}`) : target?.t === 'new' || target?.t === 'obj' ? strOpt(w, options(target), 'name') : nameOf(target);
  c.emit(`ALTER TABLE ${c.table()} DROP CONSTRAINT ${quoteIdent(name ?? '${constraint}')}`);
  return keepRole(c);
}

function createSchema(c: QueryRunnerCall): StepResult {
  c.emit(`CREATE SCHEMA ${isTrue(c.args[1]) ? 'IF NOT EXISTS ' : ''}${quoteIdent(nameOf(c.args[0]) ?? '${schema}')}`);
  return keepRole(c);
}

function dropSchema(c: QueryRunnerCall): StepResult {
  c.emit(`DROP SCHEMA ${isTrue(c.args[1]) ? 'IF EXISTS ' : ''}${quoteIdent(nameOf(c.args[0]) ?? '${schema}')}${isTrue(c.args[2]) ? ' CASCADE' : ''}`);
  return keepRole(c);
}

function clearTable(c: QueryRunnerCall): StepResult {
  c.emit(`TRUNCATE TABLE ${c.table()}`);
  return keepRole(c);
}

/** What follows runs outside the migration's transaction. */
function commitTransaction(c: QueryRunnerCall): StepResult {
  c.w.out.commitsTransaction = true;
  return dropRole(c);
}

/** hasTable(), getTable()...: reads. */
function introspection(c: QueryRunnerCall): StepResult {
  c.w.analysedOnly();
  return dropRole(c);
}

const QUERY_RUNNER_METHODS: Record<string, Handler<QueryRunnerCall>> = {
  query,
  createTable,
  dropTable,
  addColumn: addColumns,
  addColumns,
  changeColumn,
  dropColumn: dropColumns,
  dropColumns,
  renameColumn,
  renameTable,
  createIndex: createIndices,
  createIndices,
  dropIndex: dropIndices,
  dropIndices,
  createForeignKey: createForeignKeys,
  createForeignKeys,
  createPrimaryKey,
  createUniqueConstraint,
  createCheckConstraint,
  dropForeignKey: dropConstraint,
  dropUniqueConstraint: dropConstraint,
  dropCheckConstraint: dropConstraint,
  dropPrimaryKey: dropConstraint,
  createSchema,
  dropSchema,
  clearTable,
  commitTransaction,
  // Transaction and connection management outside commit: nothing to lint.
  startTransaction: dropRole,
  rollbackTransaction: dropRole,
  release: dropRole,
  connect: dropRole,
  hasTable: introspection,
  hasColumn: introspection,
  hasSchema: introspection,
  hasDatabase: introspection,
  getTable: introspection,
  getTables: introspection,
  getView: introspection,
  getViews: introspection,
};

// ---------------------------------------------------------------- migration context

/**
 * TypeORM's named parameters (`:name`, `:...list`), as its PostgreSQL driver fills
 * them in (`escapeQueryWithParameters`): only names the parameters object has; with
 * parameters known only at run time, every `:name` outside quotes. `::type` casts stay.
 */
export function typeormNamedParams(w: Walker, params: t.Node | undefined, env: Env): ((s: StaticString) => StaticString) | undefined {
  if (!params) return undefined;
  const v = w.ev.val(params, env);
  if (v.t === 'undef' || v.t === 'null') return undefined;
  return (s) => {
    let n = 0;
    return rewriteText(s, /(?<![:\w]):(\.\.\.)?([A-Za-z_][\w]*)(?!:)/g, (m, before) => {
      if (v.t === 'obj' ? !v.props.has(m[2]) : sqlStateAt(before) !== 'code') return undefined;
      const item = v.t === 'obj' ? prop(w, v, m[2]) : undefined;
      if (m[1] && item?.t === 'arr') return item.items.map((x) => bindingSql(x, ++n)).join(', ') || 'NULL';
      return bindingSql(item, ++n);
    });
  };
}

/**
 * A call of a migration-context helper (n8n: `runQuery(sql, params)`,
 * `runInBatches(sql, fn)`, `copyTable(from, to)`, `escape.*`, `schemaBuilder.*`).
 * `name` is the helper's path in the context. Returns false when it is not one migratelint knows.
 */
export function contextCall(w: Walker, name: string, args: t.Node[], rest: Link[], node: t.Node, frame: Frame): number | undefined {
  const { env } = frame;
  switch (name) {
    case 'runQuery':
      if (args[0]) w.raw(args[0], node, frame, { rewrite: typeormNamedParams(w, args[1], env) });
      return 0;
    case 'runInBatches':
      // The query is read page by page (a SELECT); the callback does the work.
      if (args[0]) w.raw(args[0], node, frame);
      w.visitArgs(args.slice(1), frame, false);
      return 0;
    case 'copyTable': {
      const vals = args.map((a) => w.ev.val(a, env));
      const table = (v: Val | undefined) => quoteIdent('${tablePrefix}' + (nameOf(v) ?? '${table}'));
      const from = namesOf(vals[2]);
      const to = namesOf(vals[3]);
      const sql = `INSERT INTO ${table(vals[1])}${to.length ? ` ${columnList(to)}` : ''} SELECT ${from.length ? from.map(quoteIdent).join(', ') : '*'} FROM ${table(vals[0])}`;
      w.builder([new SqlOut(spanOf(node)).add(sql)], node);
      return 0;
    }
    default:
      break;
  }
  // escape.tableName(...) and the like only build names; schemaBuilder.column(...) builds a value.
  if (name.startsWith('escape.') || name === 'schemaBuilder.column') return 0;
  if (name.startsWith('schemaBuilder.')) {
    const used = schemaDslCall(w, name.slice('schemaBuilder.'.length), args, rest, node, frame);
    if (used !== undefined) return used;
    w.unanalysed(node, `${name}() (the migration context's schema DSL) is not analysed by migratelint`);
    return 0;
  }
  return undefined;
}

/** `context.runQuery(...)`, `context.schemaBuilder.createTable(...)`: a helper called through the context. */
export function contextStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  if (role.kind !== 'migrationContext') return undefined;
  const link = chain.links[i];
  if (!link.name) return undefined;
  const name = role.member ? `${role.member}.${link.name}` : link.name;
  const used = contextCall(w, name, link.args, chain.links.slice(i + 1), link.node, frame);
  return used === undefined ? undefined : { next: i + 1 + used };
}
