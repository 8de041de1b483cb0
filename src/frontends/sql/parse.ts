import type { Range, SqlChunk, Statement, ParseFailure } from '../../ir/types.js';
import { OffsetConverter } from '../../ir/source-text.js';
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

  /** End of the token starting at a chunk offset, from the real PostgreSQL scanner. */
  private tokenEndAt(offset: number): number | undefined {
    if (!this.tokenEnds) {
      this.tokenEnds = new Map();
      const local = new OffsetConverter(this.text);
      try {
        for (const t of requireParser().scanSync(this.text).tokens) {
          this.tokenEnds.set(this.start + local.fromByte(t.start), this.start + local.fromByte(t.end));
        }
      } catch {
        // The scanner rejects some unterminated input; a one-character range is fine then.
      }
    }
    return this.tokenEnds.get(offset);
  }
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
