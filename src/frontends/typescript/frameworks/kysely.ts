/**
 * Kysely: `db.schema` builders (createTable, alterTable with column callbacks,
 * createIndex, dropTable, dropIndex, ...) and query builders (`db.deleteFrom(...)`),
 * lowered when the chain is executed (`.execute()`); a builder that is never
 * executed runs nothing.
 */
import type * as t from '@babel/types';
import type { Role } from '../scope.js';
import { isFunctionNode, unwrapTs } from '../scope.js';
import type { Chain, Frame, Link, Walker } from '../walker.js';
import { flattenChain } from '../walker.js';
import { SqlOut, columnList, quoteIdent, quoteLiteral, spanOf, nameOf, namesOf, tableName } from '../print.js';
import { placeholder } from '../text.js';
import type { Val } from '../values.js';
import { prop, tableRef, valueSql } from './common.js';
import { walkCallback, type StepResult } from './index.js';

const EXECUTE = /^(execute|executeTakeFirst|executeTakeFirstOrThrow|stream)$/;

export function kyselyStep(w: Walker, role: Role, chain: Chain, i: number, frame: Frame): StepResult | undefined {
  const link = chain.links[i];
  const links = chain.links;
  const execIndex = links.findIndex((l, k) => k > i && l.kind === 'call' && EXECUTE.test(l.name ?? ''));
  const end = execIndex >= 0 ? execIndex + 1 : links.length;

  if (role.kind === 'kysely') {
    switch (link.name) {
      case 'transaction':
      case 'connection': {
        // db.transaction().execute(async (trx) => { ... })
        const exec = links[i + 1];
        if (exec?.name === 'execute' && walkCallback(w, exec.args[0], frame, [{ kind: 'kysely' }])) return { next: i + 2 };
        return { next: i + 1 };
      }
      case 'withSchema':
        return { next: i + 1, role: { kind: 'kysely' } };
      case 'deleteFrom':
      case 'updateTable':
      case 'insertInto':
      case 'replaceInto':
      case 'selectFrom':
      case 'mergeInto':
        if (execIndex < 0) {
          w.unanalysed(link.node, `db.${link.name}() builder is not executed here (no .execute())`);
          return { next: links.length };
        }
        dml(w, chain, i, end, frame);
        return { next: end };
      case 'execute':
        // Drizzle-style db.execute(sql`...`)
        if (link.args[0]) w.raw(link.args[0], link.node, frame);
        return { next: i + 1 };
      case 'executeQuery':
        // db.executeQuery(sql`...`.compile(db)): the argument chain holds the SQL.
        if (link.args[0]) compiled(w, link.args[0], link.node, frame);
        return { next: i + 1 };
      case 'destroy':
      case 'introspection':
        return { next: i + 1 };
      default:
        return undefined;
    }
  }

  // db.schema
  if (link.name === 'withSchema') return { next: i + 1, role: { kind: 'kyselySchema', schema: w.ev.str(link.args[0], frame.env) } };
  const builders = new Set([
    'createTable',
    'alterTable',
    'dropTable',
    'createIndex',
    'dropIndex',
    'createType',
    'dropType',
    'createSchema',
    'dropSchema',
    'createView',
    'dropView',
  ]);
  if (!builders.has(link.name ?? '')) return undefined;
  if (execIndex < 0) {
    w.unanalysed(link.node, `db.schema.${link.name}() builder is not executed here (no .execute())`);
    return { next: links.length };
  }
  const schema = role.kind === 'kyselySchema' ? role.schema : undefined;
  const outs = schemaBuilder(w, chain, i, end, frame, schema);
  if (!outs) {
    w.unanalysed(link.node, `db.schema.${link.name}(...) with these options is not analysed by migratelint`);
    return { next: end };
  }
  w.builder(outs, links[end - 1].node);
  return { next: end };
}

/** `sql\`...\`.compile(db)` passed to executeQuery. */
function compiled(w: Walker, node: t.Node, call: t.Node, frame: Frame): void {
  const n = unwrapTs(node);
  if (n.type === 'CallExpression') {
    const chain = flattenChain(n);
    if (chain.base.type === 'TaggedTemplateExpression') {
      w.raw(chain.base, call, frame);
      return;
    }
  }
  w.unanalysed(call, `db.executeQuery(${w.src(node).slice(0, 40)}) is not analysed`);
}

