/** Helpers shared by the framework lowerings: options objects, names, bindings. */
import type * as t from '@babel/types';
import type { Env } from '../scope.js';
import type { Walker } from '../walker.js';
import { fixedPiece, textPiece, sqlStateAt, type Piece, type StaticString } from '../text.js';
import { quoteIdent, sqlLiteral, type Val } from '../values.js';
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
  return name.split('.').pop()!;
}

/** A value as SQL: a literal, raw SQL, or a placeholder name for what is only known at run time. */
export function valueSql(w: Walker, v: Val | undefined): string {
  if (!v) return 'NULL';
  const lit = sqlLiteral(v);
  if (lit !== undefined) return lit;
  if (v.t === 'arr') return `ARRAY[${v.items.map((i) => valueSql(w, i)).join(', ')}]`;
  if (v.t === 'unknown') return quoteIdent('${' + v.src.replace(/\s+/g, ' ') + '}');
  if (v.t === 'path') return quoteIdent('${' + v.parts.join('.') + '}');
  if (v.t === 'obj') return "'{}'";
  return quoteIdent('${value}');
}

/**
 * Rewrites markers inside the text pieces of a static string (bindings such as
 * knex's `?`/`??`), keeping every other character's position.
 */
export function rewriteText(
  s: StaticString,
  re: RegExp,
  replace: (m: RegExpExecArray, before: string) => string | undefined,
): StaticString {
  const pieces: Piece[] = [];
  let rendered = '';
  for (const p of s.pieces) {
    if (p.kind !== 'text') {
      pieces.push(p);
      rendered += ' x ';
      continue;
    }
    const text = p.text;
    let last = 0;
    const regex = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    let m: RegExpExecArray | null;
    while ((m = regex.exec(text))) {
      const rep = replace(m, rendered + text.slice(0, m.index));
      if (rep === undefined) continue;
      if (m.index > last) {
        const from = last;
        pieces.push(textPiece(text.slice(last, m.index), (k) => p.map(from + k)));
      }
      pieces.push(fixedPiece(rep, p.map(m.index), p.map(m.index + m[0].length)));
      last = m.index + m[0].length;
      if (m[0].length === 0) regex.lastIndex++;
    }
    if (last < text.length) {
      const from = last;
      pieces.push(textPiece(text.slice(last), (k) => p.map(from + k)));
    } else if (last === 0 && text.length === 0) pieces.push(p);
    rendered += text;
  }
  return { pieces };
}

/** Values of positional bindings as SQL, `$n` when not known. */
function bindingSql(v: Val | undefined, n: number): string {
  if (!v || v.t === 'unknown' || v.t === 'undef') return `$${n}`;
  return sqlLiteral(v) ?? `$${n}`;
}

function bindingIdent(v: Val | undefined, src: string): string {
  const name = v && (v.t === 'str' ? v.value : undefined);
  if (name !== undefined) return name.split('.').map(quoteIdent).join('.');
  return quoteIdent('${' + src + '}');
}

/**
 * knex.raw(sql, bindings): `??` is an identifier, `?` a value, `\?` a literal
 * question mark; with an object, `:name:` and `:name`. Without bindings the SQL is
 * sent as written.
 */
export function knexBindings(w: Walker, bindings: t.Node | undefined, env: Env): ((s: StaticString) => StaticString) | undefined {
  if (!bindings) return undefined;
  const v = w.ev.val(bindings, env);
  if (v.t === 'arr' || v.t === 'unknown' || v.t === 'path') {
    const items = v.t === 'arr' ? v.items : [];
    return (s) => {
      let n = 0;
      return rewriteText(s, /\\\?|\?\?|\?/g, (m) => {
        if (m[0] === '\\?') return '?';
        const item = items[n];
        n++;
        return m[0] === '??' ? bindingIdent(item, `binding ${n}`) : bindingSql(item, n);
      });
    };
  }
  if (v.t === 'obj') {
    let n = 0;
    return (s) =>
      rewriteText(s, /\\?(:(\w+):(?=::)|:(\w+):(?!:)|:(\w+))/g, (m) => {
        if (m[0].startsWith('\\')) return m[0].slice(1);
        const identKey = m[2] ?? m[3];
        const key = identKey ?? m[4];
        if (!v.props.has(key)) return undefined;
        const item = prop(w, v, key);
        if (identKey) return bindingIdent(item, key);
        n++;
        return bindingSql(item, n);
      });
  }
  return (s) => rewriteText(s, /\\\?/g, () => '?');
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
