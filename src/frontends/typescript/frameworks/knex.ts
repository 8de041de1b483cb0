/**
 * knex: `knex.raw`, `knex.schema.*` (createTable/alterTable with their column
 * builders, dropTable, renameTable, ...), and query builders (`knex('t').where(...).del()`),
 * lowered to the SQL knex's PostgreSQL dialect prints.
 */
import type * as t from '@babel/types';
import type { KnexTableBuild, Role } from '../scope.js';
import type { Chain, Frame, Link, Walker } from '../walker.js';
import { SqlOut, columnList, derivedName, quoteIdent, quoteLiteral, spanOf, tableName, nameOf, namesOf, type Span } from '../print.js';
import { sqlLiteral, type Val } from '../values.js';
import { bareTable, isFalse, isTrue, knexBindings, prop, strOpt, tableRef, valueSql } from './common.js';
import { opSpan, walkCallback, type StepResult } from './index.js';

interface KnexColumn {
  kind: 'column';
  name: string;
  type: string;
  /** true: notNullable(); false: nullable(); undefined: not said. */
  notNull?: boolean;
  default?: string;
  primary?: { name?: string };
  unique?: { name?: string };
  index?: { name?: string; using?: string };
  references?: { table?: string; columns: string[]; onDelete?: string; onUpdate?: string; name?: string; whole?: string };
  comment?: string;
  collate?: string;
  checks: string[];
  alter: boolean;
  /** Statements knex runs before the table statement (a native enum type). */
  before: string[];
  at: Span;
}

/** A statement on its own (index, constraint, drop, rename...) or a table-level clause of CREATE TABLE. */
type KnexOp = KnexColumn | { kind: 'stmt'; sql: string; at: Span } | { kind: 'clause'; sql: string; alterSql: string; at: Span };

const SCHEMA_DDL = new Set([
  'createTable',
  'createTableIfNotExists',
  'createTableLike',
  'alterTable',
  'table',
  'dropTable',
  'dropTableIfExists',
  'renameTable',
  'createSchema',
  'createSchemaIfNotExists',
  'dropSchema',
  'dropSchemaIfExists',
  'createExtension',
  'createExtensionIfNotExists',
  'dropExtension',
  'dropExtensionIfExists',
  'dropView',
  'dropViewIfExists',
  'dropMaterializedView',
  'dropMaterializedViewIfExists',
  'refreshMaterializedView',
  'renameView',
]);

