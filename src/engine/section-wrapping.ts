/**
 * How a section reaches the server, which decides where PostgreSQL runs its statements
 * in a transaction: the tool's own transaction, the implicit one PostgreSQL opens for a
 * query string of several statements, autocommit, or unknown.
 */
import type { Migration, Section } from '../ir/types.js';
import { FORMATS, sendsSectionAsOneQuery, type ToolSettings } from '../formats/index.js';
import type { Wrapping } from '../pg/transactions.js';

/**
 * @param transaction the config's `transaction` for this format, over the section's own
 * (the format's default, or what the file says: dbmate `transaction:false`, goose NO TRANSACTION)
 */
export function sectionWrapping(migration: Migration, section: Section, transaction: boolean | undefined, tools: ToolSettings): Wrapping {
  const format = FORMATS[migration.format];
  // A tool that sends files as one query and says nothing of transactions opens none itself
  // (golang-migrate, Prisma): whatever wraps the file is the server's doing.
  const own = transaction ?? section.transaction ?? (format.sendsOneQuery ? false : undefined);
  if (own === true) return true;
  if (!sendsSectionAsOneQuery(migration.format, tools)) return own;
  // One statement alone is its own transaction; several sent as one query share an implicit one.
  return section.statements.length > 1 ? 'one-query' : own;
}
