/**
 * What a statement does to the schema, as plain data: the schema model is built by
 * applying these, and a cached migration keeps its own so it can feed the model of a
 * later run without being parsed again. Names are bare (no schema), as the parser
 * folded them.
 */
import type { SqlType } from '../pg/types.js';
import type { Volatility } from '../pg/volatility.js';

export interface ColumnSpec {
  name: string;
  /** Undefined when the type was not understood. */
  type?: SqlType;
  /** `COLLATE` written on the column, as name parts. */
  collation?: string[];
  notNull: boolean;
  hasDefault: boolean;
}

export type ConstraintKind = 'check' | 'not-null' | 'primary' | 'unique' | 'foreign' | 'exclusion' | 'other';

export interface ConstraintSpec {
  /** As written, or the name PostgreSQL gives an unnamed one when that is predictable. */
  name?: string;
  kind: ConstraintKind;
  /** The column a `CHECK (col IS NOT NULL)` or a NOT NULL constraint proves holds no NULL. */
  notNullColumn?: string;
  /** The key columns of a PRIMARY KEY (they become NOT NULL). */
  keyColumns?: string[];
  /** False when added NOT VALID. */
  validated: boolean;
}

export type RelationKind = 'table' | 'view' | 'materialized-view';

export type SchemaEvent =
  | {
      kind: 'create-relation';
      relation: string;
      relkind: RelationKind;
      columns: ColumnSpec[];
      constraints: ConstraintSpec[];
      /** False when columns come from elsewhere too (LIKE, INHERITS, PARTITION OF, AS SELECT, a view's query). */
      complete: boolean;
      /** CREATE OR REPLACE (a view): an existing one is changed, not created anew. */
      replace?: boolean;
      /** The relations a view's query reads. */
      reads?: string[];
    }
  | { kind: 'drop-relation'; relation: string }
  | { kind: 'rename-relation'; from: string; to: string }
  | { kind: 'add-column'; table: string; column: ColumnSpec; ifNotExists: boolean }
  | { kind: 'drop-column'; table: string; column: string }
  | { kind: 'rename-column'; table: string; from: string; to: string }
  /** `type` undefined: changed to a type the model does not understand. */
  | { kind: 'column-type'; table: string; column: string; type?: SqlType; collation?: string[] }
  | { kind: 'column-default'; table: string; column: string; hasDefault: boolean }
  | { kind: 'column-not-null'; table: string; column: string; notNull: boolean }
  | { kind: 'add-constraint'; table: string; constraint: ConstraintSpec }
  | { kind: 'validate-constraint'; table: string; name: string }
  | { kind: 'drop-constraint'; table: string; name: string }
  | { kind: 'rename-constraint'; table: string; from: string; to: string }
  | { kind: 'create-index'; index: string; table: string; unique: boolean }
  | { kind: 'drop-index'; index: string }
  | { kind: 'rename-index'; from: string; to: string }
  | { kind: 'create-type'; name: string }
  | { kind: 'drop-type'; name: string }
  | { kind: 'declare-function'; name: string; min: number; max: number; volatility: Volatility };

/** The events of one statement, with the line it starts on (for messages about earlier migrations). */
export interface StatementEvents {
  line: number;
  events: SchemaEvent[];
}
