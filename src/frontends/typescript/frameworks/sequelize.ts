/**
 * Sequelize: `queryInterface.*` (createTable, addColumn, changeColumn, addIndex,
 * addConstraint, bulkDelete, ...) and `sequelize.query`, lowered to what Sequelize's
 * PostgreSQL query generator prints. Sequelize runs migrations outside a transaction
 * unless the code opens one and passes it (`{ transaction: t }`).
 */
import type * as t from '@babel/types';
import type { Role } from '../scope.js';
import type { Chain, Frame, Walker } from '../walker.js';
import { SqlOut, columnList, derivedName, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf } from '../print.js';
import { placeholder } from '../text.js';
import type { Val } from '../values.js';
import { bareTable, isTrue, isFalse, prop, sequelizeReplacements, strOpt, tableRef, valueSql } from './common.js';
import { walkCallback, type StepResult } from './index.js';
import { unwrapTs } from '../scope.js';

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

/** The type of a Sequelize attribute: `DataTypes.STRING(100)`, `Sequelize.ENUM('a')`, `'VARCHAR(20)'`. */
function typeSql(w: Walker, type: Val | undefined, table: string, column: string): { sql: string; enumValues?: string[]; serial?: boolean } {
  if (!type) return { sql: 'VARCHAR(255)' };
  if (type.t === 'str') return { sql: type.value };
  if (type.t === 'raw') return { sql: type.sql };
  let name: string | undefined;
  let args: Val[] = [];
  if (type.t === 'path') name = type.parts[type.parts.length - 1];
  else if (type.t === 'call') {
    name = type.parts[type.parts.length - 1];
    args = type.args;
  } else if (type.t === 'new') {
    name = type.cls;
    args = type.args;
  }
  const n = (v: Val | undefined) => (v?.t === 'num' ? v.raw : undefined);
  switch (name) {
    case 'STRING':
      return { sql: `VARCHAR(${n(args[0]) ?? n(prop(w, args[0], 'length')) ?? 255})` };
    case 'CHAR':
      return { sql: `CHAR(${n(args[0]) ?? 255})` };
    case 'TEXT':
      return { sql: 'TEXT' };
    case 'CITEXT':
    case 'TSVECTOR':
    case 'INET':
    case 'CIDR':
    case 'MACADDR':
    case 'HSTORE':
    case 'JSON':
    case 'JSONB':
    case 'UUID':
    case 'REAL':
    case 'BOOLEAN':
    case 'TIME':
    case 'GEOMETRY':
    case 'GEOGRAPHY':
      return { sql: name };
    case 'INTEGER':
    case 'MEDIUMINT':
      return { sql: 'INTEGER' };
    case 'BIGINT':
      return { sql: 'BIGINT' };
    case 'SMALLINT':
    case 'TINYINT':
      return { sql: 'SMALLINT' };
    case 'FLOAT':
      return { sql: 'FLOAT' };
    case 'DOUBLE':
      return { sql: 'DOUBLE PRECISION' };
    case 'DECIMAL':
    case 'NUMERIC':
      return { sql: args.length ? `DECIMAL(${args.map((a) => n(a) ?? '10').join(',')})` : 'DECIMAL' };
    case 'DATE':
    case 'NOW':
      return { sql: 'TIMESTAMP WITH TIME ZONE' };
    case 'DATEONLY':
      return { sql: 'DATE' };
    case 'BLOB':
      return { sql: 'BYTEA' };
    case 'ENUM': {
      const values = args.length === 1 && args[0].t === 'arr' ? namesOf(args[0]) : args.flatMap((a) => namesOf(a));
      return { sql: quoteIdent(`enum_${table}_${column}`), enumValues: values };
    }
    case 'ARRAY': {
      const inner = typeSql(w, args[0], table, column);
      return { sql: `${inner.sql}[]` };
    }
    default:
      return { sql: quoteIdent(placeholder(type.t === 'unknown' ? type.src : (name ?? 'type'))) };
  }
}