const args = (w: Walker, l: Link, frame: Frame) => l.args.map((a) => w.ev.val(a, frame.env));

/** A column type: a string (`'varchar(255)'`) or sql`...`. */
function typeOf(v: Val | undefined): string {
  if (v?.t === 'str') return v.value;
  if (v?.t === 'raw') return v.sql;
  return quoteIdent(placeholder(v?.t === 'unknown' ? v.src : 'type'));
}

/** Reads a column callback `(col) => col.notNull().defaultTo(0)` into SQL constraints. */
function columnCallback(w: Walker, node: t.Node | undefined, frame: Frame): string {
  if (!node) return '';
  const fn = unwrapTs(node);
  if (!isFunctionNode(fn)) return '';
  let body: t.Node | undefined = fn.body;
  if (body.type === 'BlockStatement') {
    const ret = body.body.find((s): s is t.ReturnStatement => s.type === 'ReturnStatement');
    body = ret?.argument ?? undefined;
  }
  const expr = body ? unwrapTs(body) : undefined;
  if (!expr || expr.type !== 'CallExpression') return '';
  const chain = flattenChain(expr);
  let sql = '';
  for (const l of chain.links) {
    const a = args(w, l, frame);
    switch (l.name) {
      case 'notNull':
        sql += ' NOT NULL';
        break;
      case 'primaryKey':
        sql += ' PRIMARY KEY';
        break;
      case 'unique':
        sql += ' UNIQUE';
        break;
      case 'nullsNotDistinct':
        sql += ' NULLS NOT DISTINCT';
        break;
      case 'defaultTo':
        sql += ` DEFAULT ${valueSql(w, a[0])}`;
        break;
      case 'references': {
        const ref = nameOf(a[0]) ?? '${reference}';
        const parts = ref.split('.');
        const col = parts.pop()!;
        sql += ` REFERENCES ${tableName(parts.join('.') || '${table}')} (${quoteIdent(col)})`;
        break;
      }
      case 'onDelete':
        sql += ` ON DELETE ${(nameOf(a[0]) ?? 'no action').toUpperCase()}`;
        break;
      case 'onUpdate':
        sql += ` ON UPDATE ${(nameOf(a[0]) ?? 'no action').toUpperCase()}`;
        break;
      case 'check':
        sql += ` CHECK (${a[0]?.t === 'raw' ? a[0].sql : 'true'})`;
        break;
      case 'generatedAlwaysAsIdentity':
        sql += ' GENERATED ALWAYS AS IDENTITY';
        break;
      case 'generatedByDefaultAsIdentity':
        sql += ' GENERATED BY DEFAULT AS IDENTITY';
        break;
      case 'generatedAlwaysAs':
        sql += ` GENERATED ALWAYS AS (${a[0]?.t === 'raw' ? a[0].sql : 'NULL'})`;
        break;
      case 'stored':
        sql += ' STORED';
        break;
      case 'modifyEnd':
        if (a[0]?.t === 'raw') sql += ` ${a[0].sql}`;
        break;
      default:
        // autoIncrement(), unsigned(), first()...: not PostgreSQL.
        break;
    }
  }
  return sql;
}

/** Reads an alterColumn callback `(col) => col.setDataType('text')`. */
function alterColumnCallback(w: Walker, node: t.Node | undefined, frame: Frame): string | undefined {
  const fn = node ? unwrapTs(node) : undefined;
  if (!fn || !isFunctionNode(fn)) return undefined;
  let body: t.Node | undefined = fn.body;
  if (body.type === 'BlockStatement') body = body.body.find((s): s is t.ReturnStatement => s.type === 'ReturnStatement')?.argument ?? undefined;
  const expr = body ? unwrapTs(body) : undefined;
  if (!expr || expr.type !== 'CallExpression') return undefined;
  const chain = flattenChain(expr);
  const l = chain.links[chain.links.length - 1];
  const a = args(w, l, frame);
  switch (l.name) {
    case 'setDataType':
      return `TYPE ${typeOf(a[0])}`;
    case 'setDefault':
      return `SET DEFAULT ${valueSql(w, a[0])}`;
    case 'dropDefault':
      return 'DROP DEFAULT';
    case 'setNotNull':
      return 'SET NOT NULL';
    case 'dropNotNull':
      return 'DROP NOT NULL';
    default:
      return undefined;
  }
}

