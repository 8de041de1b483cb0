/**
 * Suggested fixes: text edits built from the real PostgreSQL scanner's tokens and
 * mapped to the original file through the statement's chunk, and the code that
 * applies a set of edits to a file.
 *
 * A fix is only offered where the edit can be placed exactly: never for SQL printed
 * from a builder call (its chunk maps every offset to the call), and, when the file's
 * text is at hand, only after checking that the file really holds the token the
 * edit is anchored on (a string literal with escapes or interpolation can defeat the
 * mapping).
 */
import type { Finding, Fix, Migration, Range, Section, Statement, TextEdit } from '../ir/types.js';
import { LineIndex, OffsetConverter } from '../ir/source-text.js';
import { statementTokens, type SqlToken } from '../pg/parse.js';

// Scanned once per statement and shared with `Statement.locate`, which needs token ends too.
export { statementTokens, type SqlToken } from '../pg/parse.js';

const isComment = (t: SqlToken) => t.name === 'SQL_COMMENT' || t.name === 'C_COMMENT';

/** The code tokens (comments left out). */
export function codeTokens(stmt: Statement): SqlToken[] | undefined {
  return statementTokens(stmt)?.filter((t) => !isComment(t));
}

const samePosition = (a: Range['start'], b: Range['start']) => a.line === b.line && a.column === b.column;

/** The index (in `codeTokens`) of the token a parser `location` points at. */
export function tokenIndexAt(stmt: Statement, byteLocation: number | undefined): number | undefined {
  if (byteLocation === undefined || byteLocation < 0 || stmt.chunk.origin === 'builder') return undefined;
  const tokens = codeTokens(stmt);
  if (!tokens) return undefined;
  const target = stmt.locate(byteLocation).start;
  const i = tokens.findIndex((t) => samePosition(stmt.chunk.position(t.start), target));
  return i < 0 ? undefined : i;
}

/** The file range of chunk offsets [start, end), or undefined when the chunk cannot place edits exactly. */
export function chunkRange(stmt: Statement, start: number, end: number): Range | undefined {
  if (stmt.chunk.origin === 'builder') return undefined;
  const range = { start: stmt.chunk.position(start), end: stmt.chunk.position(end) };
  const backwards = range.end.line < range.start.line || (range.end.line === range.start.line && range.end.column < range.start.column);
  return backwards ? undefined : range;
}

/** Whether `source` holds `expected` at `range` (true when the source is not known). */
function holds(source: string | undefined, range: Range, expected: string): boolean {
  if (source === undefined) return true;
  const lines = new LineIndex(source);
  return source.slice(lines.offset(range.start), lines.offset(range.end)) === expected;
}

/** An edit replacing one token, checked against the file text when given. */
export function replaceToken(stmt: Statement, token: SqlToken, text: string, source?: string): TextEdit | undefined {
  const range = chunkRange(stmt, token.start, token.end);
  if (!range || !holds(source, range, token.text)) return undefined;
  return { file: stmt.chunk.file, range, text };
}

/** An edit replacing the tokens from `first` to `last` (inclusive) and what lies between them. */
export function replaceTokens(stmt: Statement, first: SqlToken, last: SqlToken, text: string, source?: string): TextEdit | undefined {
  const range = chunkRange(stmt, first.start, last.end);
  const firstRange = chunkRange(stmt, first.start, first.end);
  const lastRange = chunkRange(stmt, last.start, last.end);
  if (!range || !firstRange || !lastRange || !holds(source, firstRange, first.text) || !holds(source, lastRange, last.text)) return undefined;
  return { file: stmt.chunk.file, range, text };
}

/** An edit inserting `text` just after a token. */
export function insertAfterToken(stmt: Statement, token: SqlToken, text: string, source?: string): TextEdit | undefined {
  const anchor = chunkRange(stmt, token.start, token.end);
  if (!anchor || !holds(source, anchor, token.text)) return undefined;
  return { file: stmt.chunk.file, range: { start: anchor.end, end: anchor.end }, text };
}

/**
 * An edit inserting `text` right after the first keyword token spelled `keyword`
 * (case-insensitive; identifiers and string contents never match).
 * `insertAfterKeyword(stmt, 'INDEX', ' CONCURRENTLY')`.
 */
export function insertAfterKeyword(stmt: Statement, keyword: string, text: string, source?: string): TextEdit | undefined {
  const want = keyword.toUpperCase();
  const token = codeTokens(stmt)?.find((t) => t.keyword && t.text.toUpperCase() === want);
  return token ? insertAfterToken(stmt, token, text, source) : undefined;
}

/**
 * The tokens of a type's name (`json`, `pg_catalog.json`, `"json"`) starting at the
 * TypeName's location: identifiers or keywords separated by dots.
 */
export function typeNameTokens(stmt: Statement, typeLocation: number | undefined): SqlToken[] | undefined {
  const tokens = codeTokens(stmt);
  const i = tokenIndexAt(stmt, typeLocation);
  if (!tokens || i === undefined) return undefined;
  const out = [tokens[i]];
  let j = i + 1;
  while (tokens[j]?.text === '.' && tokens[j + 1] && (tokens[j + 1].name === 'IDENT' || tokens[j + 1].keyword)) {
    out.push(tokens[j + 1]);
    j += 2;
  }
  return out.every((t) => t.name === 'IDENT' || t.keyword) ? out : undefined;
}

