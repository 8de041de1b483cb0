/**
 * Collects one section's statements: SQL printed for a migration method (every position
 * is the call's start) and the author's SQL strings (positions inside the string).
 */
import type { Comment, Coverage, SqlChunk, Statement } from '../../ir/types.js';
import { parseChunk } from '../../pg/parse.js';
import { splitSql } from '../../pg/splitter.js';
import type { RbFile, RNode } from './source.js';
import type { RbStr } from './strings.js';

export class RbBuilder {
  readonly statements: Statement[] = [];

  constructor(
    private readonly file: RbFile,
    private readonly coverage: Coverage,
    private readonly comments: Comment[],
  ) {}

  /**
   * SQL printed for a call. `derived`: SQL Rails computes by itself (the reverse of a
   * `change` operation), which rules do not judge (see `SqlChunk.derived`).
   */
  builder(sql: string[], at: RNode, opts: { derived?: boolean } = {}): void {
    const text = sql.filter(Boolean).join(';\n');
    if (!text) return;
    const pos = this.file.position(at.location.startOffset);
    const chunk: SqlChunk = { sql: text, file: this.file.file, origin: 'builder', position: () => pos, ...(opts.derived ? { derived: 'framework' as const } : {}) };
    this.statements.push(...parseChunk(chunk));
  }

  /** The author's SQL from a Ruby string: positions map inside the string. */
  raw(str: RbStr, at: RNode): void {
    if (str.text.trim() === '') return;
    const { lines, file } = this.file;
    const offsets = str.offsets;
    const max = offsets.length - 1;
    const chunk: SqlChunk = {
      sql: str.text,
      file,
      origin: 'raw-string',
      position: (offset) => lines.position(offsets[Math.max(0, Math.min(max, offset))]),
    };
    if (str.text.includes('migratelint-')) {
      for (const span of splitSql(str.text).comments) {
        const text = str.text.slice(span.start, span.end);
        if (!text.includes('migratelint-')) continue;
        this.comments.push({ file, text, range: { start: chunk.position(span.start), end: chunk.position(span.end) }, endOffset: offsets[Math.min(max, span.end)] });
      }
    }
    for (const s of parseChunk(chunk)) {
      // SQL assembled at run time that does not parse with placeholders is our uncertainty, not the author's mistake.
      if (s.kind === 'Invalid' && str.dynamic) {
        this.unanalysed(at, `SQL built at run time could not be analysed: ${s.error?.message ?? 'syntax error'}`);
        continue;
      }
      this.statements.push(s);
    }
  }

  unanalysed(node: RNode, reason: string): void {
    this.coverage.unanalysed.push({ file: this.file.file, range: this.file.range(node.location), reason });
  }

  analysed(): void {
    this.coverage.analysed++;
  }
}
