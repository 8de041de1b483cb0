/**
 * The catalog queries behind a schema snapshot, and the conversion of its rows to objects.
 *
 * One query returns every user object as JSON lists (one per kind). Functions and types
 * are read from the first object id of user objects on (16384, FirstNormalObjectId, through
 * the catalogs' oid indexes): nearly all of pg_proc and pg_type is PostgreSQL's own. The
 * other lists are joined to the user's relations, which the planner does best by hashing.
 * Whether an object belongs to an extension is looked up per object through pg_depend's
 * depender index: a list of all extension members would scan pg_depend (thousands of rows)
 * on every snapshot, most of a partial one's cost.
 *
 * Incremental snapshots (snapshot-reader.ts): deparsing (pg_get_viewdef, format_type,
 * pg_get_indexdef, ...) is most of a snapshot's cost, and a migration changes few objects.
 * Which ones, the change log says where event triggers can be made (change-log.ts);
 * elsewhere STAMPS_SQL reads, without deparsing, a stamp per relation, function and type: the xmin
 * of every catalog row its description is made of (a changed row is a new row version
 * with a new xmin, also after ROLLBACK TO SAVEPOINT, which brings back the old version),
 * plus the flags PostgreSQL updates in place (indisvalid). The partial snapshot then
 * describes only the objects whose stamp changed, and, when one of them was renamed (or a
 * column of it), DEPENDENTS_SQL finds those that name it (pg_depend: a view's text names
 * the columns of its tables, a foreign key its referenced table, a column its type), which
 * are described again too; the reader keeps the rest from the snapshot before. A change of
 * schemas, extensions, roles or search_path (names in every description) reads everything
 * again.
 */
import type { ObjectKind, SchemaObject } from './snapshot.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The global stamp: schemas, extensions and roles (names in every description), and search_path. */
export const GLOBAL_STAMP_SQL = `concat_ws('|',
         (SELECT string_agg(oid::text || ':' || xmin::text, ',' ORDER BY oid) FROM pg_namespace),
         (SELECT string_agg(oid::text || ':' || xmin::text, ',' ORDER BY oid) FROM pg_extension),
         -- Roles by name (grants and policies name them): pg_roles, which any role may read.
         (SELECT string_agg(oid::text || ':' || rolname, ',' ORDER BY oid) FROM pg_roles),
         current_setting('search_path'))`;

/**
 * `%IGNORE%` is the schemas left out. Stamps as JSON: `g` the global stamp, `r`, `p`, `t`
 * [oid, stamp] pairs of relations, functions and types.
 */
