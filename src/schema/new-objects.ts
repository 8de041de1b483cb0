/**
 * Which objects a statement may treat as new, nobody using them yet: those its own
 * migration created before it, and those an earlier migration of the change set created
 * (linted with `--changed-since`, they deploy together and the table is still empty).
 * Functions' volatility comes from every migration replayed, deployed or not.
 */
import type { CreatedObjects } from './created-objects.js';
import type { SchemaState } from './state.js';

export function newObjects(local: CreatedObjects, state: SchemaState): CreatedObjects {
  return {
    // Views are not tables here, as for `local`: only a table or a materialized view holds rows.
    table: (name) => local.table(name) || (state.createdByChangeSet('relation', name) && state.relation(name)?.kind !== 'view'),
    index: (name) => local.index(name) || state.createdByChangeSet('index', name),
    type: (name) => local.type(name) || state.createdByChangeSet('type', name),
    functionVolatility: (name, arity) => local.functionVolatility(name, arity) ?? state.function(name, arity)?.volatility,
  };
}
