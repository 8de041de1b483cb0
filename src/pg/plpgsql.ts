/**
 * SQL that PL/pgSQL runs at migration time, as statements rules can check.
 *
 * Which bodies are read: only `DO` blocks. A `DO` block runs while the migration runs,
 * so `DO $$ BEGIN ALTER TABLE ... END $$` takes the same locks as the ALTER written
 * outside it. The body of `CREATE FUNCTION` / `CREATE PROCEDURE ... LANGUAGE plpgsql`
 * does not run when the migration runs (only when something calls it later, maybe
 * from a trigger on every row), so its statements are not migration hazards and are
 * left alone. (Whether such a body compiles, which PostgreSQL does check when the
 * CREATE runs, is `plpgsql-check.ts`'s question.)
 *
 * How: `parsePlPgSQLSync` gives the body's statements as text (`PLpgSQL_expr.query`,
 * with `INTO` blanked out, so the text keeps its length); each is found in the body,
 * parsed with the SQL parser, and mapped back to its place in the original file
 * through the DO string literal (dollar-quoted or single-quoted). `EXECUTE` of a
 * single string constant (`EXECUTE 'CREATE INDEX ...'`) is read too; dynamic SQL
 * built at run time (`format(...)`, `||`) cannot be.
 *
 * The statements are NOT added to the IR (the executor runs the DO block, not its
 * parts); the engine adds them to what rules see, right after their DO statement.
 * Anything that does not parse is skipped silently: a DO block that PL/pgSQL itself
 * rejects gives no statements, and never throws.
 */
import type { SqlChunk, Statement } from '../ir/types.js';
import { OffsetConverter } from '../ir/source-text.js';
import { loadedSqlParser, parseChunk } from './parse.js';

/** What was found inside one DO block. */
export interface DoBlock {
  statements: Statement[];
  /** The body COMMITs or ROLLBACKs (PostgreSQL 11+): its statements do not all share one transaction. */
  transactionControl: boolean;
  /** PL/pgSQL's error when it rejects the body (the DO fails when it runs). */
  parseError?: string;
}

const blocks = new WeakMap<Statement, DoBlock>();
const parents = new WeakMap<Statement, Statement>();

/** The DO statement a statement was found in, or undefined for a top-level statement. */
export function embeddingStatement(stmt: Statement): Statement | undefined {
  return parents.get(stmt);
}

/** Whether a DO block's body commits or rolls back. */
export function doBlockHasTransactionControl(stmt: Statement): boolean {
  return blocks.get(stmt)?.transactionControl ?? false;
}

/**
 * The statements with the ones found inside each DO block inserted right after it
 * (recursively, for `EXECUTE 'DO ...'`). Returns the same array when there is no DO block.
 */
export function withEmbeddedStatements(statements: readonly Statement[]): readonly Statement[] {
  if (!statements.some((s) => s.kind === 'DoStmt')) return statements;
  const out: Statement[] = [];
  const add = (s: Statement, depth: number) => {
    out.push(s);
    if (s.kind !== 'DoStmt' || depth > 3) return;
    for (const inner of doBlock(s).statements) add(inner, depth + 1);
  };
  for (const s of statements) add(s, 0);
  return out;
}

/** The statements inside one DO block (cached). */
export function doBlock(stmt: Statement): DoBlock {
  let block = blocks.get(stmt);
  if (!block) {
    try {
      block = readDoBlock(stmt);
    } catch {
      block = { statements: [], transactionControl: false };
    }
    blocks.set(stmt, block);
    for (const s of block.statements) parents.set(s, stmt);
  }
  return block;
}

interface Found {
  /** The SQL as PL/pgSQL holds it. */
  query: string;
  lineno?: number;
  /** `EXECUTE 'literal'`: `query` is the literal as written, its value is the SQL. */
  dynamic: boolean;
}

