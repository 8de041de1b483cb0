/**
 * PL/pgSQL bodies that PostgreSQL will refuse to compile.
 *
 * CREATE FUNCTION / CREATE PROCEDURE ... LANGUAGE plpgsql compile the body when they run
 * (`check_function_bodies` is on by default), and DO compiles its block before running
 * it: a misspelt keyword in the body (`SELEC`), an undeclared variable assigned to, or a
 * bad SQL statement inside fails the migration at deploy, although the CREATE FUNCTION
 * statement itself parses. libpg-query carries PL/pgSQL's own grammar (and the SQL
 * parser for the statements inside), so the same errors are found here.
 *
 * libpg-query gives the message but no position. The position is found by parsing
 * shorter bodies: PL/pgSQL reads left to right and stops at the first error, so a
 * body cut after token k gives the same error exactly when token k is at or after the
 * point of failure. A binary search over the body's tokens finds that token; when the
 * message names a token ("syntax error at or near "X"", ""x" is not a known variable")
 * that PL/pgSQL only noticed later, the nearest earlier token of that name is the one
 * PostgreSQL points at.
 *
 * What the parser cannot know is not reported: types, tables and columns (PostgreSQL
 * resolves those against the catalog, and earlier migrations create them).
 */
import type { Statement } from '../ir/types.js';
import { OffsetConverter } from '../ir/source-text.js';
import { loadedSqlParser } from './parse.js';
import { bodyLiteral, doBlock } from './plpgsql.js';

export interface BodyError {
  /** PL/pgSQL's message. */
  message: string;
  /** What holds the body: `function`, `procedure`, `DO block`. */
  holder: string;
  /** Offsets in the statement's chunk (`stmt.chunk.position` maps them into the file). */
  start: number;
  end: number;
}

type PgQuery = NonNullable<ReturnType<typeof loadedSqlParser>>;

const checked = new WeakMap<Statement, BodyError | null>();

/** The compile error of a PL/pgSQL function, procedure or DO body, where PostgreSQL would report it; undefined when it compiles. */
export function plpgsqlBodyError(stmt: Statement): BodyError | undefined {
  let found = checked.get(stmt);
  if (found === undefined) {
    try {
      found = check(stmt) ?? null;
    } catch {
      found = null; // never let a check of ours fail the lint
    }
    checked.set(stmt, found);
  }
  return found ?? undefined;
}

function check(stmt: Statement): BodyError | undefined {
  const pg = loadedSqlParser();
  const target = plpgsqlBody(stmt);
  if (!pg || !target) return undefined;
  const message = stmt.kind === 'DoStmt' ? doBlock(stmt).parseError : parseError(pg, stmt.text);
  if (!message) return undefined;
  const literal = bodyLiteral(stmt, pg, target.body);
  // Without the literal the body cannot be located: point at the statement.
  if (!literal) return { message, holder: target.holder, start: stmt.start, end: stmt.end };
  const at = locate(pg, stmt, target.body, literal, message);
  const toChunk = (offset: number) => stmt.start + literal.start + literal.literal.at[Math.max(0, Math.min(offset, target.body.length))];
  return { message, holder: target.holder, start: toChunk(at.start), end: toChunk(at.end) };
}

/** The body of a PL/pgSQL CREATE FUNCTION / PROCEDURE or DO, and what holds it. */
function plpgsqlBody(stmt: Statement): { body: string; holder: string } | undefined {
  const n = stmt.node;
  if (stmt.kind === 'DoStmt') {
    let body: string | undefined;
    let language = 'plpgsql';
    for (const arg of n?.args ?? []) {
      const d = arg.DefElem;
      if (d?.defname === 'as') body = d.arg?.String?.sval;
      if (d?.defname === 'language') language = String(d.arg?.String?.sval ?? '').toLowerCase();
    }
    return body !== undefined && language === 'plpgsql' ? { body, holder: 'DO block' } : undefined;
  }
  if (stmt.kind !== 'CreateFunctionStmt' || n?.sql_body) return undefined;
  let body: string | undefined;
  let language: string | undefined;
  for (const o of n.options ?? []) {
    const d = o.DefElem;
    if (d?.defname === 'language') language = String(d.arg?.String?.sval ?? '').toLowerCase();
    // AS 'body' is a one-item list; AS 'file', 'symbol' (C functions) has two.
    if (d?.defname === 'as' && d.arg?.List?.items?.length === 1) body = d.arg.List.items[0]?.String?.sval;
  }
  if (language !== 'plpgsql' || body === undefined) return undefined;
  return { body, holder: n.is_procedure ? 'procedure' : 'function' };
}

