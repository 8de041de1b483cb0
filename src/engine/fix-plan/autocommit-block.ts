/**
 * Alembic's own way to run one operation outside the migration's transaction, written
 * around a call where it stands:
 *
 *     with op.get_context().autocommit_block():
 *         op.execute("CREATE INDEX CONCURRENTLY ...")
 *
 * Alembic commits the transaction so far, runs the block in autocommit, and opens a new
 * transaction after it. Written only around an `op.execute("...")` that is alone on its
 * line and whose string holds that one statement (psycopg sends the string as one query:
 * with a second statement in it, PostgreSQL would run both in one transaction again).
 */
import type { Migration, Statement, TextEdit } from '../../ir/types.js';

/** `    op.execute(` ... `)  # comment`: the indentation, the receiver, and what stands between the parentheses. */
const CALL_LINE = /^([ \t]+)([A-Za-z_][A-Za-z0-9_]*)\.execute\((.*)\)[ \t]*(#.*)?$/;

function lineAt(text: string, line: number): { text: string; eol: string; previous: string } | undefined {
  const lines = text.split('\n');
  const raw = lines[line - 1];
  if (raw === undefined) return undefined;
  const eol = raw.endsWith('\r') ? '\r\n' : '\n';
  return { text: raw.replace(/\r$/, ''), eol, previous: (lines[line - 2] ?? '').replace(/\r$/, '') };
}

/** The edit that puts the call holding `stmt` into an autocommit block, or why it cannot. */
export function autocommitBlockEdit(m: Migration, stmt: Statement): TextEdit | string {
  if (stmt.chunk.origin !== 'raw-string') return 'it is not SQL written in an op.execute() string';
  const sameString = [...m.up.statements, ...m.down.statements].filter((s) => s.chunk === stmt.chunk);
  if (sameString.length !== 1) return 'its op.execute() string holds other statements too';
  const { start, end } = stmt.range;
  const source = m.sources.get(stmt.chunk.file);
  const line = source === undefined || start.line !== end.line ? undefined : lineAt(source, start.line);
  const call = line && CALL_LINE.exec(line.text);
  if (!line || !call) return 'its op.execute() call is not alone on one line';
  if (/\\$/.test(line.previous)) return 'its line continues the one before';
  const [, indent, receiver] = call;
  // Between `execute(` and the statement only the opening quote; after it an optional `;` and the closing quote.
  const open = line.text.indexOf('(', indent.length) + 1;
  const before = line.text.slice(open, start.column - 1);
  const after = line.text.slice(end.column - 1, line.text.length - (call[4]?.length ?? 0)).trimEnd();
  const quote = /^\s*[rRuU]?(["'])\s*$/.exec(before)?.[1];
  if (!quote || !new RegExp(`^\\s*;?\\s*${quote}\\s*\\)$`).test(after)) return 'its op.execute() argument is not one plain string';
  const unit = indent.includes('\t') ? '\t' : '    ';
  return {
    file: stmt.chunk.file,
    range: { start: { line: start.line, column: 1 }, end: { line: start.line, column: indent.length + 1 } },
    text: `${indent}with ${receiver}.get_context().autocommit_block():${line.eol}${indent}${unit}`,
  };
}

export const AUTOCOMMIT_BLOCK = 'with op.get_context().autocommit_block():';
