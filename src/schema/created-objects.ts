import type { Statement } from '../ir/types.js';
import { nameParts } from '../pg/ast.js';
import { moreVolatile, type Volatility } from '../pg/volatility.js';

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
      const fn = declaredFunction(s, i);
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
    // The latest declaration a call with this many arguments can mean (CREATE OR REPLACE
    // and ALTER FUNCTION replace earlier ones); overloads cannot be told apart by their
    // argument types here, so with no match the most volatile one counts.
    for (let i = earlier.length - 1; i >= 0; i--) if (arity >= earlier[i].min && arity <= earlier[i].max) return earlier[i].volatility;
    return earlier.map((d) => d.volatility).reduce(moreVolatile);
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

function volatilityOption(options: unknown): Volatility | undefined {
  for (const o of Array.isArray(options) ? options : []) {
    const d = o?.DefElem;
    if (d?.defname === 'volatility') {
      const v = String(d.arg?.String?.sval ?? '').toLowerCase();
      if (v === 'immutable' || v === 'stable' || v === 'volatile') return v;
    }
  }
  return undefined;
}

/** What a CREATE FUNCTION or ALTER FUNCTION says about a function's volatility. */
function declaredFunction(s: Statement, at: number): { name: string; declaration: FunctionDeclaration } | undefined {
  if (s.kind === 'CreateFunctionStmt' && !s.node.is_procedure) {
    const name = lastName(s.node.funcname);
    if (!name) return undefined;
    let min = 0;
    let max = 0;
    for (const p of s.node.parameters ?? []) {
      const param = (p as { FunctionParameter?: { mode?: string; defexpr?: unknown } }).FunctionParameter;
      const mode = param?.mode;
      if (mode === 'FUNC_PARAM_OUT' || mode === 'FUNC_PARAM_TABLE') continue;
      if (mode === 'FUNC_PARAM_VARIADIC') {
        max = Number.MAX_SAFE_INTEGER;
        continue;
      }
      max++;
      if (!param?.defexpr) min++;
    }
    // CREATE FUNCTION without IMMUTABLE or STABLE makes a VOLATILE function.
    return { name, declaration: { at, min, max, volatility: volatilityOption(s.node.options) ?? 'volatile' } };
  }
  if (s.kind === 'AlterFunctionStmt' && s.node.objtype !== 'OBJECT_PROCEDURE') {
    const volatility = volatilityOption(s.node.actions);
    const name = lastName(s.node.func?.objname);
    if (!volatility || !name) return undefined;
    const args = s.node.func?.args_unspecified ? undefined : (s.node.func?.objargs ?? []).length;
    return { name, declaration: { at, min: args ?? 0, max: args ?? Number.MAX_SAFE_INTEGER, volatility } };
  }
  return undefined;
}