function whereOf(w: Walker, l: Link, frame: Frame): string {
  const a = args(w, l, frame);
  if (a.length === 3 && a[1]?.t === 'str') return `${tableName(nameOf(a[0]) ?? '${column}')} ${a[1].value} ${valueSql(w, a[2])}`;
  if (a.length === 1 && a[0]?.t === 'raw') return a[0].sql;
  return quoteIdent('${' + `${l.name}(...)` + '}');
}

/** Prints a db.schema builder chain from link `i` to `end`. */
function schemaBuilder(w: Walker, chain: Chain, i: number, end: number, frame: Frame, schema: string | undefined): SqlOut[] | undefined {
  const links = chain.links;
  const head = links[i];
  const call = spanOf(links[end - 1].node);
  const name = args(w, head, frame)[0];
  const ref = tableRef(w, name, schema);
  const rest = links.slice(i + 1, end - 1);
  const has = (n: string) => rest.some((l) => l.name === n);
  const out = new SqlOut(call);
  switch (head.name) {
    case 'createTable': {
      out.add(`CREATE ${has('temporary') ? 'TEMPORARY ' : ''}TABLE ${has('ifNotExists') ? 'IF NOT EXISTS ' : ''}${ref} (`);
      let first = true;
      for (const l of rest) {
        const a = args(w, l, frame);
        let def: string | undefined;
        switch (l.name) {
          case 'addColumn': {
            def = `${quoteIdent(nameOf(a[0]) ?? '${column}')} ${typeOf(a[1])}${columnCallback(w, l.args[2], frame)}`;
            break;
          }
          case 'addPrimaryKeyConstraint':
            def = `CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'pkey')} PRIMARY KEY ${columnList(namesOf(a[1]))}`;
            break;
          case 'addUniqueConstraint':
            def = `CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'unique')} UNIQUE ${columnList(namesOf(a[1]))}`;
            break;
          case 'addCheckConstraint':
            def = `CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'check')} CHECK (${a[1]?.t === 'raw' ? a[1].sql : 'true'})`;
            break;
          case 'addForeignKeyConstraint': {
            def = `CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'fkey')} FOREIGN KEY ${columnList(namesOf(a[1]))} REFERENCES ${tableRef(w, a[2])} ${columnList(namesOf(a[3]))}`;
            def += columnCallback(w, l.args[4], frame);
            break;
          }
          case 'as':
            return undefined;
        }
        if (def !== undefined) {
          out.add(first ? '' : ', ').add(def, l.at);
          first = false;
        }
      }
      out.add(')');
      return [out];
    }
    case 'alterTable': {
      const outs: SqlOut[] = [];
      const actions: { sql: string; at: Link['at'] }[] = [];
      for (const l of rest) {
        const a = args(w, l, frame);
        switch (l.name) {
          case 'addColumn':
            actions.push({ sql: `ADD COLUMN ${has('ifNotExists') ? 'IF NOT EXISTS ' : ''}${quoteIdent(nameOf(a[0]) ?? '${column}')} ${typeOf(a[1])}${columnCallback(w, l.args[2], frame)}`, at: l.at });
            break;
          case 'dropColumn':
            actions.push({ sql: `DROP COLUMN ${quoteIdent(nameOf(a[0]) ?? '${column}')}`, at: l.at });
            break;
          case 'renameColumn':
            actions.push({ sql: `RENAME COLUMN ${quoteIdent(nameOf(a[0]) ?? '${from}')} TO ${quoteIdent(nameOf(a[1]) ?? '${to}')}`, at: l.at });
            break;
          case 'alterColumn': {
            const change = alterColumnCallback(w, l.args[1], frame);
            if (!change) return undefined;
            actions.push({ sql: `ALTER COLUMN ${quoteIdent(nameOf(a[0]) ?? '${column}')} ${change}`, at: l.at });
            break;
          }
          case 'renameTo':
            actions.push({ sql: `RENAME TO ${quoteIdent(nameOf(a[0]) ?? '${name}')}`, at: l.at });
            break;
          case 'setSchema':
            actions.push({ sql: `SET SCHEMA ${quoteIdent(nameOf(a[0]) ?? '${schema}')}`, at: l.at });
            break;
          case 'addUniqueConstraint':
            actions.push({ sql: `ADD CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'unique')} UNIQUE ${columnList(namesOf(a[1]))}`, at: l.at });
            break;
          case 'addPrimaryKeyConstraint':
            actions.push({ sql: `ADD CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'pkey')} PRIMARY KEY ${columnList(namesOf(a[1]))}`, at: l.at });
            break;
          case 'addCheckConstraint':
            actions.push({ sql: `ADD CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'check')} CHECK (${a[1]?.t === 'raw' ? a[1].sql : 'true'})`, at: l.at });
            break;
          case 'addForeignKeyConstraint':
            actions.push({
              sql: `ADD CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? 'fkey')} FOREIGN KEY ${columnList(namesOf(a[1]))} REFERENCES ${tableRef(w, a[2])} ${columnList(namesOf(a[3]))}${columnCallback(w, l.args[4], frame)}`,
              at: l.at,
            });
            break;
          case 'dropConstraint':
            actions.push({ sql: `DROP CONSTRAINT ${quoteIdent(nameOf(a[0]) ?? '${constraint}')}`, at: l.at });
            break;
          case 'onDelete':
          case 'onUpdate': {
            const last = actions[actions.length - 1];
            if (last) last.sql += ` ${l.name === 'onDelete' ? 'ON DELETE' : 'ON UPDATE'} ${(nameOf(a[0]) ?? 'no action').toUpperCase()}`;
            break;
          }
          case 'notValid': {
            const last = actions[actions.length - 1];
            if (last) last.sql += ' NOT VALID';
            break;
          }
          case 'ifExists': {
            const last = actions[actions.length - 1];
            if (last) last.sql = last.sql.replace(/^DROP (COLUMN|CONSTRAINT) /, 'DROP $1 IF EXISTS ');
            break;
          }
          case 'cascade': {
            const last = actions[actions.length - 1];
            if (last) last.sql += ' CASCADE';
            break;
          }
          case 'ifNotExists':
            break;
          default:
            return undefined;
        }
      }
      if (!actions.length) return undefined;
      out.add(`ALTER TABLE ${ref} `);
      actions.forEach((a, k) => out.add(k ? ', ' : '').add(a.sql, a.at));
      outs.push(out);
      return outs;
    }
    case 'dropTable':
      out.add(`DROP TABLE ${has('ifExists') ? 'IF EXISTS ' : ''}${ref}${has('cascade') ? ' CASCADE' : ''}`);
      return [out];
    case 'createIndex': {
      let table = quoteIdent('${table}');
      let using = '';
      let where = '';
      const cols: string[] = [];
      for (const l of rest) {
        const a = args(w, l, frame);
        if (l.name === 'on') table = tableRef(w, a[0], schema);
        else if (l.name === 'column') cols.push(quoteIdent(nameOf(a[0]) ?? '${column}'));
        else if (l.name === 'columns') cols.push(...namesOf(a[0]).map((c) => (/^[\w$]+$/.test(c) ? quoteIdent(c) : c.replace(/^(\w+) (asc|desc)$/i, '"$1" $2'))));
        else if (l.name === 'expression') cols.push(a[0]?.t === 'raw' ? a[0].sql : (nameOf(a[0]) ?? 'NULL'));
        else if (l.name === 'using') using = ` USING ${nameOf(a[0]) ?? 'btree'}`;
        else if (l.name === 'where') where = ` WHERE ${whereOf(w, l, frame)}`;
      }
      const idx = quoteIdent(nameOf(name) ?? '${index}');
      out.add(
        `CREATE ${has('unique') ? 'UNIQUE ' : ''}INDEX ${has('concurrently') ? 'CONCURRENTLY ' : ''}${has('ifNotExists') ? 'IF NOT EXISTS ' : ''}${idx} ON ${table}${using} (${cols.join(', ')})${has('nullsNotDistinct') ? ' NULLS NOT DISTINCT' : ''}${where}`,
      );
      return [out];
    }
    case 'dropIndex':
      out.add(`DROP INDEX ${has('concurrently') ? 'CONCURRENTLY ' : ''}${has('ifExists') ? 'IF EXISTS ' : ''}${schema ? `${quoteIdent(schema)}.` : ''}${quoteIdent(nameOf(name) ?? '${index}')}${has('cascade') ? ' CASCADE' : ''}`);
      return [out];
    case 'createType': {
      const asEnum = rest.find((l) => l.name === 'asEnum');
      if (!asEnum) return undefined;
      out.add(`CREATE TYPE ${ref} AS ENUM (${namesOf(args(w, asEnum, frame)[0]).map(quoteLiteral).join(', ')})`);
      return [out];
    }
    case 'dropType':
      out.add(`DROP TYPE ${has('ifExists') ? 'IF EXISTS ' : ''}${ref}${has('cascade') ? ' CASCADE' : ''}`);
      return [out];
    case 'createSchema':
      out.add(`CREATE SCHEMA ${has('ifNotExists') ? 'IF NOT EXISTS ' : ''}${quoteIdent(nameOf(name) ?? '${schema}')}`);
      return [out];
    case 'dropSchema':
      out.add(`DROP SCHEMA ${has('ifExists') ? 'IF EXISTS ' : ''}${quoteIdent(nameOf(name) ?? '${schema}')}${has('cascade') ? ' CASCADE' : ''}`);
      return [out];
    case 'dropView':
      out.add(`DROP ${has('materialized') ? 'MATERIALIZED ' : ''}VIEW ${has('ifExists') ? 'IF EXISTS ' : ''}${ref}${has('cascade') ? ' CASCADE' : ''}`);
      return [out];
    case 'createView': {
      const as = rest.find((l) => l.name === 'as');
      const q = as ? args(w, as, frame)[0] : undefined;
      if (q?.t !== 'raw') return undefined;
      out.add(`CREATE ${has('orReplace') ? 'OR REPLACE ' : ''}${has('materialized') ? 'MATERIALIZED ' : ''}VIEW ${ref} AS ${q.sql}`);
      return [out];
    }
    default:
      return undefined;
  }
}

