/**
 * Lints one migration as `migratelint lint <folder>` does: against the schema model that
 * the migrations before it, in the plan's order, leave behind. A language server lints
 * the same migration on every keystroke, so what each earlier migration fed the model (its
 * up section's schema events, and for graph-placed ones what the plan needs to order them)
 * is kept between lints, keyed by its files' stamps: an edit re-reads the edited migration
 * only, and the others are replayed from their events without being parsed again.
 */
import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import type { StatementEvents } from '../schema/events.js';
import { SchemaModel } from '../schema/model.js';
import { MigrationReplay, replayEvents } from '../schema/replay.js';
import type { UnitLinter } from '../pipeline/unit-linter.js';
import { replayOrder } from '../pipeline/replay-order.js';
import { migrationLabel } from '../pipeline/migration-label.js';
import { summarize } from '../pipeline/summary.js';
import { unitFiles } from '../pipeline/replay-run.js';

/** Files as the editor sees them: open documents over the disk. */
export interface SourceFiles {
  read(file: string): string;
  /** Changes whenever the file's content may have: an open document's edit serial, else size and mtime. */
  stamp(file: string): string;
}

/** What one earlier migration contributes to the model, and when it was read. */
interface Turn {
  stamp: string;
  /** The other files its reading depended on (Django's earlier migrations), with their stamps. */
  inputs: [string, string][];
  /** The migration without its statements (what the plan orders by); null when the file is no migration. */
  stub: Migration | null;
  label: string;
  events: readonly StatementEvents[];
}

export interface UnitLint {
  /** The migration with its statements; undefined when the file is no migration (a helper module). */
  migration?: Migration;
  findings: Finding[];
}

const identity = (label: string) => ({ label, fresh: false });

export class HistoryLinter {
  private readonly turns = new Map<string, Turn>();

  constructor(readonly linter: UnitLinter) {}

  /** Lints `target`, one of `units` (every migration of its folder or the config's include). */
  async lint(units: readonly MigrationUnit[], target: MigrationUnit, files: SourceFiles): Promise<UnitLint> {
    await this.linter.prepare([...units, target]);
    // A fresh function per lint: frontends keep per-run caches keyed by the read function.
    const read = (file: string) => files.read(file);
    const migration = this.linter.read(target, read);
    // Not a migration (a helper module, any source file the editor opened): no history to read.
    if (!migration) {
      this.remember(target, files, null, []);
      return { findings: [] };
    }
    const { planned } = replayOrder(units.includes(target) ? units : [...units, target], (unit) =>
      unit === target ? migration : (this.turnOf(unit, files, read).stub ?? undefined),
    );
    const model = new SchemaModel();
    // Outside the plan (a duplicate id, a revision no graph reaches), a migration is linted alone.
    const at = planned.indexOf(target);
    for (const unit of at >= 0 ? planned.slice(0, at) : []) {
      const turn = this.turnOf(unit, files, read);
      if (turn.stub) replayEvents(model, identity(turn.label), turn.events);
    }
    const label = migrationLabel(target, migration);
    const replay = new MigrationReplay(model, identity(label));
    const findings = this.linter.lintMigration(migration, replay);
    this.remember(target, files, migration, replay.finish());
    return { migration, findings };
  }

  private stampOf(unit: MigrationUnit, files: SourceFiles): string {
    return unitFiles(unit)
      .map((f) => (f ? files.stamp(f) : '-'))
      .join('\0');
  }

  private turnOf(unit: MigrationUnit, files: SourceFiles, read: (file: string) => string): Turn {
    const stamp = this.stampOf(unit, files);
    const known = this.turns.get(unit.key);
    if (known && known.stamp === stamp && known.inputs.every(([f, s]) => files.stamp(f) === s)) return known;
    const migration = this.linter.read(unit, read);
    let events: StatementEvents[] = [];
    if (migration) {
      // Events depend on the statements alone: a scratch model gives them without linting.
      const replay = new MigrationReplay(new SchemaModel(), identity(''));
      replay.feed(migration);
      events = replay.finish();
    }
    return this.remember(unit, files, migration ?? null, events, stamp);
  }

  private remember(unit: MigrationUnit, files: SourceFiles, migration: Migration | null, events: readonly StatementEvents[], stamp = this.stampOf(unit, files)): Turn {
    const turn: Turn = {
      stamp,
      inputs: (migration?.inputs ?? []).map((f): [string, string] => [f, files.stamp(f)]),
      stub: migration && summarize(migration, []),
      label: migrationLabel(unit, migration),
      events,
    };
    this.turns.set(unit.key, turn);
    return turn;
  }
}
