/**
 * PostgreSQL's column types: a normalised view of a parser `TypeName`, and the type
 * changes PostgreSQL performs without rewriting the table.
 */
import { nameParts } from './ast.js';

export interface SqlType {
  /** The type's name as the catalog knows it, without `pg_catalog` (`varchar`, `int4`, `timestamptz`, `Foo`). */
  name: string;
  /** Schema, when written with one other than `pg_catalog`. */
  schema?: string;
  /** Whether this is (as written) a built-in type: no schema, or `pg_catalog`. */
  builtin: boolean;
  /** Integer type modifiers (`varchar(10)` → [10], `numeric(10,2)` → [10, 2]); empty when none. */
  mods: number[];
  /** Whether some modifier is not an integer literal (a user type's own modifiers). */
  oddMods: boolean;
  /** Whether the type is an array (`text[]`, `int ARRAY`). */
  array: boolean;
  /** Byte location of the type in the parsed SQL. */
  location?: number;
}

/** Normalises a parser `TypeName` node (the bare object). */
export function sqlType(typeName: any): SqlType | undefined {
  const parts = nameParts(typeName?.names);
  if (parts.length === 0) return undefined;
  let schema: string | undefined;
  const name = parts[parts.length - 1];
  if (parts.length > 1) schema = parts[parts.length - 2];
  if (schema === 'pg_catalog') schema = undefined;
  const mods: number[] = [];
  let oddMods = false;
  for (const m of typeName.typmods ?? []) {
    const value = m?.A_Const?.ival;
    if (value && typeof value === 'object') mods.push(typeof value.ival === 'number' ? value.ival : 0);
    else oddMods = true;
  }
  return {
    name,
    ...(schema ? { schema } : {}),
    builtin: schema === undefined,
    mods,
    oddMods,
    array: Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0,
    location: typeof typeName.location === 'number' && typeName.location >= 0 ? typeName.location : undefined,
  };
}

export const SERIAL_TYPES: Record<string, string> = {
  smallserial: 'smallint',
  serial2: 'smallint',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
};

const DISPLAY: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

const INTERVAL_FULL_RANGE = 0x7fff;
const INTERVAL_FULL_PRECISION = 0xffff;
/** Field bits of an interval typmod (`src/include/utils/datetime.h`). */
const INTERVAL_FIELDS: [number, string][] = [
  [1 << 2, 'year'],
  [1 << 1, 'month'],
  [1 << 3, 'day'],
  [1 << 10, 'hour'],
  [1 << 11, 'minute'],
  [1 << 12, 'second'],
];

/** The type as a person would write it (`varchar(10)`, `numeric(10,2)`, `integer[]`). */
export function formatType(t: SqlType): string {
  let base = t.builtin ? (DISPLAY[t.name] ?? t.name) : `${t.schema}.${t.name}`;
  if (t.name === 'interval' && t.builtin) {
    const [range = INTERVAL_FULL_RANGE, precision = INTERVAL_FULL_PRECISION] = t.mods;
    if (range !== INTERVAL_FULL_RANGE) {
      const fields = INTERVAL_FIELDS.filter(([bit]) => range & bit).map(([, word]) => word);
      if (fields.length) base += ` ${fields[0]}${fields.length > 1 ? ` to ${fields[fields.length - 1]}` : ''}`;
    }
    if (precision !== INTERVAL_FULL_PRECISION) base += `(${precision})`;
  } else if (t.mods.length) {
    base += `(${t.mods.join(',')})`;
  }
  return t.array ? `${base}[]` : base;
}

function sameType(a: SqlType, b: SqlType): boolean {
  return (
    a.name === b.name &&
    a.schema === b.schema &&
    a.array === b.array &&
    !a.oddMods &&
    !b.oddMods &&
    a.mods.length === b.mods.length &&
    a.mods.every((m, i) => m === b.mods[i])
  );
}

const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz']);
/** Fractional-second precision of a time type; unspecified means the maximum, 6. */
const timePrecision = (t: SqlType) => t.mods[0] ?? 6;

function intervalParts(t: SqlType): { range: number; precision: number } {
  const [range = INTERVAL_FULL_RANGE, precision = INTERVAL_FULL_PRECISION] = t.mods;
  return { range, precision: precision === INTERVAL_FULL_PRECISION ? 6 : precision };
}

