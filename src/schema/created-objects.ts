import type { Statement } from '../ir/types.js';
import { nameParts } from '../pg/ast.js';
import type { Volatility } from '../pg/volatility.js';
import { declaredFunction, matchingDeclaration } from './function-declarations.js';

/** What a rule can ask about objects the same migration created earlier. */
export interface CreatedObjects {
  /** A table or materialized view (CREATE TABLE, CREATE TABLE AS, SELECT INTO, CREATE MATERIALIZED VIEW). */
  table(name: string | undefined): boolean;
  index(name: string | undefined): boolean;
  /** A type: enum, domain, composite or range. */
  type(name: string | undefined): boolean;
  /**
   * The volatility a function of this name (without schema), called with `arity`
   * arguments, was given by CREATE FUNCTION (VOLATILE when it says nothing) or a later
   * ALTER FUNCTION; undefined when the migration did not create one.
   */
  functionVolatility(name: string, arity: number): Volatility | undefined;
}

/** One CREATE FUNCTION or ALTER FUNCTION ... IMMUTABLE/STABLE/VOLATILE, in statement order. */
interface FunctionDeclaration {
  at: number;
  /** The argument counts a call may have: defaults lower `min`, VARIADIC lifts `max`. */
  min: number;
  max: number;
  volatility: Volatility;
}

/**
 * Records, in statement order, the tables, indexes, types and functions a migration creates, so
 * rules can tell a hazard on a live table from harmless work on a table nobody uses yet.
 * Names are compared without schema: the parser already folds unquoted identifiers.
 * Statements found inside DO blocks count too (they are in the list the engine passes).
 */
export class CreatedObjectsTracker {
  private readonly tables = new Map<string, number>();
  private readonly indexes = new Map<string, number>();
  private readonly types = new Map<string, number>();
  private readonly functions = new Map<string, FunctionDeclaration[]>();
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
      const fn = declaredAt(s, i);
      if (fn) {
        const list = this.functions.get(fn.name);
        if (list) list.push(fn.declaration);
        else this.functions.set(fn.name, [fn.declaration]);
      }
    });
  }

  before(stmt: Statement): CreatedObjects {
    // Rules ask this for most statements: one small object rather than four closures.
    return new CreatedBefore(this.tables, this.indexes, this.types, this.functions, this.order.get(stmt) ?? Number.MAX_SAFE_INTEGER);
  }
}

class CreatedBefore implements CreatedObjects {
  constructor(
    private readonly tables: Map<string, number>,
    private readonly indexes: Map<string, number>,
    private readonly types: Map<string, number>,
    private readonly functions: Map<string, FunctionDeclaration[]>,
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

  functionVolatility(name: string, arity: number): Volatility | undefined {
    const earlier = (this.functions.get(name) ?? []).filter((d) => d.at < this.at);
    if (earlier.length === 0) return undefined;
    return earlier[matchingDeclaration(earlier, arity)].volatility;
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

/** One CREATE FUNCTION or ALTER FUNCTION ... IMMUTABLE/STABLE/VOLATILE, at its place in the statement list. */
function declaredAt(s: Statement, at: number): { name: string; declaration: FunctionDeclaration } | undefined {
  const d = declaredFunction(s);
  return d && { name: d.name, declaration: { at, min: d.min, max: d.max, volatility: d.volatility } };
}
