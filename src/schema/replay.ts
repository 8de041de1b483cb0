/**
 * One migration's turn in the schema model: its sections are replayed statement by
 * statement, and rules ask what was known just before any of those statements. The up
 * section stays in the model for the migrations after it; the down section is replayed
 * on top of the up (that is the schema it runs against) and forgotten afterwards.
 */
import type { Migration, Statement } from '../ir/types.js';
import { withEmbeddedStatements } from '../pg/plpgsql.js';
import type { StatementEvents } from './events.js';
import { SchemaModel } from './model.js';
import type { OriginRecord } from './records.js';
import { StateAt, type Origin, type SchemaState } from './state.js';
import { statementEvents } from './statement-events.js';

/** How the model names a migration in messages, and whether it is part of the change set. */
export interface MigrationIdentity {
  /** `0003_add_name`, `shop.0007_order_note`. */
  label: string;
  /** Part of the change set being linted (not yet deployed): its tables count as new for the migrations after it. */
  fresh: boolean;
}

/** What rules ask of one section. */
export interface SectionSchema {
  /** The schema just before `stmt`: earlier migrations, then this section's statements before it. */
  before(stmt: Statement): SchemaState;
}

export class MigrationReplay {
  private readonly positions = new Map<Statement, number>();
  private readonly statements = new Map<number, Statement>();
  private readonly upEvents: StatementEvents[] = [];
  private readonly resolve = (o: OriginRecord): Origin => {
    const statement = this.statements.get(o.at);
    return { migration: o.migration, line: o.line, fresh: o.fresh, ...(statement ? { statement } : {}) };
  };

  constructor(
    private readonly model: SchemaModel,
    private readonly identity: MigrationIdentity,
  ) {}

  /** A replay against an empty model: a migration linted on its own. */
  static alone(label = 'this migration'): MigrationReplay {
    return new MigrationReplay(new SchemaModel(), { label, fresh: false });
  }

  /**
   * Replays a section (the statements rules see, those inside DO blocks included). The
   * up section must come first; a down section is forgotten by `finish`.
   */
  section(name: 'up' | 'down', statements: readonly Statement[]): SectionSchema {
    if (name === 'down') this.model.beginTransient();
    const start = this.model.nextPosition();
    for (const s of statements) {
      const at = this.model.nextPosition();
      this.positions.set(s, at);
      this.statements.set(at, s);
      const events = statementEvents(s);
      if (!events.length) continue;
      const origin: OriginRecord = { migration: this.identity.label, line: s.range.start.line, at, fresh: this.identity.fresh };
      for (const e of events) this.model.apply(e, origin);
      if (name === 'up') this.upEvents.push({ line: origin.line, events });
    }
    const states = new Map<number, StateAt>();
    return {
      before: (stmt) => {
        const at = this.positions.get(stmt) ?? start;
        let state = states.get(at);
        if (!state) states.set(at, (state = new StateAt(this.model, at, this.resolve)));
        return state;
      },
    };
  }

  /** Replays a migration's up section without linting it: one that only feeds the model. */
  feed(migration: Migration): void {
    this.section('up', withEmbeddedStatements(migration.up.statements));
  }

  /** Ends the migration's turn: forgets its down section, and gives its up section's events (for the cache). */
  finish(): StatementEvents[] {
    this.model.forgetTransient();
    return this.upEvents;
  }
}

/** Feeds the model a migration known only by its up section's events (a cached one), without linting it. */
export function replayEvents(model: SchemaModel, identity: MigrationIdentity, events: readonly StatementEvents[]): void {
  model.nextPosition();
  for (const { line, events: list } of events) {
    const origin: OriginRecord = { migration: identity.label, line, at: model.nextPosition(), fresh: identity.fresh };
    for (const e of list) model.apply(e, origin);
  }
}