export function knexStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame, exec: boolean): StepResult | undefined {
  const link = chain.links[i];
  const { env } = frame;
  const args = link.args;
  const arg = (k: number) => w.val(args[k], env);

  if (role.kind === 'knex') {
    switch (link.name) {
      case 'raw':
        // knex.raw() is lazy: unless awaited, returned or chained with .then() it is a fragment
        // (`const now = knex.raw('now()')`), not a statement.
        if (args[0] && (exec || chain.links.slice(i + 1).some((l) => l.name === 'then' || l.name === 'catch'))) {
          w.raw(args[0], link.node, frame, { rewrite: knexBindings(w, args[1], env) });
        }
        return { next: i + 1 };
      case 'transaction':
        if (walkCallback(w, args[0], frame, [{ kind: 'knex' }])) return { next: i + 1 };
        return { next: i + 1, role: { kind: 'knex' } };
      case 'table':
      case 'from':
      case 'into':
      case 'queryBuilder':
      case 'select':
      case 'insert':
      case 'update':
      case 'del':
      case 'delete':
      case 'truncate':
      case 'withSchema':
        return { next: knexQuery(w, chain, i, frame, undefined) };
      case 'destroy':
      case 'initialize':
      case 'ref':
      case 'fn':
        return { next: i + 1 };
      default:
        return undefined;
    }
  }

  if (role.kind === 'knexSchema') {
    const schema = role.schema;
    const at = opSpan(chain, i);
    const out = () => new SqlOut(at);
    const name = nameOf(arg(0));
    switch (link.name) {
      case 'withSchema':
        return { next: i + 1, role: { kind: 'knexSchema', schema: w.ev.str(args[0], env) } };
      case 'raw':
        if (args[0]) w.raw(args[0], link.node, frame, { rewrite: knexBindings(w, args[1], env) });
        return { next: i + 1, role };
      case 'hasTable':
      case 'hasColumn':
      case 'hasView':
        w.analysedOnly();
        return { next: i + 1 };
      case 'createTable':
      case 'createTableIfNotExists':
      case 'alterTable':
      case 'table': {
        const mode = link.name.startsWith('create') ? 'create' : 'alter';
        const build: KnexTableBuild = { ref: tableRef(w, arg(0), schema), bare: bareTable(w, arg(0)), mode, ops: [] };
        walkCallback(w, args[1], frame, [{ kind: 'knexTable', build }]);
        w.builder(printTable(build, at, link.name === 'createTableIfNotExists'), link.node);
        return { next: i + 1, role };
      }
      case 'createTableLike': {
        const build: KnexTableBuild = { ref: tableRef(w, arg(0), schema), bare: bareTable(w, arg(0)), mode: 'alter', ops: [] };
        walkCallback(w, args[2], frame, [{ kind: 'knexTable', build }]);
        const like = out().add(`CREATE TABLE ${build.ref} (LIKE ${tableRef(w, arg(1), schema)} INCLUDING ALL)`);
        w.builder([like, ...printTable(build, at, false)], link.node);
        return { next: i + 1, role };
      }
      case 'dropTable':
      case 'dropTableIfExists':
        w.builder([out().add(`DROP TABLE ${link.name.endsWith('IfExists') ? 'IF EXISTS ' : ''}${tableRef(w, arg(0), schema)}`)], link.node);
        return { next: i + 1, role };
      case 'renameTable':
        w.builder([out().add(`ALTER TABLE ${tableRef(w, arg(0), schema)} RENAME TO ${quoteIdent(nameOf(arg(1)) ?? '${name}')}`)], link.node);
        return { next: i + 1, role };
      case 'createSchema':
      case 'createSchemaIfNotExists':
        w.builder([out().add(`CREATE SCHEMA ${link.name.endsWith('IfNotExists') ? 'IF NOT EXISTS ' : ''}${quoteIdent(name ?? '${schema}')}`)], link.node);
        return { next: i + 1, role };
      case 'dropSchema':
      case 'dropSchemaIfExists':
        w.builder(
          [out().add(`DROP SCHEMA ${link.name.endsWith('IfExists') ? 'IF EXISTS ' : ''}${quoteIdent(name ?? '${schema}')}${isTrue(arg(1)) ? ' CASCADE' : ''}`)],
          link.node,
        );
        return { next: i + 1, role };
      case 'createExtension':
      case 'createExtensionIfNotExists':
        w.builder([out().add(`CREATE EXTENSION ${link.name.endsWith('IfNotExists') ? 'IF NOT EXISTS ' : ''}${quoteIdent(name ?? '${extension}')}`)], link.node);
        return { next: i + 1, role };
      case 'dropExtension':
      case 'dropExtensionIfExists':
        w.builder([out().add(`DROP EXTENSION ${link.name.endsWith('IfExists') ? 'IF EXISTS ' : ''}${quoteIdent(name ?? '${extension}')}`)], link.node);
        return { next: i + 1, role };
      case 'dropView':
      case 'dropViewIfExists':
      case 'dropMaterializedView':
      case 'dropMaterializedViewIfExists': {
        const what = link.name.includes('Materialized') ? 'MATERIALIZED VIEW' : 'VIEW';
        w.builder([out().add(`DROP ${what} ${link.name.endsWith('IfExists') ? 'IF EXISTS ' : ''}${tableRef(w, arg(0), schema)}`)], link.node);
        return { next: i + 1, role };
      }
      case 'refreshMaterializedView':
        w.builder([out().add(`REFRESH MATERIALIZED VIEW ${isTrue(arg(1)) ? 'CONCURRENTLY ' : ''}${tableRef(w, arg(0), schema)}`)], link.node);
        return { next: i + 1, role };
      case 'renameView':
        w.builder([out().add(`ALTER VIEW ${tableRef(w, arg(0), schema)} RENAME TO ${quoteIdent(nameOf(arg(1)) ?? '${name}')}`)], link.node);
        return { next: i + 1, role };
      default:
        return SCHEMA_DDL.has(link.name ?? '') ? { next: i + 1, role } : undefined;
    }
  }

  if (role.kind === 'knexTable') return tableStep(w, role.build, chain, i, frame);
  return undefined;
}

