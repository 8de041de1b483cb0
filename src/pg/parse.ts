import type { Range, SqlChunk, Statement, ParseFailure } from '../ir/types.js';
import { OffsetConverter } from '../ir/source-text.js';
import { splitSql } from './splitter.js';

type PgQuery = typeof import('libpg-query');

let parser: PgQuery | undefined;
let loading: Promise<PgQuery> | undefined;

/** Loads the PostgreSQL parser (WASM) once; later calls are synchronous. */
export function loadSqlParser(): Promise<PgQuery> {
  if (parser) return Promise.resolve(parser);
  loading ??= import('libpg-query').then(async (mod) => {
    await mod.loadModule();
    parser = mod;
    return mod;
  });
  return loading;
}

/** The parser when `loadSqlParser()` has already loaded it, for code that must stay synchronous. */
export function loadedSqlParser(): PgQuery | undefined {
  return parser;
}

export interface SqlToken {
  /** UTF-16 offsets in the statement's chunk. */
  start: number;
  end: number;
  text: string;
  /** The scanner's token name: `IDENT`, `SCONST`, `SQL_COMMENT`, `C_COMMENT`, `ASCII_46` ('.'), ...; `UNKNOWN` for keywords. */
  name: string;
  /** Whether the token is a keyword (reserved or not). */
  keyword: boolean;
}

const tokenCache = new WeakMap<Statement, SqlToken[] | null>();

/** Characters scanned to find where one token ends. */
const TOKEN_WINDOW = 200;

/**
 * The statement's tokens, comments included, from the real PostgreSQL scanner; undefined
 * when it rejects the text (an unterminated literal). Scanned once per statement: finding
 * ranges (`locate`) and fixes both use them.
 */
export function statementTokens(stmt: Statement): SqlToken[] | undefined {
  const cached = tokenCache.get(stmt);
  if (cached !== undefined) return cached ?? undefined;
  if (!parser) return undefined;
  let tokens: SqlToken[] | null = null;
  try {
    const local = new OffsetConverter(stmt.text);
    tokens = parser.scanSync(stmt.text).tokens.map((t) => ({
      start: stmt.start + local.fromByte(t.start),
      end: stmt.start + local.fromByte(t.end),
      text: t.text,
      name: t.tokenName,
      keyword: t.keywordKind !== 0,
    }));
  } catch {
    // Scanner errors leave the statement without tokens.
  }
  tokenCache.set(stmt, tokens);
  return tokens ?? undefined;
}

function requireParser(): PgQuery {
  if (!parser) throw new Error('internal: loadSqlParser() must be awaited before parsing SQL');
  return parser;
}

interface RawStmt {
  stmt?: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

/**
 * One parsed (or unparseable) statement. `parsed` is the exact string handed to the
 * parser and `parsedOffset` where it sits in the chunk, so node locations (bytes into
 * `parsed`) map back to the chunk and from there to the file.
 */
class ChunkStatement implements Statement {
  readonly kind: string;
  readonly node: any;
  readonly text: string;
  readonly range: Range;
  private tokenEnds?: Map<number, number>;

  constructor(
    readonly chunk: SqlChunk,
    ast: Record<string, unknown> | undefined,
    readonly start: number,
    readonly end: number,
    private readonly parsedOffset: number,
    private readonly offsets: OffsetConverter,
    readonly error?: ParseFailure,
  ) {
    const key = ast ? Object.keys(ast)[0] : undefined;
    this.kind = key ?? 'Invalid';
    this.node = key ? ast![key] : undefined;
    this.text = chunk.sql.slice(start, end);
    this.range = { start: chunk.position(start), end: chunk.position(end) };
  }

  locate(byteLocation: number | undefined): Range {
    if (byteLocation === undefined || byteLocation < 0) return this.range;
    const start = this.parsedOffset + this.offsets.fromByte(byteLocation);
    if (start < this.start || start > this.end) return this.range;
    const end = this.tokenEndAt(start) ?? start + 1;
    return { start: this.chunk.position(start), end: this.chunk.position(Math.min(end, this.end)) };
  }