export const STAMPS_SQL = `
WITH nsp AS (
  SELECT oid FROM pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
     AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
     AND nspname <> ALL(%IGNORE%::text[])
),
rel AS MATERIALIZED (
  SELECT c.oid, c.xmin FROM pg_class c JOIN nsp n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.oid >= 16384
),
-- Only rows the snapshot's descriptions are made of: not those of indexes' and TOAST
-- tables' columns, NOT NULL constraints (a column's attnotnull says it) or the triggers of
-- foreign keys; an index is one row (its pg_class row: a rename, a storage option; and
-- whether it is valid). pg_attrdef is left out too: setting or dropping a default also
-- updates the column's pg_attribute row (atthasdef). Each row costs ~2 µs in PGlite, and
-- these are half of them; test/validate/snapshot-incremental.test.ts checks none is missed.
parts AS (
  SELECT attrelid AS rel, xmin::text::bigint * 2 AS x FROM pg_attribute WHERE attrelid IN (SELECT oid FROM rel) AND attnum > 0
  -- Hashed (a lookup per index in pg_class's oid index costs three times more).
  UNION ALL SELECT i.indrelid, c.xmin::text::bigint * 2 + i.indisvalid::int
    FROM pg_index i JOIN (SELECT oid, xmin FROM pg_class WHERE relkind IN ('i', 'I')) c ON c.oid = i.indexrelid
  UNION ALL SELECT conrelid, xmin::text::bigint * 2 + convalidated::int FROM pg_constraint WHERE conrelid >= 16384 AND contype <> 'n'
  UNION ALL SELECT tgrelid, xmin::text::bigint * 2 FROM pg_trigger WHERE tgrelid >= 16384 AND NOT tgisinternal
  UNION ALL SELECT polrelid, xmin::text::bigint * 2 FROM pg_policy
  UNION ALL SELECT ev_class, xmin::text::bigint * 2 FROM pg_rewrite WHERE ev_class >= 16384
  UNION ALL SELECT inhrelid, xmin::text::bigint * 2 FROM pg_inherits
  UNION ALL SELECT seqrelid, xmin::text::bigint * 2 FROM pg_sequence WHERE seqrelid >= 16384
),
-- A set of row versions as count, newest and sum of hashes: no sort, integer sums, and a
-- row added, gone or replaced (by a version with another xmin) changes it.
rel_parts AS (SELECT rel, concat_ws(':', count(*), max(x), sum(hashint8(x))) AS s FROM parts GROUP BY rel),
type_parts AS (
  SELECT enumtypid AS typ, xmin::text::bigint AS x FROM pg_enum WHERE enumtypid >= 16384
  UNION ALL SELECT contypid, xmin::text::bigint * 2 + convalidated::int FROM pg_constraint WHERE contypid >= 16384
  UNION ALL SELECT t.oid, a.xmin::text::bigint FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
    JOIN pg_attribute a ON a.attrelid = t.typrelid
   WHERE t.oid >= 16384 AND t.typtype = 'c' AND a.attnum > 0
),
type_agg AS (SELECT typ, concat_ws(':', count(*), max(x), sum(hashint8(x))) AS s FROM type_parts GROUP BY typ)
SELECT json_build_object(
  'g', ${GLOBAL_STAMP_SQL},
  'r', (SELECT coalesce(json_agg(json_build_array(r.oid, r.xmin::text || ':' || coalesce(p.s, ''))), '[]') FROM rel r LEFT JOIN rel_parts p ON p.rel = r.oid),
  'p', (SELECT coalesce(json_agg(json_build_array(p.oid, p.xmin::text)), '[]') FROM pg_proc p JOIN nsp n ON n.oid = p.pronamespace WHERE p.oid >= 16384),
  't', (SELECT coalesce(json_agg(json_build_array(t.oid, t.xmin::text || ':' || coalesce(a.s, ''))), '[]')
          FROM pg_type t JOIN nsp n ON n.oid = t.typnamespace LEFT JOIN type_agg a ON a.typ = t.oid
         WHERE t.oid >= 16384 AND t.typtype IN ('e', 'd', 'c', 'r')
           AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
)::text AS stamps`;

/**
 * Owners to describe again because they name one whose name (or a column's) changed:
 * $1, $2, $3 renamed relations, functions and types. As JSON [relations, functions, types].
 */
export const DEPENDENTS_SQL = `
WITH deps AS (
  SELECT d.classid, d.objid FROM pg_depend d
   WHERE d.deptype <> 'e'
     AND ((d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY($1::oid[]))
       OR (d.refclassid = 'pg_proc'::regclass AND d.refobjid = ANY($2::oid[]))
       OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = ANY($3::oid[])))
)
SELECT json_build_array(
  (SELECT coalesce(json_agg(DISTINCT oid), '[]') FROM (
     SELECT r.ev_class AS oid FROM deps JOIN pg_rewrite r ON r.oid = deps.objid WHERE deps.classid = 'pg_rewrite'::regclass
     UNION SELECT a.adrelid FROM deps JOIN pg_attrdef a ON a.oid = deps.objid WHERE deps.classid = 'pg_attrdef'::regclass
     UNION SELECT k.conrelid FROM deps JOIN pg_constraint k ON k.oid = deps.objid WHERE deps.classid = 'pg_constraint'::regclass AND k.conrelid <> 0
     UNION SELECT t.tgrelid FROM deps JOIN pg_trigger t ON t.oid = deps.objid WHERE deps.classid = 'pg_trigger'::regclass
     UNION SELECT p.polrelid FROM deps JOIN pg_policy p ON p.oid = deps.objid WHERE deps.classid = 'pg_policy'::regclass
     UNION SELECT coalesce(i.indrelid, deps.objid) FROM deps LEFT JOIN pg_index i ON i.indexrelid = deps.objid WHERE deps.classid = 'pg_class'::regclass) x),
  (SELECT coalesce(json_agg(DISTINCT objid), '[]') FROM deps WHERE classid = 'pg_proc'::regclass),
  (SELECT coalesce(json_agg(DISTINCT oid), '[]') FROM (
     SELECT objid AS oid FROM deps WHERE classid = 'pg_type'::regclass
     UNION SELECT t.oid FROM deps JOIN pg_type t ON t.typrelid = deps.objid WHERE deps.classid = 'pg_class'::regclass
     UNION SELECT k.contypid FROM deps JOIN pg_constraint k ON k.oid = deps.objid WHERE deps.classid = 'pg_constraint'::regclass AND k.contypid <> 0) x)
)::text AS dependents`;

