/**
 * node-pg-migrate: `pgm.sql` and the MigrationBuilder operations (createTable,
 * addColumns, alterColumn, createIndex, dropIndex, dropTable, ...), lowered to
 * what node-pg-migrate prints. Every operation is recorded, so the frontend can
 * tell whether node-pg-migrate can infer the down migration.
 */
import type { Role } from '../scope.js';
import type { Chain } from '../chain.js';
import type { Frame } from '../walk-state.js';
import type { Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf, type Span } from '../print.js';
import { placeholder } from '../text.js';
import type { Val } from '../values.js';
import { bareTable, isTrue, isSet, pgmSqlArgs, prop, strOpt, tableRef, valueSql } from './common.js';
import { dropRole, handlerFor, keepRole, type Handler, type StepCall, type StepResult } from './step.js';

/** Operations node-pg-migrate knows how to reverse; any other one in an up without down makes the down impossible to infer. */
export const PGM_REVERSIBLE = new Set([
  'createTable',
  'renameTable',
  'addColumns',
  'addColumn',
  'renameColumn',
  'addConstraint',
  'createConstraint',
  'renameConstraint',
  'createIndex',
  'addIndex',
  'renameIndex',
  'createType',
  'addType',
  'renameType',
  'renameTypeAttribute',
  'renameTypeValue',
  'addTypeAttribute',
  'createExtension',
  'addExtension',
  'createSchema',
  'renameSchema',
  'createFunction',
  'renameFunction',
  'createTrigger',
  'renameTrigger',
  'createSequence',
  'renameSequence',
  'createView',
  'renameView',
  'createMaterializedView',
  'renameMaterializedView',
  'renameMaterializedViewColumn',
  'createPolicy',
  'renamePolicy',
  'createRole',
  'renameRole',
  'createDomain',
  'renameDomain',
  'createOperator',
  'createOperatorClass',
  'renameOperatorClass',
  'createOperatorFamily',
  'renameOperatorFamily',
  'addToOperatorFamily',
  'createCast',
  'grantRoles',
  'grantOnSchemas',
  'grantOnTables',
  // Not operations: they add no SQL to reverse.
  'noTransaction',
  'func',
]);

/** node-pg-migrate's built-in type aliases. */
const TYPE_ADAPTERS: Record<string, string> = {
  int: 'integer',
  string: 'text',
  float: 'real',
  double: 'double precision',
  datetime: 'timestamp',
  bool: 'boolean',
};

function adaptType(type: string): string {
  return TYPE_ADAPTERS[type] ?? type;
}

interface ColumnOptions {
  obj: Val | undefined;
  type: string;
}

/** A column definition after shorthands: `'text'`, `'id'`, `{ type, notNull, ... }`. */
function resolveColumn(w: Walker, v: Val | undefined, depth = 0): ColumnOptions {
  const shorthands = w.ctx.pgmShorthands;
  const shorthand = (name: string): Val | undefined => {
    const s = shorthands?.get(name);
    if (s) return w.ev.val(s.node, s.env);
    if (name === 'id') return undefined;
    return undefined;
  };
  if (v?.t === 'str') {
    const sh = depth < 5 ? shorthand(v.value) : undefined;
    if (sh) return resolveColumn(w, sh, depth + 1);
    if (v.value === 'id') return { obj: undefined, type: 'serial PRIMARY KEY' };
    return { obj: undefined, type: adaptType(v.value) };
  }
  if (v?.t === 'obj') {
    const typeVal = prop(w, v, 'type');
    const typeName = nameOf(typeVal) ?? 'text';
    const sh = depth < 5 && typeVal?.t === 'str' ? shorthand(typeName) : undefined;
    if (sh) {
      const base = resolveColumn(w, sh, depth + 1);
      // The column's own options win over the shorthand's.
      const merged: Val = base.obj?.t === 'obj' ? { ...v, props: new Map([...base.obj.props, ...[...v.props].filter(([k]) => k !== 'type')]) } : v;
      return { obj: merged, type: base.type };
    }
    if (typeName === 'id' && !shorthands?.has('id')) return { obj: v, type: 'serial PRIMARY KEY' };
    return { obj: v, type: adaptType(typeName) };
  }
  return { obj: undefined, type: v?.t === 'unknown' ? quoteIdent(placeholder(v.src)) : 'text' };
}

