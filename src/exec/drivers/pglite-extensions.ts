import type { Migration } from '../../ir/types.js';

/**
 * PGlite ships PostgreSQL's contrib extensions as separate bundles that must be handed
 * to it when it starts; CREATE EXTENSION then works as on a server.
 */

/** PGlite's bundled contrib extensions, by the name CREATE EXTENSION uses. */
export const PGLITE_EXTENSIONS = [
  'amcheck', 'auto_explain', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn',
  'earthdistance', 'file_fdw', 'fuzzystrmatch', 'hstore', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime',
  'pageinspect', 'pg_buffercache', 'pg_freespacemap', 'pg_stat_statements', 'pg_surgery', 'pg_trgm',
  'pg_visibility', 'pg_walinspect', 'pgcrypto', 'seg', 'tablefunc', 'tcn', 'tsm_system_rows',
  'tsm_system_time', 'unaccent', 'uuid-ossp',
] as const;

/** Extensions every PostgreSQL has without loading anything. */
const BUILT_IN_EXTENSIONS = new Set(['plpgsql']);

export function isAvailableExtension(name: string): boolean {
  return BUILT_IN_EXTENSIONS.has(name) || (PGLITE_EXTENSIONS as readonly string[]).includes(name);
}

/** The bundles for these extensions, in the shape PGlite's `extensions` option takes. */
export async function loadExtensions(names: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (BUILT_IN_EXTENSIONS.has(name) || !(PGLITE_EXTENSIONS as readonly string[]).includes(name)) continue;
    const module = name.replace(/-/g, '_');
    const mod = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, unknown>;
    out[module] = mod[module];
  }
  return out;
}

/** Extensions the migrations create (any section): the ones an embedded database must be able to load. */
export function extensionsCreatedBy(migrations: readonly Migration[]): string[] {
  const names = new Set<string>();
  for (const m of migrations) {
    for (const s of [...m.up.statements, ...m.down.statements]) {
      if (s.kind === 'CreateExtensionStmt' && s.node.extname) names.add(s.node.extname);
    }
  }
  return [...names].sort();
}