/**
 * `%IGNORE%` is the schemas left out. The full snapshot (`snapshotSql(false)`) describes
 * everything; the partial one (`snapshotSql(true)`) only the relations, functions and
 * types $1, $2, $3, found through the catalogs' indexes (schemas and extensions always,
 * they are few). Each row names its owner (`o`: the relation, function or type it is part
 * of), so that the reader can replace an owner's objects.
 */
export function snapshotSql(partial: boolean): string {
  return SNAPSHOT_SQL.replace('%REL%', partial ? 'AND c.oid = ANY($1::oid[])' : '')
    .replace('%PROC%', partial ? 'AND p.oid = ANY($2::oid[])' : '')
    .replace('%TYPE%', partial ? 'AND t.oid = ANY($3::oid[])' : '');
}

const SNAPSHOT_SQL = `
WITH nsp AS (
  SELECT oid, nspname FROM pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
     AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
     AND nspname <> ALL(%IGNORE%::text[])
),
rel AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relispartition, c.relacl, c.relowner, c.relpartbound
    FROM pg_class c JOIN nsp n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') %REL%
     AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid AND x.refclassid = 'pg_extension'::regclass AND x.deptype = 'e')
)
SELECT json_build_object(
  'schemas', (SELECT coalesce(json_agg(json_build_object('name', nspname)), '[]') FROM nsp),
  'extensions', (SELECT coalesce(json_agg(json_build_object('name', e.extname, 'schema', n.nspname)), '[]')
                   FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'),
  'relations', (SELECT coalesce(json_agg(json_build_object(
                  'o', oid, 'schema', nspname, 'name', relname, 'kind', relkind, 'rls', relrowsecurity,
                  -- no ACL means the default one: a GRANT undone by a REVOKE leaves it explicit, and equal
                  'grants', coalesce(relacl, acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner))::text,
                  'partkey', CASE WHEN relkind = 'p' THEN pg_get_partkeydef(oid) END,
                  'partbound', CASE WHEN relispartition THEN pg_get_expr(relpartbound, oid) END,
                  'parents', (SELECT string_agg(format('%I.%I', pn.nspname, pc.relname), ', ' ORDER BY i.inhseqno)
                                FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                               WHERE i.inhrelid = rel.oid),
                  'viewdef', CASE WHEN relkind IN ('v', 'm') THEN pg_get_viewdef(oid, true) END,
                  'seq', CASE WHEN relkind = 'S' THEN (
                     SELECT format('%s start %s increment %s min %s max %s%s', format_type(s.seqtypid, NULL), s.seqstart,
                                   s.seqincrement, s.seqmin, s.seqmax, CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END)
                       FROM pg_sequence s WHERE s.seqrelid = rel.oid) END)), '[]') FROM rel),
  'columns', (SELECT coalesce(json_agg(json_build_object(
                'o', r.oid, 'schema', r.nspname, 'table', r.relname, 'name', a.attname,
                'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
                'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                'identity', NULLIF(a.attidentity, ''),
                'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                                  THEN (SELECT collname FROM pg_collation WHERE oid = a.attcollation) END,
                'grants', NULLIF(a.attacl::text, '{}'), 'num', a.attnum)), '[]')
                FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
               WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'f')),
  'indexes', (SELECT coalesce(json_agg(json_build_object(
                'o', r.oid, 'schema', r.nspname, 'table', r.relname, 'name', ic.relname, 'def', pg_get_indexdef(i.indexrelid), 'valid', i.indisvalid, 'x', i.indexrelid)), '[]')
                FROM pg_index i JOIN rel r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
               WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))),
  'constraints', (SELECT coalesce(json_agg(json_build_object(
                'o', r.oid, 'schema', r.nspname, 'table', r.relname, 'name', k.conname, 'def', pg_get_constraintdef(k.oid), 'validated', k.convalidated)), '[]')
                FROM pg_constraint k JOIN rel r ON r.oid = k.conrelid
               WHERE k.contype <> 'n'),
  'types', (SELECT coalesce(json_agg(json_build_object(
                'o', t.oid, 'schema', n.nspname, 'name', t.typname, 'kind', t.typtype,
                'def', CASE t.typtype
                  WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
                  WHEN 'd' THEN concat_ws(' ', format_type(t.typbasetype, t.typtypmod),
                                 CASE WHEN t.typnotnull THEN 'NOT NULL' END,
                                 'DEFAULT ' || t.typdefault,
                                 (SELECT string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid))
                  WHEN 'c' THEN (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
                  WHEN 'r' THEN (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)
                  ELSE t.typtype::text END)), '[]')
              FROM pg_type t JOIN nsp n ON n.oid = t.typnamespace
             WHERE t.oid >= 16384 AND t.typtype IN ('e', 'd', 'c', 'r') %TYPE%
               AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
               AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid AND x.refclassid = 'pg_extension'::regclass AND x.deptype = 'e')),
  'functions', (SELECT coalesce(json_agg(json_build_object(
                'o', p.oid, 'schema', n.nspname, 'name', p.proname, 'args', pg_get_function_identity_arguments(p.oid),
                'kind', p.prokind, 'result', pg_get_function_result(p.oid), 'grants', coalesce(p.proacl, acldefault('f', p.proowner))::text,
                'body', md5(CASE WHEN p.prokind = 'a' THEN p.oid::regprocedure::text ELSE pg_get_functiondef(p.oid) END))), '[]')
              FROM pg_proc p JOIN nsp n ON n.oid = p.pronamespace
             WHERE p.oid >= 16384 %PROC%
               AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.refclassid = 'pg_extension'::regclass AND x.deptype = 'e')),
  'triggers', (SELECT coalesce(json_agg(json_build_object(
                'o', r.oid, 'schema', r.nspname, 'table', r.relname, 'name', tg.tgname, 'def', pg_get_triggerdef(tg.oid), 'enabled', tg.tgenabled)), '[]')
              FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid WHERE NOT tg.tgisinternal),
  'policies', (SELECT coalesce(json_agg(json_build_object(
                'o', r.oid, 'schema', r.nspname, 'table', r.relname, 'name', po.polname, 'cmd', po.polcmd, 'permissive', po.polpermissive,
                'roles', (SELECT string_agg(CASE WHEN x = 0 THEN 'public' ELSE x::regrole::text END, ', ' ORDER BY x) FROM unnest(po.polroles) x),
                'using', pg_get_expr(po.polqual, po.polrelid), 'check', pg_get_expr(po.polwithcheck, po.polrelid))), '[]')
              FROM pg_policy po JOIN rel r ON r.oid = po.polrelid)
)::text AS snapshot`;

