/**
 * Seeds a run's schema model, before its first migration, with what frameworks' schema
 * dumps say existed before the migrations (`Frontend.seeds`: Rails' `db/schema.rb`).
 * A dump already holds the migrations' own changes, so every migration of the run is
 * looked at first for what it creates, and only the rest of the dump is seeded
 * (`src/schema/seed.ts`). A migration the cache holds gives its stored events; the
 * others are read for this and read again in their turn, so memory stays one
 * migration at a time.
 */
import type { MigrationUnit } from '../ir/unit.js';
import type { SchemaSeed } from '../frontends/registry.js';
import { withEmbeddedStatements } from '../pg/plpgsql.js';
import type { StatementEvents } from '../schema/events.js';
import { replayEvents } from '../schema/replay.js';
import type { SchemaModel } from '../schema/model.js';
import { MigrationMade, seedEvents } from '../schema/seed.js';
import { statementEvents } from '../schema/statement-events.js';
import type { Migration } from '../ir/types.js';

/** A migration's up-section events: stored ones, or read now. */
export type UpEvents = (unit: MigrationUnit) => readonly StatementEvents[];

/** The up-section events of a migration read from its files. */
export function upEvents(migration: Migration | undefined): StatementEvents[] {
  if (!migration) return [];
  const out: StatementEvents[] = [];
  for (const s of withEmbeddedStatements(migration.up.statements)) {
    const events = statementEvents(s);
    if (events.length) out.push({ line: s.range.start.line, events });
  }
  return out;
}

/**
 * Applies the seeds to `model` (named by their file in messages); returns what was
 * applied, per seed file, for the cache key (results depend on it), or undefined when
 * there was nothing to seed.
 */
export function seedModel(model: SchemaModel, seeds: readonly SchemaSeed[], units: readonly MigrationUnit[], eventsOf: UpEvents): { file: string; events: StatementEvents[] }[] | undefined {
  const usable = seeds.filter((s) => s.statements.length);
  if (!usable.length) return undefined;
  const made = new MigrationMade();
  for (const unit of units) made.add(eventsOf(unit));
  const applied: { file: string; events: StatementEvents[] }[] = [];
  for (const seed of usable) {
    const dump: StatementEvents[] = [];
    for (const s of seed.statements) {
      const events = statementEvents(s);
      if (events.length) dump.push({ line: s.range.start.line, events });
    }
    const events = seedEvents(dump, made);
    replayEvents(model, { label: seed.file, fresh: false }, events);
    applied.push({ file: seed.file, events });
  }
  return applied;
}
