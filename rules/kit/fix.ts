/**
 * Fix builders for rules: text edits built from the real PostgreSQL scanner's tokens
 * and mapped to the original file through the statement's chunk. Applying edits to a
 * file is the engine's job (src/engine/apply-fixes.ts).
 *
 * A fix is only offered where the edit can be placed exactly: never for SQL printed
 * from a builder call (its chunk maps every offset to the call), and, when the file's
 * text is at hand, only after checking that the file really holds the token the
 * edit is anchored on (a string literal with escapes or interpolation can defeat the
 * mapping).
 */
import type { Fix, FollowUp, Migration, Range, Section, Statement, TextEdit } from '../../src/ir/types.js';
import { LineIndex } from '../../src/ir/source-text.js';
import { loadedSqlParser, statementTokens, type SqlToken } from '../../src/pg/parse.js';
import type { Transaction } from '../../src/pg/transactions.js';
import type { SectionSchema } from '../../src/schema/replay.js';
import { nameParts } from '../../src/pg/ast.js';

// Scanned once per statement and shared with `Statement.locate`, which needs token ends too.
export { statementTokens, type SqlToken };

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

/**
 * The line index of the file last checked: rules check fix after fix in one file, and
 * indexing the whole file for each would make fixing a file quadratic in its size.
 */
let lastLines: LineIndex | undefined;
const linesOf = (source: string): LineIndex => (lastLines?.text === source ? lastLines : (lastLines = new LineIndex(source)));

/** Whether `source` holds `expected` at `range` (true when the source is not known). */
function holds(source: string | undefined, range: Range, expected: string): boolean {
  if (source === undefined) return true;
  const lines = linesOf(source);
  return source.slice(lines.offset(range.start), lines.offset(range.end)) === expected;
}

/** An edit replacing one token, checked against the file text when given. */
export function replaceToken(stmt: Statement, token: SqlToken, text: string, source?: string): TextEdit | undefined {
  const range = chunkRange(stmt, token.start, token.end);
  if (!range || !holds(source, range, token.text)) return undefined;
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
  transactionOf(stmt: Statement): Transaction | undefined;
  embeddedIn(stmt: Statement): Statement | undefined;
  /** The schema model (a `RuleContext` has it): tells a DROP INDEX which table the index is on. */
  readonly schema?: SectionSchema;
}

const lastPart = (list: unknown) => nameParts(list).pop();

/**
 * The table a statement that may move to a migration of its own acts on: its own
 * relation, or the table of the index it names as the schema model knows it.
 */
function tableActedOn(stmt: Statement, ctx: FixContext): string | undefined {
  const n = stmt.node;
  const indexTable = (name: string | undefined) => (name === undefined ? undefined : ctx.schema?.before(stmt).index(name)?.table);
  switch (stmt.kind) {
    case 'IndexStmt':
    case 'AlterTableStmt':
      return n?.relation?.relname;
    case 'DropStmt':
      return n?.removeType === 'OBJECT_INDEX' && (n.objects ?? []).length === 1 ? indexTable(lastPart(n.objects[0].List?.items)) : undefined;
    case 'ReindexStmt':
      if (n?.kind === 'REINDEX_OBJECT_TABLE') return n.relation?.relname;
      return n?.kind === 'REINDEX_OBJECT_INDEX' ? indexTable(n.relation?.relname) : undefined;
    default:
      return undefined;
  }
}

/**
 * Where a statement that must run outside any transaction block (CONCURRENTLY) can be
 * fixed: `here` when it already runs outside one (or nobody knows); `own-migration` when
 * only the tool's transaction, or the one PostgreSQL runs a query of several statements
 * in, holds it (moving it to a migration of its own frees it); undefined when the file's
 * own BEGIN block or a DO block holds it: the author put it there, so no fix.
 */
export function outsideTransactionPlacement(stmt: Statement, ctx: FixContext): 'here' | 'own-migration' | undefined {
  if (ctx.inTransactionAt(stmt) !== true) return 'here';
  if (ctx.embeddedIn(stmt) || ctx.transactionOf(stmt)?.explicit) return undefined;
  return 'own-migration';
}

/** A fix that makes a statement CONCURRENTLY, placed where it can run (see `outsideTransactionPlacement`). */
export function concurrentFix(stmt: Statement, ctx: FixContext, edit: TextEdit, caveat = ''): Fix | undefined {
  const placement = outsideTransactionPlacement(stmt, ctx);
  if (!placement) return undefined;
  if (placement === 'own-migration') {
    const table = tableActedOn(stmt, ctx);
    return {
      description: `add CONCURRENTLY, in a migration of its own (it cannot run in a transaction)${caveat}`,
      edits: [edit],
      placement,
      ...(table ? { table } : {}),
    };
  }
  const unknownTx = ctx.inTransactionAt(stmt) === undefined ? ' (it must run outside a transaction)' : '';
  return { description: `add CONCURRENTLY${unknownTx}${caveat}`, edits: [edit] };
}

