import type { FindingDetail } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';

/**
 * A schema snapshot: every user object of the database as a normalized map, read from
 * pg_catalog in one query. Objects that belong to an extension are left out (the
 * extension itself is listed), and so are the schemas named in `ignoreSchemas`.
 *
 * Column order is not compared: a down that re-adds a dropped column puts it last, and
 * that is not a difference worth failing a release for.
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
  /** Position among its siblings when shown (a column's number); not compared. */
  order?: number;
}

export type Snapshot = Map<string, SchemaObject>;

const SNAPSHOT_SQL = `
WITH nsp AS (
  SELECT oid, nspname FROM pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
     AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
     AND nspname <> ALL(%IGNORE%::text[])
),
ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
rel AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relispartition,
         CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
         CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partbound,
         (SELECT string_agg(format('%I.%I', pn.nspname, pc.relname), ', ' ORDER BY i.inhseqno)
            FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
           WHERE i.inhrelid = c.oid) AS parents
    FROM pg_class c JOIN nsp n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
     AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
)
SELECT json_build_object(
  'schemas', (SELECT coalesce(json_agg(nspname ORDER BY nspname), '[]') FROM nsp),
  'extensions', (SELECT coalesce(json_agg(json_build_object('name', e.extname, 'schema', n.nspname) ORDER BY e.extname), '[]')
                   FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'),
  'relations', (SELECT coalesce(json_agg(json_build_object(
                  'schema', nspname, 'name', relname, 'kind', relkind, 'rls', relrowsecurity,
                  'partkey', partkey, 'partbound', partbound, 'parents', parents,
                  'viewdef', CASE WHEN relkind IN ('v', 'm') THEN pg_get_viewdef(oid, true) END,
                  'seq', CASE WHEN relkind = 'S' THEN (
                     SELECT format('%s start %s increment %s min %s max %s%s', format_type(s.seqtypid, NULL), s.seqstart,
                                   s.seqincrement, s.seqmin, s.seqmax, CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END)
                       FROM pg_sequence s WHERE s.seqrelid = rel.oid) END) ORDER BY nspname, relname), '[]') FROM rel),
  'columns', (SELECT coalesce(json_agg(json_build_object(
                'schema', r.nspname, 'table', r.relname, 'name', a.attname,
                'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
                'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                'identity', NULLIF(a.attidentity, ''),
                'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                                  THEN (SELECT collname FROM pg_collation WHERE oid = a.attcollation) END,
                'num', a.attnum) ORDER BY r.nspname, r.relname, a.attname), '[]')
                FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
               WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'f')),
  'indexes', (SELECT coalesce(json_agg(json_build_object(
                'schema', r.nspname, 'table', r.relname, 'name', ic.relname, 'def', pg_get_indexdef(i.indexrelid),
                'valid', i.indisvalid) ORDER BY r.nspname, ic.relname), '[]')
                FROM pg_index i JOIN rel r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
               WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))),
  'constraints', (SELECT coalesce(json_agg(json_build_object(
                'schema', r.nspname, 'table', r.relname, 'name', k.conname, 'def', pg_get_constraintdef(k.oid),
                'validated', k.convalidated) ORDER BY r.nspname, r.relname, k.conname), '[]')
                FROM pg_constraint k JOIN rel r ON r.oid = k.conrelid
               WHERE k.contype <> 'n'),
  'types', (SELECT coalesce(json_agg(json_build_object(
                'schema', n.nspname, 'name', t.typname, 'kind', t.typtype,
                'def', CASE t.typtype
                  WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
                  WHEN 'd' THEN concat_ws(' ', format_type(t.typbasetype, t.typtypmod),
                                 CASE WHEN t.typnotnull THEN 'NOT NULL' END,
                                 'DEFAULT ' || t.typdefault,
                                 (SELECT string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid))
                  WHEN 'c' THEN (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
                  WHEN 'r' THEN (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)
                  ELSE t.typtype::text END) ORDER BY n.nspname, t.typname), '[]')
              FROM pg_type t JOIN nsp n ON n.oid = t.typnamespace
             WHERE t.typtype IN ('e', 'd', 'c', 'r')
               AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
               AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)),
  'functions', (SELECT coalesce(json_agg(json_build_object(
                'schema', n.nspname, 'name', p.proname, 'args', pg_get_function_identity_arguments(p.oid),
                'kind', p.prokind, 'result', pg_get_function_result(p.oid),
                'body', md5(CASE WHEN p.prokind = 'a' THEN p.oid::regprocedure::text ELSE pg_get_functiondef(p.oid) END)) ORDER BY n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)), '[]')
              FROM pg_proc p JOIN nsp n ON n.oid = p.pronamespace
             WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)),
  'triggers', (SELECT coalesce(json_agg(json_build_object(
                'schema', r.nspname, 'table', r.relname, 'name', tg.tgname, 'def', pg_get_triggerdef(tg.oid),
                'enabled', tg.tgenabled) ORDER BY r.nspname, r.relname, tg.tgname), '[]')
              FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid WHERE NOT tg.tgisinternal),
  'policies', (SELECT coalesce(json_agg(json_build_object(
                'schema', r.nspname, 'table', r.relname, 'name', po.polname, 'cmd', po.polcmd, 'permissive', po.polpermissive,
                'roles', (SELECT string_agg(CASE WHEN x = 0 THEN 'public' ELSE x::regrole::text END, ', ' ORDER BY x) FROM unnest(po.polroles) x),
                'using', pg_get_expr(po.polqual, po.polrelid), 'check', pg_get_expr(po.polwithcheck, po.polrelid)) ORDER BY r.nspname, r.relname, po.polname), '[]')
              FROM pg_policy po JOIN rel r ON r.oid = po.polrelid)
) AS snapshot`;