/** Defaults Sequelize computes in JavaScript (UUIDV4, NOW, functions) never reach the table. */
function defaultSql(w: Walker, v: Val | undefined): string | undefined {
  if (!v || v.t === 'undef') return undefined;
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
  const d = defaultSql(w, opt('defaultValue'));
  if (d !== undefined) sql += ` DEFAULT ${d}`;
  if (isTrue(opt('unique'))) sql += ' UNIQUE';
  const primary = isTrue(opt('primaryKey'));
  if (primary && forAdd) sql += ' PRIMARY KEY';
  const refs = opt('references');
  if (refs) {
    const model = prop(w, refs, 'model');
    const key = strOpt(w, refs, 'key') ?? 'id';
    sql += ` REFERENCES ${tableRef(w, model)} (${quoteIdent(key)})`;
    const onDelete = nameOf(opt('onDelete'));
    const onUpdate = nameOf(opt('onUpdate'));
    if (onDelete) sql += ` ON DELETE ${onDelete.toUpperCase()}`;
    if (onUpdate) sql += ` ON UPDATE ${onUpdate.toUpperCase()}`;
  }
  return { sql, before, primary };
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

export function sequelizeStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const inTx = passesTransaction(w, link.args, frame);
  const emit = (...sql: string[]) => w.builder(sql.map((s) => new SqlOut(spanOf(link.node)).add(s)), link.node, inTx);

  if (role.kind === 'sequelizeTx') {
    // t.commit(), t.rollback(), t.afterCommit(): no SQL of the migration's own.
    return { next: i + 1 };
  }

  if (role.kind === 'sequelize') {
    switch (link.name) {
      case 'query':
        if (link.args[0]) w.raw(link.args[0], link.node, frame, { rewrite: sequelizeReplacements(w, args[1]), inTx });
        return { next: i + 1 };
      case 'transaction': {
        const cb = link.args[link.args.length - 1];
        if (walkCallback(w, cb, frame, [{ kind: 'sequelizeTx' }])) return { next: i + 1 };
        return { next: i + 1, role: { kind: 'sequelizeTx' } };
      }
      case 'getQueryInterface':
        return { next: i + 1, role: { kind: 'queryInterface' } };
      case 'literal':
      case 'fn':
      case 'col':
      case 'where':
      case 'authenticate':
      case 'close':
        return { next: i + 1 };
      default:
        return undefined;
    }
  }

  const table = () => tableRef(w, args[0]);
  const bare = () => bareTable(w, args[0]);
  switch (link.name) {
    case 'query':
      // An umzug context that is the Sequelize instance itself.
      if (link.args[0]) w.raw(link.args[0], link.node, frame, { rewrite: sequelizeReplacements(w, args[1]), inTx });
      return { next: i + 1 };
    case 'createTable': {
      const attrs = args[1];
      const before: string[] = [];
      const defs: string[] = [];
      const primary: string[] = [];
      if (attrs?.t === 'obj') {
        for (const k of attrs.props.keys()) {
          const a = attributeSql(w, bare(), k, prop(w, attrs, k), false);
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
      emit(...before, `CREATE TABLE IF NOT EXISTS ${table()} (${defs.join(', ')})`);
      return { next: i + 1, role };
    }
    case 'addColumn': {
      const column = nameOf(args[1]) ?? '${column}';
      const a = attributeSql(w, bare(), column, args[2], true);
      emit(...a.before, `ALTER TABLE ${table()} ADD COLUMN ${quoteIdent(column)} ${a.sql}`);
      return { next: i + 1, role };
    }
    case 'changeColumn': {
      const column = nameOf(args[1]) ?? '${column}';
      const attr = args[2];
      const isObject = attr?.t === 'obj' && attr.props.has('type');
      const opt = (k: string) => (isObject ? prop(w, attr, k) : undefined);
      const col = `ALTER TABLE ${table()} ALTER COLUMN ${quoteIdent(column)}`;
      const sql: string[] = [];
      sql.push(`${col} ${isFalse(opt('allowNull')) ? 'SET' : 'DROP'} NOT NULL`);
      const d = defaultSql(w, opt('defaultValue'));
      sql.push(d !== undefined ? `${col} SET DEFAULT ${d}` : `${col} DROP DEFAULT`);
      const type = typeSql(w, isObject ? opt('type') : attr, bare(), column);
      if (type.enumValues) sql.push(`CREATE TYPE ${type.sql} AS ENUM(${type.enumValues.map(quoteLiteral).join(', ')})`);
      sql.push(`${col} TYPE ${type.sql}${type.enumValues ? ` USING (${quoteIdent(column)}::${type.sql})` : ''}`);
      if (isTrue(opt('unique'))) sql.push(`ALTER TABLE ${table()} ADD UNIQUE (${quoteIdent(column)})`);
      emit(...sql);
      return { next: i + 1, role };
    }
    case 'removeColumn':
      emit(`ALTER TABLE ${table()} DROP COLUMN ${quoteIdent(nameOf(args[1]) ?? '${column}')}`);
      return { next: i + 1, role };
    case 'renameColumn':
      emit(`ALTER TABLE ${table()} RENAME COLUMN ${quoteIdent(nameOf(args[1]) ?? '${from}')} TO ${quoteIdent(nameOf(args[2]) ?? '${to}')}`);
      return { next: i + 1, role };
    case 'renameTable':
      emit(`ALTER TABLE ${table()} RENAME TO ${quoteIdent(bareTable(w, args[1]))}`);
      return { next: i + 1, role };
    case 'dropTable':
      emit(`DROP TABLE IF EXISTS ${table()}${isTrue(prop(w, args[1], 'cascade')) ? ' CASCADE' : ''}`);
      return { next: i + 1, role };
    case 'addIndex': {
      // addIndex(table, fields, options) or addIndex(table, options)
      const opts = args[1]?.t === 'obj' ? args[1] : args[2];
      const fieldsVal = args[1]?.t === 'arr' ? args[1] : prop(w, opts, 'fields');
      const fields = fieldsVal?.t === 'arr' ? fieldsVal.items.map((f) => (f.t === 'obj' ? (strOpt(w, f, 'name') ?? strOpt(w, f, 'attribute') ?? '${field}') : (nameOf(f) ?? '${field}'))) : namesOf(fieldsVal);
      const name = strOpt(w, opts, 'name') ?? derivedName(bare(), ...fields);
      const unique = isTrue(prop(w, opts, 'unique')) || strOpt(w, opts, 'type')?.toUpperCase() === 'UNIQUE' ? 'UNIQUE ' : '';
      const concurrently = isTrue(prop(w, opts, 'concurrently')) ? 'CONCURRENTLY ' : '';
      const using = strOpt(w, opts, 'using') ?? strOpt(w, opts, 'method');
      const where = whereSql(w, prop(w, opts, 'where'));
      emit(`CREATE ${unique}INDEX ${concurrently}${quoteIdent(name)} ON ${table()}${using ? ` USING ${using}` : ''} ${columnList(fields)}${where ? ` WHERE ${where}` : ''}`);
      return { next: i + 1, role };
    }
    case 'removeIndex': {
      const target = args[1];
      const name = target?.t === 'arr' ? derivedName(bare(), ...namesOf(target)) : (nameOf(target) ?? '${index}');
      const opts = args[2];
      const concurrently = isTrue(prop(w, opts, 'concurrently')) ? 'CONCURRENTLY ' : '';
      emit(`DROP INDEX ${concurrently}IF EXISTS ${quoteIdent(name)}`);
      return { next: i + 1, role };
    }
    case 'addConstraint': {
      // addConstraint(table, options) or the older addConstraint(table, fields, options)
      const opts = args[1]?.t === 'arr' ? args[2] : args[1];
      const fields = namesOf(args[1]?.t === 'arr' ? args[1] : prop(w, opts, 'fields'));
      const type = (strOpt(w, opts, 'type') ?? '').toLowerCase();
      const suffix = type === 'unique' ? 'uk' : type === 'check' ? 'ck' : type === 'primary key' ? 'pk' : type === 'default' ? 'df' : 'fkey';
      const name = strOpt(w, opts, 'name') ?? derivedName(bare(), ...fields, suffix);
      const head = `ALTER TABLE ${table()} ADD CONSTRAINT ${quoteIdent(name)}`;
      switch (type) {
        case 'unique':
          emit(`${head} UNIQUE ${columnList(fields)}`);
          break;
        case 'primary key':
          emit(`${head} PRIMARY KEY ${columnList(fields)}`);
          break;
        case 'check': {
          const where = whereSql(w, prop(w, opts, 'where'));
          emit(`${head} CHECK (${where ?? 'true'})`);
          break;
        }
        case 'foreign key': {
          const refs = prop(w, opts, 'references');
          let sql = `${head} FOREIGN KEY ${columnList(fields)} REFERENCES ${tableRef(w, prop(w, refs, 'table'))} (${quoteIdent(strOpt(w, refs, 'field') ?? 'id')})`;
          const onDelete = strOpt(w, opts, 'onDelete');
          const onUpdate = strOpt(w, opts, 'onUpdate');
          if (onDelete) sql += ` ON DELETE ${onDelete.toUpperCase()}`;
          if (onUpdate) sql += ` ON UPDATE ${onUpdate.toUpperCase()}`;
          emit(sql);
          break;
        }
        case 'default':
          emit(`ALTER TABLE ${table()} ALTER COLUMN ${quoteIdent(fields[0] ?? '${column}')} SET DEFAULT ${valueSql(w, prop(w, opts, 'defaultValue'))}`);
          break;
        default:
          return undefined;
      }
      return { next: i + 1, role };
    }
    case 'removeConstraint':
      emit(`ALTER TABLE ${table()} DROP CONSTRAINT ${quoteIdent(nameOf(args[1]) ?? '${constraint}')}`);
      return { next: i + 1, role };
    case 'bulkDelete': {
      const where = whereSql(w, args[1]);
      emit(`DELETE FROM ${table()}${where ? ` WHERE ${where}` : ''}`);
      return { next: i + 1, role };
    }
    case 'bulkUpdate': {
      const values = args[1];
      const sets = values?.t === 'obj' ? [...values.props.keys()].map((k) => `${quoteIdent(k)} = ${valueSql(w, prop(w, values, k))}`) : [];
      const where = whereSql(w, args[2]);
      emit(`UPDATE ${table()} SET ${sets.join(', ') || '"${column}" = NULL'}${where ? ` WHERE ${where}` : ''}`);
      return { next: i + 1, role };
    }
    case 'bulkInsert': {
      const rows = args[1];
      const row = rows?.t === 'arr' ? rows.items[0] : undefined;
      if (row?.t === 'obj' && !row.partial && row.props.size) {
        const keys = [...row.props.keys()];
        emit(`INSERT INTO ${table()} ${columnList(keys)} VALUES (${keys.map((k) => valueSql(w, prop(w, row, k))).join(', ')})`);
      } else emit(`INSERT INTO ${table()} DEFAULT VALUES`);
      return { next: i + 1, role };
    }
    case 'createSchema':
      emit(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(nameOf(args[0]) ?? '${schema}')}`);
      return { next: i + 1, role };
    case 'dropSchema':
      emit(`DROP SCHEMA IF EXISTS ${quoteIdent(nameOf(args[0]) ?? '${schema}')} CASCADE`);
      return { next: i + 1, role };
    case 'dropEnum':
      emit(`DROP TYPE IF EXISTS ${quoteIdent(nameOf(args[0]) ?? '${enum}')}`);
      return { next: i + 1, role };
    case 'describeTable':
    case 'showAllTables':
    case 'showAllSchemas':
    case 'tableExists':
    case 'showIndex':
    case 'getForeignKeyReferencesForTable':
    case 'getForeignKeysForTables':
      w.analysedOnly();
      return { next: i + 1 };
    default:
      return undefined;
  }
}