/**
 * The fix for CREATE INDEX / DROP INDEX without CONCURRENTLY: insert the keyword after
 * INDEX. Not offered where CONCURRENTLY would make the statement fail: inside the file's
 * BEGIN block or a DO block, DROP INDEX of several indexes or with CASCADE. Where the
 * tool's transaction holds the statement, the fix moves it to a migration of its own;
 * where nobody knows whether a transaction wraps it, the description says it must run
 * outside one.
 */
export function concurrentlyFix(stmt: Statement, ctx: FixContext): Fix | undefined {
  const n = stmt.node;
  if (!n || n.concurrent) return undefined;
  if (stmt.kind === 'DropStmt') {
    if (n.removeType !== 'OBJECT_INDEX' || (n.objects ?? []).length !== 1 || n.behavior === 'DROP_CASCADE') return undefined;
  } else if (stmt.kind !== 'IndexStmt') {
    return undefined;
  }
  const edit = insertAfterKeyword(stmt, 'INDEX', ' CONCURRENTLY', ctx.migration.sources.get(stmt.chunk.file));
  return edit && concurrentFix(stmt, ctx, edit);
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

/**
 * The fix that appends ` NOT VALID` to a table constraint written at `location`
 * (`ADD CONSTRAINT ... FOREIGN KEY ... REFERENCES ...`, `ADD CHECK (...)`): the edit goes
 * after the constraint's last token, before the `,` of the next subcommand or the end
 * of the statement.
 */
export function notValidFix(
  stmt: Statement,
  location: number | undefined,
  source: string | undefined,
  description: string,
  followUp: FollowUp,
): Fix | undefined {
  const tokens = codeTokens(stmt);
  const first = tokenIndexAt(stmt, location);
  if (!tokens || first === undefined) return undefined;
  let depth = 0;
  let last = first;
  for (let i = first; i < tokens.length; i++) {
    const t = tokens[i].text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (depth === 0 && (t === ',' || t === ';')) break;
    last = i;
  }
  const edit = insertAfterToken(stmt, tokens[last], ' NOT VALID', source);
  return edit ? { description, edits: [edit], followUp } : undefined;
}

/**
 * A name as PostgreSQL needs it written: bare when it is a lower-case identifier the
 * scanner does not take for a keyword, else double-quoted.
 */
export function quoteIdentifier(name: string): string {
  const tokens = /^[a-z_][a-z0-9_$]*$/.test(name) ? loadedSqlParser()?.scanSync(name).tokens : undefined;
  const bare = tokens?.length === 1 && tokens[0].keywordKind === 0;
  return bare ? name : `"${name.replace(/"/g, '""')}"`;
}

const qualified = (parts: readonly (string | undefined)[]) => parts.filter((p): p is string => !!p).map(quoteIdentifier).join('.');

/** The VALIDATE that completes a table constraint added NOT VALID (ONLY kept: it validates what was added). */
export function validateTableConstraint(table: { schemaname?: string; relname?: string; inh?: boolean } | undefined, conname: string | undefined): FollowUp {
  if (!table?.relname || !conname) return { what: 'validate the constraint (name it first)' };
  // The parser leaves `inh` out for ALTER TABLE ONLY.
  const only = table.inh ? '' : 'ONLY ';
  return {
    what: `validate ${conname}`,
    sql: `ALTER TABLE ${only}${qualified([table.schemaname, table.relname])} VALIDATE CONSTRAINT ${quoteIdentifier(conname)};`,
  };
}

/** The VALIDATE that completes a domain constraint added NOT VALID. */
export function validateDomainConstraint(domain: readonly string[], conname: string | undefined): FollowUp {
  if (domain.length === 0 || !conname) return { what: 'validate the constraint (name it first)' };
  return { what: `validate ${conname}`, sql: `ALTER DOMAIN ${qualified(domain)} VALIDATE CONSTRAINT ${quoteIdentifier(conname)};` };
}

/**
 * The fix that makes a statement safe to run twice: `guard` (` IF NOT EXISTS`,
 * ` IF EXISTS`, ` OR REPLACE`) inserted after the first keyword `keyword`, or after the
 * CONCURRENTLY that follows it (`DROP INDEX CONCURRENTLY IF EXISTS`).
 */
export function guardFix(stmt: Statement, keyword: string, guard: string, source: string | undefined): Fix | undefined {
  const tokens = codeTokens(stmt);
  if (!tokens) return undefined;
  const want = keyword.toUpperCase();
  let i = tokens.findIndex((t) => t.keyword && t.text.toUpperCase() === want);
  if (i < 0) return undefined;
  if (tokens[i + 1]?.text.toUpperCase() === 'CONCURRENTLY') i++;
  const edit = insertAfterToken(stmt, tokens[i], guard, source);
  return edit ? { description: `add${guard}`, edits: [edit] } : undefined;
}