/** The snapshot as text with its md5, or the md5 alone: equal schemas give equal text (every list is ordered). */
const FULL_SQL = `SELECT md5(q.snapshot::text) AS hash, q.snapshot::text AS text FROM (${SNAPSHOT_SQL}) q`;
const HASH_SQL = `SELECT md5(q.snapshot::text) AS hash FROM (${SNAPSHOT_SQL}) q`;

/** `users` for public.users, `audit.log` otherwise. */
export function qname(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

const RELKIND: Record<string, ObjectKind> = { r: 'table', p: 'table', f: 'table', v: 'view', m: 'materialized view', S: 'sequence' };

/* eslint-disable @typescript-eslint/no-explicit-any */

const PREPARED = { full: 'migratelint_snapshot', hash: 'migratelint_snapshot_hash' } as const;

/** A snapshot read as text: compared by hash, parsed only when it has to be diffed. */
export class LazySnapshot {
  private parsed: Snapshot | undefined;

  constructor(
    readonly hash: string,
    private readonly text: string,
  ) {}

  get(): Snapshot {
    this.parsed ??= toSnapshot(this.text);
    return this.parsed;
  }
}

/**
 * Reads snapshots through prepared statements: planning the catalog query costs more
 * than running it (20 ms against 15 ms for 200 tables on PGlite), and a trial takes two
 * snapshots per migration. Most comparisons find equal schemas, so a snapshot can be
 * taken as its hash alone (no text crosses the wire, nothing is parsed). A migration
 * that deallocates the statements (DISCARD ALL) gets them prepared again.
 */
export class SnapshotReader {
  private readonly prepared = new Set<string>();

  constructor(
    private readonly driver: Driver,
    private readonly ignoreSchemas: readonly string[] = [],
  ) {}

  private async prepare(kind: keyof typeof PREPARED): Promise<void> {
    const list = `ARRAY[${this.ignoreSchemas.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')}]`;
    const body = (kind === 'full' ? FULL_SQL : HASH_SQL).replace('%IGNORE%', list);
    const sql = `PREPARE ${PREPARED[kind]} AS ${body}`;
    try {
      await this.driver.execute(sql);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P05') throw e; // duplicate_prepared_statement: another reader's
      await this.driver.execute(`DEALLOCATE ${PREPARED[kind]}`);
      await this.driver.execute(sql);
    }
    this.prepared.add(kind);
  }

  private async execute<T>(kind: keyof typeof PREPARED): Promise<T> {
    if (!this.prepared.has(kind)) await this.prepare(kind);
    try {
      return (await this.driver.query<T>(`EXECUTE ${PREPARED[kind]}`))[0];
    } catch (e) {
      if ((e as { code?: string }).code !== '26000') throw e; // invalid_sql_statement_name: deallocated
      this.prepared.clear();
      await this.prepare(kind);
      return (await this.driver.query<T>(`EXECUTE ${PREPARED[kind]}`))[0];
    }
  }

  async take(): Promise<Snapshot> {
    return (await this.takeLazy()).get();
  }

  async takeLazy(): Promise<LazySnapshot> {
    const row = await this.execute<{ hash: string; text: string }>('full');
    return new LazySnapshot(row.hash, row.text);
  }

  async takeHash(): Promise<string> {
    return (await this.execute<{ hash: string }>('hash')).hash;
  }
}

/** Reads the schema of the database the driver is connected to (one unprepared query). */
export async function takeSnapshot(driver: Driver, ignoreSchemas: readonly string[] = []): Promise<Snapshot> {
  return new SnapshotReader(driver, ignoreSchemas).take();
}

function toSnapshot(raw: unknown): Snapshot {
  const s = typeof raw === 'string' ? JSON.parse(raw) : (raw as any);
  const out: Snapshot = new Map();
  const add = (key: string, obj: SchemaObject) => out.set(key, obj);
  const relKey = (schema: string, name: string) => `rel ${schema}.${name}`;

  for (const n of s.schemas as string[]) {
    if (n === 'public') continue; // always there (a migration that drops it shows up as a missing table)
    add(`schema ${n}`, { kind: 'schema', name: n, attrs: {}, display: `schema ${n}` });
  }
  for (const e of s.extensions) {
    add(`extension ${e.name}`, { kind: 'extension', name: e.name, attrs: { schema: e.schema }, display: `extension ${e.name} in schema ${e.schema}` });
  }
  for (const r of s.relations) {
    const kind = RELKIND[r.kind] ?? 'table';
    const name = qname(r.schema, r.name);
    const attrs: SchemaObject['attrs'] = { kind: kind };
    if (kind === 'table') {
      attrs['row level security'] = r.rls;
      if (r.kind === 'p') attrs['partitioned by'] = r.partkey;
      if (r.kind === 'f') attrs['foreign'] = true;
      if (r.parents) attrs[r.partbound ? 'partition of' : 'inherits'] = r.parents;
      if (r.partbound) attrs['partition bound'] = r.partbound;
    } else if (kind === 'sequence') attrs.definition = r.seq;
    else attrs.definition = normalizeSql(r.viewdef ?? '');
    add(relKey(r.schema, r.name), {
      kind,
      name,
      parent: r.schema === 'public' ? undefined : `schema ${r.schema}`,
      attrs,
      display: kind === 'table' ? `table ${name}` : kind === 'sequence' ? `sequence ${name}: ${r.seq}` : `${kind} ${name} AS ${oneLine(r.viewdef ?? '')}`,
    });
  }
  for (const c of s.columns) {
    const attrs = { type: c.type, 'not null': c.notnull, default: c.default, generated: c.generated, identity: c.identity, collation: c.collation };
    add(`column ${c.schema}.${c.table}.${c.name}`, {
      kind: 'column',
      name: `${qname(c.schema, c.table)}.${c.name}`,
      parent: relKey(c.schema, c.table),
      attrs,
      display: columnDisplay(c.name, attrs),
      order: c.num,
    });
  }
  for (const i of s.indexes) {
    add(`index ${i.schema}.${i.name}`, {
      kind: 'index',
      name: qname(i.schema, i.name),
      parent: relKey(i.schema, i.table),
      attrs: { definition: i.def, valid: i.valid },
      display: `${i.def}${i.valid ? '' : ' (INVALID)'}`,
    });
  }
  for (const k of s.constraints) {
    add(`constraint ${k.schema}.${k.table}.${k.name}`, {
      kind: 'constraint',
      name: `${k.name} on ${qname(k.schema, k.table)}`,
      parent: relKey(k.schema, k.table),
      // NOT VALID is a state, not part of the definition: it is compared as `validated`.
      attrs: { definition: String(k.def).replace(/ NOT VALID$/, ''), validated: k.validated },
      display: `CONSTRAINT ${k.name} ${k.def}`,
    });
  }
  const typeKind: Record<string, string> = { e: 'enum', d: 'domain', c: 'composite type', r: 'range type' };
  for (const t of s.types) {
    add(`type ${t.schema}.${t.name}`, {
      kind: 'type',
      name: qname(t.schema, t.name),
      parent: t.schema === 'public' ? undefined : `schema ${t.schema}`,
      attrs: { kind: typeKind[t.kind] ?? t.kind, definition: t.def },
      display: `${typeKind[t.kind] ?? 'type'} ${qname(t.schema, t.name)} ${t.kind === 'e' ? `(${t.def})` : t.kind === 'c' ? `(${t.def})` : t.kind === 'd' ? `AS ${t.def}` : `OF ${t.def}`}`,
    });
  }
  for (const f of s.functions) {
    const word = f.kind === 'p' ? 'procedure' : f.kind === 'a' ? 'aggregate' : 'function';
    const sig = `${qname(f.schema, f.name)}(${f.args})`;
    add(`function ${f.schema}.${f.name}(${f.args})`, {
      kind: 'function',
      name: sig,
      parent: f.schema === 'public' ? undefined : `schema ${f.schema}`,
      attrs: { kind: word, returns: f.result, body: f.body },
      display: `${word} ${sig}${f.result ? ` RETURNS ${f.result}` : ''} (body md5 ${String(f.body).slice(0, 8)})`,
    });
  }
  for (const t of s.triggers) {
    add(`trigger ${t.schema}.${t.table}.${t.name}`, {
      kind: 'trigger',
      name: `${t.name} on ${qname(t.schema, t.table)}`,
      parent: relKey(t.schema, t.table),
      attrs: { definition: t.def, enabled: t.enabled },
      display: t.def,
    });
  }
  const CMD: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };
  for (const p of s.policies) {
    const attrs = { command: CMD[p.cmd] ?? p.cmd, permissive: p.permissive, roles: p.roles, using: p.using, 'with check': p.check };
    add(`policy ${p.schema}.${p.table}.${p.name}`, {
      kind: 'policy',
      name: `${p.name} on ${qname(p.schema, p.table)}`,
      parent: relKey(p.schema, p.table),
      attrs,
      display: `POLICY ${p.name} FOR ${attrs.command} TO ${p.roles}${p.using ? ` USING (${p.using})` : ''}${p.check ? ` WITH CHECK (${p.check})` : ''}`,
    });
  }
  return out;
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

function normalizeSql(sql: string): string {
  return oneLine(sql).replace(/;$/, '');
}

function columnDisplay(name: string, a: Record<string, string | boolean | null>): string {
  let out = `${name} ${a.type}`;
  if (a.collation) out += ` COLLATE ${a.collation}`;
  if (a.identity) out += ` GENERATED ${a.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (a.generated) out += ` GENERATED ALWAYS AS (${a.generated}) STORED`;
  if (a['not null']) out += ' NOT NULL';
  if (a.default) out += ` DEFAULT ${a.default}`;
  return out;
}

/** One difference between the schema before an up and the schema after its down. */
export interface SchemaDifference {
  /** `extra`: in the schema after the down only (left behind); `missing`: before the up only (not restored). */
  change: 'extra' | 'missing' | 'changed';
  key: string;
  kind: ObjectKind;
  name: string;
  /** For `changed`: each attribute that differs, before the up and after the down. */
  attrs?: { attr: string; before: string | boolean | null; after: string | boolean | null }[];
  before?: SchemaObject;
  after?: SchemaObject;
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
    if (!a) continue;
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
  const order: Record<SchemaDifference['change'], number> = { extra: 0, missing: 1, changed: 2 };
  return out.sort((x, y) => order[x.change] - order[y.change] || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

const show = (v: string | boolean | null) => (v === null ? 'none' : v === true ? 'yes' : v === false ? 'no' : v);

/** The words for a difference after "down of <migration> ". */
export function describeDifference(d: SchemaDifference): string {
  const what = `${d.kind} ${d.name}`;
  if (d.change === 'extra') return `leaves ${what} behind`;
  if (d.change === 'missing') return `does not restore ${what}`;
  const parts = d.attrs!.map((a) => {
    if (a.attr === 'not null') return a.after ? `makes ${what} NOT NULL (it was nullable)` : `makes ${what} nullable (it was NOT NULL)`;
    if (a.attr === 'body') return `changes the body of ${what}`;
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
