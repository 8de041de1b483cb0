/**
 * Lints a run's migrations in the plan's order, each against the schema model the ones
 * before it built: the model replays every migration under the paths, also those not
 * reported (with `--changed-since`, the ones not in the change set feed the model only).
 * A cached result is reused when the unit and every migration before it are unchanged;
 * a cached migration feeds the model from its stored events, without being read.
 */
import type { Finding, Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import type { ReadFile } from '../frontends/registry.js';
import { SchemaModel } from '../schema/model.js';
import { MigrationReplay, replayEvents, type MigrationIdentity } from '../schema/replay.js';
import type { StatementEvents } from '../schema/events.js';
import { LintCache, type Entry } from './cache.js';
import type { UnitLinter } from './unit-linter.js';
import { unitResult } from './unit-result.js';
import { replayOrder } from './replay-order.js';
import { migrationLabel } from './migration-label.js';
import { seedModel, upEvents } from './schema-seed.js';

/** The run's files: read once, with content hashes for the cache. */
export interface RunFileAccess {
  read: ReadFile;
  tryRead(file: string): string | undefined;
  hash(file: string): string | undefined;
  hold(file: string, text: string): void;
  release(file: string): void;
}

export interface ReplayRun {
  linter: UnitLinter;
  files: RunFileAccess;
  /** Units to report, each with its place among the reported ones (the order results are handed on in). */
  reported: ReadonlyMap<MigrationUnit, number>;
  /** Whether the reported units are a change set (`--changed-since`): what they create counts as new for the ones after. */
  changeSet: boolean;
  /** Keep each migration's IR in its result rather than a summary. */
  retainIR: boolean;
  cache?: LintCache;
  /** A line for the user about what the run could not use (a schema dump that does not parse). */
  onNote?(note: string): void;
  onResult(index: number, migration: Migration | undefined, findings: Finding[]): void;
}

export const unitFiles = (unit: MigrationUnit) => [unit.path, unit.up, unit.down];

/** A unit's content hash and its cache entry, when the cache knows it unchanged. */
interface Cached {
  hash: string;
  entry?: Entry;
}

/** Lints `units` (every migration under the run's paths) in the plan's order. */
export async function replayRun(units: readonly MigrationUnit[], run: ReplayRun): Promise<void> {
  const { linter, files, reported, cache } = run;
  await linter.prepare(units);
  const cached = new Map<MigrationUnit, Cached>();
  if (cache) for (const unit of units) cached.set(unit, lookUp(cache, unit, files));
  // Graph-placed migrations are read to be ordered; each is linted from this reading.
  const held = new Map<MigrationUnit, Migration | undefined>();
  const graphOf = (unit: MigrationUnit) => {
    const stored = cached.get(unit)?.entry?.migration;
    if (stored !== undefined) return stored ?? undefined;
    const m = linter.read(unit, files.read);
    held.set(unit, m);
    return m;
  };
  const { planned, outside } = replayOrder(units, graphOf);
  // Migrations after the last reported one cannot change a reported result.
  let last = planned.length - 1;
  while (last >= 0 && !reported.has(planned[last])) last--;

  const model = new SchemaModel();
  let prefix = '';
  // What existed before the first migration (Rails' db/schema.rb), when a frontend knows.
  const seeds = linter.seeds(units, files.read);
  for (const seed of seeds) if (seed.note) run.onNote?.(seed.note);
  const inRun = planned.slice(0, last + 1);
  const seeded = seeds.length ? seedModel(model, seeds, units, (unit) => cached.get(unit)?.entry?.schema ?? upEvents(held.has(unit) ? held.get(unit) : linter.read(unit, files.read))) : undefined;
  if (cache && seeded) for (const s of seeded) prefix = LintCache.prefix(prefix, s.file, false, s.events);
  for (const unit of inRun) {
    const fresh = run.changeSet && reported.has(unit);
    const turn = step(unit, model, fresh, prefix, cached.get(unit), held, run);
    if (cache) prefix = LintCache.prefix(prefix, turn.label, fresh, turn.events);
  }
  // Outside the plan, a migration is linted alone: nothing says what ran before it.
  for (const unit of outside) if (reported.has(unit)) step(unit, new SchemaModel(), false, '', cached.get(unit), held, run);
}

function lookUp(cache: LintCache, unit: MigrationUnit, files: RunFileAccess): Cached {
  const paths = unitFiles(unit);
  const contents = paths.map((f) => (f ? files.tryRead(f) : undefined));
  const hash = LintCache.hashUnit(unit, contents);
  const entry = cache.find(unit, hash, files.hash);
  // Held until the unit is read, so it is read once.
  if (!entry) paths.forEach((f, i) => f && contents[i] !== undefined && files.hold(f, contents[i]!));
  return { hash, ...(entry ? { entry } : {}) };
}

/** What a migration's turn left in the model: its name and its up section's events. */
interface Turn {
  label: string;
  events: readonly StatementEvents[];
}

/** One migration's turn: reuse what the cache holds, or read (and, when reported, lint) it. */
function step(unit: MigrationUnit, model: SchemaModel, fresh: boolean, prefix: string, c: Cached | undefined, held: Map<MigrationUnit, Migration | undefined>, run: ReplayRun): Turn {
  const index = run.reported.get(unit);
  const entry = c?.entry;
  if (run.cache && entry && (index === undefined || LintCache.usable(entry, prefix))) {
    const label = migrationLabel(unit, entry.migration);
    feed(model, { label, fresh }, entry.schema);
    if (index === undefined) run.cache.keep(unit, entry);
    else {
      const hit = run.cache.hit(unit, entry, (file) => run.files.tryRead(file));
      run.onResult(index, hit.migration ?? undefined, hit.findings);
    }
    return { label, events: entry.schema };
  }
  const migration = held.has(unit) ? held.get(unit) : run.linter.read(unit, run.files.read);
  held.delete(unit);
  let findings: Finding[] = [];
  let events: StatementEvents[] = [];
  const label = migrationLabel(unit, migration);
  if (migration) {
    const replay = new MigrationReplay(model, { label, fresh });
    if (index !== undefined) findings = run.linter.lintMigration(migration, replay);
    else replay.feed(migration);
    events = replay.finish();
  }
  for (const f of unitFiles(unit)) if (f) run.files.release(f);
  const result = unitResult(migration, findings, (f) => run.files.hash(f) ?? '');
  if (index !== undefined) run.onResult(index, run.retainIR ? migration : result.migration, findings);
  run.cache?.set(unit, c?.hash ?? '', result.deps, result.migration, findings, { linted: index !== undefined, prefix, schema: events });
  return { label, events };
}

/** Feeds the model stored events; events of another shape (a cache from elsewhere) only leave the model knowing less. */
function feed(model: SchemaModel, identity: MigrationIdentity, events: readonly StatementEvents[]): void {
  try {
    replayEvents(model, identity, events);
  } catch {
    // What was applied stays; the rest is unknown.
  }
}
