import { quoteLiteral } from '../exec/sql.js';

/**
 * Made-up values for the trial's generated rows, one per column type: what a row of a
 * real table could hold, as a SQL literal cast to the column's own type. Each row gets its
 * own number `n`, so values of one column differ between rows (unique constraints hold).
 *
 * Integers start at 9001: far from the ids seed data inserts (1, 2, ...), and small
 * enough for smallint. Text is short (`mlt9001`), cut to a varchar's length.
 */

export interface ColumnInfo {
  name: string;
  /** format_type(): the column's type as SQL (`character varying(20)`, `status`, `integer[]`). */
  type: string;
  notnull: boolean;
  /** Whether the column has a default, and whether it is a serial's (nextval). */
  hasDefault: boolean;
  serial: boolean;
  identity: boolean;
  generated: boolean;
  /** The base type's name (a domain's base type), its category (pg_type.typcategory) and kind (typtype). */
  base: string;
  category: string;
  kind: string;
  /** An enum's labels, in order. */
  labels: string[] | null;
  /** varchar(n) / char(n): n. */
  len: number | null;
}

/** Columns the database fills itself: identities, generated columns and serials (nextval defaults). */
export function filledByDatabase(c: ColumnInfo): boolean {
  return c.identity || c.generated || c.serial;
}

const cast = (text: string, c: ColumnInfo) => `${quoteLiteral(text)}::${c.type}`;

function day(n: number): string {
  return new Date(Date.UTC(2024, 0, 1 + (n % 365))).toISOString().slice(0, 10);
}

/**
 * Text shaped by the column's name where the name says what it holds: migrations that
 * check data (a guard raising on ids that are not URLs) should see values like real ones.
 */
function textFor(column: string, num: number): string {
  if (/(url|uri|link|href|inbox|ap_id|actor_id|endpoint)s?$/i.test(column)) return `https://example.com/mlt${num}`;
  if (/e_?mail/i.test(column)) return `mlt${num}@example.com`;
  if (/(^|_)(domain|host(name)?)$/i.test(column)) return `mlt${num}.example.com`;
  return `mlt${num}`;
}

/** A literal for column `c` in row number `n`, or undefined when migratelint has none for its type. */
export function valueFor(c: ColumnInfo, n: number): string | undefined {
  if (c.kind === 'e') return c.labels?.length ? cast(c.labels[n % c.labels.length], c) : undefined;
  if (c.category === 'A') return cast('{}', c);
  if (c.kind === 'r') return cast('empty', c);
  const num = 9000 + n;
  switch (c.base) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return cast(String(num), c);
    case 'numeric':
      // numeric(p, s) may hold only a few digits: small values, still one per row.
      return cast(String(1 + (n % 9)), c);
    case 'float4':
    case 'float8':
    case 'money':
      return cast(`${num}.5`, c);
    case 'bool':
      return cast(n % 2 ? 'true' : 'false', c);
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'citext': {
      const text = textFor(c.name, num);
      return cast(c.len && c.len < text.length ? text.slice(text.length - c.len) : text, c);
    }
    case 'uuid':
      return cast(`00000000-0000-4000-8000-${num.toString(16).padStart(12, '0')}`, c);
    case 'date':
      return cast(day(n), c);
    case 'timestamp':
    case 'timestamptz':
      return cast(`${day(n)} 12:34:56+00`, c);
    case 'time':
    case 'timetz':
      return cast('12:34:56', c);
    case 'interval':
      return cast(`${1 + (n % 30)} days`, c);
    case 'json':
    case 'jsonb':
      return cast(`{"n": ${num}}`, c);
    case 'bytea':
      return cast('\\x6d6c74', c);
    case 'inet':
      return cast(`10.0.${(n >> 8) & 255}.${n & 255}`, c);
    case 'cidr':
      return cast(`10.${(n >> 8) & 255}.${n & 255}.0/24`, c);
    case 'macaddr':
      return cast(`08:00:2b:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`, c);
    case 'ltree':
      return cast(`mlt.n${num}`, c);
    case 'tsvector':
      return cast(`mlt${num}`, c);
    case 'xml':
      return cast(`<n>${num}</n>`, c);
    case 'hstore':
      return cast(`n=>${num}`, c);
    case 'point':
      return cast(`(${num},1)`, c);
    case 'bit':
    case 'varbit':
      return cast('1'.repeat(Math.max(1, c.len ?? 1)), c);
    default:
      return undefined;
  }
}