/** What a fix helper needs from the rule context (a `RuleContext` is one). */
export interface FixContext {
  readonly migration: Migration;
  readonly section: Section;
  /** The engine's answer per statement (framework default, BEGIN blocks, DO blocks). */
  inTransactionAt(stmt: Statement): boolean | undefined;
}

/**
 * The fix for CREATE INDEX / DROP INDEX without CONCURRENTLY: insert the keyword after
 * INDEX. Not offered where CONCURRENTLY would make the statement fail: inside a
 * transaction (the framework's, an explicit BEGIN, a DO block), DROP INDEX of several
 * indexes or with CASCADE. Where nobody knows whether a transaction wraps the
 * statement, the description says it must run outside one.
 */
export function concurrentlyFix(stmt: Statement, ctx: FixContext): Fix | undefined {
  const n = stmt.node;
  const inTransaction = ctx.inTransactionAt(stmt);
  if (!n || n.concurrent || inTransaction === true) return undefined;
  if (stmt.kind === 'DropStmt') {
    if (n.removeType !== 'OBJECT_INDEX' || (n.objects ?? []).length !== 1 || n.behavior === 'DROP_CASCADE') return undefined;
  } else if (stmt.kind !== 'IndexStmt') {
    return undefined;
  }
  const edit = insertAfterKeyword(stmt, 'INDEX', ' CONCURRENTLY', ctx.migration.sources.get(stmt.chunk.file));
  if (!edit) return undefined;
  const unknownTx = inTransaction === undefined ? ' (it must run outside a transaction)' : '';
  return { description: `add CONCURRENTLY${unknownTx}`, edits: [edit] };
}

// ---------------------------------------------------------------------------
// Applying edits

interface Placed {
  edit: TextEdit;
  start: number;
  end: number;
  order: number;
}

/** Two edits clash when they overlap, or when both start at the same offset (their order would be a guess). */
const clash = (a: Placed, b: Placed) => (a.start < b.end && b.start < a.end) || a.start === b.start;

function place(lines: LineIndex, edits: readonly TextEdit[]): Placed[] {
  return edits
    .map((edit, order) => ({ edit, start: lines.offset(edit.range.start), end: lines.offset(edit.range.end), order }))
    .filter((p) => p.start <= p.end);
}

function sortPlaced(list: Placed[]): Placed[] {
  return list.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
}

function splice(text: string, accepted: Placed[]): string {
  let out = '';
  let at = 0;
  for (const p of sortPlaced(accepted)) {
    out += text.slice(at, p.start) + p.edit.text;
    at = p.end;
  }
  return out + text.slice(at);
}

/**
 * Applies text edits (ranges in `sourceText`, 1-based lines and UTF-16 columns, end
 * exclusive) and returns the new text. Edits are sorted by position; an edit that
 * overlaps one already accepted (or starts where it starts) is dropped. The `file`
 * of the edits is not looked at: pass the edits of one file.
 */
export function applyFixes(sourceText: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(sourceText);
  const accepted: Placed[] = [];
  for (const p of sortPlaced(place(lines, edits))) {
    const last = accepted[accepted.length - 1];
    if (!last || !clash(last, p)) accepted.push(p);
  }
  return splice(sourceText, accepted);
}

export interface FixResult {
  output: string;
  /** Findings whose fix was applied. */
  applied: Finding[];
  /** Findings with a fix that was left out because it clashed with one applied before it. */
  skipped: Finding[];
}

/**
 * Applies the fixes of the findings that belong to `file`, each fix whole or not at all:
 * fixes are taken in the order of their first edit, and one whose edits clash with an
 * applied edit is skipped (running `--fix` again picks it up).
 */
export function fixFile(sourceText: string, file: string, findings: readonly Finding[]): FixResult {
  const lines = new LineIndex(sourceText);
  const candidates = findings
    .filter((f) => f.fix && f.fix.edits.length > 0 && f.fix.edits.every((e) => e.file === file))
    .map((f, order) => ({ f, placed: sortPlaced(place(lines, f.fix!.edits)), order }))
    .filter((c) => c.placed.length === c.f.fix!.edits.length)
    .sort((a, b) => a.placed[0].start - b.placed[0].start || a.order - b.order);
  const accepted: Placed[] = [];
  const applied: Finding[] = [];
  const skipped: Finding[] = [];
  for (const c of candidates) {
    const selfClash = c.placed.some((p, i) => c.placed.slice(i + 1).some((q) => clash(p, q)));
    if (selfClash || c.placed.some((p) => accepted.some((a) => clash(a, p)))) {
      skipped.push(c.f);
      continue;
    }
    accepted.push(...c.placed);
    applied.push(c.f);
  }
  return { output: splice(sourceText, accepted), applied, skipped };
}

/**
 * An edit replacing the last word of a type's name (`json` in `pg_catalog.json`) when it
 * is spelled `from` (unquoted in any case, or quoted exactly); the quoting is kept.
 */
export function renameTypeEdit(stmt: Statement, typeName: any, from: string, to: string, source: string | undefined): TextEdit | undefined {
  const tokens = typeNameTokens(stmt, typeName?.location);
  const last = tokens?.[tokens.length - 1];
  if (!last) return undefined;
  if (last.text === `"${from}"`) return replaceToken(stmt, last, `"${to}"`, source);
  if (last.text.toLowerCase() === from && !last.text.startsWith('"')) return replaceToken(stmt, last, to, source);
  return undefined;
}