// ---------------------------------------------------------------- table builder

const INCREMENTS: Record<string, string> = { increments: 'serial', bigIncrements: 'bigserial', bigincrements: 'bigserial' };

/** The PostgreSQL type for a knex column method, from its arguments (after the column name). */
function columnType(w: Walker, method: string, args: Val[], columnName: string): { type: string; checks: string[]; before: string[] } | undefined {
  const num = (v: Val | undefined, dflt?: number) => (v?.t === 'num' ? v.raw : dflt === undefined ? undefined : String(dflt));
  const simple = (type: string) => ({ type, checks: [], before: [] });
  switch (method) {
    case 'increments':
    case 'bigIncrements':
    case 'bigincrements':
      return simple(INCREMENTS[method]);
    case 'integer':
    case 'mediumint':
      return simple('integer');
    case 'bigInteger':
    case 'biginteger':
    case 'bigint':
      return simple('bigint');
    case 'tinyint':
    case 'smallint':
      return simple('smallint');
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return simple('text');
    case 'string':
    case 'varchar':
      return simple(`varchar(${num(args[0], 255)})`);
    case 'float':
      return simple('real');
    case 'double':
      return simple('double precision');
    case 'decimal': {
      if (args[0]?.t === 'null') return simple('decimal');
      return simple(`decimal(${num(args[0], 8)}, ${num(args[1], 2)})`);
    }
    case 'boolean':
      return simple('boolean');
    case 'date':
      return simple('date');
    case 'datetime':
    case 'timestamp': {
      const opts = args[0];
      const useTz = opts?.t === 'bool' ? opts.value : !isFalse(prop(w, opts, 'useTz'));
      const precision = num(prop(w, opts, 'precision')) ?? num(args[1]);
      const base = useTz ? 'timestamptz' : 'timestamp';
      return simple(precision ? `${base}(${precision})` : base);
    }
    case 'time':
      return simple('time');
    case 'binary':
      return simple('bytea');
    case 'json':
      return simple('json');
    case 'jsonb':
      return simple('jsonb');
    case 'uuid':
      return simple('uuid');
    case 'geometry':
    case 'geography':
    case 'point':
      return simple(method);
    case 'specificType':
      return simple(nameOf(args[0]) ?? 'text');
    case 'enu':
    case 'enum': {
      const values = namesOf(args[0]);
      const opts = args[1];
      if (isTrue(prop(w, opts, 'useNative'))) {
        const enumName = strOpt(w, opts, 'enumName') ?? `${columnName}_enum`;
        const schemaName = strOpt(w, opts, 'schemaName');
        const type = schemaName ? `${quoteIdent(schemaName)}.${quoteIdent(enumName)}` : quoteIdent(enumName);
        const before = isTrue(prop(w, opts, 'existingType')) ? [] : [`CREATE TYPE ${type} AS ENUM (${values.map(quoteLiteral).join(', ')})`];
        return { type, checks: [], before };
      }
      return { type: 'text', checks: [`CHECK (${quoteIdent(columnName)} IN (${values.map(quoteLiteral).join(', ')}))`], before: [] };
    }
    default:
      return undefined;
  }
}

