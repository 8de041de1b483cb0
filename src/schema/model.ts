/**
 * The schema model: migrations replayed statically, in the plan's order, statement by
 * statement. Every fact keeps its history by position, so the model answers "what was
 * known just before statement N" for any N of the migrations replayed so far. It never
 * guesses: what no replayed statement said is unknown (undefined).
 */
import type { ConstraintSpec, SchemaEvent } from './events.js';
import { History } from './history.js';
import { FunctionDeclarations, RelationRecord, type ColumnRecord, type ConstraintRecord, type IndexRecord, type OriginRecord } from './records.js';

/** Something that can forget what was set from a position on. */
interface Truncatable {
  truncate(from: number): void;
}

export class SchemaModel {
  readonly relations = new Map<string, History<RelationRecord>>();
  readonly indexes = new Map<string, History<IndexRecord>>();
  readonly types = new Map<string, History<OriginRecord>>();
  readonly functions = new Map<string, FunctionDeclarations>();
  /** Whether any migration of a change set was replayed: until then nothing is new to the ones after it. */
  changeSetSeen = false;
  private position = 0;
  /** While a transient part (a down section) is replayed: where it began, and what it touched. */
  private transient?: { from: number; touched: Set<Truncatable> };

  /** A position for the next statement: later than every one given before. */
  nextPosition(): number {
    return ++this.position;
  }

  /**
   * Starts a part of the replay that is forgotten again with `forgetTransient` (a down
   * section: asked about while its migration is linted, but not what later migrations see).
   */
  beginTransient(): void {
    this.transient = { from: this.position + 1, touched: new Set() };
  }

  forgetTransient(): void {
    const t = this.transient;
    this.transient = undefined;
    if (!t) return;
    for (const h of t.touched) h.truncate(t.from);
  }

  /** Applies one event of the statement at `origin.at`. */
  apply(event: SchemaEvent, origin: OriginRecord): void {
    const at = origin.at;
    if (origin.fresh) this.changeSetSeen = true;
    switch (event.kind) {
      case 'create-relation': {
        const existing = this.relation(event.relation);
        if (event.replace && existing && existing.kind === event.relkind) {
          this.set(existing.reads, at, event.reads ?? []);
          return;
        }
        const rec = new RelationRecord(event.relkind, origin, event.complete);
        this.set(this.cell(this.relations, event.relation), at, rec);
        if (event.reads) this.set(rec.reads, at, event.reads);
        for (const c of event.columns) {
          const { name, type, collation, notNull, hasDefault } = c;
          this.setColumn(rec, name, at, { name, type, typeSince: origin, collation, notNull, hasDefault, added: origin, withTable: true });
        }
        for (const spec of event.constraints) this.addConstraint(rec, spec, origin);
        return;
      }
      case 'drop-relation':
        if (this.relation(event.relation)) this.set(this.cell(this.relations, event.relation), at, undefined);
        return;
      case 'rename-relation':
        return this.move(this.relations, event.from, event.to, at, () => new RelationRecord('table', undefined, false));
      case 'add-column': {
        const rec = this.tableForChange(event.table, at);
        if (event.ifNotExists && this.column(rec, event.column.name)) return;
        const { name, type, collation, notNull, hasDefault } = event.column;
        this.setColumn(rec, name, at, { name, type, typeSince: origin, collation, notNull, hasDefault, added: origin, withTable: false });
        return;
      }
      case 'drop-column': {
        const rec = this.relation(event.table);
        if (!rec) return;
        this.setColumn(rec, event.column, at, undefined);
        // PostgreSQL drops the constraints on that column alone with it.
        for (const [name, h] of rec.constraints) {
          const c = h.latest();
          if (c && (c.notNullColumn === event.column || c.keyColumns?.includes(event.column))) this.set(this.cell(rec.constraints, name), at, undefined);
        }
        return;
      }
      case 'rename-column': {
        const rec = this.tableForChange(event.table, at);
        const col = this.column(rec, event.from);
        this.setColumn(rec, event.from, at, undefined);
        this.setColumn(rec, event.to, at, { ...(col ?? { withTable: false }), name: event.to });
        // Constraints refer to columns by number: they follow the rename.
        for (const [name, h] of rec.constraints) {
          const c = h.latest();
          if (!c || (c.notNullColumn !== event.from && !c.keyColumns?.includes(event.from))) continue;
          const renamed: ConstraintRecord = {
            ...c,
            ...(c.notNullColumn === event.from ? { notNullColumn: event.to } : {}),
            ...(c.keyColumns ? { keyColumns: c.keyColumns.map((k) => (k === event.from ? event.to : k)) } : {}),
          };
          this.set(this.cell(rec.constraints, name), at, renamed);
        }
        return;
      }
      case 'column-type':
        return this.changeColumn(event.table, event.column, at, (c) => ({ ...c, type: event.type, typeSince: origin, collation: event.collation }));
      case 'column-default':
        return this.changeColumn(event.table, event.column, at, (c) => ({ ...c, hasDefault: event.hasDefault }));
      case 'column-not-null':
        return this.changeColumn(event.table, event.column, at, (c) => ({ ...c, notNull: event.notNull }));
      case 'add-constraint':
        return this.addConstraint(this.tableForChange(event.table, at), event.constraint, origin);
      case 'validate-constraint': {
        const rec = this.relation(event.table);
        const c = rec?.constraints.get(event.name)?.latest();
        if (!rec || !c || c.validated) return;
        this.set(this.cell(rec.constraints, event.name), at, { ...c, validated: origin, validatedOnAdd: false });
        if (c.kind === 'not-null' && c.notNullColumn) this.changeColumn(event.table, c.notNullColumn, at, (col) => ({ ...col, notNull: true }));
        return;
      }
      case 'drop-constraint': {
        const rec = this.relation(event.table);
        const c = rec?.constraints.get(event.name)?.latest();
        if (!rec || !c) return;
        this.set(this.cell(rec.constraints, event.name), at, undefined);
        if (c.kind === 'not-null' && c.validated && c.notNullColumn) this.changeColumn(event.table, c.notNullColumn, at, (col) => ({ ...col, notNull: false }));
        return;
      }
      case 'rename-constraint': {
        const rec = this.relation(event.table);
        const c = rec?.constraints.get(event.from)?.latest();
        if (!rec || !c) return;
        this.set(this.cell(rec.constraints, event.from), at, undefined);
        this.set(this.cell(rec.constraints, event.to), at, { ...c, name: event.to });
        return;
      }
      case 'create-index':
        this.set(this.cell(this.indexes, event.index), at, { table: event.table, unique: event.unique, created: origin });
        return;
      case 'drop-index':
        if (this.indexes.get(event.index)?.latest()) this.set(this.cell(this.indexes, event.index), at, undefined);
        return;
      case 'rename-index':
        if (this.indexes.get(event.from)?.latest()) this.move(this.indexes, event.from, event.to, at);
        return;
      case 'create-type':
        this.set(this.cell(this.types, event.name), at, origin);
        return;
      case 'drop-type':
        if (this.types.get(event.name)?.latest()) this.set(this.cell(this.types, event.name), at, undefined);
        return;
      case 'declare-function': {
        let declarations = this.functions.get(event.name);
        if (!declarations) this.functions.set(event.name, (declarations = new FunctionDeclarations()));
        declarations.list.push({ at, min: event.min, max: event.max, volatility: event.volatility, declared: origin });
        this.transient?.touched.add(declarations);
        return;
      }
    }
  }

