/**
 * What to cut out of a SQL file when a statement moves to a migration of its own: the
 * statement, its `;`, and (when it stands on lines of its own) its indentation and line
 * break, so the file reads as if it had never been there.
 */
import type { Range, Statement } from '../../ir/types.js';

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * The file range of `stmt` with its terminating `;`. Undefined when the statement is not
 * SQL of a file (a string inside code, a lowered builder call) or when something other
 * than blanks stands between it and its `;` (a comment: the cut would be a guess).
 */
export function statementSpan(stmt: Statement): Range | undefined {
  if (stmt.chunk.origin !== 'sql') return undefined;
  const sql = stmt.chunk.sql;
  let end = stmt.end;
  while (isBlank(sql[end])) end++;
  if (sql[end] === ';') end++;
  else if (end < sql.length) return undefined;
  else end = stmt.end;

  let start = stmt.start;
  while (start > 0 && isSpace(sql[start - 1])) start--;
  const ownLine = start === 0 || sql[start - 1] === '\n' || sql[start - 1] === '\r';
  if (ownLine) {
    let after = end;
    while (isSpace(sql[after])) after++;
    if (sql[after] === '\r' && sql[after + 1] === '\n') end = after + 2;
    else if (sql[after] === '\n' || sql[after] === '\r') end = after + 1;
    else if (after === sql.length) end = after;
    else start = stmt.start;
  } else {
    start = stmt.start;
  }
  return { start: stmt.chunk.position(start), end: stmt.chunk.position(end) };
}