function referencesSql(w: Walker, refs: Val | undefined): string {
  if (refs?.t === 'str' && /[("]/.test(refs.value)) return refs.value;
  return tableRef(w, refs);
}

/** A column the way node-pg-migrate's parseColumns prints it. */
function columnSql(w: Walker, name: string, v: Val | undefined): string {
  const { obj, type } = resolveColumn(w, v);
  let sql = `${quoteIdent(name)} ${type}`;
  const o = (k: string) => prop(w, obj, k);
  const collation = strOpt(w, obj, 'collation');
  if (collation) sql += ` COLLATE ${collation}`;
  const seq = o('sequenceGenerated');
  if (seq?.t === 'obj') sql += ` GENERATED ${strOpt(w, seq, 'precedence') ?? 'BY DEFAULT'} AS IDENTITY`;
  const expr = strOpt(w, obj, 'expressionGenerated');
  if (expr) sql += ` GENERATED ALWAYS AS (${expr}) STORED`;
  if (isSet(o('default'))) sql += ` DEFAULT ${valueSql(w, o('default'))}`;
  if (isTrue(o('unique'))) sql += ' UNIQUE';
  if (isTrue(o('primaryKey'))) sql += ' PRIMARY KEY';
  if (isTrue(o('notNull'))) sql += ' NOT NULL';
  const check = strOpt(w, obj, 'check');
  if (check) sql += ` CHECK (${check})`;
  const refs = o('references');
  if (refs) {
    sql += ` REFERENCES ${referencesSql(w, refs)}`;
    const onDelete = strOpt(w, obj, 'onDelete');
    const onUpdate = strOpt(w, obj, 'onUpdate');
    if (onDelete) sql += ` ON DELETE ${onDelete.toUpperCase()}`;
    if (onUpdate) sql += ` ON UPDATE ${onUpdate.toUpperCase()}`;
  }
  return sql;
}

/** Index columns: names (quoted) or expressions (as written), or `{ name, sort, opclass }`. */
function indexColumns(w: Walker, v: Val | undefined): { sql: string[]; names: string[] } {
  const items = v?.t === 'arr' ? v.items : v ? [v] : [];
  const sql: string[] = [];
  const names: string[] = [];
  for (const item of items) {
    if (item.t === 'obj') {
      const name = strOpt(w, item, 'name') ?? '${column}';
      names.push(name);
      const opclass = strOpt(w, item, 'opclass');
      const sort = strOpt(w, item, 'sort');
      sql.push(`${quoteIdent(name)}${opclass ? ` ${opclass}` : ''}${sort ? ` ${sort}` : ''}`);
      continue;
    }
    const name = nameOf(item) ?? '${column}';
    names.push(name);
    sql.push(/^[\w$]+$/.test(name) || name.startsWith('${') ? quoteIdent(name) : name);
  }
  return { sql, names };
}

function indexName(w: Walker, table: Val | undefined, columns: string[], opts: Val | undefined): string {
  return strOpt(w, opts, 'name') ?? `${bareTable(w, table)}_${columns.join('_')}${isTrue(prop(w, opts, 'unique')) ? '_unique' : ''}_index`;
}

/** The columns object of createTable/addColumns: each column's text is located at its property. */
function columnsOut(w: Walker, out: SqlOut, columns: Val | undefined, prefix: string): void {
  if (columns?.t !== 'obj') {
    out.add(`${prefix}${quoteIdent('${columns}')} text`);
    return;
  }
  let first = true;
  for (const [name, ref] of columns.props) {
    const at: Span = { start: (ref.key ?? ref.node).start!, end: ref.node.end! };
    out.add(first ? '' : ', ');
    out.add(`${prefix}${columnSql(w, name, prop(w, columns, name))}`, at);
    first = false;
  }
}

/** A MigrationBuilder call, its arguments evaluated. */
interface PgmCall extends StepCall {
  args: Val[];
  /** Emits statements located at the call. */
  emit(...sql: string[]): void;
  /** A statement being printed piece by piece, located at the call. */
  out(): SqlOut;
  /** The object named by the first argument (table, type, view), as SQL. */
  table(): string;
  /** Whether the options object at argument k has `key: true`. */
  flag(k: number, key: string): boolean;
}

export function pgmStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const out = () => new SqlOut(spanOf(link.node));
  const call: PgmCall = {
    w,
    role,
    chain,
    i,
    link,
    frame,
    args,
    out,
    emit: (...sql) => w.builder(sql.map((s) => out().add(s)), link.node),
    table: () => tableRef(w, args[0]),
    flag: (k, key) => isTrue(prop(w, args[k], key)),
  };
  if (role.kind === 'pgmDb') return dbQuery(call);
  w.out.pgmOps.push({ name: link.name ?? '', node: link.node });
  return handlerFor(OPERATIONS, link.name ?? '')?.(call);
}

/** pgm.db.query(sql) / pgm.db.select(sql): raw SQL run at once. */
function dbQuery(c: PgmCall): StepResult | undefined {
  const { link } = c;
  if ((link.name === 'query' || link.name === 'select') && link.args[0]) {
    c.w.raw(link.args[0], link.node, c.frame);
    return dropRole(c);
  }
  return undefined;
}

const ifExists = (c: PgmCall, k: number) => (c.flag(k, 'ifExists') ? ' IF EXISTS' : '');
const ifNotExists = (c: PgmCall, k: number) => (c.flag(k, 'ifNotExists') ? ' IF NOT EXISTS' : '');
const cascade = (c: PgmCall, k: number) => (c.flag(k, 'cascade') ? ' CASCADE' : '');

function sql(c: PgmCall): StepResult {
  const { w, link, frame } = c;
  if (link.args[0]) w.raw(link.args[0], link.node, frame, { rewrite: pgmSqlArgs(w, link.args[1], frame.env) });
  return dropRole(c);
}

function noTransaction(c: PgmCall): StepResult {
  c.w.out.noTransaction = true;
  return dropRole(c);
}

function createTable(c: PgmCall): StepResult {
  const { w, args } = c;
  const o = c.out().add(`CREATE TABLE ${c.flag(2, 'ifNotExists') ? 'IF NOT EXISTS ' : ''}${c.table()} (`);
  columnsOut(w, o, args[1], '');
  const constraints = prop(w, args[2], 'constraints');
  const pk = namesOf(prop(w, constraints, 'primaryKey'));
  if (pk.length) o.add(`, PRIMARY KEY ${columnList(pk)}`);
  const unique = prop(w, constraints, 'unique');
  if (unique) {
    const groups = unique.t === 'arr' && unique.items.some((x) => x.t === 'arr') ? unique.items : [unique];
    for (const g of groups) o.add(`, UNIQUE ${columnList(namesOf(g))}`);
  }
  o.add(')');
  w.builder([o], c.link.node);
  return keepRole(c);
}

function dropTable(c: PgmCall): StepResult {
  c.emit(`DROP TABLE${ifExists(c, 1)} ${c.table()}${cascade(c, 1)}`);
  return keepRole(c);
}

function renameTable(c: PgmCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} RENAME TO ${tableRef(c.w, c.args[1])}`);
  return keepRole(c);
}

function addColumns(c: PgmCall): StepResult {
  const o = c.out().add(`ALTER TABLE ${c.table()} `);
  columnsOut(c.w, o, c.args[1], `ADD ${c.flag(2, 'ifNotExists') ? 'IF NOT EXISTS ' : ''}`);
  c.w.builder([o], c.link.node);
  return keepRole(c);
}

function dropColumns(c: PgmCall): StepResult {
  const { args } = c;
  const cols = args[1]?.t === 'obj' ? [...args[1].props.keys()] : namesOf(args[1]);
  const suffix = cascade(c, 2);
  c.emit(`ALTER TABLE ${c.table()} ${cols.map((col) => `DROP ${c.flag(2, 'ifExists') ? 'IF EXISTS ' : ''}${quoteIdent(col)}${suffix}`).join(', ')}`);
  return keepRole(c);
}

function renameColumn(c: PgmCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} RENAME ${quoteIdent(nameOf(c.args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(c.args[2]) ?? '${to}')}`);
  return keepRole(c);
}

