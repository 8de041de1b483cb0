/**
 * Collects one section's statements: SQL printed for a migration method (every position
 * is the call's start) and the author's SQL strings (positions inside the string).
 */
import type { Comment, Coverage, SqlChunk, Statement } from '../../ir/types.js';
import { parseChunk } from '../../pg/parse.js';
import { rawStringChunk } from '../raw-string.js';
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
    const { chunk, directives } = rawStringChunk(str, this.file.file, this.file.lines);
    this.comments.push(...directives);
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