/** The lists of the query's result, in the order objects are built. */
export const SNAPSHOT_LISTS = ['schemas', 'extensions', 'relations', 'columns', 'indexes', 'constraints', 'types', 'functions', 'triggers', 'policies'] as const;
export type SnapshotList = (typeof SNAPSHOT_LISTS)[number];

/** An object of the snapshot with its key in the snapshot map; undefined for what is not one (the public schema). */
export type KeyedObject = [string, SchemaObject] | undefined;

/** `users` for public.users, `audit.log` otherwise. */
export function qname(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

const RELKIND: Record<string, ObjectKind> = { r: 'table', p: 'table', f: 'table', v: 'view', m: 'materialized view', S: 'sequence' };
const TYPE_KIND: Record<string, string> = { e: 'enum', d: 'domain', c: 'composite type', r: 'range type' };
const POLICY_COMMAND: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

const relKey = (schema: string, name: string) => `rel ${schema}.${name}`;
const inSchema = (schema: string) => (schema === 'public' ? undefined : `schema ${schema}`);

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

/** One row of a list, as the object the snapshot holds. */
export function toObject(list: SnapshotList, d: any): KeyedObject {
  switch (list) {
    case 'schemas':
      // Always there (a migration that drops it shows up as a missing table).
      return d.name === 'public' ? undefined : [`schema ${d.name}`, { kind: 'schema', name: d.name, attrs: {}, display: `schema ${d.name}` }];
    case 'extensions':
      return [`extension ${d.name}`, { kind: 'extension', name: d.name, attrs: { schema: d.schema }, display: `extension ${d.name} in schema ${d.schema}` }];
    case 'relations': {
      const kind = RELKIND[d.kind] ?? 'table';
      const name = qname(d.schema, d.name);
      const attrs: SchemaObject['attrs'] = { kind, grants: d.grants ?? null };
      if (kind === 'table') {
        attrs['row level security'] = d.rls;
        if (d.kind === 'p') attrs['partitioned by'] = d.partkey;
        if (d.kind === 'f') attrs['foreign'] = true;
        if (d.parents) attrs[d.partbound ? 'partition of' : 'inherits'] = d.parents;
        if (d.partbound) attrs['partition bound'] = d.partbound;
      } else if (kind === 'sequence') attrs.definition = d.seq;
      else attrs.definition = normalizeSql(d.viewdef ?? '');
      const display = kind === 'table' ? `table ${name}` : kind === 'sequence' ? `sequence ${name}: ${d.seq}` : `${kind} ${name} AS ${oneLine(d.viewdef ?? '')}`;
      return [relKey(d.schema, d.name), { kind, name, parent: inSchema(d.schema), attrs, display }];
    }
    case 'columns': {
      const attrs = { type: d.type, 'not null': d.notnull, default: d.default, generated: d.generated, identity: d.identity, collation: d.collation, grants: d.grants ?? null };
      return [
        `column ${d.schema}.${d.table}.${d.name}`,
        { kind: 'column', name: `${qname(d.schema, d.table)}.${d.name}`, parent: relKey(d.schema, d.table), attrs, display: columnDisplay(d.name, attrs), order: d.num },
      ];
    }
    case 'indexes':
      return [
        `index ${d.schema}.${d.name}`,
        { kind: 'index', name: qname(d.schema, d.name), parent: relKey(d.schema, d.table), attrs: { definition: d.def, valid: d.valid }, display: `${d.def}${d.valid ? '' : ' (INVALID)'}` },
      ];
    case 'constraints':
      return [
        `constraint ${d.schema}.${d.table}.${d.name}`,
        {
          kind: 'constraint',
          name: `${d.name} on ${qname(d.schema, d.table)}`,
          parent: relKey(d.schema, d.table),
          // NOT VALID is a state, not part of the definition: it is compared as `validated`.
          attrs: { definition: String(d.def).replace(/ NOT VALID$/, ''), validated: d.validated },
          display: `CONSTRAINT ${d.name} ${d.def}`,
        },
      ];
    case 'types': {
      const word = TYPE_KIND[d.kind];
      const shown = d.kind === 'e' || d.kind === 'c' ? `(${d.def})` : d.kind === 'd' ? `AS ${d.def}` : `OF ${d.def}`;
      return [
        `type ${d.schema}.${d.name}`,
        { kind: 'type', name: qname(d.schema, d.name), parent: inSchema(d.schema), attrs: { kind: word ?? d.kind, definition: d.def }, display: `${word ?? 'type'} ${qname(d.schema, d.name)} ${shown}` },
      ];
    }
    case 'functions': {
      const word = d.kind === 'p' ? 'procedure' : d.kind === 'a' ? 'aggregate' : 'function';
      const sig = `${qname(d.schema, d.name)}(${d.args})`;
      return [
        `function ${d.schema}.${d.name}(${d.args})`,
        {
          kind: 'function',
          name: sig,
          parent: inSchema(d.schema),
          attrs: { kind: word, returns: d.result, body: d.body, grants: d.grants ?? null },
          display: `${word} ${sig}${d.result ? ` RETURNS ${d.result}` : ''} (body md5 ${String(d.body).slice(0, 8)})`,
        },
      ];
    }
    case 'triggers':
      return [
        `trigger ${d.schema}.${d.table}.${d.name}`,
        { kind: 'trigger', name: `${d.name} on ${qname(d.schema, d.table)}`, parent: relKey(d.schema, d.table), attrs: { definition: d.def, enabled: d.enabled }, display: d.def },
      ];
    case 'policies': {
      const attrs = { command: POLICY_COMMAND[d.cmd] ?? d.cmd, permissive: d.permissive, roles: d.roles, using: d.using, 'with check': d.check };
      return [
        `policy ${d.schema}.${d.table}.${d.name}`,
        {
          kind: 'policy',
          name: `${d.name} on ${qname(d.schema, d.table)}`,
          parent: relKey(d.schema, d.table),
          attrs,
          display: `POLICY ${d.name} FOR ${attrs.command} TO ${d.roles}${d.using ? ` USING (${d.using})` : ''}${d.check ? ` WITH CHECK (${d.check})` : ''}`,
        },
      ];
    }
  }
}
