/**
 * What every Django operation handler works with: the migration being read, the project
 * state the operations change, and the sections their SQL goes to. One context per
 * operation list; a nested list (SeparateDatabaseAndState, RunSQL's state_operations)
 * gets its own, over the state it is meant to change.
 */
import type { SyntaxNode } from '@lezer/common';
import type { SectionBuilder } from '../lower.js';
import { djangoField, type DjField, type ModelLookup } from '../django-fields.js';
import { lookupFor, type DjMigrationInfo, type DjModel, type DjState } from '../django-state.js';
import { strConst, type Call, type Scope } from '../values.js';

export interface Emit {
  up: SectionBuilder;
  down: SectionBuilder;
  /** Lowering of reverse SQL / code, run in reverse operation order after the up pass. */
  reverse: (() => void)[];
  irreversible: { node: SyntaxNode; reason: string }[];
}

/** One operation call, `migrations.AddField(model_name='book', name='isbn', field=...)`. */
export interface Operation {
  /** The operation's class name: `AddField`. */
  kind: string;
  call: Call;
  /** An argument, by keyword or else by position: Django's generated files use either. */
  arg(index: number, keyword: string): SyntaxNode | undefined;
}

export type OperationHandler = (ctx: OpContext, op: Operation) => void;

/** Lowers one operation node; given to the context so handlers that run nested lists need not import the dispatcher. */
export type LowerOperation = (ctx: OpContext, node: SyntaxNode) => void;

export class OpContext {
  /**
   * Models this context may change in place: the ones it created or copied. Any other
   * model is shared with earlier migrations' states and is copied on first write.
   */
  readonly owned = new Set<DjModel>();
  readonly scope: Scope;
  readonly app: string;
  /** How many calls this context could not lower: the dispatcher tells an operation that failed by it. */
  notLowered = 0;

  constructor(
    readonly info: DjMigrationInfo,
    readonly state: DjState,
    /** Undefined when only the state matters: replaying a dependency, or state_operations. */
    readonly emit: Emit | undefined,
    private readonly lowerOperation: LowerOperation,
  ) {
    this.scope = info.classScope;
    this.app = info.app;
  }

  run(ops: SyntaxNode[]): void {
    for (const op of ops) this.lowerOperation(this, op);
  }

  /** A context for a nested operation list, over `state`, writing SQL to `emit` (none: state only). */
  nested(state: DjState, emit: Emit | undefined): OpContext {
    return new OpContext(this.info, state, emit, this.lowerOperation);
  }

  get lookup(): ModelLookup {
    const custom = this.info.customFields;
    return lookupFor(this.state, custom && ((classPath) => custom.resolve(classPath, this.info.path)));
  }

  /**
   * The state as it stands, kept: the models in it stop being this context's to change, so
   * the next write copies them (`mutableModel`) and the returned state never changes.
   */
  settle(): DjState {
    this.owned.clear();
    return new Map(this.state);
  }

  /** `'Book'` → `shop.book`: operations name models of their own app. */
  modelKey(node: SyntaxNode | undefined): string {
    return modelKeyIn(this.scope, this.app, node);
  }

  tableOf(key: string): string {
    return this.state.get(key)?.table ?? this.lookup.tableOf(key);
  }

  /** Unmanaged and proxy models have no table of their own: Django runs no SQL for them. */
  isManaged(key: string): boolean {
    return this.state.get(key)?.managed ?? true;
  }

  fieldOf(node: SyntaxNode | undefined, name: string, modelName: string): DjField | undefined {
    return node ? djangoField(this.scope, node, name, this.app, modelName, this.lookup) : undefined;
  }

  emitSql(node: SyntaxNode, sql: string[]): void {
    if (!this.emit) return;
    this.emit.up.analysed();
    this.emit.up.builder(sql, node);
  }

  /**
   * One operation's SQL in parts, in order: those whose DROPs end with Django's own CASCADE
   * (`frameworkCascade`, see SqlChunk) and those whose CASCADE reaches something known.
   */
  emitDrops(node: SyntaxNode, parts: { sql: string[]; frameworkCascade: boolean }[]): void {
    if (!this.emit) return;
    this.emit.up.analysed();
    for (const part of parts) this.emit.up.builder(part.sql, node, { frameworkCascade: part.frameworkCascade });
  }

  /** Understood, and runs no SQL. */
  analysed(): void {
    this.emit?.up.analysed();
  }

  unanalysed(node: SyntaxNode, reason: string): void {
    this.notLowered++;
    this.emit?.up.unanalysed(node, reason);
  }
}

/** `'Book'` → `shop.book`: operations name models of their own app. */
export function modelKeyIn(scope: Scope, app: string, node: SyntaxNode | undefined): string {
  const name = strConst(scope, node);
  return `${app}.${(name ?? '?').toLowerCase()}`;
}

/** A field's column; `pk` names the primary key, and an unknown field is taken to be its own column. */
export function columnOf(model: DjModel | undefined, fieldName: string): string {
  if (fieldName === 'pk' && model) {
    for (const f of model.fields.values()) if (f.primaryKey) return f.column;
  }
  return model?.fields.get(fieldName)?.column ?? fieldName;
}
