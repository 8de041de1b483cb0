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
import type { Frame, Link, Walker } from '../walker.js';
import { SqlOut, columnList, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf, type Span } from '../print.js';
import { renderText, type Val } from '../values.js';
import { unwrapTs, propertyName } from '../scope.js';
import { isTrue, strOpt } from './common.js';

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

function readColumn(w: Walker, node: t.Node, env: Env): DslColumn | undefined {
  const chain = columnChain(w, node, env);
  if (!chain) return undefined;
  const arg = (l: ChainLink, k = 0) => (l.args?.[k] ? w.ev.val(l.args[k], env) : undefined);
  const col: DslColumn = { name: nameOf(arg({ name: '', args: chain.base.arguments })) ?? '${column}', type: 'text', notNull: false, primary: false, at: spanOf(node) };
  let timestamp = false;
  const precision = (l: ChainLink, type: string) => {
    const n = arg(l);
    timestamp = true;
    // timestamp() means 3 digits; timestamp(null) lets the database choose.
    col.type = !l.args?.length ? `${type}(3)` : n?.t === 'num' ? `${type}(${n.raw})` : type;
  };
  for (const l of chain.links) {
    switch (l.name) {
      case 'int':
        col.type = 'integer';
        break;
      case 'bigint':
      case 'smallint':
      case 'text':
      case 'json':
      case 'uuid':
        col.type = l.name;
        break;
      case 'double':
        col.type = 'double precision';
        break;
      case 'bool':
        col.type = 'boolean';
        break;
      case 'binary':
        col.type = 'bytea';
        break;
      case 'varchar': {
        const n = arg(l);
        col.type = n?.t === 'num' ? `varchar(${n.raw})` : 'varchar';
        break;
      }
      case 'timestamp':
      case 'timestampTimezone':
        precision(l, 'timestamptz');
        break;
      case 'timestampNoTimezone':
        precision(l, 'timestamp');
        break;
      case 'primary':
        col.primary = true;
        break;
      case 'primaryWithName':
        col.primary = true;
        col.pkName = nameOf(arg(l));
        break;
      case 'notNull':
        col.notNull = true;
        break;
      case 'default': {
        const v = arg(l);
        col.default = timestamp && v?.t === 'str' && v.value === 'NOW()' ? 'CURRENT_TIMESTAMP(3)' : defaultSql(v);
        break;
      }
      case 'autoGenerate':
        col.generated = 'increment';
        break;
      case 'autoGenerate2':
        col.generated = 'identity';
        break;
      case 'comment': {
        const v = arg(l);
        col.comment = v?.t === 'str' ? v.value : undefined;
        break;
      }
      case 'withEnumCheck':
        col.enumValues = namesOf(arg(l));
        break;
      default:
        break;
    }
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

/** The links after `createTable(...)` that configure it (`withColumns`, `withIndexOn`, `withTimestamps`...). */
function createTable(w: Walker, args: t.Node[], rest: Link[], node: t.Node, frame: Frame): number {
  const { env } = frame;
  const name = nameOf(args[0] ? w.ev.val(args[0], env) : undefined) ?? '${table}';
  const ref = prefixed(name);
  const columns: DslColumn[] = [];
  const constraints: { sql: string; at: Span }[] = [];
  const indexes: { sql: string; at: Span }[] = [];
  let used = 0;
  for (const l of rest) {
    if (!l.name || !/^with/.test(l.name)) break;
    used++;
    const at = l.at;
    const arg = (k: number) => (l.args[k] ? w.ev.val(l.args[k], env) : undefined);
    switch (l.name) {
      case 'withColumns':
        columns.push(...readColumns(w, l.args, env));
        break;
      case 'withTimestamps':
      case 'withCreatedAt':
        for (const n of l.name === 'withTimestamps' ? ['createdAt', 'updatedAt'] : ['createdAt']) {
          columns.push({ name: n, type: 'timestamptz(3)', notNull: true, primary: false, default: 'CURRENT_TIMESTAMP(3)', at });
        }
        break;
      case 'withIndexOn': {
        const cols = namesOf(arg(0));
        const unique = isTrue(arg(1)) ? 'UNIQUE ' : '';
        indexes.push({ sql: `CREATE ${unique}INDEX ${quoteIdent(['IDX', PREFIX + name, ...cols].join('_'))} ON ${ref} ${columnList(cols)}`, at });
        break;
      }
      case 'withUniqueConstraintOn': {
        const cols = namesOf(arg(0));
        constraints.push({ sql: `CONSTRAINT "UQ_\${hash}" UNIQUE ${columnList(cols)}`, at });
        break;
      }
      case 'withCheck': {
        const expr = arg(1);
        if (expr?.t === 'str') constraints.push({ sql: `CONSTRAINT ${quoteIdent(nameOf(arg(0)) ?? `CHK_${PREFIX}${name}`)} CHECK (${renderText(expr.s)})`, at });
        break;
      }
      case 'withForeignKey': {
        const col = nameOf(arg(0)) ?? '${column}';
        const refOpts = arg(1);
        const fkName = strOpt(w, refOpts, 'name') ?? 'FK_${hash}';
        let sql = `CONSTRAINT ${quoteIdent(fkName)} FOREIGN KEY (${quoteIdent(col)}) REFERENCES ${prefixed(strOpt(w, refOpts, 'tableName') ?? '${table}')} (${quoteIdent(strOpt(w, refOpts, 'columnName') ?? 'id')})`;
        const onDelete = strOpt(w, refOpts, 'onDelete');
        const onUpdate = strOpt(w, refOpts, 'onUpdate');
        if (onDelete) sql += ` ON DELETE ${onDelete}`;
        if (onUpdate) sql += ` ON UPDATE ${onUpdate}`;
        constraints.push({ sql, at });
        break;
      }
      default:
        w.unanalysed(l.node, `createTable().${l.name}() of the migration context's schema DSL is not analysed by migratelint`);
    }
  }
  const out = new SqlOut(spanOf(node)).add(`CREATE TABLE ${ref} (`);
  const parts: { sql: string; at: Span }[] = columns.map((c) => ({ sql: columnSql(c), at: c.at }));
  const primary = columns.filter((c) => c.primary);
  if (primary.length) parts.push({ sql: `CONSTRAINT ${quoteIdent(primary.find((c) => c.pkName)?.pkName ?? 'PK_${hash}')} PRIMARY KEY ${columnList(primary.map((c) => c.name))}`, at: primary[0].at });
  for (const c of columns) if (c.enumValues?.length) parts.push({ sql: enumCheck(name, c), at: c.at });
  parts.push(...constraints);
  parts.forEach((p, k) => out.add(k ? ', ' : '').add(p.sql, p.at));
  out.add(')');
  const outs = [out, ...indexes.map((i) => new SqlOut(spanOf(node)).add(i.sql, i.at))];
  for (const c of columns) if (c.comment !== undefined) outs.push(new SqlOut(spanOf(node)).add(commentSql(ref, c), c.at));
  w.builder(outs, node);
  return used;
}

/**
 * A call of the schema DSL; `rest` are the links chained after it. Returns how many of
 * them it read, or undefined when the operation is not one migratelint knows.
 */
export function schemaDslCall(w: Walker, op: string, args: t.Node[], rest: Link[], node: t.Node, frame: Frame): number | undefined {
  const { env } = frame;
  const val = (k: number) => (args[k] ? w.ev.val(args[k], env) : undefined);
  const table = nameOf(val(0)) ?? '${table}';
  const ref = prefixed(table);
  const emit = (...sql: string[]) => w.builder(sql.map((s) => new SqlOut(spanOf(node)).add(s)), node);
  switch (op) {
    case 'createTable':
      return createTable(w, args, rest, node, frame);
    case 'dropTable':
      emit(`DROP TABLE ${ref}`);
      return 0;
    case 'addColumns': {
      const columns = readColumns(w, args[1] ? [args[1]] : [], env);
      const outs = columns.map((c) => new SqlOut(spanOf(node)).add(`ALTER TABLE ${ref} ADD `).add(columnSql(c), c.at));
      for (const c of columns) if (c.enumValues?.length) outs.push(new SqlOut(spanOf(node)).add(`ALTER TABLE ${ref} ADD ${enumCheck(table, c)}`, c.at));
      for (const c of columns) if (c.comment !== undefined) outs.push(new SqlOut(spanOf(node)).add(commentSql(ref, c), c.at));
      if (!outs.length) {
        w.unanalysed(node, 'addColumns() of the migration context: its columns are not known here');
        return 0;
      }
      w.builder(outs, node);
      return 0;
    }
    case 'dropColumns':
      emit(...namesOf(val(1)).map((c) => `ALTER TABLE ${ref} DROP COLUMN ${quoteIdent(c)}`));
      return 0;
    case 'createIndex': {
      const cols = namesOf(val(1));
      const name = nameOf(val(3)) ?? ['IDX', PREFIX + table, ...cols].join('_');
      const where = val(4);
      emit(`CREATE ${isTrue(val(2)) ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${ref} ${columnList(cols)}${where?.t === 'str' ? ` WHERE ${renderText(where.s)}` : ''}`);
      return 0;
    }
    case 'dropIndex': {
      const cols = namesOf(val(1));
      const name = strOpt(w, val(2), 'customIndexName') ?? ['IDX', PREFIX + table, ...cols].join('_');
      emit(`DROP INDEX ${quoteIdent(name)}`);
      return 0;
    }
    case 'addForeignKey':
    case 'dropForeignKey': {
      const col = nameOf(val(1)) ?? '${column}';
      const target = val(2);
      const [refTable, refCol] = target?.t === 'arr' ? target.items.map((i) => nameOf(i)) : [];
      const name = nameOf(val(3)) ?? 'FK_${hash}';
      if (op === 'dropForeignKey') emit(`ALTER TABLE ${ref} DROP CONSTRAINT ${quoteIdent(name)}`);
      else {
        const onDelete = val(4);
        emit(
          `ALTER TABLE ${ref} ADD CONSTRAINT ${quoteIdent(name)} FOREIGN KEY (${quoteIdent(col)}) REFERENCES ${prefixed(refTable ?? '${table}')} (${quoteIdent(refCol ?? 'id')})${onDelete?.t === 'str' ? ` ON DELETE ${onDelete.value}` : ''}`,
        );
      }
      return 0;
    }
    case 'addNotNull':
    case 'dropNotNull':
      emit(`ALTER TABLE ${ref} ALTER COLUMN ${quoteIdent(nameOf(val(1)) ?? '${column}')} ${op === 'addNotNull' ? 'SET' : 'DROP'} NOT NULL`);
      return 0;
    case 'addEnumCheck': {
      const col = nameOf(val(1)) ?? '${column}';
      emit(`ALTER TABLE ${ref} ADD ${enumCheck(table, { name: col, type: 'text', notNull: false, primary: false, enumValues: namesOf(val(2)), at: spanOf(node) })}`);
      return 0;
    }
    case 'dropEnumCheck':
      emit(`ALTER TABLE ${ref} DROP CONSTRAINT ${quoteIdent(`CHK_${PREFIX}${table}_${nameOf(val(1)) ?? '${column}'}`)}`);
      return 0;
    default:
      return undefined;
  }
}

