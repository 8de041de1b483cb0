/**
 * Django's `database_backwards`: what its schema editor runs to undo a schema operation
 * (CreateModel → DROP TABLE, AddField → DROP COLUMN, ...) when the migration is rolled
 * back. Django runs the operations backwards in reverse order, each from the project state
 * after it back to the state before it. The dispatcher keeps both states of every operation
 * (nothing changes them afterwards, see `OpContext.settle`) and, once the up is lowered,
 * hands them to the operation family's reverse handler, which prints the SQL with the up's
 * own printers, the two states swapped.
 *
 * That SQL is Django's, not the author's: it is marked `derived` (rules do not judge it),
 * and it goes to the down section with the reverses the author wrote (RunSQL's
 * reverse_sql, RunPython's reverse_code), which raw.ts lowers.
 */
import type { SyntaxNode } from '@lezer/common';
import type { ModelLookup } from '../django-fields.js';
import type { SectionBuilder } from '../lower.js';
import { lookupFor, type DjModel, type DjState } from '../django-state.js';
import type { Scope } from '../values.js';
import { modelKeyIn, type Operation } from './context.js';

export class Reversal {
  constructor(
    readonly scope: Scope,
    readonly app: string,
    /** The state before the operation: what its reverse goes back to. */
    readonly before: DjState,
    /** The state after it: what the database is in when its reverse runs. */
    readonly after: DjState,
    private readonly down: SectionBuilder,
    private readonly at: SyntaxNode,
  ) {}

  /** `'Book'` → `shop.book`. */
  modelKey(node: SyntaxNode | undefined): string {
    return modelKeyIn(this.scope, this.app, node);
  }

  lookup(state: DjState): ModelLookup {
    return lookupFor(state);
  }

  /** A model the reverse can rebuild from: one earlier migrations defined (not a stand-in). */
  known(state: DjState, key: string): DjModel | undefined {
    const model = state.get(key);
    return model && !model.stub ? model : undefined;
  }

  /** Unmanaged and proxy models have no table: Django runs nothing for them either way. */
  managed(key: string): boolean {
    return (this.after.get(key) ?? this.before.get(key))?.managed ?? true;
  }

  emit(sql: string[]): void {
    if (sql.length) this.down.builder(sql, this.at, { derived: true });
  }

  /** The reverse, or part of it, that could not be lowered; listed under the down. */
  notLowered(reason: string): void {
    this.down.unanalysed(this.at, reason);
  }
}

/** Lowers one operation's reverse, from the states the operation went between. */
export type ReverseHandler = (r: Reversal, op: Operation) => void;
