/** The statement of a linted migration that a finding or a cursor lies in. */
import type { Migration, Position, Statement } from '../ir/types.js';
import { contains } from './ranges.js';

/**
 * The top-level statement of `file` (relative to the project) holding `at`: a statement
 * inside a DO block is found as its DO, the statement an ignore comment has to precede.
 */
export function statementAt(migration: Migration, file: string, at: Position): Statement | undefined {
  for (const section of [migration.up, migration.down]) {
    for (const s of section.statements) if (s.chunk.file === file && contains(s.range, at)) return s;
  }
  return undefined;
}
