import type { Statement } from '../ir/types.js';
import { nameParts } from '../pg/ast.js';

/** What a rule can ask about objects the same migration created earlier. */
export interface CreatedObjects {
  /** A table or materialized view (CREATE TABLE, CREATE TABLE AS, SELECT INTO, CREATE MATERIALIZED VIEW). */
  table(name: string | undefined): boolean;
  index(name: string | undefined): boolean;
  /** A type: enum, domain, composite or range. */
  type(name: string | undefined): boolean;
}

/**
 * Records, in statement order, the tables, indexes and types a migration creates, so
 * rules can tell a hazard on a live table from harmless work on a table nobody uses yet.
 * Names are compared without schema: the parser already folds unquoted identifiers.
 * Statements found inside DO blocks count too (they are in the list the engine passes).
 */
export class CreatedObjectsTracker {
  private readonly tables = new Map<string, number>();
  private readonly indexes = new Map<string, number>();
  private readonly types = new Map<string, number>();
  private readonly order = new Map<Statement, number>();

  constructor(statements: readonly Statement[]) {
    const first = (map: Map<string, number>, name: string | undefined, i: number) => {
      if (name !== undefined && !map.has(name)) map.set(name, i);
    };
    statements.forEach((s, i) => {
      this.order.set(s, i);
      first(this.tables, createdTable(s), i);
      if (s.kind === 'IndexStmt') first(this.indexes, s.node.idxname, i);
      first(this.types, createdType(s), i);
    });
  }

  before(stmt: Statement): CreatedObjects {
    // Rules ask this for most statements: one small object rather than three closures.
    return new CreatedBefore(this.tables, this.indexes, this.types, this.order.get(stmt) ?? Number.MAX_SAFE_INTEGER);
  }
}

class CreatedBefore implements CreatedObjects {
  constructor(
    private readonly tables: Map<string, number>,
    private readonly indexes: Map<string, number>,
    private readonly types: Map<string, number>,
    private readonly at: number,
  ) {}

  table(name: string | undefined): boolean {
    return this.earlier(this.tables, name);
  }

  index(name: string | undefined): boolean {
    return this.earlier(this.indexes, name);
  }

  type(name: string | undefined): boolean {
    return this.earlier(this.types, name);
  }

  private earlier(map: Map<string, number>, name: string | undefined): boolean {
    return name !== undefined && (map.get(name) ?? Number.MAX_SAFE_INTEGER) < this.at;
  }
}

function createdTable(s: Statement): string | undefined {
  switch (s.kind) {
    case 'CreateStmt':
      return s.node.relation?.relname;
    case 'CreateTableAsStmt':
      return s.node.into?.rel?.relname;
    case 'SelectStmt':
      return s.node.intoClause?.rel?.relname;
    default:
      return undefined;
  }
}

function lastName(list: unknown): string | undefined {
  const parts = nameParts(list);
  return parts[parts.length - 1];
}

function createdType(s: Statement): string | undefined {
  switch (s.kind) {
    case 'CreateEnumStmt':
      return lastName(s.node.typeName);
    case 'CreateDomainStmt':
      return lastName(s.node.domainname);
    case 'CreateRangeStmt':
      return lastName(s.node.typeName);
    case 'CompositeTypeStmt':
      return s.node.typevar?.relname;
    default:
      return undefined;
  }
}