  /**
   * End of the token starting at a chunk offset; none when the scanner rejects the text
   * (a one-character range is fine then). A finding needs one token's end, so the scanner
   * reads a short window from there rather than the whole statement (a function body
   * can be thousands of tokens); a token that may run past the window, or a window the
   * scanner rejects (a long string cut in two), falls back to the whole statement.
   */
  private tokenEndAt(offset: number): number | undefined {
    const wordEnd = unquotedWordEnd(this.chunk.sql, offset, this.end);
    if (wordEnd !== undefined) return wordEnd;
    if (!this.tokenEnds && parser && offset >= this.start && offset < this.end) {
      const window = this.chunk.sql.slice(offset, Math.min(this.end, offset + TOKEN_WINDOW));
      try {
        const first = parser.scanSync(window).tokens[0];
        const end = first && first.start === 0 ? new OffsetConverter(window).fromByte(first.end) : undefined;
        if (end !== undefined && (end < window.length || offset + window.length === this.end)) return offset + end;
      } catch {
        // cut inside a literal: read the whole statement below
      }
    }
    this.tokenEnds ??= new Map((statementTokens(this) ?? []).map((t) => [t.start, t.end]));
    return this.tokenEnds.get(offset);
  }
}

/**
 * Where a keyword or unquoted name starting at `offset` ends, by PostgreSQL's own lexer
 * rule (it starts with a letter, `_` or a non-ASCII character and goes on with those,
 * digits and `$`); undefined when no such word starts there. Most findings point at
 * one, and this spares a scanner call (~50 µs each) per finding.
 */
function unquotedWordEnd(sql: string, offset: number, limit: number): number | undefined {
  const isStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
  if (offset >= limit || !isStart(sql.charCodeAt(offset))) return undefined;
  // U&"..." and U&'...' (and E'...', B'...', X'...', N'...') are one token with their quote.
  const next = sql.charCodeAt(offset + 1);
  if (next === 39 || next === 38) return undefined;
  let end = offset + 1;
  for (; end < limit; end++) {
    const c = sql.charCodeAt(end);
    if (!(isStart(c) || (c >= 48 && c <= 57) || c === 36)) break;
  }
  if (sql.charCodeAt(end) === 39) return undefined;
  return end;
}

function trimEnd(sql: string, start: number, end: number): number {
  while (end > start && /\s/.test(sql[end - 1])) end--;
  return end;
}

function skipLeadingSpace(sql: string, start: number, end: number): number {
  while (start < end && /\s/.test(sql[start])) start++;
  return start;
}

/**
 * Parses a chunk into statements. The whole chunk is parsed at once (fast, and the
 * parser's own statement boundaries are used); only when that fails is it split into
 * statements that are parsed one by one, so one bad statement does not hide the rest.
 */
export function parseChunk(chunk: SqlChunk): Statement[] {
  const pg = requireParser();
  const sql = chunk.sql;
  if (sql.trim() === '') return [];
  const offsets = new OffsetConverter(sql);
  let stmts: RawStmt[];
  try {
    stmts = pg.parseSync(sql).stmts as RawStmt[];
  } catch {
    return parsePieceByPiece(chunk, pg);
  }
  return stmts.map((raw) => {
    const startByte = raw.stmt_location ?? 0;
    const start = skipLeadingSpace(sql, offsets.fromByte(startByte), sql.length);
    const end = trimEnd(sql, start, raw.stmt_len ? offsets.fromByte(startByte + raw.stmt_len) : sql.length);
    return new ChunkStatement(chunk, raw.stmt, start, end, 0, offsets);
  });
}

const PSQL_VARIABLE = /(?<![:\w$]):(?=['"]?[A-Za-z_])/g;

/**
 * SQL written as a psql script template uses psql variables (`:schema`, `:'value'`,
 * `:"name"`), which are not SQL. When a statement only parses with them replaced by a
 * stand-in of the same length (`_schema`, ` 'value'`, ` "name"`), it is linted that
 * way: every position stays where it was.
 */
function parseWithPsqlVariables(pg: PgQuery, text: string): RawStmt[] | undefined {
  if (!PSQL_VARIABLE.test(text)) return undefined;
  PSQL_VARIABLE.lastIndex = 0;
  const standIn = text.replace(PSQL_VARIABLE, (_colon, offset: number) => (/['"]/.test(text[offset + 1]) ? ' ' : '_'));
  try {
    return pg.parseSync(standIn).stmts as RawStmt[];
  } catch {
    return undefined;
  }
}

function parsePieceByPiece(chunk: SqlChunk, pg: PgQuery): Statement[] {
  const out: Statement[] = [];
  for (const span of splitSql(chunk.sql).statements) {
    const text = chunk.sql.slice(span.start, span.end);
    const offsets = new OffsetConverter(text);
    let stmts: RawStmt[];
    try {
      stmts = pg.parseSync(text).stmts as RawStmt[];
    } catch (e) {
      const viaPsql = chunk.origin === 'sql' ? parseWithPsqlVariables(pg, text) : undefined;
      if (!viaPsql) {
        out.push(invalidStatement(chunk, span, offsets, e));
        continue;
      }
      stmts = viaPsql;
    }
    for (const raw of stmts) {
      const start = span.start + skipLeadingSpace(text, offsets.fromByte(raw.stmt_location ?? 0), text.length);
      const end = raw.stmt_len
        ? trimEnd(chunk.sql, start, span.start + offsets.fromByte((raw.stmt_location ?? 0) + raw.stmt_len))
        : span.end;
      out.push(new ChunkStatement(chunk, raw.stmt, start, end, span.start, offsets));
    }
  }
  return out;
}

function invalidStatement(chunk: SqlChunk, span: { start: number; end: number }, offsets: OffsetConverter, e: unknown): Statement {
  const err = e as { message?: string; sqlDetails?: { cursorPosition?: number; message?: string } };
  const cursor = err.sqlDetails?.cursorPosition;
  const offset = span.start + (cursor === undefined ? 0 : offsets.fromCodePoint(cursor));
  const message = err.sqlDetails?.message ?? err.message ?? 'syntax error';
  return new ChunkStatement(chunk, undefined, span.start, span.end, span.start, offsets, { message, offset });
}
