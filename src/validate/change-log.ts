/**
 * A log of the objects DDL touches, written by event triggers: PostgreSQL itself reports
 * which objects each command created, altered or dropped. With it a snapshot knows what to
 * describe again without the stamps query (snapshot-query.ts), which reads every catalog row
 * the schema is made of, twice per migration: on a schema of a hundred tables that scan is
 * most of a snapshot's cost, and it grows with the schema, while the log grows with the
 * change.
 *
 * The triggers only copy what PostgreSQL reports (a command costs one insert); the reader's
 * query (changesSql, through owners_since) turns entries into the owners the snapshot
 * reader keys objects by: `r<oid>`, `p<oid>`, `t<oid>`, `g` for schemas and extensions,
 * `i<oid>` for a dropped index (its table is known to the reader only), and `x` for a
 * change the log cannot place: GRANT names no object, and a table with partitions or
 * inheritance children, or a composite type with typed tables, changes them with it. The
 * reader then reads everything again, as it does when the global stamp (schemas,
 * extensions, roles, search_path) changed.
 *
 * The log is a table, so a rolled-back command's entries go with it. A rollback takes back
 * the newest entries first: a snapshot whose newest entry is still there saw nothing that
 * is gone (see snapshot-reader.ts).
 *
 * Not every catalog change is a DDL command: REASSIGN OWNED and DML on the catalogs are not
 * logged, and neither is what a failed CREATE INDEX CONCURRENTLY leaves behind. The trial
 * tells the reader to read everything again after those (`unloggedChange`, trial-cycle.ts).
 */
import { quoteIdent } from '../exec/sql.js';
import type { Statement } from '../ir/types.js';
import { GLOBAL_STAMP_SQL } from './snapshot-query.js';

const TRIGGERS = ['migratelint_trial_ddl', 'migratelint_trial_drop'];

/** The log, its event triggers and the functions that place entries, in `schema` (made again). */
export function changeLogSetup(schema: string): string {
  const s = quoteIdent(schema);
  return `
DROP EVENT TRIGGER IF EXISTS ${TRIGGERS[0]};
DROP EVENT TRIGGER IF EXISTS ${TRIGGERS[1]};
DROP TABLE IF EXISTS ${s}.ddl_log;
CREATE TABLE ${s}.ddl_log (id bigserial PRIMARY KEY, cls oid, obj oid, kind text, names text[], dropped boolean NOT NULL);
-- Any role a migration switches to (SET ROLE) writes the log: granted to PUBLIC rather than
-- SECURITY DEFINER and a search_path of its own, which cost a tenth more per command.
GRANT USAGE ON SCHEMA ${s} TO PUBLIC;
GRANT INSERT ON ${s}.ddl_log TO PUBLIC;
GRANT USAGE ON SEQUENCE ${s}.ddl_log_id_seq TO PUBLIC;
CREATE OR REPLACE FUNCTION ${s}.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO ${s}.ddl_log (cls, obj, dropped) SELECT classid, objid, false FROM pg_catalog.pg_event_trigger_ddl_commands();
END $f$;
CREATE OR REPLACE FUNCTION ${s}.log_drop() RETURNS event_trigger LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO ${s}.ddl_log (cls, obj, kind, names, dropped)
  SELECT classid, objid, object_type, address_names, true FROM pg_catalog.pg_event_trigger_dropped_objects()
   WHERE NOT (classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND (object_type = 'toast table' OR address_names[1] = 'pg_toast'));
END $f$;
-- The owner of each entry after $1, placed now (see changesSql). PL/pgSQL keeps the plans
-- of its lookups; one query doing them all was planned again on every call.
CREATE OR REPLACE FUNCTION ${s}.owners_since(floor bigint) RETURNS json LANGUAGE plpgsql STABLE AS $f$
DECLARE e record; owner text; rel oid; out json[] := '{}';
BEGIN
  FOR e IN SELECT * FROM ${s}.ddl_log WHERE id > floor ORDER BY id LOOP
    owner := NULL; rel := NULL;
    IF e.obj IS NULL THEN owner := 'x';
    ELSIF e.cls IN ('pg_namespace'::regclass, 'pg_extension'::regclass) THEN owner := 'g';
    ELSIF e.cls = 'pg_proc'::regclass THEN owner := 'p' || e.obj;
    ELSIF e.dropped THEN
      IF e.cls = 'pg_type'::regclass THEN owner := 't' || e.obj;
      ELSIF e.kind = 'index' THEN owner := 'i' || e.obj;
      ELSIF e.kind = 'domain constraint' THEN owner := 't' || to_regtype(e.names[1])::oid;
      ELSIF e.cls = 'pg_class'::regclass THEN rel := e.obj;
      ELSIF e.cls IN ('pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_rewrite'::regclass, 'pg_attrdef'::regclass) THEN
        rel := to_regclass(format('%I.%I', e.names[1], e.names[2]));
      END IF;
    ELSIF e.cls = 'pg_class'::regclass THEN SELECT coalesce(i.indrelid, c.oid) INTO rel FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid WHERE c.oid = e.obj;
    ELSIF e.cls = 'pg_type'::regclass THEN SELECT CASE WHEN t.typrelid = 0 THEN 't' || t.oid END, nullif(t.typrelid, 0) INTO owner, rel FROM pg_type t WHERE t.oid = e.obj;
    ELSIF e.cls = 'pg_constraint'::regclass THEN SELECT CASE WHEN c.contypid <> 0 THEN 't' || c.contypid END, nullif(c.conrelid, 0) INTO owner, rel FROM pg_constraint c WHERE c.oid = e.obj;
    ELSIF e.cls = 'pg_trigger'::regclass THEN SELECT tgrelid INTO rel FROM pg_trigger WHERE oid = e.obj;
    ELSIF e.cls = 'pg_policy'::regclass THEN SELECT polrelid INTO rel FROM pg_policy WHERE oid = e.obj;
    ELSIF e.cls = 'pg_rewrite'::regclass THEN SELECT ev_class INTO rel FROM pg_rewrite WHERE oid = e.obj;
    ELSIF e.cls = 'pg_attrdef'::regclass THEN SELECT adrelid INTO rel FROM pg_attrdef WHERE oid = e.obj;
    END IF;
    IF owner IS NULL AND rel IS NOT NULL THEN
      -- A table with partitions or inheritance children changes them with it.
      SELECT CASE WHEN c.relkind IN ('p', 'I') OR c.relispartition OR c.relhassubclass THEN 'x'
                  -- A composite type's tables (CREATE TABLE ... OF it) change with it (ALTER TYPE ... CASCADE).
                  WHEN c.relkind = 'c' AND EXISTS (SELECT 1 FROM pg_class o WHERE o.reloftype = c.reltype) THEN 'x'
                  WHEN c.relkind = 'c' THEN 't' || c.reltype
                  WHEN c.relkind IN ('r', 'v', 'm', 'S', 'f') THEN 'r' || c.oid END INTO owner
        FROM pg_class c WHERE c.oid = rel;
      -- A dropped relation (gone now).
      IF NOT FOUND AND e.dropped AND e.cls = 'pg_class'::regclass THEN owner := 'r' || rel; END IF;
    END IF;
    out := out || json_build_array(e.id, owner);
  END LOOP;
  RETURN array_to_json(out);
END $f$;
CREATE EVENT TRIGGER ${TRIGGERS[0]} ON ddl_command_end EXECUTE FUNCTION ${s}.log_ddl();
CREATE EVENT TRIGGER ${TRIGGERS[1]} ON sql_drop EXECUTE FUNCTION ${s}.log_drop();
ALTER EVENT TRIGGER ${TRIGGERS[0]} ENABLE ALWAYS;
ALTER EVENT TRIGGER ${TRIGGERS[1]} ENABLE ALWAYS;
`;
}

