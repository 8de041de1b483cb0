/** Finding the statement a finding is about, and whether an AST names something. */
import type { Finding, Migration, Position, Section, Statement } from '../../ir/types.js';

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column < b.column);

/** The top-level statement of `section` whose range holds the finding's start, in the finding's file. */
export function statementOf(section: Section, finding: Finding): Statement | undefined {
  return section.statements.find(
    (s) => s.chunk.file === finding.file && !before(finding.range.start, s.range.start) && !before(s.range.end, finding.range.start),
  );
}

/** The section a finding is in (its direction), when the migration has it. */
export const sectionOf = (migration: Migration, finding: Finding): Section => (finding.direction === 'down' ? migration.down : migration.up);

/** Whether an AST holds `name` as a value anywhere (an identifier, a relation name, a string). */
export function mentions(node: unknown, name: string): boolean {
  if (typeof node === 'string') return node === name;
  if (!node || typeof node !== 'object') return false;
  for (const value of Object.values(node)) if (mentions(value, name)) return true;
  return false;
}
