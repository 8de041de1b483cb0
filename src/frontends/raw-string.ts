/**
 * Raw SQL inside a code migration's string (Python, Ruby): the chunk handed to the SQL
 * parser, with every position mapped back inside the string, and the migratelint
 * directives written in the SQL's own comments, which silence findings as a comment in
 * the code does.
 */
import type { Comment, Position, SqlChunk } from '../ir/types.js';
import { splitSql } from '../pg/splitter.js';

/**
 * A string value from code with a map back to its file: each UTF-16 unit of `text`
 * knows the offset of the source that produced it (through escapes, concatenation,
 * interpolation), plus one entry for the end.
 */
export interface MappedString {
  text: string;
  offsets: number[];
  /** Whether parts of it are only known at run time (an f-string field, a `#{...}`). */
  dynamic: boolean;
}

/** Strings joined, each unit keeping its offset; the end is the last part's end. */
export function concatMapped(parts: readonly MappedString[]): MappedString {
  if (parts.length === 1) return parts[0];
  let text = '';
  const offsets: number[] = [];
  let dynamic = false;
  for (const p of parts) {
    text += p.text;
    for (let i = 0; i < p.text.length; i++) offsets.push(p.offsets[i]);
    dynamic ||= p.dynamic;
  }
  offsets.push(parts.length ? parts[parts.length - 1].offsets[parts[parts.length - 1].text.length] : 0);
  return { text, offsets, dynamic };
}

export function rawStringChunk(str: Pick<MappedString, 'text' | 'offsets'>, file: string, lines: { position(offset: number): Position }): { chunk: SqlChunk; directives: Comment[] } {
  const { text: sql, offsets } = str;
  const max = offsets.length - 1;
  const chunk: SqlChunk = {
    sql,
    file,
    origin: 'raw-string',
    position: (offset) => lines.position(offsets[Math.max(0, Math.min(max, offset))]),
  };
  const directives: Comment[] = [];
  if (sql.includes('migratelint-')) {
    for (const span of splitSql(sql).comments) {
      const text = sql.slice(span.start, span.end);
      if (!text.includes('migratelint-')) continue;
      directives.push({ file, text, range: { start: chunk.position(span.start), end: chunk.position(span.end) }, endOffset: offsets[Math.min(max, span.end)] });
    }
  }
  return { chunk, directives };
}
