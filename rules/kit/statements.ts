import type { Statement } from '../../src/ir/types.js';

/** The statements of a section, with a cheap lookup by node type. */
export class StatementList implements Iterable<Statement> {
  private byKind?: Map<string, Statement[]>;

  constructor(readonly all: readonly Statement[]) {}

  [Symbol.iterator](): Iterator<Statement> {
    return this.all[Symbol.iterator]();
  }

  get length(): number {
    return this.all.length;
  }

  /** Statements whose AST node is of one of these types, in order. */
  of(...kinds: string[]): Statement[] {
    if (!this.byKind) {
      this.byKind = new Map();
      for (const s of this.all) {
        let bucket = this.byKind.get(s.kind);
        if (!bucket) this.byKind.set(s.kind, (bucket = []));
        bucket.push(s);
      }
    }
    if (kinds.length === 1) return this.byKind.get(kinds[0]) ?? [];
    return this.all.filter((s) => kinds.includes(s.kind));
  }
}
