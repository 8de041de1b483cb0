/**
 * The schema as the model knew it just before one statement: what rules ask. Every
 * answer may be undefined, meaning unknown (no migration the model replayed said), and a
 * rule then keeps its behaviour without the model.
 */
import type { Statement } from '../ir/types.js';
import type { SqlType } from '../pg/types.js';
import type { Volatility } from '../pg/volatility.js';
import type { ConstraintKind, RelationKind } from './events.js';
import type { SchemaModel } from './model.js';
import type { ColumnRecord, ConstraintRecord, OriginRecord } from './records.js';
import { matchingDeclaration } from './function-declarations.js';

/** Where a fact comes from. */
export interface Origin {
  /** The migration, as messages name it (`0003_add_name`). */
  migration: string;
  line: number;
  /** Whether that migration is part of the change set being linted (not yet deployed). */
  fresh: boolean;
  /** The statement, when it is in the migration being linted. */
  statement?: Statement;
}

export interface RelationFacts {
  name: string;
  kind: RelationKind;
  /** Undefined when the model never saw it created (only changed). */
  created?: Origin;
  /** The relations a view's query reads. */
  reads: string[];
}

export interface ColumnFacts {
  table: string;
  name: string;
  type?: SqlType;
  typeSince?: Origin;
  collation?: string[];
  notNull?: boolean;
  hasDefault?: boolean;
  /** Where the column was created; undefined when the model never saw that. */
  added?: Origin;
  /** Whether it came with CREATE TABLE. */
  withTable: boolean;
}

export interface ConstraintFacts {
  table: string;
  name: string;
  kind: ConstraintKind;
  /** The column a `CHECK (col IS NOT NULL)` or a NOT NULL constraint proves holds no NULL. */
  notNullColumn?: string;
  added: Origin;
  /** Where it became valid; undefined while NOT VALID. */
  validated?: Origin;
  /** Whether the statement that added it validated it (no NOT VALID). */
  validatedOnAdd: boolean;
}

export interface IndexFacts {
  name: string;
  table: string;
  unique: boolean;
  created: Origin;
}

export interface FunctionFacts {
  volatility: Volatility;
  declared: Origin;
}

export interface SchemaState {
  /** A table, view or materialized view. */
  relation(name: string | undefined): RelationFacts | undefined;
  column(table: string | undefined, column: string | undefined): ColumnFacts | undefined;
  constraint(table: string | undefined, name: string | undefined): ConstraintFacts | undefined;
  /** Every constraint known on a table. */
  constraints(table: string | undefined): ConstraintFacts[];
  index(name: string | undefined): IndexFacts | undefined;
  /** Where a type (enum, domain, composite, range) was created. */
  type(name: string | undefined): Origin | undefined;
  /** The volatility CREATE FUNCTION / ALTER FUNCTION gave the function a call with `arity` arguments means. */
  function(name: string, arity: number): FunctionFacts | undefined;
  /**
   * Whether a migration of the change set (`--changed-since`: not deployed yet) created
   * this table or materialized view, index or type: nobody uses it yet.
   */
  createdByChangeSet(what: 'relation' | 'index' | 'type', name: string | undefined): boolean;
}

/** Turns an origin record into an `Origin`, with the statement when it is in the migration being linted. */
export type OriginResolver = (origin: OriginRecord) => Origin;

/** The model's state just before position `at`. */
export class StateAt implements SchemaState {
  constructor(
    private readonly model: SchemaModel,
    private readonly at: number,
    private readonly resolve: OriginResolver,
  ) {}

  relation(name: string | undefined): RelationFacts | undefined {
    const rec = this.record(name);
    if (!rec || name === undefined) return undefined;
    return { name, kind: rec.kind, ...(rec.created ? { created: this.resolve(rec.created) } : {}), reads: rec.reads.get(this.at) ?? [] };
  }

  column(table: string | undefined, column: string | undefined): ColumnFacts | undefined {
    const c = column === undefined ? undefined : this.record(table)?.columns.get(column)?.get(this.at);
    return c && this.columnFacts(table!, c);
  }

  constraint(table: string | undefined, name: string | undefined): ConstraintFacts | undefined {
    const c = name === undefined ? undefined : this.record(table)?.constraints.get(name)?.get(this.at);
    return c && this.constraintFacts(table!, c);
  }

  constraints(table: string | undefined): ConstraintFacts[] {
    const out: ConstraintFacts[] = [];
    for (const h of this.record(table)?.constraints.values() ?? []) {
      const c = h.get(this.at);
      if (c) out.push(this.constraintFacts(table!, c));
    }
    return out;
  }

  index(name: string | undefined): IndexFacts | undefined {
    const i = name === undefined ? undefined : this.model.indexes.get(name)?.get(this.at);
    return i && { name: name!, table: i.table, unique: i.unique, created: this.resolve(i.created) };
  }

  type(name: string | undefined): Origin | undefined {
    const o = name === undefined ? undefined : this.model.types.get(name)?.get(this.at);
    return o && this.resolve(o);
  }

  function(name: string, arity: number): FunctionFacts | undefined {
    const earlier = (this.model.functions.get(name)?.list ?? []).filter((d) => d.at < this.at);
    if (!earlier.length) return undefined;
    const d = earlier[matchingDeclaration(earlier, arity)];
    return { volatility: d.volatility, declared: this.resolve(d.declared) };
  }

  createdByChangeSet(what: 'relation' | 'index' | 'type', name: string | undefined): boolean {
    // Asked for nearly every statement by many rules: no facts are built for it.
    if (!this.model.changeSetSeen || name === undefined) return false;
    if (what === 'relation') return this.record(name)?.created?.fresh === true;
    if (what === 'index') return this.model.indexes.get(name)?.get(this.at)?.created.fresh === true;
    return this.model.types.get(name)?.get(this.at)?.fresh === true;
  }

  private record(name: string | undefined) {
    return name === undefined ? undefined : this.model.relations.get(name)?.get(this.at);
  }

  private columnFacts(table: string, c: ColumnRecord): ColumnFacts {
    return {
      table,
      name: c.name,
      ...(c.type ? { type: c.type } : {}),
      ...(c.typeSince && c.type ? { typeSince: this.resolve(c.typeSince) } : {}),
      ...(c.collation ? { collation: c.collation } : {}),
      ...(c.notNull !== undefined ? { notNull: c.notNull } : {}),
      ...(c.hasDefault !== undefined ? { hasDefault: c.hasDefault } : {}),
      ...(c.added ? { added: this.resolve(c.added) } : {}),
      withTable: c.withTable,
    };
  }

  private constraintFacts(table: string, c: ConstraintRecord): ConstraintFacts {
    return {
      table,
      name: c.name,
      kind: c.kind,
      ...(c.notNullColumn ? { notNullColumn: c.notNullColumn } : {}),
      added: this.resolve(c.added),
      ...(c.validated ? { validated: this.resolve(c.validated) } : {}),
      validatedOnAdd: c.validatedOnAdd,
    };
  }
}
