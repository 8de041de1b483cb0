import type { FindingDetail } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';
import { viewColumnChange } from './view-columns.js';

/**
 * A schema snapshot: every user object of the database as a normalized map, read from
 * pg_catalog in one query (snapshot-query.ts, snapshot-reader.ts), and how two snapshots
 * differ. Objects that belong to an extension are left out (the extension itself is
 * listed), and so are the schemas named in `ignoreSchemas`.
 *
 * Column order is compared as the order of the columns both snapshots have (attnum
 * order): a down that re-adds a dropped column puts it last, and `SELECT *`, views built
 * on it, INSERT without a column list and COPY then see another table than production.
 */

export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'table'
  | 'column'
  | 'index'
  | 'constraint'
  | 'sequence'
  | 'view'
  | 'materialized view'
  | 'type'
  | 'function'
  | 'trigger'
  | 'policy';

export interface SchemaObject {
  kind: ObjectKind;
  /** How to name it in a message: `users.tenant_id`, `orders_idx`, `audit.log` (no `public.`). */
  name: string;
  /** The key of the object it belongs to (a column's table), so its differences fold into the parent's. */
  parent?: string;
  /** The comparable facts, by attribute. */
  attrs: Record<string, string | boolean | null>;
  /** One line describing it, for the details under a finding. */
  display: string;
  /** A column's number (attnum): the order of a table's columns, compared and shown. */
  order?: number;
}

export type Snapshot = Map<string, SchemaObject>;

export { qname } from './snapshot-query.js';
export { SnapshotReader, takeSnapshot } from './snapshot-reader.js';

/** One difference between the schema before an up and the schema after its down. */
export interface SchemaDifference {
  /**
   * `extra`: in the schema after the down only (left behind); `missing`: before the up only
   * (not restored); `reordered`: a table whose columns (those both have) come in another order.
   */
  change: 'extra' | 'missing' | 'changed' | 'reordered';
  key: string;
  kind: ObjectKind;
  name: string;
  /** For `changed`: each attribute that differs, before the up and after the down. */
  attrs?: { attr: string; before: string | boolean | null; after: string | boolean | null }[];
  before?: SchemaObject;
  after?: SchemaObject;
  /** For `reordered`: the shared columns in each order, and those that moved. */
  columns?: { before: string[]; after: string[]; moved: string[] };
}

/**
 * What differs between `before` (taken before an up) and `after` (taken after its down).
 * A difference inside an object that is itself extra or missing (the columns of a table
 * left behind) is folded into that object's.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  const extra = new Set<string>();
  const missing = new Set<string>();
  for (const key of after.keys()) if (!before.has(key)) extra.add(key);
  for (const key of before.keys()) if (!after.has(key)) missing.add(key);
  const folded = (obj: SchemaObject, set: Set<string>, snap: Snapshot): boolean => {
    let parent = obj.parent;
    for (let depth = 0; parent && depth < 4; depth++) {
      if (set.has(parent)) return true;
      parent = snap.get(parent)?.parent;
    }
    return false;
  };
  for (const key of extra) {
    const obj = after.get(key)!;
    if (!folded(obj, extra, after)) out.push({ change: 'extra', key, kind: obj.kind, name: obj.name, after: obj });
  }
  for (const key of missing) {
    const obj = before.get(key)!;
    if (!folded(obj, missing, before)) out.push({ change: 'missing', key, kind: obj.kind, name: obj.name, before: obj });
  }
  for (const [key, b] of before) {
    const a = after.get(key);
    // The same object: incremental snapshots share what was not described again.
    if (!a || a === b) continue;
    const attrs: NonNullable<SchemaDifference['attrs']> = [];
    for (const attr of new Set([...Object.keys(b.attrs), ...Object.keys(a.attrs)])) {
      const x = b.attrs[attr] ?? null;
      const y = a.attrs[attr] ?? null;
      // A constraint validated (or an index built) since its NOT VALID creation is stronger,
      // not different: VALIDATE CONSTRAINT is not undone by a down, and need not be.
      if ((attr === 'validated' || attr === 'valid') && x === false && y === true) continue;
      if (x !== y) attrs.push({ attr, before: x, after: y });
    }
    if (attrs.length) out.push({ change: 'changed', key, kind: b.kind, name: b.name, attrs, before: b, after: a });
  }
  out.push(...reorderedTables(before, after));
  const order: Record<SchemaDifference['change'], number> = { extra: 0, missing: 1, changed: 2, reordered: 3 };
  return out.sort((x, y) => order[x.change] - order[y.change] || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** Each table's column names in attnum order (of the tables in `only`). */
function columnOrders(snap: Snapshot, only: ReadonlySet<string>): Map<string, string[]> {
  const byTable = new Map<string, [number, string][]>();
  for (const obj of snap.values()) {
    if (obj.kind !== 'column' || !obj.parent || !only.has(obj.parent)) continue;
    let list = byTable.get(obj.parent);
    if (!list) byTable.set(obj.parent, (list = []));
    const table = snap.get(obj.parent)?.name ?? '';
    list.push([obj.order ?? 0, obj.name.slice(table.length + 1)]);
  }
  return new Map([...byTable].map(([table, cols]) => [table, cols.sort((a, b) => a[0] - b[0]).map(([, name]) => name)]));
}

