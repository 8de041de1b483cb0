/**
 * node-pg-migrate: `pgm.sql` and the MigrationBuilder operations (createTable,
 * addColumns, alterColumn, createIndex, dropIndex, dropTable, ...), lowered to
 * what node-pg-migrate prints. Every operation is recorded, so the frontend can
 * tell whether node-pg-migrate can infer the down migration.
 */
import type { Env, Role } from '../scope.js';
import type { Chain, Frame, Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf, type Span } from '../print.js';
import { placeholder } from '../text.js';
import type { Val } from '../values.js';
import { bareTable, isTrue, isSet, pgmSqlArgs, prop, strOpt, tableRef, valueSql } from './common.js';
import type { StepResult } from './index.js';

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

export function pgmStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const env: Env = frame.env;
  const args = link.args.map((a) => w.ev.val(a, env));
  const out = () => new SqlOut(spanOf(link.node));
  const emit = (...sql: string[]) => w.builder(sql.map((s) => out().add(s)), link.node);

  if (role.kind === 'pgmDb') {
    if ((link.name === 'query' || link.name === 'select') && link.args[0]) {
      w.raw(link.args[0], link.node, frame);
      return { next: i + 1 };
    }
    return undefined;
  }

  const name = link.name ?? '';
  w.out.pgmOps.push({ name, node: link.node });
  const table = () => tableRef(w, args[0]);
  const opts = (k: number) => args[k];
  const flag = (k: number, key: string) => isTrue(prop(w, opts(k), key));
  switch (name) {
    case 'sql':
      if (link.args[0]) w.raw(link.args[0], link.node, frame, { rewrite: pgmSqlArgs(w, link.args[1], env) });
      return { next: i + 1 };
    case 'noTransaction':
      w.out.noTransaction = true;
      return { next: i + 1 };
    case 'func':
      return { next: i + 1 };
    case 'createTable': {
      const o = out().add(`CREATE TABLE ${flag(2, 'ifNotExists') ? 'IF NOT EXISTS ' : ''}${table()} (`);
      columnsOut(w, o, args[1], '');
      const constraints = prop(w, opts(2), 'constraints');
      const pk = namesOf(prop(w, constraints, 'primaryKey'));
      if (pk.length) o.add(`, PRIMARY KEY ${columnList(pk)}`);
      const unique = prop(w, constraints, 'unique');
      if (unique) {
        const groups = unique.t === 'arr' && unique.items.some((x) => x.t === 'arr') ? unique.items : [unique];
        for (const g of groups) o.add(`, UNIQUE ${columnList(namesOf(g))}`);
      }
      o.add(')');
      w.builder([o], link.node);
      return { next: i + 1, role };
    }
    case 'dropTable':
      emit(`DROP TABLE${flag(1, 'ifExists') ? ' IF EXISTS' : ''} ${table()}${flag(1, 'cascade') ? ' CASCADE' : ''}`);
      return { next: i + 1, role };
    case 'renameTable':
      emit(`ALTER TABLE ${table()} RENAME TO ${tableRef(w, args[1])}`);
      return { next: i + 1, role };
    case 'addColumns':
    case 'addColumn': {
      const o = out().add(`ALTER TABLE ${table()} `);
      columnsOut(w, o, args[1], `ADD ${flag(2, 'ifNotExists') ? 'IF NOT EXISTS ' : ''}`);
      w.builder([o], link.node);
      return { next: i + 1, role };
    }
    case 'dropColumns':
    case 'dropColumn': {
      const cols = args[1]?.t === 'obj' ? [...args[1].props.keys()] : namesOf(args[1]);
      const suffix = flag(2, 'cascade') ? ' CASCADE' : '';
      emit(`ALTER TABLE ${table()} ${cols.map((c) => `DROP ${flag(2, 'ifExists') ? 'IF EXISTS ' : ''}${quoteIdent(c)}${suffix}`).join(', ')}`);
      return { next: i + 1, role };
    }
    case 'renameColumn':
      emit(`ALTER TABLE ${table()} RENAME ${quoteIdent(nameOf(args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(args[2]) ?? '${to}')}`);
      return { next: i + 1, role };
    case 'alterColumn': {
      const col = quoteIdent(nameOf(args[1]) ?? '${column}');
      const o = args[2];
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
      const sql: string[] = [];
      if (actions.length) sql.push(`ALTER TABLE ${table()} ${actions.map((a) => `ALTER ${col} ${a}`).join(', ')}`);
      const comment = prop(w, o, 'comment');
      if (comment) sql.push(`COMMENT ON COLUMN ${table()}.${col} IS ${comment.t === 'null' ? 'NULL' : valueSql(w, comment)}`);
      if (sql.length) emit(...sql);
      else w.analysedOnly();
      return { next: i + 1, role };
    }
    case 'createIndex':
    case 'addIndex': {
      const { sql: cols, names } = indexColumns(w, args[1]);
      const o = opts(2);
      const unique = flag(2, 'unique') ? 'UNIQUE ' : '';
      const concurrently = flag(2, 'concurrently') ? ' CONCURRENTLY' : '';
      const ifNotExists = flag(2, 'ifNotExists') ? ' IF NOT EXISTS' : '';
      const method = strOpt(w, o, 'method');
      const include = namesOf(prop(w, o, 'include'));
      const where = strOpt(w, o, 'where');
      emit(
        `CREATE ${unique}INDEX${concurrently}${ifNotExists} ${quoteIdent(indexName(w, args[0], names, o))} ON ${table()}${method ? ` USING ${method}` : ''} (${cols.join(', ')})${include.length ? ` INCLUDE ${columnList(include)}` : ''}${where ? ` WHERE ${where}` : ''}`,
      );
      return { next: i + 1, role };
    }
    case 'dropIndex': {
      const { names } = indexColumns(w, args[1]);
      const o = opts(2);
      emit(
        `DROP INDEX${flag(2, 'concurrently') ? ' CONCURRENTLY' : ''}${flag(2, 'ifExists') ? ' IF EXISTS' : ''} ${quoteIdent(indexName(w, args[0], names, o))}${flag(2, 'cascade') ? ' CASCADE' : ''}`,
      );
      return { next: i + 1, role };
    }
    case 'addConstraint':
    case 'createConstraint': {
      const cname = nameOf(args[1]);
      const head = `ALTER TABLE ${table()} ADD${cname ? ` CONSTRAINT ${quoteIdent(cname)}` : ''}`;
      const spec = args[2];
      if (spec?.t === 'str') {
        emit(`${head} ${spec.value}`);
        return { next: i + 1, role };
      }
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
      if (!parts.length) return undefined;
      emit(...parts.map((p) => `${head} ${p}${isTrue(prop(w, spec, 'notValid')) ? ' NOT VALID' : ''}`));
      return { next: i + 1, role };
    }
    case 'dropConstraint':
      emit(
        `ALTER TABLE ${table()} DROP CONSTRAINT${flag(2, 'ifExists') ? ' IF EXISTS' : ''} ${quoteIdent(nameOf(args[1]) ?? '${constraint}')}${flag(2, 'cascade') ? ' CASCADE' : ''}`,
      );
      return { next: i + 1, role };
    case 'renameConstraint':
      emit(`ALTER TABLE ${table()} RENAME CONSTRAINT ${quoteIdent(nameOf(args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(args[2]) ?? '${to}')}`);
      return { next: i + 1, role };
    case 'createType':
    case 'addType': {
      const v = args[1];
      if (v?.t === 'arr') emit(`CREATE TYPE ${table()} AS ENUM (${namesOf(v).map(quoteLiteral).join(', ')})`);
      else if (v?.t === 'obj') emit(`CREATE TYPE ${table()} AS (${[...v.props.keys()].map((k) => `${quoteIdent(k)} ${adaptType(nameOf(prop(w, v, k)) ?? 'text')}`).join(', ')})`);
      else return undefined;
      return { next: i + 1, role };
    }
    case 'dropType':
      emit(`DROP TYPE${flag(1, 'ifExists') ? ' IF EXISTS' : ''} ${table()}${flag(1, 'cascade') ? ' CASCADE' : ''}`);
      return { next: i + 1, role };
    case 'addTypeValue': {
      const before = strOpt(w, opts(2), 'before');
      const after = strOpt(w, opts(2), 'after');
      emit(
        `ALTER TYPE ${table()} ADD VALUE${flag(2, 'ifNotExists') ? ' IF NOT EXISTS' : ''} ${quoteLiteral(nameOf(args[1]) ?? '')}${before ? ` BEFORE ${quoteLiteral(before)}` : after ? ` AFTER ${quoteLiteral(after)}` : ''}`,
      );
      return { next: i + 1, role };
    }
    case 'renameType':
      emit(`ALTER TYPE ${table()} RENAME TO ${tableRef(w, args[1])}`);
      return { next: i + 1, role };
    case 'createExtension':
    case 'addExtension': {
      const schema = strOpt(w, opts(1), 'schema');
      emit(...namesOf(args[0]).map((e) => `CREATE EXTENSION${flag(1, 'ifNotExists') ? ' IF NOT EXISTS' : ''} ${quoteIdent(e)}${schema ? ` SCHEMA ${quoteIdent(schema)}` : ''}`));
      return { next: i + 1, role };
    }
    case 'dropExtension':
      emit(`DROP EXTENSION${flag(1, 'ifExists') ? ' IF EXISTS' : ''} ${namesOf(args[0]).map(quoteIdent).join(', ')}${flag(1, 'cascade') ? ' CASCADE' : ''}`);
      return { next: i + 1, role };
    case 'createSchema':
      emit(`CREATE SCHEMA${flag(1, 'ifNotExists') ? ' IF NOT EXISTS' : ''} ${quoteIdent(nameOf(args[0]) ?? '${schema}')}`);
      return { next: i + 1, role };
    case 'dropSchema':
      emit(`DROP SCHEMA${flag(1, 'ifExists') ? ' IF EXISTS' : ''} ${quoteIdent(nameOf(args[0]) ?? '${schema}')}${flag(1, 'cascade') ? ' CASCADE' : ''}`);
      return { next: i + 1, role };
    case 'dropView':
    case 'dropMaterializedView':
    case 'dropSequence': {
      const what = name === 'dropView' ? 'VIEW' : name === 'dropSequence' ? 'SEQUENCE' : 'MATERIALIZED VIEW';
      emit(`DROP ${what}${flag(1, 'ifExists') ? ' IF EXISTS' : ''} ${table()}${flag(1, 'cascade') ? ' CASCADE' : ''}`);
      return { next: i + 1, role };
    }
    case 'refreshMaterializedView':
      emit(`REFRESH MATERIALIZED VIEW${flag(1, 'concurrently') ? ' CONCURRENTLY' : ''} ${table()}`);
      return { next: i + 1, role };
    default:
      return undefined;
  }
}
