import type { NodeKind, Statement } from '../../src/ir/types.js';

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

  /** Statements whose AST node is of one of these types, in order, with typed nodes. */
  of<K extends NodeKind | 'Invalid'>(...kinds: K[]): Statement<K>[] {
    if (!this.byKind) {
      this.byKind = new Map();
      for (const s of this.all) {
        let bucket = this.byKind.get(s.kind);
        if (!bucket) this.byKind.set(s.kind, (bucket = []));
        bucket.push(s);
      }
    }
    const found = kinds.length === 1 ? (this.byKind.get(kinds[0]) ?? []) : this.all.filter((s) => (kinds as string[]).includes(s.kind));
    return found as Statement<K>[];
  }
}