/**
 * SQL that stops the log until the transaction or savepoint it runs in is rolled back: for
 * DDL whose changes no snapshot will see (the trial's up again, rolled back once its rows
 * are compared). Event triggers cost about a tenth of a DDL command's time.
 */
export const PAUSE_CHANGE_LOG_SQL = TRIGGERS.map((t) => `ALTER EVENT TRIGGER ${t} DISABLE`).join('; ');

/**
 * The log since entry $1 (exclusive), and which of the entries $2 are still there: as JSON
 * `{ g, max, last, alive, e: [[id, owner], ...] }`. `g` the global stamp (schemas,
 * extensions, roles, search_path: not all of it is DDL), `max` the last id handed out
 * (entries of rolled-back commands included), `last` the newest entry there is. Owners are
 * placed now (owners_since): an object that exists by its catalog row, a dropped one by the
 * names PostgreSQL gave when it dropped it. An entry whose object is gone since (made and
 * dropped between two snapshots) has no owner.
 */
export function changesSql(schema: string): string {
  const s = quoteIdent(schema);
  return `SELECT json_build_object(
  'g', ${GLOBAL_STAMP_SQL},
  'max', (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${s}.ddl_log_id_seq),
  'last', (SELECT coalesce(max(id), 0) FROM ${s}.ddl_log),
  'alive', (SELECT coalesce(json_agg(id), '[]') FROM ${s}.ddl_log WHERE id = ANY($2)),
  'e', ${s}.owners_since($1)
)::text AS changes`;
}

/** Whether a statement changes the catalogs without a DDL command the log sees. */
export function unloggedChange(statements: readonly Statement[]): boolean {
  return statements.some((s) => {
    if (s.kind === 'ReassignOwnedStmt') return true;
    if (s.kind !== 'InsertStmt' && s.kind !== 'UpdateStmt' && s.kind !== 'DeleteStmt') return false;
    const rel = (s.node as { relation?: { schemaname?: string; relname?: string } }).relation;
    return rel?.schemaname === 'pg_catalog' || (!rel?.schemaname && /^pg_/.test(rel?.relname ?? ''));
  });
}
