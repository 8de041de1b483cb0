import type { Section } from '../ir/types.js';

/**
 * Statements that change rows and never the schema. A section made only of these (a
 * backfill, a fix-up of bad rows), its own BEGIN/COMMIT aside, leaves every catalog as it
 * was: an empty down for it does not leave the schema changed.
 */
const DATA_STATEMENTS = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** True for a present section whose statements all parsed and only change rows. */
export function changesDataOnly(section: Section): boolean {
  if (section.state !== 'present') return false;
  const work = section.statements.filter((s) => s.kind !== 'TransactionStmt');
  return work.length > 0 && work.every((s) => DATA_STATEMENTS.has(s.kind));
}