/** The ALTER actions of alterColumn's options, in node-pg-migrate's order. */
function alterActions(w: Walker, o: Val | undefined): string[] {
  const actions: string[] = [];
  const d = prop(w, o, 'default');
  if (d?.t === 'null') actions.push('DROP DEFAULT');
  else if (isSet(d)) actions.push(`SET DEFAULT ${valueSql(w, d)}`);
  const type = strOpt(w, o, 'type');
  if (type) {
    const using = strOpt(w, o, 'using');
    const collation = strOpt(w, o, 'collation');
    actions.push(`SET DATA TYPE ${adaptType(type)}${collation ? ` COLLATE ${collation}` : ''}${using ? ` USING ${using}` : ''}`);
  }
  const notNull = prop(w, o, 'notNull');
  if (isTrue(notNull)) actions.push('SET NOT NULL');
  else if ((notNull?.t === 'bool' && !notNull.value) || isTrue(prop(w, o, 'allowNull'))) actions.push('DROP NOT NULL');
  return actions;
}

function alterColumn(c: PgmCall): StepResult {
  const { w, args } = c;
  const col = quoteIdent(nameOf(args[1]) ?? '${column}');
  const o = args[2];
  const actions = alterActions(w, o);
  const sql: string[] = [];
  if (actions.length) sql.push(`ALTER TABLE ${c.table()} ${actions.map((a) => `ALTER ${col} ${a}`).join(', ')}`);
  const comment = prop(w, o, 'comment');
  if (comment) sql.push(`COMMENT ON COLUMN ${c.table()}.${col} IS ${comment.t === 'null' ? 'NULL' : valueSql(w, comment)}`);
  if (sql.length) c.emit(...sql);
  else w.analysedOnly();
  return keepRole(c);
}

