/** What the schema model stores about each object: plain records, replaced (never changed) when the object changes. */
import type { SqlType } from '../pg/types.js';
import type { Volatility } from '../pg/volatility.js';
import type { ConstraintKind, RelationKind } from './events.js';
import { History } from './history.js';

/** Where a fact was set: the migration, the line of its statement, and the statement's place in the replay. */
export interface OriginRecord {
  /** The migration, as its messages name it (`0003_add_name`, `shop.0007_order_note`). */
  migration: string;
  line: number;
  /** The statement's position in the replay. */
  at: number;
  /** Whether that migration is part of the change set being linted (not yet deployed). */
  fresh: boolean;
}

export interface ColumnRecord {
  name: string;
  /** Undefined: unknown. */
  type?: SqlType;
  /** Where the column got its current type. */
  typeSince?: OriginRecord;
  collation?: string[];
  /** Undefined: unknown (the column was first seen through a change to it). */
  notNull?: boolean;
  hasDefault?: boolean;
  /** Where the column was created (CREATE TABLE or ADD COLUMN); undefined when the model never saw it. */
  added?: OriginRecord;
  /** Whether it came with CREATE TABLE. */
  withTable: boolean;
}

export interface ConstraintRecord {
  name: string;
  kind: ConstraintKind;
  notNullColumn?: string;
  keyColumns?: string[];
  added: OriginRecord;
  /** Where it became valid; undefined while NOT VALID. */
  validated?: OriginRecord;
  /** Whether it was validated by the statement that added it (no NOT VALID). */
  validatedOnAdd: boolean;
}

export interface IndexRecord {
  table: string;
  unique: boolean;
  created: OriginRecord;
}

export interface FunctionRecord {
  at: number;
  min: number;
  max: number;
  volatility: Volatility;
  declared: OriginRecord;
}

/** Every declaration of one function name, in replay order. */
export class FunctionDeclarations {
  readonly list: FunctionRecord[] = [];

  /** Forgets the declarations made at `from` or later. */
  truncate(from: number): void {
    while (this.list.length && this.list[this.list.length - 1].at >= from) this.list.pop();
  }
}

/**
 * A table, view or materialized view. Its identity follows renames: the model maps
 * names to records, and the record's columns and constraints keep their histories.
 */
export class RelationRecord {
  readonly columns = new Map<string, History<ColumnRecord>>();
  readonly constraints = new Map<string, History<ConstraintRecord>>();
  readonly reads = new History<string[]>();

  constructor(
    readonly kind: RelationKind,
    /** Undefined for a table the model only saw being changed. */
    readonly created: OriginRecord | undefined,
    /** Whether `columns` lists every column (a plain CREATE TABLE the model saw). */
    readonly complete: boolean,
  ) {}
}
