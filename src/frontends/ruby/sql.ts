/**
 * How Rails' PostgreSQL adapter prints names, values and column types
 * (ActiveRecord::ConnectionAdapters::PostgreSQL: quoting, NATIVE_DATABASE_TYPES,
 * type_to_sql), for the migration version a file declares.
 */
import { sha256 } from '../../sha256.js';
import { isLambda, isSym, isUnknown, type RValue } from './values.js';
import { kind, type RbFile } from './source.js';

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `schema.table` names are quoted part by part, as Rails does. */
export const qt = (name: string): string => name.split('.').map(q).join('.');

export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const NATIVE: Record<string, string> = {
  primary_key: 'bigserial primary key',
  string: 'character varying',
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  float: 'float',
  decimal: 'decimal',
  numeric: 'numeric',
  datetime: 'timestamp',
  timestamp: 'timestamp',
  timestamptz: 'timestamp with time zone',
  time: 'time',
  date: 'date',
  binary: 'bytea',
  boolean: 'boolean',
  bit_varying: 'bit varying',
  // The rest are PostgreSQL's own names: daterange, numrange, tsrange, tstzrange, int4range,
  // int8range, xml, tsvector, hstore, inet, cidr, macaddr, uuid, json, jsonb, ltree, citext,
  // point, line, lseg, box, path, polygon, circle, bit, money, interval, oid.
};

/** What `precision` a datetime column gets when none is given: 6 from Rails 7.0 on. */
export const defaultDatetimePrecision = (version: number): number | undefined => (version >= 7 ? 6 : undefined);

/** `type_to_sql`: a Rails column type with its limit / precision / scale / array options. */
export function typeSql(type: string, opts: ReadonlyMap<string, RValue>, version: number): string {
  const limit = opts.get('limit');
  const precision = opts.has('precision') ? opts.get('precision') : type === 'datetime' || type === 'timestamp' ? defaultDatetimePrecision(version) : undefined;
  const scale = opts.get('scale');
  let sql: string;
  switch (type) {
    case 'integer':
      sql = limit === 1 || limit === 2 ? 'smallint' : limit === 8 || (typeof limit === 'number' && limit > 4) ? 'bigint' : 'integer';
      break;
    case 'string':
      sql = typeof limit === 'number' ? `character varying(${limit})` : 'character varying';
      break;
    case 'binary':
      sql = 'bytea';
      break;
    case 'decimal':
    case 'numeric':
      sql = typeof precision === 'number' ? `${type}(${precision}${typeof scale === 'number' ? `,${scale}` : ''})` : type;
      break;
    case 'datetime':
    case 'timestamp':
    case 'time':
    case 'timestamptz':
      sql = `${NATIVE[type] ?? type}${typeof precision === 'number' ? `(${precision})` : ''}`;
      if (type === 'timestamptz' && typeof precision === 'number') sql = `timestamp(${precision}) with time zone`;
      break;
    case 'enum': {
      const enumType = opts.get('enum_type');
      sql = typeof enumType === 'string' ? q(enumType) : isSym(enumType) ? q(enumType.sym) : 'enum';
      break;
    }
    default:
      sql = NATIVE[type] ?? type;
      if (typeof limit === 'number' && (type === 'bit' || type === 'bit_varying')) sql += `(${limit})`;
  }
  if (opts.get('array') === true) sql += '[]';
  return sql;
}

/** A default value as Rails quotes it; a lambda's string is SQL as written. */
export function defaultSql(file: RbFile, v: RValue | undefined): string | undefined {
  if (v === undefined || isUnknown(v)) return undefined;
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return lit(v);
  if (isSym(v)) return lit(v.sym);
  if (isLambda(v)) {
    const body = v.lambda.body?.body;
    const only = body?.length === 1 ? body[0] : undefined;
    if (only && (kind(only) === 'StringNode' || kind(only) === 'SymbolNode')) return only.unescaped.value as string;
    return undefined;
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => (typeof x === 'string' ? `"${x.replace(/["\\]/g, '\\$&')}"` : isSym(x) ? x.sym : String(x)));
    return lit(`{${items.join(',')}}`);
  }
  if (v instanceof Map) return lit(JSON.stringify(Object.fromEntries([...v].map(([k, x]) => [k, isSym(x) ? x.sym : x]))));
  return undefined;
}

/** Rails' hashed identifier: the first 10 hex digits of SHA-256 of `identifier`. */
export function hashed(identifier: string): string {
  return sha256().update(identifier).digest('hex').slice(0, 10);
}

/** `foreign_key_name`: `fk_rails_` + the hash of `<table>_<columns>_fk`. */
export function foreignKeyName(table: string, columns: string[]): string {
  return `fk_rails_${hashed(`${table}_${columns.join('_and_')}_fk`)}`;
}

/** `check_constraint_name`: `chk_rails_` + the hash of `<table>_<expression>_chk`. */
export function checkName(table: string, expression: string): string {
  return `chk_rails_${hashed(`${table}_${expression}_chk`)}`;
}

/**
 * `index_name`: `index_<table>_on_<a>_and_<b>`; from Rails 7.1 a name over PostgreSQL's 63
 * bytes becomes `idx_on_<a>_<b>_<hash>` (earlier versions refused it; PostgreSQL truncates).
 */
export function indexName(table: string, columns: string[], version: number): string {
  const name = `index_${table}_on_${columns.join('_and_')}`;
  if (version < 7.1 || Buffer.byteLength(name) <= 63) return name;
  const suffix = `_${hashed(name)}`;
  let short = `idx_on_${columns.join('_')}`;
  while (Buffer.byteLength(short) > 63 - suffix.length) short = short.slice(0, -1);
  return short + suffix;
}
