import type { MigrationFormat } from '../ir/types.js';
import type { Driver } from '../exec/drivers/types.js';
import { nativeHistoryFor } from '../exec/native/index.js';

/**
 * The migration tool's own history table (diesel's `__diesel_schema_migrations`,
 * golang-migrate's `schema_migrations`, Flyway's `flyway_schema_history`, ...), created
 * before the trial as the tool creates it, because migrations read and write it (lemmy
 * puts a trigger on diesel's table). It exists before the first snapshot, so it is part
 * of every schema the trial compares and never shows up as a difference.
 *
 * Rows are not written: what a tool records is bookkeeping, not schema, and a migration
 * may forbid writes the project's own runner makes in a way the trial cannot (lemmy's
 * trigger requires an advisory lock its runner holds).
 */
export async function createFrameworkTables(driver: Driver, formats: Iterable<MigrationFormat>): Promise<string[]> {
  const made: string[] = [];
  for (const format of new Set(formats)) {
    const history = nativeHistoryFor(format);
    if (!history?.ensure) continue;
    await history.ensure(driver);
    made.push(history.table);
  }
  return made;
}