function parseError(pg: PgQuery, text: string): string | undefined {
  try {
    pg.parsePlPgSQLSync(text);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface BodyToken {
  start: number;
  end: number;
  text: string;
}

/** The body's tokens, by the SQL scanner (PL/pgSQL uses the same one), in UTF-16 offsets of the body. */
function bodyTokens(pg: PgQuery, body: string): BodyToken[] {
  let scanned;
  try {
    scanned = pg.scanSync(body).tokens;
  } catch {
    return [];
  }
  const offsets = new OffsetConverter(body);
  return scanned.map((t: { start: number; end: number }) => {
    const start = offsets.fromByte(t.start);
    const end = offsets.fromByte(t.end);
    return { start, end, text: body.slice(start, end) };
  });
}

/** A dollar quote for `text` whose tag does not occur in it. */
function dollarQuoted(text: string): string {
  let tag = '$body$';
  for (let i = 1; text.includes(tag); i++) tag = `$body${i}$`;
  return `${tag}${text}${tag}`;
}

/** The first quoted name of a message: `at or near "X"`, `"x" is not a known variable`. */
const NAMED = /"((?:[^"]|"")*)"/;

/** Where in the body PostgreSQL would point for this error: a body range. */
function locate(
  pg: PgQuery,
  stmt: Statement,
  body: string,
  literal: { start: number; end: number },
  message: string,
): { start: number; end: number } {
  const tokens = bodyTokens(pg, body);
  const atEnd = { start: body.length, end: body.length };
  if (/at end of input$/.test(message) || tokens.length === 0) return atEnd;
  // The statement again with the body cut after token k (and `tail` added).
  const failsSameWay = (k: number, tail = '') => {
    const text = stmt.text.slice(0, literal.start) + dollarQuoted(body.slice(0, tokens[k].end) + tail) + stmt.text.slice(literal.end);
    return parseError(pg, text) === message;
  };
  let lo = 0;
  let hi = tokens.length - 1;
  if (!failsSameWay(hi)) return atEnd; // the error needs what follows the last token (the end of the body)
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsSameWay(mid)) hi = mid;
    else lo = mid + 1;
  }
  // PL/pgSQL may see the error a token or more after the one at fault: an SQL statement
  // inside the body is parsed when its `;` is read, an unknown variable is known to be one
  // when `:=` follows it. Look back, within the statement, for the token the message names.
  const named = NAMED.exec(message)?.[1]?.replace(/""/g, '"');
  if (named === undefined || tokens[lo].text === named) return tokens[lo];
  const same = (t: BodyToken) => t.text === named || t.text.toLowerCase() === named.toLowerCase() || t.text === `"${named}"`;
  let first = lo;
  while (first > 0 && tokens[first - 1].text !== ';') first--;
  const candidates: number[] = [];
  for (let k = first; k < lo; k++) if (same(tokens[k])) candidates.push(k);
  if (candidates.length === 0) return tokens[lo];
  // Several tokens of that name: the first one after which the statement, ended right
  // there, fails the same way (before it, the statement is still a valid beginning).
  // PL/pgSQL reads past a `;` inside parentheses, so the open ones are closed first.
  let depth = 0;
  let at = first;
  for (const k of candidates.slice(0, -1)) {
    for (; at <= k; at++) depth += tokens[at].text === '(' ? 1 : tokens[at].text === ')' ? -1 : 0;
    if (failsSameWay(k, `${')'.repeat(Math.max(0, depth))};`)) return tokens[k];
  }
  return tokens[candidates[candidates.length - 1]];
}
