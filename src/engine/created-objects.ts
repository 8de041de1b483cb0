import type { Statement } from '../ir/types.js';
import type { CreatedObjects } from './rule.js';

/**
 * Records, in statement order, the tables and indexes a migration creates, so rules
 * can tell a hazard on a live table from harmless work on a table nobody uses yet.
 * Names are compared without schema: the parser already folds unquoted identifiers.
 */
export class CreatedObjectsTracker {
  private readonly tables = new Map<string, number>();
  private readonly indexes = new Map<string, number>();
  private readonly order = new Map<Statement, number>();

  constructor(statements: readonly Statement[]) {
    statements.forEach((s, i) => {
      this.order.set(s, i);
      const table = createdTable(s);
      if (table && !this.tables.has(table)) this.tables.set(table, i);
      if (s.kind === 'IndexStmt' && s.node.idxname && !this.indexes.has(s.node.idxname)) {
        this.indexes.set(s.node.idxname, i);
      }
    });
  }

  before(stmt: Statement): CreatedObjects {
    const at = this.order.get(stmt) ?? Number.MAX_SAFE_INTEGER;
    const earlier = (map: Map<string, number>, name: string | undefined) =>
      name !== undefined && (map.get(name) ?? Number.MAX_SAFE_INTEGER) < at;
    return {
      table: (name) => earlier(this.tables, name),
      index: (name) => earlier(this.indexes, name),
    };
  }
}

function createdTable(s: Statement): string | undefined {
  switch (s.kind) {
    case 'CreateStmt':
      return s.node.relation?.relname;
    case 'CreateTableAsStmt':
      return s.node.into?.rel?.relname;
    default:
      return undefined;
  }
}