/** Tables in both snapshots whose shared columns come in another order. */
function reorderedTables(before: Snapshot, after: Snapshot): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  // Only tables with a column that is not the same object in both can have another order.
  const touched = new Set<string>();
  for (const [key, obj] of after) if (obj.kind === 'column' && obj.parent && before.get(key) !== obj) touched.add(obj.parent);
  for (const [key, obj] of before) if (obj.kind === 'column' && obj.parent && !after.has(key)) touched.add(obj.parent);
  if (!touched.size) return out;
  const afterOrders = columnOrders(after, touched);
  for (const [table, cols] of columnOrders(before, touched)) {
    const later = afterOrders.get(table);
    if (!later || !after.has(table)) continue;
    const shared = new Set(later);
    const b = cols.filter((c) => shared.has(c));
    const kept = new Set(b);
    const a = later.filter((c) => kept.has(c));
    if (b.every((c, i) => c === a[i])) continue;
    const t = before.get(table)!;
    out.push({ change: 'reordered', key: table, kind: t.kind, name: t.name, before: t, after: after.get(table), columns: { before: b, after: a, moved: movedColumns(b, a) } });
  }
  return out;
}

/** The columns outside the longest run both orders share in sequence: the ones that moved. */
export function movedColumns(before: readonly string[], after: readonly string[]): string[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const stay = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (before[i] === after[j]) {
      stay.add(before[i]);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) i++;
    else j++;
  }
  return after.filter((c) => !stay.has(c));
}

/** "to the end", "to the start" or "after x", and where it was before, for one moved column. */
function movedTo(column: string, before: readonly string[], after: readonly string[]): string {
  const at = after.indexOf(column);
  const was = before.indexOf(column);
  const now = at === after.length - 1 ? 'to the end' : at === 0 ? 'to the start' : `after ${after[at - 1]}`;
  const then = was === 0 ? 'it came first' : was === before.length - 1 ? `it came last, after ${before[was - 1]}` : `it came after ${before[was - 1]}`;
  return `${now} (before the up ${then})`;
}

const show = (v: string | boolean | null) => (v === null ? 'none' : v === true ? 'yes' : v === false ? 'no' : v);

/** The words for a difference after "down of <migration> ". */
export function describeDifference(d: SchemaDifference): string {
  const what = `${d.kind} ${d.name}`;
  if (d.change === 'extra') return `leaves ${what} behind`;
  if (d.change === 'missing') return `does not restore ${what}`;
  if (d.change === 'reordered') {
    const { before, after, moved } = d.columns!;
    if (moved.length === 1) return `moves column ${d.name}.${moved[0]} ${movedTo(moved[0], before, after)}`;
    const atEnd = after.slice(after.length - moved.length).every((c) => moved.includes(c));
    return atEnd
      ? `moves columns ${moved.join(', ')} of ${what} to the end`
      : `changes the column order of ${what}: ${moved.join(', ')} moved`;
  }
  const parts = d.attrs!.map((a) => {
    if (a.attr === 'not null') return a.after ? `makes ${what} NOT NULL (it was nullable)` : `makes ${what} nullable (it was NOT NULL)`;
    if (a.attr === 'body') return `changes the body of ${what}`;
    if (a.attr === 'definition' && (d.kind === 'view' || d.kind === 'materialized view') && typeof a.before === 'string' && typeof a.after === 'string') {
      const columns = viewColumnChange(a.before, a.after);
      if (columns) return `recreates ${what} with ${columns}`;
    }
    return `changes ${what} ${a.attr} from ${show(a.before)} to ${show(a.after)}`;
  });
  return parts.join('; ');
}

/**
 * The relevant part of a schema for a difference: for a table or anything on a table
 * (column, index, constraint, trigger, policy) the whole table, else the object itself.
 * `parent` is the table key when the object is absent from this snapshot.
 */
export function describeRelevant(snap: Snapshot, key: string, parent?: string): string[] {
  const obj = snap.get(key);
  const owner = obj?.parent ?? parent;
  const tableKey = obj?.kind === 'table' ? key : owner && snap.get(owner)?.kind === 'table' ? owner : undefined;
  if (tableKey) return describeTable(snap, tableKey);
  return obj ? [obj.display] : [];
}

/** A table as lines: `table users (`, its columns, constraints, indexes, triggers and policies, `)`. */
export function describeTable(snap: Snapshot, tableKey: string): string[] {
  const table = snap.get(tableKey);
  if (!table) return [];
  const children = [...snap.entries()].filter(([, o]) => o.parent === tableKey);
  const lines = [`${table.display} (`];
  const order: ObjectKind[] = ['column', 'constraint', 'index', 'trigger', 'policy'];
  for (const kind of order) {
    const own = children.filter(([, o]) => o.kind === kind).sort(([a, x], [b, y]) => (x.order ?? 0) - (y.order ?? 0) || (a < b ? -1 : 1));
    for (const [, o] of own) lines.push(`  ${o.display}`);
  }
  lines.push(')');
  return lines;
}

/** The details under a trial difference finding: the relevant part before the up and after the down. */
export function differenceDetails(d: SchemaDifference, before: Snapshot, after: Snapshot): FindingDetail[] {
  const parent = (d.before ?? d.after)?.parent;
  const b = describeRelevant(before, d.key, parent);
  const a = describeRelevant(after, d.key, parent);
  return [
    { label: 'before the up', lines: b.length ? b : [`(no ${d.kind} ${d.name})`] },
    { label: 'after the down', lines: a.length ? a : [`(no ${d.kind} ${d.name})`] },
  ];
}