/** db.deleteFrom / updateTable / insertInto chains. */
function dml(w: Walker, chain: Chain, i: number, end: number, frame: Frame): void {
  const links = chain.links;
  const head = links[i];
  const table = tableRef(w, args(w, head, frame)[0]);
  const wheres: string[] = [];
  let set: string[] = [];
  let values = ' DEFAULT VALUES';
  for (const l of links.slice(i + 1, end)) {
    if (/^(where|whereRef)$/.test(l.name ?? '')) wheres.push(whereOf(w, l, frame));
    else if (l.name === 'set') {
      const a = args(w, l, frame)[0];
      set = a?.t === 'obj' ? [...a.props.keys()].map((k) => `${quoteIdent(k)} = ${valueSql(w, prop(w, a, k))}`) : [`"\${set}" = NULL`];
    } else if (l.name === 'values') {
      const a = args(w, l, frame)[0];
      const row = a?.t === 'arr' ? a.items[0] : a;
      if (row?.t === 'obj' && row.props.size) {
        const keys = [...row.props.keys()];
        values = ` ${columnList(keys)} VALUES (${keys.map((k) => valueSql(w, prop(w, row, k))).join(', ')})`;
      }
    }
  }
  const where = wheres.length ? ` WHERE ${wheres.join(' AND ')}` : '';
  const out = new SqlOut(spanOf(links[end - 1].node));
  switch (head.name) {
    case 'deleteFrom':
      out.add(`DELETE FROM ${table}${where}`);
      break;
    case 'updateTable':
      out.add(`UPDATE ${table} SET ${set.join(', ') || '"${column}" = NULL'}${where}`);
      break;
    case 'insertInto':
    case 'replaceInto':
      out.add(`INSERT INTO ${table}${values}`);
      break;
    default:
      w.analysedOnly();
      return;
  }
  w.builder([out], links[end - 1].node);
}
