/**
 * What a lock rule tells the engine about its finding (`report(stmt, msg, { lock })`), so
 * a table-statistics snapshot can weigh it: the table locked, the level, and the work done
 * while the lock is held.
 */
import type { FindingLock, LockWork, TableRef } from '../../src/ir/types.js';
import type { LockLevel } from '../../src/pg/locks.js';

interface RangeVarLike {
  relname?: string;
  schemaname?: string;
}

/** The lock on a table named by a RangeVar; undefined when the node names none. */
export function lockOnTable(rv: RangeVarLike | undefined, mode: LockLevel, work: LockWork): FindingLock | undefined {
  if (!rv?.relname) return undefined;
  return { table: rv.relname, ...(rv.schemaname ? { schema: rv.schemaname } : {}), mode, work };
}

/** The lock on the table of an index known only by name (`schema.index` parts). */
export function lockViaIndex(parts: readonly string[], mode: LockLevel, work: LockWork): FindingLock | undefined {
  if (parts.length === 0) return undefined;
  const index = parts[parts.length - 1];
  return { index, ...(parts.length > 1 ? { schema: parts[parts.length - 2] } : {}), mode, work };
}

/** The table a RangeVar names, for `harmlessWhenEmpty`. */
export function tableRef(rv: RangeVarLike | undefined): TableRef | undefined {
  if (!rv?.relname) return undefined;
  return { table: rv.relname, ...(rv.schemaname ? { schema: rv.schemaname } : {}) };
}
