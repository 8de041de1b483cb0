/**
 * TypeORM: `queryRunner.query(sql)` and the QueryRunner schema API (createTable with
 * `Table`, addColumn with `TableColumn`, createIndex with `TableIndex`, ...), lowered
 * to what TypeORM's PostgreSQL query runner prints. TypeORM columns are NOT NULL
 * unless `isNullable: true`, and `default` is SQL written as is.
 */
import type * as t from '@babel/types';
import { CONTEXT_HELPERS, type Env, type Role } from '../scope.js';
import type { Chain, Frame, Link, Walker } from '../walker.js';
import { schemaDslCall } from './context-dsl.js';
import { SqlOut, columnList, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf } from '../print.js';
import type { Val } from '../values.js';
import type { StaticString } from '../text.js';
import { placeholder, sqlStateAt } from '../text.js';
import { bareTable, bindingSql, isTrue, prop, rewriteText, strOpt, tableRef } from './common.js';
import type { StepResult } from './index.js';

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

export function typeormStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const out = () => new SqlOut(spanOf(link.node));
  const emit = (...sql: string[]) => w.builder(sql.map((s) => out().add(s)), link.node);

  if (role.kind === 'typeormManager') {
    if (link.name === 'query' && link.args[0]) {
      w.raw(link.args[0], link.node, frame);
      return { next: i + 1 };
    }
    // Reads through the EntityManager run no statement worth linting.
    if (link.name && /^(count|countBy|exists|existsBy|find|findBy|findOne|findOneBy|findOneOrFail|findAndCount|getRepository|createQueryBuilder)$/.test(link.name)) {
      w.analysedOnly();
      return { next: i + 1 };
    }
    return undefined;
  }

  // A QueryRunner has no runQuery/escape/schemaBuilder: the object is a migration context under another name.
  if (link.name && CONTEXT_HELPERS.has(link.name)) return contextStep(w, { kind: 'migrationContext' }, chain, i, frame);

  const table = () => tableRef(w, options(args[0]));
  const bare = () => bareTable(w, options(args[0]));
  switch (link.name) {
    case 'query':
      if (link.args[0]) w.raw(link.args[0], link.node, frame);
      return { next: i + 1 };
    case 'createTable': {
      const t = options(args[0]);
      const ref = tableRef(w, t);
      const name = bareTable(w, t);
      const cols = prop(w, t, 'columns');
      const items = cols?.t === 'arr' ? cols.items : [];
      const before: string[] = [];
      const defs: string[] = [];
      const primary: string[] = [];
      const after: string[] = [];
      for (const c of items) {
        const col = columnSql(w, c, name);
        before.push(...col.before);
        defs.push(col.sql);
        if (col.primary) primary.push(col.name);
        if (col.unique) defs.push(`CONSTRAINT ${quoteIdent(`UQ_${name}_${col.name}`)} UNIQUE (${quoteIdent(col.name)})`);
      }
      if (primary.length) defs.push(`CONSTRAINT ${quoteIdent(`PK_${name}`)} PRIMARY KEY ${columnList(primary)}`);
      const uniques = prop(w, t, 'uniques');
      for (const u of uniques?.t === 'arr' ? uniques.items : []) {
        const cols2 = namesOf(prop(w, options(u), 'columnNames'));
        defs.push(`CONSTRAINT ${quoteIdent(strOpt(w, options(u), 'name') ?? `UQ_${name}_${cols2.join('_')}`)} UNIQUE ${columnList(cols2)}`);
      }
      const checks = prop(w, t, 'checks');
      for (const c of checks?.t === 'arr' ? checks.items : []) {
        const expr = strOpt(w, options(c), 'expression');
        if (expr) defs.push(`CONSTRAINT ${quoteIdent(strOpt(w, options(c), 'name') ?? `CHK_${name}`)} CHECK (${expr})`);
      }
      const ifNotExists = isTrue(args[1]) ? 'IF NOT EXISTS ' : '';
      const indices = prop(w, t, 'indices');
      if (args[3]?.t !== 'bool' || args[3].value) for (const idx of indices?.t === 'arr' ? indices.items : []) after.push(indexSql(w, ref, name, idx));
      const fks = prop(w, t, 'foreignKeys');
      if (args[2]?.t !== 'bool' || args[2].value) for (const fk of fks?.t === 'arr' ? fks.items : []) after.push(foreignKeySql(w, ref, name, fk));
      emit(...before, `CREATE TABLE ${ifNotExists}${ref} (${defs.join(', ')})`, ...after);
      return { next: i + 1, role };
    }
    case 'dropTable':
      emit(`DROP TABLE ${isTrue(args[1]) ? 'IF EXISTS ' : ''}${table()}`);
      return { next: i + 1, role };
    case 'addColumn':
    case 'addColumns': {
      const list = link.name === 'addColumns' ? (args[1]?.t === 'arr' ? args[1].items : []) : [args[1]];
      const sql: string[] = [];
      for (const c of list) {
        const col = columnSql(w, c, bare());
        sql.push(...col.before, `ALTER TABLE ${table()} ADD ${col.sql}`);
        if (col.unique) sql.push(`ALTER TABLE ${table()} ADD CONSTRAINT ${quoteIdent(`UQ_${bare()}_${col.name}`)} UNIQUE (${quoteIdent(col.name)})`);
      }
      emit(...sql);
      return { next: i + 1, role };
    }
    case 'changeColumn': {
      const oldName = columnName(w, args[1]);
      const next = options(args[2]);
      const newName = strOpt(w, next, 'name') ?? oldName;
      const col = `ALTER TABLE ${table()} ALTER COLUMN ${quoteIdent(newName)}`;
      const sql: string[] = [];
      if (newName !== oldName) sql.push(`ALTER TABLE ${table()} RENAME COLUMN ${quoteIdent(oldName)} TO ${quoteIdent(newName)}`);
      if (prop(w, next, 'type')) sql.push(`${col} TYPE ${typeSql(w, next, bare()).type}`);
      sql.push(`${col} ${isTrue(prop(w, next, 'isNullable')) ? 'DROP' : 'SET'} NOT NULL`);
      const d = defaultOf(prop(w, next, 'default'));
      sql.push(d !== undefined ? `${col} SET DEFAULT ${d}` : `${col} DROP DEFAULT`);
      emit(...sql);
      return { next: i + 1, role };
    }
    case 'dropColumn':
    case 'dropColumns': {
      const list = link.name === 'dropColumns' ? (args[1]?.t === 'arr' ? args[1].items : []) : [args[1]];
      emit(...list.map((c) => `ALTER TABLE ${table()} DROP COLUMN ${quoteIdent(columnName(w, c))}`));
      return { next: i + 1, role };
    }
    case 'renameColumn':
      emit(`ALTER TABLE ${table()} RENAME COLUMN ${quoteIdent(columnName(w, args[1]))} TO ${quoteIdent(columnName(w, args[2]))}`);
      return { next: i + 1, role };
    case 'renameTable':
      emit(`ALTER TABLE ${table()} RENAME TO ${quoteIdent(bareTable(w, options(args[1])))}`);
      return { next: i + 1, role };
    case 'createIndex':
    case 'createIndices': {
      const list = link.name === 'createIndices' ? (args[1]?.t === 'arr' ? args[1].items : []) : [args[1]];
      emit(...list.map((idx) => indexSql(w, table(), bare(), idx)));
      return { next: i + 1, role };
    }
    case 'dropIndex':
    case 'dropIndices': {
      const list = link.name === 'dropIndices' ? (args[1]?.t === 'arr' ? args[1].items : []) : [args[1]];
      emit(
        ...list.map((idx) => {
          const o = options(idx);
          const name = idx?.t === 'new' || idx?.t === 'obj' ? strOpt(w, o, 'name') : nameOf(idx);
          const concurrently = isTrue(prop(w, o, 'isConcurrent')) ? ' CONCURRENTLY' : '';
          return `DROP INDEX${concurrently} ${quoteIdent(name ?? '${index}')}`;
        }),
      );
      return { next: i + 1, role };
    }
    case 'createForeignKey':
    case 'createForeignKeys': {
      const list = link.name === 'createForeignKeys' ? (args[1]?.t === 'arr' ? args[1].items : []) : [args[1]];
      emit(...list.map((fk) => foreignKeySql(w, table(), bare(), fk)));
      return { next: i + 1, role };
    }
    case 'createPrimaryKey':
      emit(`ALTER TABLE ${table()} ADD CONSTRAINT ${quoteIdent(nameOf(args[2]) ?? `PK_${bare()}`)} PRIMARY KEY ${columnList(namesOf(args[1]))}`);
      return { next: i + 1, role };
    case 'createUniqueConstraint': {
      const u = options(args[1]);
      const cols = namesOf(prop(w, u, 'columnNames'));
      emit(`ALTER TABLE ${table()} ADD CONSTRAINT ${quoteIdent(strOpt(w, u, 'name') ?? `UQ_${bare()}_${cols.join('_')}`)} UNIQUE ${columnList(cols)}`);
      return { next: i + 1, role };
    }
    case 'createCheckConstraint': {
      const c = options(args[1]);
      emit(`ALTER TABLE ${table()} ADD CONSTRAINT ${quoteIdent(strOpt(w, c, 'name') ?? `CHK_${bare()}`)} CHECK (${strOpt(w, c, 'expression') ?? 'true'})`);
      return { next: i + 1, role };
    }
    case 'dropForeignKey':
    case 'dropUniqueConstraint':
    case 'dropCheckConstraint':
    case 'dropPrimaryKey': {
      const c = args[1];
      const name = link.name === 'dropPrimaryKey' ? (nameOf(args[1]) ?? `PK_${bare()}`) : c?.t === 'new' || c?.t === 'obj' ? strOpt(w, options(c), 'name') : nameOf(c);
      emit(`ALTER TABLE ${table()} DROP CONSTRAINT ${quoteIdent(name ?? '${constraint}')}`);
      return { next: i + 1, role };
    }
    case 'createSchema':
      emit(`CREATE SCHEMA ${isTrue(args[1]) ? 'IF NOT EXISTS ' : ''}${quoteIdent(nameOf(args[0]) ?? '${schema}')}`);
      return { next: i + 1, role };
    case 'dropSchema':
      emit(`DROP SCHEMA ${isTrue(args[1]) ? 'IF EXISTS ' : ''}${quoteIdent(nameOf(args[0]) ?? '${schema}')}${isTrue(args[2]) ? ' CASCADE' : ''}`);
      return { next: i + 1, role };
    case 'clearTable':
      emit(`TRUNCATE TABLE ${table()}`);
      return { next: i + 1, role };
    case 'commitTransaction':
      w.out.commitsTransaction = true;
      return { next: i + 1 };
    case 'startTransaction':
    case 'rollbackTransaction':
    case 'release':
    case 'connect':
      return { next: i + 1 };
    case 'hasTable':
    case 'hasColumn':
    case 'hasSchema':
    case 'hasDatabase':
    case 'getTable':
    case 'getTables':
    case 'getView':
    case 'getViews':
      w.analysedOnly();
      return { next: i + 1 };
    default:
      return undefined;
  }
}

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