function tableStep(w: Walker, build: KnexTableBuild, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const { env } = frame;
  const args = link.args.map((a) => w.ev.val(a, env));
  const at = spanOf(chain.node);
  const ops = build.ops as KnexOp[];
  const stmt = (sql: string) => ops.push({ kind: 'stmt', sql, at });
  const cols = (v: Val | undefined) => namesOf(v);
  const method = link.name ?? '';

  const type = columnType(w, method, args.slice(1), nameOf(args[0]) ?? 'id');
  if (type) {
    const name = nameOf(args[0]) ?? (INCREMENTS[method] ? 'id' : '${column}');
    const column: KnexColumn = { kind: 'column', name, type: type.type, checks: type.checks, before: type.before, alter: false, at };
    if (INCREMENTS[method] && !isFalse(prop(w, args[1], 'primaryKey'))) column.primary = {};
    if (INCREMENTS[method]) column.notNull = undefined;
    columnModifiers(w, column, chain.links.slice(i + 1), frame);
    ops.push(column);
    return { next: chain.links.length };
  }

  switch (method) {
    case 'timestamps': {
      const defaultToNow = isTrue(args[1]);
      const camel = isTrue(args[2]);
      const useTz = !(args[0]?.t === 'obj' && isFalse(prop(w, args[0], 'useTz')));
      for (const n of camel ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']) {
        ops.push({
          kind: 'column',
          name: n,
          type: useTz ? 'timestamptz' : 'timestamp',
          notNull: defaultToNow ? true : undefined,
          default: defaultToNow ? 'CURRENT_TIMESTAMP' : undefined,
          checks: [],
          before: [],
          alter: false,
          at,
        });
      }
      return { next: i + 1 };
    }
    case 'primary': {
      const columns = cols(args[0]);
      const cname = typeof nameOf(args[1]) === 'string' ? nameOf(args[1]) : strOpt(w, args[1], 'constraintName');
      const name = cname ?? `${build.bare}_pkey`;
      ops.push({
        kind: 'clause',
        sql: `CONSTRAINT ${quoteIdent(name)} PRIMARY KEY ${columnList(columns)}`,
        alterSql: `ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(name)} PRIMARY KEY ${columnList(columns)}`,
        at,
      });
      return { next: i + 1 };
    }
    case 'unique': {
      const columns = cols(args[0]);
      const opts = args[1];
      const name = (opts?.t === 'str' ? opts.value : strOpt(w, opts, 'indexName')) ?? derivedName(build.bare, ...columns, 'unique');
      if (isFalse(prop(w, opts, 'useConstraint'))) stmt(`CREATE UNIQUE INDEX ${quoteIdent(name)} ON ${build.ref} ${columnList(columns)}`);
      else stmt(`ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE ${columnList(columns)}`);
      return { next: i + 1 };
    }
    case 'index': {
      const columns = cols(args[0]);
      const name = nameOf(args[1]) ?? (args[1]?.t === 'obj' ? strOpt(w, args[1], 'indexName') : undefined) ?? derivedName(build.bare, ...columns, 'index');
      const opts = args[1]?.t === 'obj' ? args[1] : args[2];
      const using = opts?.t === 'str' ? opts.value : strOpt(w, opts, 'indexType');
      stmt(`CREATE INDEX ${quoteIdent(name)} ON ${build.ref}${using ? ` USING ${using}` : ''} ${columnList(columns)}`);
      return { next: i + 1 };
    }
    case 'foreign': {
      const columns = cols(args[0]);
      const ref: NonNullable<KnexColumn['references']> = { columns: [], name: nameOf(args[1]) };
      readReferences(w, ref, chain.links.slice(i + 1), frame);
      stmt(foreignKeySql(build, columns, ref));
      return { next: chain.links.length };
    }
    case 'dropColumn':
    case 'dropColumns': {
      const names = args.flatMap((a) => namesOf(a));
      stmt(`ALTER TABLE ${build.ref} ${names.map((n) => `DROP COLUMN ${quoteIdent(n)}`).join(', ')}`);
      return { next: i + 1 };
    }
    case 'renameColumn':
      stmt(`ALTER TABLE ${build.ref} RENAME COLUMN ${quoteIdent(nameOf(args[0]) ?? '${from}')} TO ${quoteIdent(nameOf(args[1]) ?? '${to}')}`);
      return { next: i + 1 };
    case 'dropIndex': {
      const name = nameOf(args[1]) ?? derivedName(build.bare, ...cols(args[0]), 'index');
      // The schema part of `"schema"."table"` (a dot inside one quoted name is not a schema).
      const schema = /^((?:"(?:[^"]|"")*"\.)*)"(?:[^"]|"")*"$/.exec(build.ref)?.[1] ?? '';
      stmt(`DROP INDEX ${schema}${quoteIdent(name)}`);
      return { next: i + 1 };
    }
    case 'dropUnique':
    case 'dropForeign': {
      const suffix = method === 'dropUnique' ? 'unique' : 'foreign';
      const name = nameOf(args[1]) ?? derivedName(build.bare, ...cols(args[0]), suffix);
      stmt(`ALTER TABLE ${build.ref} DROP CONSTRAINT ${quoteIdent(name)}`);
      return { next: i + 1 };
    }
    case 'dropPrimary':
      stmt(`ALTER TABLE ${build.ref} DROP CONSTRAINT ${quoteIdent(nameOf(args[0]) ?? `${build.bare}_pkey`)}`);
      return { next: i + 1 };
    case 'dropTimestamps':
      stmt(`ALTER TABLE ${build.ref} DROP COLUMN "created_at", DROP COLUMN "updated_at"`);
      return { next: i + 1 };
    case 'setNullable':
    case 'dropNullable':
      stmt(`ALTER TABLE ${build.ref} ALTER COLUMN ${quoteIdent(nameOf(args[0]) ?? '${column}')} ${method === 'setNullable' ? 'DROP' : 'SET'} NOT NULL`);
      return { next: i + 1 };
    case 'comment':
      stmt(`COMMENT ON TABLE ${build.ref} IS ${args[0] ? (sqlLiteral(args[0]) ?? 'NULL') : 'NULL'}`);
      return { next: i + 1 };
    case 'check': {
      const check = args[0]?.t === 'str' ? args[0].value : args[0]?.t === 'raw' ? args[0].sql : undefined;
      if (check === undefined) return undefined;
      const cname = nameOf(args[2]) ?? derivedName(build.bare, 'check');
      ops.push({
        kind: 'clause',
        sql: `CONSTRAINT ${quoteIdent(cname)} CHECK (${check})`,
        alterSql: `ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(cname)} CHECK (${check})`,
        at,
      });
      return { next: i + 1 };
    }
    case 'engine':
    case 'charset':
    case 'collate':
    case 'inherits':
    case 'queryContext':
      return { next: i + 1 };
    default:
      return undefined;
  }
}

function readReferences(w: Walker, ref: NonNullable<KnexColumn['references']>, links: Link[], frame: Frame): void {
  for (const l of links) {
    const a0 = l.args[0] ? w.ev.val(l.args[0], frame.env) : undefined;
    switch (l.name) {
      case 'references': {
        const names = namesOf(a0);
        // 'teams.id' names the table too; a value known only at run time is a column name as a whole.
        // A run-time value without inTable() holds 'table.column' as a whole.
        ref.whole = names.length === 1 && a0?.t !== 'str' ? names[0] : undefined;
        if (names.length === 1 && a0?.t === 'str' && names[0].includes('.')) {
          const parts = names[0].split('.');
          ref.columns = [parts.pop()!];
          ref.table = parts.join('.');
        } else ref.columns = names;
        break;
      }
      case 'inTable':
        ref.table = nameOf(a0);
        break;
      // An action known only at run time is left out: it does not change what the statement locks.
      case 'onDelete':
        ref.onDelete = a0?.t === 'str' ? a0.value : undefined;
        break;
      case 'onUpdate':
        ref.onUpdate = a0?.t === 'str' ? a0.value : undefined;
        break;
      case 'withKeyName':
      case 'foreignKeyConstraintName':
        ref.name = nameOf(a0);
        break;
    }
  }
}

function foreignKeySql(build: KnexTableBuild, columns: string[], ref: NonNullable<KnexColumn['references']>): string {
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

function columnModifiers(w: Walker, c: KnexColumn, links: Link[], frame: Frame): void {
  const { env } = frame;
  const name = quoteIdent(c.name);
  for (const l of links) {
    const a0 = l.args[0] ? w.ev.val(l.args[0], env) : undefined;
    switch (l.name) {
      case 'notNullable':
      case 'notNull':
        c.notNull = true;
        break;
      case 'nullable':
        c.notNull = false;
        break;
      case 'defaultTo':
        c.default = a0 ? valueSql(w, a0) : undefined;
        if (a0?.t === 'null') c.default = 'NULL';
        break;
      case 'primary':
        c.primary = { name: a0?.t === 'str' ? a0.value : strOpt(w, a0, 'constraintName') };
        break;
      case 'unique':
        c.unique = { name: a0?.t === 'str' ? a0.value : strOpt(w, a0, 'indexName') };
        break;
      case 'index':
        c.index = { name: a0?.t === 'str' ? a0.value : undefined, using: nameOf(l.args[1] ? w.ev.val(l.args[1], env) : undefined) };
        break;
      case 'references':
        c.references ??= { columns: [] };
        readReferences(w, c.references, [l], frame);
        break;
      case 'inTable':
      case 'onDelete':
      case 'onUpdate':
      case 'withKeyName':
      case 'foreignKeyConstraintName':
        c.references ??= { columns: [] };
        readReferences(w, c.references, [l], frame);
        break;
      case 'comment':
        c.comment = a0?.t === 'str' ? a0.value : undefined;
        break;
      case 'collate':
        c.collate = nameOf(a0);
        break;
      case 'alter':
        c.alter = true;
        break;
      case 'checkPositive':
        c.checks.push(`CHECK (${name} > 0)`);
        break;
      case 'checkNegative':
        c.checks.push(`CHECK (${name} < 0)`);
        break;
      case 'checkIn':
      case 'checkNotIn':
        c.checks.push(`CHECK (${name} ${l.name === 'checkNotIn' ? 'NOT IN' : 'IN'} (${(a0?.t === 'arr' ? a0.items : []).map((v) => valueSql(w, v)).join(', ') || 'NULL'}))`);
        break;
      case 'checkBetween': {
        const range = a0?.t === 'arr' ? a0.items : [];
        if (range.length === 2) c.checks.push(`CHECK (${name} BETWEEN ${valueSql(w, range[0])} AND ${valueSql(w, range[1])})`);
        break;
      }
      case 'checkLength': {
        const n = l.args[1] ? w.ev.val(l.args[1], env) : undefined;
        if (a0?.t === 'str' && n?.t === 'num') c.checks.push(`CHECK (length(${name}) ${a0.value} ${n.raw})`);
        break;
      }
      case 'checkRegex':
        if (a0?.t === 'str') c.checks.push(`CHECK (${name} ~ ${quoteLiteral(a0.value)})`);
        break;
      default:
        // unsigned(), first(), after(), deferrable()... have no effect on PostgreSQL's statement.
        break;
    }
  }
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

function printTable(build: KnexTableBuild, call: Span, ifNotExists: boolean): SqlOut[] {
  const ops = build.ops as KnexOp[];
  const outs: SqlOut[] = [];
  const after: SqlOut[] = [];
  const push = (list: SqlOut[], sql: string, at: Span) => list.push(new SqlOut(call).add(sql, at));

  if (build.mode === 'create') {
    const create = new SqlOut(call).add(`CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${build.ref} (`);
    let first = true;
    for (const op of ops) {
      if (op.kind === 'column') {
        for (const b of op.before) push(outs, b, op.at);
        create.add(first ? '' : ', ').add(columnSql(op, true), op.at);
        first = false;
        for (const extra of columnExtras(build, op)) push(after, extra, op.at);
      } else if (op.kind === 'clause') {
        create.add(first ? '' : ', ').add(op.sql, op.at);
        first = false;
      } else push(after, op.sql, op.at);
    }
    create.add(')');
    return [...outs, create, ...after];
  }

  for (const op of ops) {
    if (op.kind === 'column') {
      for (const b of op.before) push(outs, b, op.at);
      if (op.alter) for (const sql of alterColumnSql(build, op)) push(outs, sql, op.at);
      else push(outs, `ALTER TABLE ${build.ref} ADD COLUMN ${columnSql(op, false)}`, op.at);
      if (op.primary?.name) push(outs, `ALTER TABLE ${build.ref} ADD CONSTRAINT ${quoteIdent(op.primary.name)} PRIMARY KEY (${quoteIdent(op.name)})`, op.at);
      for (const extra of columnExtras(build, op)) push(outs, extra, op.at);
    } else if (op.kind === 'clause') push(outs, op.alterSql, op.at);
    else push(outs, op.sql, op.at);
  }
  return outs;
}

// ---------------------------------------------------------------- query builder

const WHERE = /^(where|andWhere|orWhere|whereNot|orWhereNot|andWhereNot)/;

/** The condition of one where-link as SQL, as close to knex's as the arguments allow. */
function whereSql(w: Walker, link: Link, frame: Frame): string {
  const args = link.args.map((a) => w.ev.val(a, frame.env));
  const col = (v: Val | undefined) => tableName(nameOf(v) ?? '${column}');
  const base = (link.name ?? '').replace(/^(or|and)W/, 'w');
  const simple = (): string | undefined => {
    if (args.length === 2 && args[0]?.t === 'str') return `${col(args[0])} = ${valueSql(w, args[1])}`;
    if (args.length === 3 && args[0]?.t === 'str' && args[1]?.t === 'str') return `${col(args[0])} ${args[1].value} ${valueSql(w, args[2])}`;
    const obj = args[0];
    if (args.length === 1 && obj?.t === 'obj' && !obj.partial && obj.props.size) {
      return [...obj.props.keys()].map((k) => `${tableName(k)} = ${valueSql(w, prop(w, obj, k))}`).join(' AND ');
    }
    return undefined;
  };
  const list = () => (args[1]?.t === 'arr' ? args[1].items.map((v) => valueSql(w, v)).join(', ') : '') || valueSql(w, args[1]);
  let cond: string | undefined;
  switch (base) {
    case 'where':
      cond = simple();
      break;
    case 'whereNot': {
      const c = simple();
      cond = c && `NOT (${c})`;
      break;
    }
    case 'whereNull':
    case 'whereNotNull':
      cond = `${col(args[0])} IS ${base === 'whereNotNull' ? 'NOT ' : ''}NULL`;
      break;
    case 'whereIn':
    case 'whereNotIn':
      cond = `${col(args[0])} ${base === 'whereNotIn' ? 'NOT IN' : 'IN'} (${list()})`;
      break;
    case 'whereRaw':
      cond = args[0]?.t === 'str' ? `(${args[0].value})` : undefined;
      break;
  }
  // Anything else (callbacks, subqueries): a condition known only at run time.
  return cond ?? quoteIdent('${' + `${link.name}(...)` + '}');
}

/**
 * A knex query builder: collects the whole chain (where clauses may come after the
 * verb) and prints the one statement it runs. Returns the first link it did not read.
 */
function knexQuery(w: Walker, chain: Chain, start: number, frame: Frame, baseTable: Val | undefined): number {
  const { env } = frame;
  let table = baseTable;
  let schema: string | undefined;
  let verb: 'delete' | 'update' | 'insert' | 'truncate' | 'select' | undefined;
  const wheres: { sql: string; or: boolean }[] = [];
  let sets: string[] = [];
  let insert = '';
  let end = chain.links.length;
  for (let i = start; i < chain.links.length; i++) {
    const l = chain.links[i];
    if (l.kind !== 'call') continue;
    const name = l.name ?? '';
    const a0 = l.args[0] ? w.ev.val(l.args[0], env) : undefined;
    if (name === 'then' || name === 'catch' || name === 'finally' || name === 'asCallback') {
      end = i;
      break;
    }
    if (name === 'table' || name === 'from' || name === 'into') table = a0;
    else if (name === 'withSchema') schema = nameOf(a0);
    else if (WHERE.test(name)) wheres.push({ sql: whereSql(w, l, frame), or: name.startsWith('or') });
    else if (name === 'del' || name === 'delete') {
      verb = 'delete';
    } else if (name === 'truncate') {
      verb = 'truncate';
    } else if (name === 'update' || name === 'increment' || name === 'decrement') {
      verb = 'update';
      if (name === 'update' && a0?.t === 'obj') sets = [...a0.props.keys()].map((k) => `${quoteIdent(k)} = ${valueSql(w, prop(w, a0, k))}`);
      else if (name === 'update' && a0) sets = [`${quoteIdent(nameOf(a0) ?? '${column}')} = ${valueSql(w, l.args[1] ? w.ev.val(l.args[1], env) : undefined)}`];
      else {
        const c = quoteIdent(nameOf(a0) ?? '${column}');
        const n = l.args[1] ? valueSql(w, w.ev.val(l.args[1], env)) : '1';
        sets = [`${c} = ${c} ${name === 'increment' ? '+' : '-'} ${n}`];
      }
    } else if (name === 'insert') {
      verb = 'insert';
      const row = a0?.t === 'arr' ? a0.items[0] : a0;
      if (row?.t === 'obj' && !row.partial && row.props.size) {
        const keys = [...row.props.keys()];
        insert = ` ${columnList(keys)} VALUES (${keys.map((k) => valueSql(w, prop(w, row, k))).join(', ')})`;
      } else insert = ' DEFAULT VALUES';
    } else if (/^(select|first|pluck|count|min|max|sum|avg|columns|column|distinct)$/.test(name)) verb ??= 'select';
  }
  const ref = tableRef(w, table, schema);
  const where = wheres.length ? ` WHERE ${wheres.map((x, k) => (k === 0 ? x.sql : `${x.or ? 'OR' : 'AND'} ${x.sql}`)).join(' ')}` : '';
  const at = spanOf(chain.links[end - 1]?.node ?? chain.node);
  const out = new SqlOut(at);
  switch (verb) {
    case 'delete':
      out.add(`DELETE FROM ${ref}${where}`);
      break;
    case 'update':
      out.add(`UPDATE ${ref} SET ${sets.join(', ') || '"${column}" = NULL'}${where}`);
      break;
    case 'insert':
      out.add(`INSERT INTO ${ref}${insert}`);
      break;
    case 'truncate':
      out.add(`TRUNCATE ${ref} RESTART IDENTITY`);
      break;
    default:
      // A read: nothing to lint, but it was understood.
      w.analysedOnly();
      return end;
  }
  w.builder([out], chain.links[end - 1]?.node ?? chain.node);
  return end;
}

/** `knex('users')...`: the base call names the table. */
export function knexQueryFromBase(w: Walker, chain: Chain, frame: Frame): number {
  const base = chain.base as t.CallExpression;
  const table = base.arguments[0] ? w.ev.val(base.arguments[0], frame.env) : undefined;
  return knexQuery(w, chain, 0, frame, table);
}