function createIndex(c: PgmCall): StepResult {
  const { w, args } = c;
  const { sql: cols, names } = indexColumns(w, args[1]);
  const o = args[2];
  const unique = c.flag(2, 'unique') ? 'UNIQUE ' : '';
  const concurrently = c.flag(2, 'concurrently') ? ' CONCURRENTLY' : '';
  const method = strOpt(w, o, 'method');
  const include = namesOf(prop(w, o, 'include'));
  const where = strOpt(w, o, 'where');
  c.emit(
    `CREATE ${unique}INDEX${concurrently}${ifNotExists(c, 2)} ${quoteIdent(indexName(w, args[0], names, o))} ON ${c.table()}${method ? ` USING ${method}` : ''} (${cols.join(', ')})${include.length ? ` INCLUDE ${columnList(include)}` : ''}${where ? ` WHERE ${where}` : ''}`,
  );
  return keepRole(c);
}

function dropIndex(c: PgmCall): StepResult {
  const { w, args } = c;
  const { names } = indexColumns(w, args[1]);
  c.emit(`DROP INDEX${c.flag(2, 'concurrently') ? ' CONCURRENTLY' : ''}${ifExists(c, 2)} ${quoteIdent(indexName(w, args[0], names, args[2]))}${cascade(c, 2)}`);
  return keepRole(c);
}

/** The constraints of an addConstraint spec object, each as its own clause. */
function constraintClauses(w: Walker, spec: Val | undefined): string[] {
  const parts: string[] = [];
  const check = prop(w, spec, 'check');
  if (check) for (const c of check.t === 'arr' ? check.items : [check]) parts.push(`CHECK (${nameOf(c) ?? 'true'})`);
  const unique = prop(w, spec, 'unique');
  if (unique) parts.push(`UNIQUE ${columnList(namesOf(unique))}`);
  const pk = prop(w, spec, 'primaryKey');
  if (pk) parts.push(`PRIMARY KEY ${columnList(namesOf(pk))}`);
  const fks = prop(w, spec, 'foreignKeys');
  for (const fk of fks?.t === 'arr' ? fks.items : fks ? [fks] : []) {
    let sql = `FOREIGN KEY ${columnList(namesOf(prop(w, fk, 'columns')))} REFERENCES ${referencesSql(w, prop(w, fk, 'references'))}`;
    const onDelete = strOpt(w, fk, 'onDelete');
    if (onDelete) sql += ` ON DELETE ${onDelete.toUpperCase()}`;
    parts.push(sql);
  }
  return parts;
}

/** addConstraint(table, name, spec): the spec is SQL as written, or an object of constraints. */
function addConstraint(c: PgmCall): StepResult | undefined {
  const { w, args } = c;
  const cname = nameOf(args[1]);
  const head = `ALTER TABLE ${c.table()} ADD${cname ? ` CONSTRAINT ${quoteIdent(cname)}` : ''}`;
  const spec = args[2];
  if (spec?.t === 'str') {
    c.emit(`${head} ${spec.value}`);
    return keepRole(c);
  }
  const parts = constraintClauses(w, spec);
  if (!parts.length) return undefined;
  c.emit(...parts.map((p) => `${head} ${p}${isTrue(prop(w, spec, 'notValid')) ? ' NOT VALID' : ''}`));
  return keepRole(c);
}