export interface TypeChangeOptions {
  /** Major version of the server. */
  pgVersion: number;
  /** Whether the session time zone is known to be UTC when the migration runs. */
  utcTimeZone: boolean;
}

/**
 * Whether `ALTER COLUMN ... TYPE to` on a column of type `from` rewrites the table.
 * False only for the changes PostgreSQL is known to perform in the catalog alone:
 * the same type; varchar(n) → varchar(m ≥ n), varchar, text; text → varchar;
 * numeric(p,s) → numeric(q ≥ p, s) or numeric; varbit(n) → varbit(m ≥ n) or varbit;
 * bit(n) → varbit; a time type to the same type with no less precision; interval
 * with the same fields and no less precision, or to plain interval; cidr → inet;
 * xml → text; and timestamp ↔ timestamptz when the session time zone is UTC (12+).
 * Array and user-defined types count as rewriting unless unchanged.
 */
export function typeChangeRewrites(from: SqlType, to: SqlType, opts: TypeChangeOptions): boolean {
  if (sameType(from, to)) return false;
  if (from.array || to.array || !from.builtin || !to.builtin || from.oddMods || to.oddMods) return true;
  const f = from.name;
  const t = to.name;
  if (f === 'varchar' && t === 'varchar') return !(to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]));
  if ((f === 'varchar' || f === 'text') && t === 'text') return false;
  if (f === 'text' && t === 'varchar') return to.mods.length > 0;
  if (f === 'numeric' && t === 'numeric') {
    if (to.mods.length === 0) return false;
    if (from.mods.length === 0) return true;
    return (from.mods[1] ?? 0) !== (to.mods[1] ?? 0) || to.mods[0] < from.mods[0];
  }
  if (f === 'varbit' && t === 'varbit') return !(to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]));
  if (f === 'bit' && t === 'varbit') return to.mods.length > 0;
  if (TIME_TYPES.has(f) && f === t) return timePrecision(to) < timePrecision(from);
  if ((f === 'timestamp' && t === 'timestamptz') || (f === 'timestamptz' && t === 'timestamp')) {
    return !(opts.utcTimeZone && opts.pgVersion >= 12 && timePrecision(to) >= timePrecision(from));
  }
  if (f === 'interval' && t === 'interval') {
    if (to.mods.length === 0) return false;
    const a = intervalParts(from);
    const b = intervalParts(to);
    return a.range !== b.range || b.precision < a.precision;
  }
  if (f === 'cidr' && t === 'inet') return false;
  if (f === 'xml' && t === 'text') return false;
  return true;
}

/**
 * For a change whose old type is unknown: whether the new type is text or unbounded
 * varchar, the target that is catalog-only from every type a column is realistically
 * widened from (varchar of any length, or text).
 */
export function isUnboundedText(t: SqlType): boolean {
  return t.builtin && !t.array && (t.name === 'text' || (t.name === 'varchar' && t.mods.length === 0));
}

/** Words naming the old types from which a change to `to` needs no rewrite, for messages. */
export function noRewriteSources(to: SqlType, opts: TypeChangeOptions): string | undefined {
  if (!to.builtin || to.array) return undefined;
  const shown = formatType(to);
  switch (to.name) {
    case 'varchar':
      return to.mods.length ? `varchar(n) with n ≤ ${to.mods[0]}` : 'varchar or text';
    case 'numeric':
      return to.mods.length ? `numeric(p,${to.mods[1] ?? 0}) with p ≤ ${to.mods[0]}` : 'numeric';
    case 'varbit':
      return to.mods.length ? `varbit(n) with n ≤ ${to.mods[0]}` : 'varbit or bit(n)';
    case 'timestamptz':
    case 'timestamp': {
      const other = to.name === 'timestamp' ? 'timestamptz' : 'timestamp';
      const p = timePrecision(to);
      const self = p < 6 ? `${to.name}(n) with n ≤ ${p}` : `already ${to.name}`;
      const swap = opts.pgVersion >= 12 ? `, or ${other}${p < 6 ? `(n ≤ ${p})` : ''} with the session time zone UTC` : '';
      return self + swap;
    }
    case 'time':
    case 'timetz':
      return timePrecision(to) < 6 ? `${to.name}(n) with n ≤ ${timePrecision(to)}` : `${to.name}`;
    case 'inet':
      return 'inet or cidr';
    case 'text':
      return 'text, varchar or xml';
    default:
      return `already ${shown}`;
  }
}