function readDoBlock(stmt: Statement): DoBlock {
  const empty: DoBlock = { statements: [], transactionControl: false };
  const pg = loadedSqlParser();
  if (!pg || stmt.kind !== 'DoStmt' || !stmt.node) return empty;
  let body: string | undefined;
  let language = 'plpgsql';
  for (const arg of stmt.node.args ?? []) {
    const d = arg.DefElem;
    if (d?.defname === 'as') body = d.arg?.String?.sval;
    if (d?.defname === 'language') language = String(d.arg?.String?.sval ?? '').toLowerCase();
  }
  if (body === undefined || language !== 'plpgsql') return empty;

  let parsed: any;
  try {
    parsed = pg.parsePlPgSQLSync(stmt.text);
  } catch (e) {
    // PL/pgSQL rejects the body: the DO fails when it runs (parse-error says where); nothing to read.
    return { ...empty, parseError: e instanceof Error ? e.message : String(e) };
  }
  const found: Found[] = [];
  let transactionControl = false;
  collect(parsed?.plpgsql_funcs?.[0]?.PLpgSQL_function?.action, found, () => (transactionControl = true));
  if (found.length === 0) return { statements: [], transactionControl };

  const bodyPosition = bodyMapper(stmt, pg, body);
  const claimed = new Set<number>();
  const statements: Statement[] = [];
  for (const f of found) {
    const at = claim(body, f.query, claimed);
    let sql = f.query;
    let toBody: (offset: number) => number;
    if (f.dynamic) {
      const literal = decodeLiteral(f.query);
      if (!literal) continue;
      sql = literal.value;
      toBody = at === undefined ? lineStart(body, f.lineno) : (o) => at + literal.at[Math.min(o, sql.length)];
    } else {
      toBody = at === undefined ? lineStart(body, f.lineno) : (o) => at + Math.min(o, sql.length);
    }
    const chunk: SqlChunk = {
      sql,
      file: stmt.chunk.file,
      origin: stmt.chunk.origin,
      position: (offset) => bodyPosition(toBody(offset)),
    };
    for (const s of parseChunk(chunk)) if (s.kind !== 'Invalid') statements.push(s);
  }
  return { statements, transactionControl };
}

/** Walks a PL/pgSQL function's statements in any nesting (blocks, IF, loops, CASE, exception handlers). */
function collect(node: unknown, out: Found[], onTransactionControl: () => void): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out, onTransactionControl);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'PLpgSQL_stmt_execsql') {
      const query = (value as any)?.sqlstmt?.PLpgSQL_expr?.query;
      if (typeof query === 'string') out.push({ query, lineno: (value as any).lineno, dynamic: false });
      continue;
    }
    if (key === 'PLpgSQL_stmt_dynexecute') {
      const query = (value as any)?.query?.PLpgSQL_expr?.query;
      if (typeof query === 'string' && isSingleLiteral(query.trim())) {
        out.push({ query: query.trim(), lineno: (value as any).lineno, dynamic: true });
      }
      continue;
    }
    if (key === 'PLpgSQL_stmt_commit' || key === 'PLpgSQL_stmt_rollback') onTransactionControl();
    collect(value, out, onTransactionControl);
  }
}

/**
 * Finds `text` in `body` at an offset no earlier statement claimed. PL/pgSQL blanks
 * out `INTO target` with spaces of the same length, so a blank in `text` matches any
 * character of the body when no verbatim match exists.
 */
function claim(body: string, text: string, claimed: Set<number>): number | undefined {
  const free = (i: number) => !claimed.has(i) && (claimed.add(i), true);
  for (let i = body.indexOf(text); i >= 0; i = body.indexOf(text, i + 1)) if (free(i)) return i;
  const first = text.trimStart().split(/\s/)[0];
  const lead = text.length - text.trimStart().length;
  if (!first) return undefined;
  for (let i = body.indexOf(first); i >= 0; i = body.indexOf(first, i + 1)) {
    const at = i - lead;
    if (at < 0 || at + text.length > body.length || claimed.has(at)) continue;
    let same = true;
    for (let k = 0; k < text.length && same; k++) same = text[k] === ' ' || text[k] === body[at + k];
    if (same && free(at)) return at;
  }
  return undefined;
}

