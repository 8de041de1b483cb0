/**
 * db-migrate: `db.runSql(sql)` and the driver API (createTable, addColumn,
 * removeColumn, addIndex, ...), lowered to what db-migrate-pg prints. Callbacks
 * passed to these calls are walked too (old migrations chain steps through them).
 */
import type { Role } from '../scope.js';
import type { Chain, Frame, Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, spanOf, nameOf, namesOf } from '../print.js';
import type { Val } from '../values.js';
import { isTrue, prop, strOpt, tableRef, valueSql } from './common.js';
import type { StepResult } from './index.js';

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

export function dbMigrateStep(w: Walker, _role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const emit = (...sql: string[]) => w.builder(sql.map((s) => new SqlOut(spanOf(link.node)).add(s)), link.node);
  const table = () => tableRef(w, args[0]);
  const done = (): StepResult => {
    // The last argument is usually a callback: walk it, it may hold the next steps.
    w.visitArgs(link.args.filter((a) => a.type === 'FunctionExpression' || a.type === 'ArrowFunctionExpression'), frame, false);
    return { next: i + 1 };
  };
  switch (link.name) {
    case 'runSql':
    case 'all':
      if (link.args[0]) w.raw(link.args[0], link.node, frame);
      return done();
    case 'createTable': {
      const spec = args[1];
      const columns = spec?.t === 'obj' && spec.props.has('columns') ? prop(w, spec, 'columns') : spec;
      const ifNotExists = isTrue(prop(w, spec, 'ifNotExists')) ? 'IF NOT EXISTS ' : '';
      const defs = columns?.t === 'obj' ? [...columns.props.keys()].map((k) => columnSql(w, k, prop(w, columns, k))) : [];
      emit(`CREATE TABLE ${ifNotExists}${table()} (${defs.join(', ')})`);
      return done();
    }
    case 'dropTable': {
      const opts = args[1];
      emit(`DROP TABLE ${isTrue(prop(w, opts, 'ifExists')) ? 'IF EXISTS ' : ''}${table()}`);
      return done();
    }
    case 'renameTable':
      emit(`ALTER TABLE ${table()} RENAME TO ${quoteIdent(nameOf(args[1]) ?? '${name}')}`);
      return done();
    case 'addColumn':
      emit(`ALTER TABLE ${table()} ADD COLUMN ${columnSql(w, nameOf(args[1]) ?? '${column}', args[2])}`);
      return done();
    case 'removeColumn':
      emit(`ALTER TABLE ${table()} DROP COLUMN ${quoteIdent(nameOf(args[1]) ?? '${column}')}`);
      return done();
    case 'renameColumn':
      emit(`ALTER TABLE ${table()} RENAME COLUMN ${quoteIdent(nameOf(args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(args[2]) ?? '${to}')}`);
      return done();
    case 'changeColumn': {
      const col = `ALTER TABLE ${table()} ALTER COLUMN ${quoteIdent(nameOf(args[1]) ?? '${column}')}`;
      const spec = args[2];
      const sql = [`${col} ${isTrue(prop(w, spec, 'notNull')) ? 'SET' : 'DROP'} NOT NULL`];
      const d = prop(w, spec, 'defaultValue');
      sql.push(d && d.t !== 'undef' ? `${col} SET DEFAULT ${valueSql(w, d)}` : `${col} DROP DEFAULT`);
      const type = prop(w, spec, 'type');
      if (type) sql.push(`${col} TYPE ${TYPES[typeName(type)] ?? typeName(type).toUpperCase()}`);
      emit(...sql);
      return done();
    }
    case 'addIndex': {
      const cols = namesOf(args[2]);
      emit(`CREATE ${isTrue(args[3]) ? 'UNIQUE ' : ''}INDEX ${quoteIdent(nameOf(args[1]) ?? '${index}')} ON ${table()} ${columnList(cols)}`);
      return done();
    }
    case 'removeIndex': {
      // removeIndex(table, name) or removeIndex(name)
      const name = args[1]?.t === 'str' ? args[1].value : nameOf(args[0]);
      emit(`DROP INDEX ${quoteIdent(name ?? '${index}')}`);
      return done();
    }
    case 'addForeignKey': {
      const mapping = args[3];
      const keys = mapping?.t === 'obj' ? [...mapping.props.keys()] : [];
      const refs = keys.map((k) => nameOf(prop(w, mapping, k)) ?? 'id');
      const rules = args[4];
      let sql = `ALTER TABLE ${table()} ADD CONSTRAINT ${quoteIdent(nameOf(args[2]) ?? 'fkey')} FOREIGN KEY ${columnList(keys)} REFERENCES ${tableRef(w, args[1])} ${columnList(refs)}`;
      const onDelete = strOpt(w, rules, 'onDelete');
      const onUpdate = strOpt(w, rules, 'onUpdate');
      if (onDelete) sql += ` ON DELETE ${onDelete}`;
      if (onUpdate) sql += ` ON UPDATE ${onUpdate}`;
      emit(sql);
      return done();
    }
    case 'removeForeignKey':
      emit(`ALTER TABLE ${table()} DROP CONSTRAINT ${quoteIdent(nameOf(args[1]) ?? '${constraint}')}`);
      return done();
    case 'insert': {
      const cols = namesOf(args[1]);
      const values = args[2]?.t === 'arr' ? args[2].items.map((v) => valueSql(w, v)) : [];
      emit(cols.length && values.length === cols.length ? `INSERT INTO ${table()} ${columnList(cols)} VALUES (${values.join(', ')})` : `INSERT INTO ${table()} DEFAULT VALUES`);
      return done();
    }
    default:
      return undefined;
  }
}