function dropConstraint(c: PgmCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} DROP CONSTRAINT${ifExists(c, 2)} ${quoteIdent(nameOf(c.args[1]) ?? '${constraint}')}${cascade(c, 2)}`);
  return keepRole(c);
}

function renameConstraint(c: PgmCall): StepResult {
  c.emit(`ALTER TABLE ${c.table()} RENAME CONSTRAINT ${quoteIdent(nameOf(c.args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(c.args[2]) ?? '${to}')}`);
  return keepRole(c);
}

/** createType(name, ['a', 'b']) is an enum; createType(name, { field: type }) a composite type. */
function createType(c: PgmCall): StepResult | undefined {
  const { w } = c;
  const v = c.args[1];
  if (v?.t === 'arr') c.emit(`CREATE TYPE ${c.table()} AS ENUM (${namesOf(v).map(quoteLiteral).join(', ')})`);
  else if (v?.t === 'obj') c.emit(`CREATE TYPE ${c.table()} AS (${[...v.props.keys()].map((k) => `${quoteIdent(k)} ${adaptType(nameOf(prop(w, v, k)) ?? 'text')}`).join(', ')})`);
  else return undefined;
  return keepRole(c);
}

function dropType(c: PgmCall): StepResult {
  c.emit(`DROP TYPE${ifExists(c, 1)} ${c.table()}${cascade(c, 1)}`);
  return keepRole(c);
}

function addTypeValue(c: PgmCall): StepResult {
  const { w, args } = c;
  const before = strOpt(w, args[2], 'before');
  const after = strOpt(w, args[2], 'after');
  const position = before ? ` BEFORE ${quoteLiteral(before)}` : after ? ` AFTER ${quoteLiteral(after)}` : '';
  c.emit(`ALTER TYPE ${c.table()} ADD VALUE${ifNotExists(c, 2)} ${quoteLiteral(nameOf(args[1]) ?? '')}${position}`);
  return keepRole(c);
}

function renameType(c: PgmCall): StepResult {
  c.emit(`ALTER TYPE ${c.table()} RENAME TO ${tableRef(c.w, c.args[1])}`);
  return keepRole(c);
}

/** One statement per extension named. */
function createExtension(c: PgmCall): StepResult {
  const schema = strOpt(c.w, c.args[1], 'schema');
  c.emit(...namesOf(c.args[0]).map((e) => `CREATE EXTENSION${ifNotExists(c, 1)} ${quoteIdent(e)}${schema ? ` SCHEMA ${quoteIdent(schema)}` : ''}`));
  return keepRole(c);
}

function dropExtension(c: PgmCall): StepResult {
  c.emit(`DROP EXTENSION${ifExists(c, 1)} ${namesOf(c.args[0]).map(quoteIdent).join(', ')}${cascade(c, 1)}`);
  return keepRole(c);
}

function createSchema(c: PgmCall): StepResult {
  c.emit(`CREATE SCHEMA${ifNotExists(c, 1)} ${quoteIdent(nameOf(c.args[0]) ?? '${schema}')}`);
  return keepRole(c);
}

function dropSchema(c: PgmCall): StepResult {
  c.emit(`DROP SCHEMA${ifExists(c, 1)} ${quoteIdent(nameOf(c.args[0]) ?? '${schema}')}${cascade(c, 1)}`);
  return keepRole(c);
}

const DROPPED_KINDS: Record<string, string> = { dropView: 'VIEW', dropMaterializedView: 'MATERIALIZED VIEW', dropSequence: 'SEQUENCE' };

function dropRelation(c: PgmCall): StepResult {
  c.emit(`DROP ${DROPPED_KINDS[c.link.name!]}${ifExists(c, 1)} ${c.table()}${cascade(c, 1)}`);
  return keepRole(c);
}

function refreshMaterializedView(c: PgmCall): StepResult {
  c.emit(`REFRESH MATERIALIZED VIEW${c.flag(1, 'concurrently') ? ' CONCURRENTLY' : ''} ${c.table()}`);
  return keepRole(c);
}

const OPERATIONS: Record<string, Handler<PgmCall>> = {
  sql,
  noTransaction,
  // pgm.func('now()') builds a value, not a statement.
  func: dropRole,
  createTable,
  dropTable,
  renameTable,
  addColumns,
  addColumn: addColumns,
  dropColumns,
  dropColumn: dropColumns,
  renameColumn,
  alterColumn,
  createIndex,
  addIndex: createIndex,
  dropIndex,
  addConstraint,
  createConstraint: addConstraint,
  dropConstraint,
  renameConstraint,
  createType,
  addType: createType,
  dropType,
  addTypeValue,
  renameType,
  createExtension,
  addExtension: createExtension,
  dropExtension,
  createSchema,
  dropSchema,
  dropView: dropRelation,
  dropMaterializedView: dropRelation,
  dropSequence: dropRelation,
  refreshMaterializedView,
};
