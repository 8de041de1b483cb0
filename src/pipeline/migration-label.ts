/** How the schema model names a migration in messages: "column was varchar(5) since 0003_add_name". */
import path from 'node:path';
import type { Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';

/** Formats whose migration is a folder of its own (`2019-02-26-002946_create_user/up.sql`). */
const FOLDER_PER_MIGRATION = new Set(['diesel', 'prisma']);

/**
 * The migration's name as its author knows it: Django's `app.0003_add_name`, the folder of a
 * diesel or Prisma migration, else the main file's name without its endings.
 */
export function migrationLabel(unit: MigrationUnit, migration?: Pick<Migration, 'format' | 'graph'> | null): string {
  if (migration?.format === 'django' && migration.graph?.id) return migration.graph.id;
  if (FOLDER_PER_MIGRATION.has(unit.format)) return path.basename(path.dirname(unit.path));
  return path.basename(unit.path).replace(/(\.(up|down))?(\.[a-z]+)$/i, '');
}
