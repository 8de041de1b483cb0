/** Helpers shared by the framework lowerings: options objects, names, bindings. */
import type * as t from '@babel/types';
import type { Env } from '../scope.js';
import type { Walker } from '../walker.js';
import { placeholder, sqlStateAt, type StaticString } from '../text.js';
import { bindingSql, knexBindingRewrite, quoteIdent, rewriteText, sqlLiteral, type Val } from '../values.js';
import { nameOf, tableName } from '../print.js';

/** A property of an object value, evaluated. */
export function prop(w: Walker, obj: Val | undefined, key: string): Val | undefined {
  if (!obj || obj.t !== 'obj') return undefined;
  const p = obj.props.get(key);
  return p ? w.ev.val(p.node, p.env) : undefined;
}

export const isTrue = (v: Val | undefined) => v?.t === 'bool' && v.value;
export const isFalse = (v: Val | undefined) => v?.t === 'bool' && !v.value;
export const isSet = (v: Val | undefined) => !!v && v.t !== 'undef';

/** A string option's value. */
export function strOpt(w: Walker, obj: Val | undefined, key: string): string | undefined {
  return nameOf(prop(w, obj, key));
}

/**
 * A table reference as SQL: `'users'`, `'public.users'`, `{ schema, name }`
 * (node-pg-migrate), `{ tableName, schema }` (Sequelize), a TypeORM `Table`.
 */
export function tableRef(w: Walker, v: Val | undefined, schema?: string): string {
  if (!v) return quoteIdent('${table}');
  if (v.t === 'obj' || v.t === 'new') {
    const obj = v.t === 'new' ? v.args[0] : v;
    const name = strOpt(w, obj, 'name') ?? strOpt(w, obj, 'tableName');
    const s = strOpt(w, obj, 'schema') ?? schema;
    if (name !== undefined) return s ? `${quoteIdent(s)}.${quoteIdent(name)}` : tableName(name);
  }
  const name = nameOf(v);
  if (name === undefined) return quoteIdent('${table}');
  // A runtime name keeps its `${...}` whole, dots and all.
  if (v.t === 'unknown' || v.t === 'path') return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
  return tableName(name, schema);
}

/** The bare table name (for derived index names). */
export function bareTable(w: Walker, v: Val | undefined): string {
  if (!v) return 'table';
  if (v.t === 'obj') return strOpt(w, v, 'name') ?? strOpt(w, v, 'tableName') ?? 'table';
  if (v.t === 'new') return strOpt(w, v.args[0], 'name') ?? 'table';
  const name = nameOf(v) ?? 'table';
  // A name known only at run time is kept whole (its dots are the expression's).
  return v.t === 'unknown' || v.t === 'path' ? name : name.split('.').pop()!;
}

/** A value as SQL: a literal, raw SQL, or a placeholder name for what is only known at run time. */
export function valueSql(w: Walker, v: Val | undefined): string {
  if (!v) return 'NULL';
  const lit = sqlLiteral(v);
  if (lit !== undefined) return lit;
  if (v.t === 'arr') return `ARRAY[${v.items.map((i) => valueSql(w, i)).join(', ')}]`;
  if (v.t === 'unknown') return quoteIdent(placeholder(v.src));
  if (v.t === 'path') return quoteIdent('${' + v.parts.join('.') + '}');
  if (v.t === 'obj') return "'{}'";
  // helper(...) / new Thing(...): a value computed at run time.
  if (v.t === 'call' || v.t === 'new') return quoteIdent(placeholder(w.src(v.node)));
  return quoteIdent('${value}');
}

export { rewriteText, bindingSql };

/**
 * knex.raw(sql, bindings): `??` is an identifier, `?` a value, `\?` a literal
 * question mark; with an object, `:name:` and `:name`. Without bindings the SQL is
 * sent as written.
 */
export function knexBindings(w: Walker, bindings: t.Node | undefined, env: Env): ((s: StaticString) => StaticString) | undefined {
  return knexBindingRewrite(w.ev, bindings, env);
}

/** Sequelize `replacements`: `?` (array) or `:name` (object), outside quoted strings. */
export function sequelizeReplacements(w: Walker, options: Val | undefined): ((s: StaticString) => StaticString) | undefined {
  const replacements = prop(w, options, 'replacements');
  if (!replacements) return undefined;
  if (replacements.t === 'arr') {
    let n = 0;
    return (s) =>
      rewriteText(s, /\?/g, (_m, before) => {
        if (sqlStateAt(before) !== 'code') return undefined;
        n++;
        return bindingSql(replacements.items[n - 1], n);
      });
  }
  if (replacements.t === 'obj') {
    let n = 0;
    return (s) =>
      rewriteText(s, /(?<!:):(\w+)/g, (m, before) => {
        if (sqlStateAt(before) !== 'code' || !replacements.props.has(m[1])) return undefined;
        n++;
        return bindingSql(prop(w, replacements, m[1]), n);
      });
  }
  return undefined;
}

/** node-pg-migrate `pgm.sql('... {name} ...', { name })`. */
export function pgmSqlArgs(w: Walker, args: t.Node | undefined, env: Env): ((s: StaticString) => StaticString) | undefined {
  if (!args) return undefined;
  const v = w.ev.val(args, env);
  if (v.t !== 'obj') return undefined;
  return (s) =>
    rewriteText(s, /\{(\w+)\}/g, (m) => {
      if (!v.props.has(m[1])) return undefined;
      // Values are inserted as text (they are usually names).
      const item = prop(w, v, m[1]);
      if (item?.t === 'str') return item.value;
      if (item?.t === 'num') return item.raw;
      return quoteIdent('${' + m[1] + '}');
    });
}