/** When a statement's text is not found verbatim: point every offset at the start of its line. */
function lineStart(body: string, lineno: number | undefined): (offset: number) => number {
  let at = 0;
  for (let line = 1; line < (lineno ?? 1) && at >= 0; line++) {
    const next = body.indexOf('\n', at);
    if (next < 0) break;
    at = next + 1;
  }
  while (at < body.length && /\s/.test(body[at])) at++;
  return () => at;
}

/**
 * Maps an offset in the DO body (the string's value) to a file position, through the
 * string literal token holding it. Falls back to the DO statement's start.
 */
function bodyMapper(stmt: Statement, pg: NonNullable<ReturnType<typeof loadedSqlParser>>, body: string): (offset: number) => ReturnType<SqlChunk['position']> {
  const found = bodyLiteral(stmt, pg, body);
  if (!found) return () => stmt.range.start;
  const { start, literal } = found;
  return (offset) => stmt.chunk.position(stmt.start + start + literal.at[Math.max(0, Math.min(offset, body.length))]);
}

/**
 * The string literal token in `stmt.text` whose value is `body` (a DO block's or a
 * function's): its start and end in `stmt.text`, and the decoded literal (`at` maps
 * each body offset to an offset in the literal).
 */
export function bodyLiteral(
  stmt: Statement,
  pg: NonNullable<ReturnType<typeof loadedSqlParser>>,
  body: string,
): { start: number; end: number; literal: { value: string; at: number[] } } | undefined {
  let tokens;
  try {
    tokens = pg.scanSync(stmt.text).tokens;
  } catch {
    return undefined;
  }
  const local = new OffsetConverter(stmt.text);
  for (const t of tokens) {
    if (t.tokenName !== 'SCONST') continue;
    const start = local.fromByte(t.start);
    const end = local.fromByte(t.end);
    const literal = decodeLiteral(stmt.text.slice(start, end));
    if (literal && literal.value === body) return { start, end, literal };
  }
  return undefined;
}

const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/;

function isSingleLiteral(text: string): boolean {
  const literal = decodeLiteral(text);
  return literal !== undefined;
}

/**
 * The value of one SQL string literal as written (`'it''s'`, `E'a\'b'`, `$q$...$q$`)
 * and, for each character of the value, its offset in the literal (`at[value.length]`
 * is the closing quote). Undefined when the text is not exactly one literal, or uses
 * escapes whose offsets are not worth mapping (octal, hex, Unicode).
 */
export function decodeLiteral(raw: string): { value: string; at: number[] } | undefined {
  const dollar = DOLLAR_TAG.exec(raw);
  if (dollar) {
    const tag = dollar[0];
    if (raw.length < tag.length * 2 || !raw.endsWith(tag)) return undefined;
    const value = raw.slice(tag.length, raw.length - tag.length);
    if (value.includes(tag)) return undefined;
    const at = Array.from({ length: value.length + 1 }, (_, i) => tag.length + i);
    return { value, at };
  }
  let i = 0;
  const escapes = raw[0] === 'E' || raw[0] === 'e';
  if (escapes) i = 1;
  if (raw[i] !== "'") return undefined;
  i++;
  let value = '';
  const at: number[] = [];
  while (i < raw.length) {
    const c = raw[i];
    if (c === "'") {
      if (raw[i + 1] === "'") {
        at.push(i);
        value += "'";
        i += 2;
        continue;
      }
      if (i !== raw.length - 1) return undefined; // more after the closing quote
      at.push(i);
      return { value, at };
    }
    if (escapes && c === '\\') {
      const next = raw[i + 1];
      const simple: Record<string, string> = { "'": "'", '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"' };
      if (next === undefined || !(next in simple)) return undefined;
      at.push(i);
      value += simple[next];
      i += 2;
      continue;
    }
    at.push(i);
    value += c;
    i++;
  }
  return undefined; // unterminated
}