  private relation(name: string): RelationRecord | undefined {
    return this.relations.get(name)?.latest();
  }

  private column(rec: RelationRecord, name: string): ColumnRecord | undefined {
    return rec.columns.get(name)?.latest();
  }

  /** The table an ALTER acts on: the known one, or a record for one the model never saw created. */
  private tableForChange(name: string, at: number): RelationRecord {
    const known = this.relation(name);
    if (known) return known;
    const rec = new RelationRecord('table', undefined, false);
    this.set(this.cell(this.relations, name), at, rec);
    return rec;
  }

  /** Changes a column; a column the model did not know starts with only what this change says. */
  private changeColumn(table: string, name: string, at: number, change: (c: ColumnRecord) => ColumnRecord): void {
    const rec = this.tableForChange(table, at);
    this.setColumn(rec, name, at, change(this.column(rec, name) ?? { name, withTable: false }));
  }

  private setColumn(rec: RelationRecord, name: string, at: number, value: ColumnRecord | undefined): void {
    this.set(this.cell(rec.columns, name), at, value);
  }

  private addConstraint(rec: RelationRecord, spec: ConstraintSpec, origin: OriginRecord): void {
    const at = origin.at;
    const { name, kind, notNullColumn, keyColumns, validated } = spec;
    if (name) {
      this.set(this.cell(rec.constraints, name), at, {
        name,
        kind,
        ...(notNullColumn ? { notNullColumn } : {}),
        ...(keyColumns ? { keyColumns } : {}),
        added: origin,
        ...(validated ? { validated: origin } : {}),
        validatedOnAdd: validated,
      });
    }
    // A primary key, and (PostgreSQL 18) a valid NOT NULL constraint, mark their columns NOT NULL.
    const notNull = kind === 'primary' ? (keyColumns ?? []) : kind === 'not-null' && validated && notNullColumn ? [notNullColumn] : [];
    for (const column of notNull) this.setColumn(rec, column, at, { ...(this.column(rec, column) ?? { name: column, withTable: false }), notNull: true });
  }

  /** Moves what a name held to another name (a rename); `unknown` stands in when the old name held nothing known. */
  private move<T>(map: Map<string, History<T>>, from: string, to: string, at: number, unknown?: () => T): void {
    const value = map.get(from)?.latest() ?? unknown?.();
    if (map.get(from)?.latest()) this.set(this.cell(map, from), at, undefined);
    this.set(this.cell(map, to), at, value);
  }

  private cell<T>(map: Map<string, History<T>>, name: string): History<T> {
    let h = map.get(name);
    if (!h) map.set(name, (h = new History<T>()));
    return h;
  }

  private set<T>(h: History<T>, at: number, value: T | undefined): void {
    h.set(at, value);
    this.transient?.touched.add(h);
  }
}
