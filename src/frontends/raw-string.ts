/**
 * Raw SQL inside a code migration's string (Python, Ruby): the chunk handed to the SQL
 * parser, with every position mapped back inside the string, and the migratelint
 * directives written in the SQL's own comments, which silence findings as a comment in
 * the code does.
 */
import type { Comment, Position, SqlChunk } from '../ir/types.js';
import { splitSql } from '../pg/splitter.js';

/** A string's text and, for each UTF-16 unit of it plus the end, its offset in the file. */
export interface MappedString {
  text: string;
  offsets: number[];
}

export function rawStringChunk(str: MappedString, file: string, lines: { position(offset: number): Position }): { chunk: SqlChunk; directives: Comment[] } {
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
